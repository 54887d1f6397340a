package WarmTestClean;
# Leaves nothing behind: a zygote learns it.
sub hello { return 1 }
1;
