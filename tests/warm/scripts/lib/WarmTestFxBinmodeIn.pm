package WarmTestFxBinmodeIn;
# Gives STDIN a layer: must not be learned.
binmode(STDIN, ':crlf');
1;
