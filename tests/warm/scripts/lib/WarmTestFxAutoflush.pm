package WarmTestFxAutoflush;
# Sets $| on STDOUT: must not be learned.
$| = 1;
1;
