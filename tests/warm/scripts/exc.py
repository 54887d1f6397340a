#!/usr/bin/python3
# An uncaught, chained exception: traceback on stderr, status 1.
print("before")
def inner():
    return {}["missing"]
def outer():
    try:
        inner()
    except KeyError as e:
        raise ValueError("boom") from e
outer()
