/*
 * Counters a status page can read.  Updated where things happen; read
 * only here, so a later status page needs no changes elsewhere.
 */

#include "warmcgi.h"

/* Count one finished request by its HTTP status class. */
void
status_count_response(struct stats *st, int status)
{
	int	 cls = status / 100;

	if (cls < 1 || cls > 5)
		cls = 0;
	st->requests_by_class[cls]++;
}
