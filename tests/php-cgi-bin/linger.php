<?php
// Works on after its client has left: writes its pid, waits for the test
// to create linger.TAG.go (60 s at most), prints more than any socket
// buffer holds, logs a line to stderr, then writes linger.TAG.done with
// its pid.
$d = __DIR__ . '/..';
$tag = preg_replace('/[^a-z]/', '', $_GET['tag'] ?? 'x');
file_put_contents("$d/linger.$tag.pid", getmypid() . "\n");
for ($i = 0; $i < 600 && !file_exists("$d/linger.$tag.go"); $i++)
	usleep(100000);
echo str_repeat("x", 1 << 20);
error_log("linger.php $tag: still here after the client left");
file_put_contents("$d/linger.$tag.done", getmypid() . "\n");
