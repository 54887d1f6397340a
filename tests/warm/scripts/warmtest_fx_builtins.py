"""Replaces a built-in function: must not be learned."""
import builtins

_open = builtins.open
builtins.open = lambda *args, **kwargs: _open(*args, **kwargs)
