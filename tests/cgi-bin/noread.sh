#!/bin/sh
# Answers without ever reading its request body.
printf 'Content-Type: text/plain\r\n\r\nnot read\n'
