#!/bin/sh
# 64 MiB out: 1024 blocks of 64 KiB of zeros.  dd with a large block size
# keeps the script's own cost small, so the wrapper's copy loop is measured.
printf 'Content-Type: application/octet-stream\r\nContent-Length: 67108864\r\n\r\n'
exec dd if=/dev/zero bs=65536 count=1024 status=none
