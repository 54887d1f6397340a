/*
 * The one main() body the Check suites share: run a suite, exit 0 only
 * if nothing failed.
 */
#ifndef CHECK_MAIN_H
#define CHECK_MAIN_H

#include <stdlib.h>

#include <check.h>

static int
check_main(Suite *s)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif /* CHECK_MAIN_H */
