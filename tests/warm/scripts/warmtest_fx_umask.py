"""Sets the umask: must not be learned."""
import os

os.umask(0o077)
