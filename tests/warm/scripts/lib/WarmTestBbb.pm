package WarmTestBbb;
# Clean itself, but loads WarmTestAaa, which is not.
use WarmTestAaa;
1;
