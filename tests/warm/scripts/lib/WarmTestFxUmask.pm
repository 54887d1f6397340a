package WarmTestFxUmask;
# Sets the umask: must not be learned.
umask(077);
1;
