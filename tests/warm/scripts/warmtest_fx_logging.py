"""Gives the root logger a handler: must not be learned."""
import logging

logging.basicConfig()
