<?php
// PHP hello: a header and one line, as hello.sh.
header('Content-Type: text/plain');
echo "hello from php\n";
