"""Changes nothing that code of others can see, only its own: a handler on
a logger of its own and a warning filter for a category of its own, as
libraries do.  A zygote learns it."""
import logging
import warnings


class CleanWarning(UserWarning):
    pass


logging.getLogger("warmtest_clean").addHandler(logging.NullHandler())
warnings.simplefilter("default", CleanWarning, append=True)
