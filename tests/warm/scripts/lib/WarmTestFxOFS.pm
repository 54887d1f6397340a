package WarmTestFxOFS;
# Sets $,: must not be learned.
$, = " ";
1;
