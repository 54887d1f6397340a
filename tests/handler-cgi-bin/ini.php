<?php
// The handler's own words reach php-cgi: -d memory_limit=... shows here.
header('Content-Type: text/plain');
echo "memory_limit=", ini_get('memory_limit'), "\n";
echo "argc=", $_SERVER['argc'] ?? 'unset', "\n";
