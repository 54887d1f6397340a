<?php
// The worker's pid and a line of the request, for telling workers apart.
header('Content-Type: text/plain');
echo "pid=", getmypid(), "\n";
echo "query=", $_SERVER['QUERY_STRING'], "\n";
