"""Prints as it is imported, without a newline: when a zygote learns it,
that must not reach the daemon's control pipe."""
print("noisy module imported", end="")
