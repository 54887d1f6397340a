/*
 * Check suite for the log (src/log.c): every line escaped in one place,
 * so that nothing a URI or a script's stderr carries can end a line early,
 * forge another or make the escaping ambiguous.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "warmcgi.h"
#include "check_main.h"

static const char *
esc(const char *s, size_t len)
{
	static char	 out[1024];

	log_escape(out, sizeof(out), s, len);
	return out;
}

#define ESC(s)	esc((s), sizeof(s) - 1)

START_TEST(test_escape_controls)
{
	ck_assert_str_eq(ESC("plain text: 1 + 1 = 2 ~"),
	    "plain text: 1 + 1 = 2 ~");
	ck_assert_str_eq(ESC("a\nb"), "a\\x0ab");
	ck_assert_str_eq(ESC("a\r\nwarmcgi: forged"),
	    "a\\x0d\\x0awarmcgi: forged");
	ck_assert_str_eq(ESC("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
	ck_assert_str_eq(ESC("\t\x7f\x01"), "\\x09\\x7f\\x01");
	ck_assert_str_eq(ESC("nul\0here"), "nul\\x00here");
	/* The backslash too, or "\x0a" written by a script would pass. */
	ck_assert_str_eq(ESC("\\x0a"), "\\\\x0a");
	ck_assert_str_eq(ESC("a\\b"), "a\\\\b");
	ck_assert_str_eq(ESC(""), "");
}
END_TEST

START_TEST(test_escape_utf8)
{
	/* Readable UTF-8 stays readable. */
	ck_assert_str_eq(ESC("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	ck_assert_str_eq(ESC("\xed\x9f\xbf \xf4\x8f\xbf\xbf"),
	    "\xed\x9f\xbf \xf4\x8f\xbf\xbf");
	/* Bytes that are not UTF-8, byte by byte. */
	ck_assert_str_eq(ESC("\xff\xfe"), "\\xff\\xfe");
	ck_assert_str_eq(ESC("\xc3"), "\\xc3");		/* cut short */
	ck_assert_str_eq(ESC("\xc3x"), "\\xc3x");
	ck_assert_str_eq(ESC("\xc0\xaf"), "\\xc0\\xaf");	/* overlong */
	ck_assert_str_eq(ESC("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");
	/* A surrogate. */
	ck_assert_str_eq(ESC("\xed\xa0\x80"), "\\xed\\xa0\\x80");
	ck_assert_str_eq(ESC("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
	ck_assert_str_eq(ESC("\x80"), "\\x80");
	/* C1 controls (NEL) and the Unicode line and paragraph separators. */
	ck_assert_str_eq(ESC("a\xc2\x85" "b"), "a\\xc2\\x85b");
	ck_assert_str_eq(ESC("\xe2\x80\xa8\xe2\x80\xa9"),
	    "\\xe2\\x80\\xa8\\xe2\\x80\\xa9");
	ck_assert_str_eq(ESC("\xc2\xa0"), "\xc2\xa0");
}
END_TEST

/* A small dst: terminated, and no escape or character cut in half. */
START_TEST(test_escape_short)
{
	char	 out[6];

	ck_assert_uint_eq(log_escape(out, sizeof(out), "ab\ncd", 5), 2);
	ck_assert_str_eq(out, "ab");
	ck_assert_uint_eq(log_escape(out, sizeof(out), "a\n", 2), 5);
	ck_assert_str_eq(out, "a\\x0a");
	ck_assert_uint_eq(log_escape(out, sizeof(out), "abc\\", 4), 5);
	ck_assert_str_eq(out, "abc\\\\");
	ck_assert_uint_eq(log_escape(out, sizeof(out), "abcd\\", 5), 4);
	ck_assert_str_eq(out, "abcd");
	ck_assert_uint_eq(log_escape(out, sizeof(out), "abc\xe2\x82\xac", 6),
	    3);
	ck_assert_str_eq(out, "abc");
	ck_assert_uint_eq(log_escape(out, 1, "abc", 3), 0);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(log_escape(out, 0, "abc", 3), 0);
}
END_TEST

/* Through log_warnx() to stderr: one line whatever the arguments hold. */
START_TEST(test_log_one_line)
{
	char	 path[] = "/tmp/check_log.XXXXXX", buf[512];
	FILE	*f;
	size_t	 n;
	int	 fd, saved;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	unlink(path);
	fflush(stderr);
	ck_assert_int_ne(saved = dup(2), -1);
	ck_assert_int_ne(dup2(fd, 2), -1);
	log_init(0, 0, "t");
	log_warnx("%s: no such file (404)", "/x\nt: forged\r\x1b[2K");
	errno = ENOENT;
	log_warn("%s[%d]", "a\\b", 7);
	fflush(stderr);
	ck_assert_int_ne(dup2(saved, 2), -1);
	close(saved);
	ck_assert_ptr_nonnull(f = fdopen(fd, "r"));
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	ck_assert_str_eq(buf,
	    "t: /x\\x0at: forged\\x0d\\x1b[2K: no such file (404)\n"
	    "t: a\\\\b[7]: No such file or directory\n");
}
END_TEST

static Suite *
log_suite(void)
{
	Suite	*s = suite_create("log");
	TCase	*tc;

	tc = tcase_create("escape");
	tcase_add_test(tc, test_escape_controls);
	tcase_add_test(tc, test_escape_utf8);
	tcase_add_test(tc, test_escape_short);
	tcase_add_test(tc, test_log_one_line);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return check_main(log_suite);
}
