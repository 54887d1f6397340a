<?php
// exit() ends the request, not the worker.
header('Content-Type: text/plain');
echo "before exit\n";
exit(3);
echo "after exit\n";
