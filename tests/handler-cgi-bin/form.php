<?php
// A PHP form: a urlencoded POST's fields, or a multipart upload's size
// and SHA-256 (of the file php-cgi wrote), one line each.
header('Content-Type: text/plain');
echo "method=", $_SERVER['REQUEST_METHOD'], "\n";
foreach ($_POST as $k => $v)
	echo "post ", $k, "=", $v, "\n";
foreach ($_FILES as $k => $f) {
	echo "file ", $k, " error=", $f['error'], " size=", $f['size'],
	    " sha256=", $f['error'] == 0 ?
	    hash_file('sha256', $f['tmp_name']) : '-', "\n";
}
echo "script=", $_SERVER['SCRIPT_FILENAME'], "\n";
