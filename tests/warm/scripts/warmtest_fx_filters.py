"""Adds a warning filter: must not be learned."""
import warnings

warnings.filterwarnings("ignore", message="warmtest")
