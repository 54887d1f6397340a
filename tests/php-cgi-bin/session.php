<?php
// A counter kept in the session across requests (session.save_path is
// set by the handler's -d words).
session_start();
$_SESSION['n'] = ($_SESSION['n'] ?? 0) + 1;
header('Content-Type: text/plain');
echo "n=", $_SESSION['n'], "\n";
