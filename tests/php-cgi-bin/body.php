<?php
// The request body's length and digest, a line to stderr (error_log goes
// to FCGI_STDERR), then ?out=N bytes of output.
header('Content-Type: text/plain');
$in = file_get_contents('php://input');
error_log("body.php read " . strlen($in) . " bytes");
echo "len=", strlen($in), "\n";
echo "sha256=", hash('sha256', $in), "\n";
$n = (int)($_GET['out'] ?? 0);
for (; $n >= 65536; $n -= 65536)
	echo str_repeat('x', 65536);
echo str_repeat('x', $n);
