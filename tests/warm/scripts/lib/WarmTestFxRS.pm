package WarmTestFxRS;
# Sets $/: must not be learned.
$/ = "\r\n";
1;
