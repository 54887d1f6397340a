#!/bin/sh
# Answers after 2 s: the soak's client has hung up long before.
sleep 2
printf 'Content-Type: text/plain\r\n\r\nlate\n'
