/*
 * The one main() body the Check suites share: run a suite, exit 0 only
 * if nothing failed.
 */
#ifndef CHECK_MAIN_H
#define CHECK_MAIN_H

#include <stdlib.h>

#include <check.h>

/*
 * Check's own limit on one test, unless CK_DEFAULT_TIMEOUT says otherwise:
 * its default of 4 s is a wall-clock bound that a slow or loaded machine
 * can exceed where a test forks or spawns; only a hang should reach this.
 */
#define CHECK_TIMEOUT	"60"

/*
 * make_suite is called here, after the default is set: Check reads
 * CK_DEFAULT_TIMEOUT when each TCase is created.
 */
static int
check_main(Suite *(*make_suite)(void))
{
	SRunner	*sr;
	int	 failed;

	if (setenv("CK_DEFAULT_TIMEOUT", CHECK_TIMEOUT, 0) == -1)
		return EXIT_FAILURE;
	sr = srunner_create(make_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif /* CHECK_MAIN_H */
