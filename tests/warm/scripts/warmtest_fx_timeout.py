"""Sets the default socket time-out: must not be learned."""
import socket

socket.setdefaulttimeout(7)
