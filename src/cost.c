/*
 * What a script's requests cost, warm and by exec, and the choice between
 * the two.  Pure: the caller measures (wait4's rusage of an exec'd script;
 * a zygote's own and its reaped children's CPU and faults from /proc over
 * a window of requests) and asks, once per request, how to serve it.
 *
 * A script is served warm only while its warm requests are measured to be
 * cheaper in CPU than its exec'd ones: a few exec'd requests are measured
 * first (they are served while the zygote loads anyway), then a window of
 * warm ones: warm wins only when it costs less than 85% of exec, so that
 * a tie within noise goes to exec, and keeps winning until it costs more
 * than exec; this hysteresis keeps it from flapping.  Exec'd requests are
 * re-measured now and then while warm, and a script served by exec is
 * tried warm again after a gap that doubles each time exec wins again.
 */

#include <stddef.h>
#include <string.h>

#include "warmcgi.h"

#define COST_EXEC_MIN		3	/* exec'd requests measured first */
#define COST_EXEC_REFRESH	1000	/* warm requests between re-measures */
#define COST_EXEC_AGAIN		2	/* ... of that many exec'd ones */
#define COST_GAP_MIN		1024	/* exec'd requests before a warm retry */
#define COST_GAP_MAX		16384
#define COST_TO_WARM		0.85	/* warm must cost less than this * exec */

static void	cost_ewma(double *, double, unsigned int);

void
cost_init(struct cost *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = COST_UNDECIDED;
	c->gap = COST_GAP_MIN;
}

/* Weighted so the first samples count fully, later ones by 1/4. */
static void
cost_ewma(double *avg, double v, unsigned int n)
{
	if (n <= 1)
		*avg = v;
	else if (n < 4)
		*avg += (v - *avg) / n;
	else
		*avg += (v - *avg) / 4;
}

/* One exec'd request's CPU (microseconds) and minor faults. */
void
cost_note_exec(struct cost *c, double us, double faults)
{
	c->exec_n++;
	cost_ewma(&c->exec_us, us, c->exec_n);
	cost_ewma(&c->exec_faults, faults, c->exec_n);
	if (c->exec_want > 0)
		c->exec_want--;
}

/* A window of n warm requests that cost us and faults in all. */
void
cost_note_warm(struct cost *c, double us, double faults, unsigned int n)
{
	if (n == 0)
		return;
	c->warm_n++;
	cost_ewma(&c->warm_us, us / n, c->warm_n);
	cost_ewma(&c->warm_faults, faults / n, c->warm_n);
	c->warm_fresh = 1;
}

/*
 * How to serve the next request: COST_EXEC or COST_WARM (warm when a
 * zygote is ready, else exec).  *changed is set when the choice between
 * the two has just been made or reversed, for the caller to log.
 */
enum cost_way
cost_choose(struct cost *c, int *changed)
{
	enum cost_mode	 was = c->mode;

	*changed = 0;
	if (c->exec_n < COST_EXEC_MIN || c->exec_want > 0)
		return COST_EXEC;
	if (c->warm_n == 0)
		return COST_WARM;
	if (c->warm_fresh) {
		c->warm_fresh = 0;
		/*
		 * Warm is chosen only when clearly cheaper: within the
		 * noise of one another, exec is kept, which costs no
		 * zygote's memory.  Warm goes back to exec once dearer.
		 */
		if (c->mode == COST_WARM_PAYS) {
			if (c->warm_us > c->exec_us)
				c->mode = COST_EXEC_PAYS;
		} else
			c->mode = c->warm_us < c->exec_us * COST_TO_WARM ?
			    COST_WARM_PAYS : COST_EXEC_PAYS;
		if (c->mode == COST_EXEC_PAYS) {
			/* Each confirmation of exec waits longer to retry. */
			if (was == COST_EXEC_PAYS && c->gap < COST_GAP_MAX)
				c->gap *= 2;
			c->left = c->gap;
			c->probing = 0;
		} else
			c->left = COST_EXEC_REFRESH;
		*changed = c->mode != was;
	}
	if (c->mode == COST_EXEC_PAYS) {
		if (c->probing)
			return COST_WARM;
		if (c->left > 0 && --c->left > 0)
			return COST_EXEC;
		c->probing = 1;		/* until a fresh warm window */
		return COST_WARM;
	}
	if (c->left > 0 && --c->left == 0) {
		c->left = COST_EXEC_REFRESH;
		c->exec_want = COST_EXEC_AGAIN;
		return COST_EXEC;
	}
	return COST_WARM;
}

/* Whether a warm interpreter is worth keeping for this script now. */
int
cost_keep_warm(const struct cost *c)
{
	return c->mode != COST_EXEC_PAYS || c->probing;
}
