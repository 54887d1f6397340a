<?php
// A small page whose bytes do not depend on the process serving it.
header('Content-Type: text/html; charset=utf-8');
echo "<!doctype html>\n<title>hello</title>\n";
for ($i = 0; $i < 50; $i++)
	printf("<p>%d %s</p>\n", $i, str_repeat(chr(97 + $i % 26), $i));
echo "<p>", htmlspecialchars($_GET['q'] ?? ''), "</p>\n";
