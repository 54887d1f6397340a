package WarmTestFxSelect;
# Selects STDERR for print: must not be learned.
select(STDERR);
1;
