#!/bin/sh
# about: Plain sh: the argv words, working directory and environment a script gets.
#
# Try /cgi-bin/hello.sh/extra/path?one+two+three: the path after the
# script's name arrives as PATH_INFO, and, if warmcgi runs with
# --isindex-argv, a query string without '=' arrives as argv words (RFC
# 3875 4.4; never a word starting with '-').  The environment holds what the
# web server sent as FastCGI params, GATEWAY_INTERFACE and a default PATH,
# and nothing of warmcgi's own.

printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'

echo "Hello from $0, pid $$, run by warmcgi."
echo
n=0
for word in "$@"; do
	n=$((n + 1))
	echo "argv[$n]: $word"
done
[ "$n" -eq 0 ] && echo "No argv words (they need warmcgi --isindex-argv and a query string without '=')."
echo "cwd: $(pwd)"
echo
echo "Environment:"
env | LC_ALL=C sort
