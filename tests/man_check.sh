#!/bin/bash
# man_check.sh: the man page is clean under mandoc -Tlint, and every
# option in config.c's table is in the man page (in SYNOPSIS and in the
# option list) and in --help.  Options get added in one place and
# documented in three: this is what notices one that was not.
#
# Needs: WARMCGI, TESTS_SRCDIR; mandoc.

set -u
. "${TESTS_SRCDIR:?}/lib.sh"
lib_init

SRC=$TESTS_SRCDIR/../src
MAN=$SRC/warmcgi.8

t_lint()
{
	if ! command -v mandoc >/dev/null; then
		why="mandoc is not installed (apt-get install mandoc)"
		return 1
	fi
	# Warnings and errors; not the STYLE level, whose "referenced
	# manual not found" depends on the manuals this machine has.
	mandoc -Tlint -W warning "$MAN" >"$T/lint.out" 2>&1
	expect_eq "mandoc -Tlint exit status" "$?" 0 || return 1
	[ ! -s "$T/lint.out" ] || { why=$(head -3 "$T/lint.out"); return 1; }
}

# NAME LETTER per line, from the rows of config_longopts[]; LETTER is "-"
# for an option without a short form.
options()
{
	sed -nE '/config_longopts\[\] = \{/,/^\};/{
	    s/^[[:space:]]*\{ "([a-z0-9-]+)",.*NULL, '"'"'(.)'"'"' \},?$/\1 \2/p
	    s/^[[:space:]]*\{ "([a-z0-9-]+)",.*NULL, OPT_[A-Z0-9_]+ \},?$/\1 -/p
	}' "$SRC/config.c"
}

t_options()
{
	local name short missing= n=0 synopsis list
	"$WARMCGI" --help >"$T/help.out" 2>&1 ||
	    { why="--help failed"; return 1; }
	# SYNOPSIS, and the tagged list of options (.It lines) elsewhere.
	synopsis=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' "$MAN")
	list=$(grep '^\.It Fl' "$MAN")
	while read -r name short; do
		n=$((n + 1))
		grep -qE -- "(^|[ ,])--$name( |,|\$)" "$T/help.out" ||
		    missing="$missing --$name(--help)"
		grep -qE -- "Fl -$name( |\$)" <<<"$list" ||
		    missing="$missing --$name(option list)"
		if [ "$short" = - ]; then
			grep -qE -- "Fl -$name( |\$)" <<<"$synopsis" ||
			    missing="$missing --$name(SYNOPSIS)"
			continue
		fi
		grep -qE -- "(^|[ ,])-$short(, | )" "$T/help.out" ||
		    missing="$missing -$short(--help)"
		grep -qE -- "^\.It Fl $short( |\$)" <<<"$list" ||
		    missing="$missing -$short(option list)"
		grep -qE -- "^\.Op Fl ([a-zA-Z]*$short[a-zA-Z]*\$|$short( |\$))" \
		    <<<"$synopsis" || missing="$missing -$short(SYNOPSIS)"
	done < <(options)
	# The extraction itself: it must have found the table.
	[ "$n" -ge 40 ] || { why="only $n options read from config.c"; return 1; }
	[ -z "$missing" ] || { why="not documented:$missing"; return 1; }
}

run man-lint t_lint
run man-options t_options

[ "$NFAIL" -eq 0 ] && [ -z "${WARMCGI_KEEP_TMP:-}" ] ||
    echo "# logs kept in $T"
echo "$NPASS passed, $NFAIL failed"
[ "$NFAIL" -eq 0 ]
