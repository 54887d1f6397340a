package WarmTestFxListSep;
# Sets $": must not be learned.
$" = ",";
1;
