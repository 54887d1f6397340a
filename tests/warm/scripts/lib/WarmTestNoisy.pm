package WarmTestNoisy;
# Prints as it loads, without a newline: when a zygote learns it, that must
# not reach the daemon's control pipe.
print "noisy module loaded";
1;
