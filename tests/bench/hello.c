/*
 * The "C hello" of the benchmark: the cheapest CGI program there is, so
 * the numbers measure the wrapper's per-request cost (spawn, pipes,
 * FastCGI framing) rather than an interpreter's start-up.  run.sh builds it
 * with cc into its temporary directory; it is not part of the package build.
 */

#include <stdio.h>

int
main(void)
{
	fputs("Content-Type: text/plain\r\n\r\nhello from C\n", stdout);
	return 0;
}
