#!/bin/sh
# Echoes the request body.
printf 'Content-Type: application/octet-stream\r\n\r\n'
exec cat
