package WarmTestFxBinmodeOut;
# Gives STDOUT a layer: must not be learned.
binmode(STDOUT, ':utf8');
1;
