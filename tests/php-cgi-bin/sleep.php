<?php
// Writes its pid beside the cgi-bin, then waits: a request to kill.
file_put_contents(__DIR__ . '/../sleep.pid', getmypid() . "\n");
sleep(120);
echo "woke\n";
