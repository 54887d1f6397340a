package WarmTestFxORS;
# Sets $\: must not be learned.
$\ = "\n";
1;
