<?php
// The child serving, its php-cgi master, and the opcode cache's hits so
// far: one count for all the children of a master, whose memory it is.
header('Content-Type: text/plain');
$s = function_exists('opcache_get_status') ? opcache_get_status(false) : false;
echo "pid=", getmypid(), "\n";
echo "ppid=", posix_getppid(), "\n";
echo "hits=", $s ? $s['opcache_statistics']['hits'] : -1, "\n";
