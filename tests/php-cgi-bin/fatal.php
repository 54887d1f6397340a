<?php
// A fatal error: with display_errors off php-cgi answers 500.
header('Content-Type: text/plain');
echo "before\n";
no_such_function();
echo "after\n";
