"""Changes how warnings are shown: must not be learned."""
import warnings

warnings.showwarning = lambda *args, **kwargs: None
