package WarmTestEndBlock;
# Leaves an END block behind: a zygote must not learn it, or every request
# would run it.
END { print STDERR "WarmTestEndBlock END ran\n" }
1;
