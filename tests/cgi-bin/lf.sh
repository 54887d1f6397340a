#!/bin/sh
# Header lines ending in a bare LF.
printf 'Content-Type: text/plain\nX-Lf: yes\n\nbare lf\n'
