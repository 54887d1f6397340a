package WarmTestAaa;
# Leaves an END block behind (as File::Temp does).
END { print STDERR "WarmTestAaa END ran\n" }
1;
