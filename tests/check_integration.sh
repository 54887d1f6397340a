#!/bin/bash
# check_integration.sh: warmcgi --check on a cgi-bin with one file of each
# kind (runnable shell, Perl and Python, an env(1) #! line, a binary, an
# NPH script; not executable, a missing #! interpreter, a CRLF #! line, no
# #! line at all, a directory; Perl and Python with a syntax error or a
# missing module), in text and JSON, with --compile, and under -p, -r,
# --strict, --warm off, --no-warm and missing helpers.
#
# Needs: WARMCGI (the daemon), TESTS_SRCDIR; perl, python3.

set -u
. "${TESTS_SRCDIR:?}/lib.sh"
lib_init

D=$T/cgi-bin
mkdir -p "$D/sub"
MARK=$T/ran

mk()	# mk NAME MODE CONTENT (printf format)
{
	printf "$3" >"$D/$1"
	chmod "$2" "$D/$1"
}

# Each would leave $MARK if it ran at all.
mk hello.sh 0755 '#!/bin/sh\ntouch %s\necho Content-Type: text/plain; echo\n' "$MARK"
mk nph-hello.sh 0755 '#!/bin/sh\ntouch %s\necho HTTP/1.0 200 OK\n' "$MARK"
mk hello.pl 0755 '#!/usr/bin/perl\nopen(my $f, ">", "%s");\nprint "Content-Type: text/plain\\n\\n";\n' "$MARK"
mk hello.py 0755 '#!/usr/bin/python3\nopen("%s", "w")\nprint("Content-Type: text/plain\\n")\n' "$MARK"
mk envpy.py 0755 '#!/usr/bin/env python3\nimport os\nopen("%s", "w")\n' "$MARK"
mk noexec.pl 0644 '#!/usr/bin/perl\nprint 1;\n'
mk missing.pl 0755 '#!/usr/bin/no-such-perl\nprint 1;\n'
mk crlf.pl 0755 '#!/usr/bin/perl\r\nprint 1;\r\n'
mk noshebang 0755 'touch %s\n' "$MARK"
mk badsyntax.pl 0755 '#!/usr/bin/perl\nprint 1 +;\n'
mk nomodule.pl 0755 '#!/usr/bin/perl\nuse No::Such::WarmcgiModule;\nprint 1;\n'
mk badsyntax.py 0755 '#!/usr/bin/python3\nprint(1\n'
mk nomodule.py 0755 '#!/usr/bin/python3\nimport no_such_warmcgi_module\n'
cp /bin/true "$D/binary"

# rows FILE: "status name" per row of the text report, sorted.
rows()
{
	sed -nE 's|^([a-z]+) +'"$D"'/([^:]*):.*|\1 \2|p' "$1"
}

# row FILE NAME: the text row for NAME.
row()
{
	grep -E "^[a-z]+ +$D/$2: " "$1"
}

t_text()
{
	local rc want got
	"$WARMCGI" --check "$D" >"$T/text.out" 2>"$T/text.err"
	rc=$?
	expect_eq "exit status" "$rc" 1 || return 1
	want="ok badsyntax.pl
ok badsyntax.py
ok binary
fail crlf.pl
ok envpy.py
ok hello.pl
ok hello.py
ok hello.sh
fail missing.pl
fail noexec.pl
ok nomodule.pl
ok nomodule.py
fail noshebang
ok nph-hello.sh
fail sub"
	got=$(rows "$T/text.out")
	expect_eq "rows" "$got" "$want" || return 1
	expect_grep summary "$T/text.out" \
	    '^15 files: 10 would run \(7 warm\), 0 refused by -p, -r or --strict, 5 would fail$' ||
	    return 1
	row "$T/text.out" crlf.pl | grep -q 'carriage return' ||
	    { why="crlf: $(row "$T/text.out" crlf.pl)"; return 1; }
	row "$T/text.out" missing.pl | grep -q '/usr/bin/no-such-perl is not there' ||
	    { why="missing: $(row "$T/text.out" missing.pl)"; return 1; }
	row "$T/text.out" noexec.pl | grep -q 'not executable' ||
	    { why="noexec: $(row "$T/text.out" noexec.pl)"; return 1; }
	row "$T/text.out" noshebang | grep -q 'no #! line' ||
	    { why="noshebang: $(row "$T/text.out" noshebang)"; return 1; }
	row "$T/text.out" sub | grep -q 'a directory' ||
	    { why="sub: $(row "$T/text.out" sub)"; return 1; }
	row "$T/text.out" nph-hello.sh | grep -q 'runs /bin/sh.*NPH$' ||
	    { why="nph: $(row "$T/text.out" nph-hello.sh)"; return 1; }
	row "$T/text.out" hello.pl | grep -q 'runs /usr/bin/perl, warm' ||
	    { why="perl: $(row "$T/text.out" hello.pl)"; return 1; }
	row "$T/text.out" envpy.py | grep -q 'runs /usr/bin/python3, warm' ||
	    { why="env: $(row "$T/text.out" envpy.py)"; return 1; }
	row "$T/text.out" hello.sh | grep -q "exec'd: its interpreter is neither perl nor python3" ||
	    { why="sh: $(row "$T/text.out" hello.sh)"; return 1; }
	row "$T/text.out" binary | grep -q "runs itself" ||
	    { why="binary: $(row "$T/text.out" binary)"; return 1; }
	[ ! -e "$MARK" ] || { why="a script ran"; return 1; }
}

# One file, or several, given by name; all runnable: exit 0.
t_files_ok()
{
	local rc
	(cd "$D" && "$WARMCGI" --check hello.sh ./hello.pl "$D/binary") \
	    >"$T/ok.out" 2>&1
	rc=$?
	expect_eq "exit status" "$rc" 0 || return 1
	expect_grep "relative names made absolute" "$T/ok.out" \
	    "^ok +$D/hello.pl: " || return 1
	expect_grep summary "$T/ok.out" '^3 files: 3 would run \(1 warm\)' ||
	    return 1
	"$WARMCGI" --check "$T/nonexistent" >"$T/ne.out" 2>&1
	expect_eq "a missing file: exit" "$?" 1 || return 1
	expect_grep "a missing file" "$T/ne.out" \
	    "^fail +$T/nonexistent: No such file or directory$"
}

t_json()
{
	"$WARMCGI" --check --json --warm always "$D" >"$T/json.out" \
	    2>"$T/json.err"
	expect_eq "exit status" "$?" 1 || return 1
	why=$(python3 - "$T/json.out" "$D" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
d = sys.argv[2] + "/"
rows = {r["path"][len(d):]: r for r in doc["files"]}
def want(name, **kw):
    r = rows[name]
    for k, v in kw.items():
        if r[k] != v:
            sys.exit("%s: %s is %r, want %r" % (name, k, r[k], v))
want("hello.pl", status="ok", interpreter="/usr/bin/perl", language="perl",
     warm="always", cold=None, nph=False, compile=None)
want("envpy.py", status="ok", interpreter="/usr/bin/python3",
     language="python", warm="always")
want("hello.sh", status="ok", interpreter="/bin/sh", warm=None,
     cold="its interpreter is neither perl nor python3")
want("nph-hello.sh", status="ok", nph=True)
want("binary", status="ok", interpreter=None, language="binary")
for n in ("crlf.pl", "missing.pl", "noexec.pl", "noshebang", "sub"):
    want(n, status="fail")
if "carriage return" not in rows["crlf.pl"]["why"]:
    sys.exit("crlf.pl: why is %r" % rows["crlf.pl"]["why"])
if doc["summary"] != {"files": 15, "runnable": 10, "warm": 7,
                      "refused": 0, "failing": 5}:
    sys.exit("summary %r" % doc["summary"])
EOF
) 2>&1 || return 1
	why=
}

t_compile()
{
	"$WARMCGI" --check --compile --json "$D" >"$T/compile.out" \
	    2>"$T/compile.err"
	expect_eq "exit status" "$?" 1 || return 1
	why=$(python3 - "$T/compile.out" "$D" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
d = sys.argv[2] + "/"
rows = {r["path"][len(d):]: r for r in doc["files"]}
def want(name, status, compile, text=None):
    r = rows[name]
    if r["status"] != status or r["compile"] != compile:
        sys.exit("%s: %s/%s, want %s/%s" % (name, r["status"], r["compile"],
                 status, compile))
    if text is not None and text not in (r["output"] or ""):
        sys.exit("%s: output %r lacks %r" % (name, r["output"], text))
want("hello.pl", "ok", "ok")
want("hello.py", "ok", "ok")
want("envpy.py", "ok", "ok")
want("hello.sh", "ok", None)
want("badsyntax.pl", "fail", "failed", "syntax error")
want("nomodule.pl", "fail", "failed", "No/Such/WarmcgiModule.pm")
want("badsyntax.py", "fail", "failed", "badsyntax.py:2:")
want("nomodule.py", "fail", "failed", "no module named no_such_warmcgi_module")
if doc["summary"]["failing"] != 9:
    sys.exit("summary %r" % doc["summary"])
EOF
) 2>&1 || return 1
	why=
	# Compiling runs no main program, and leaves no __pycache__.
	[ ! -e "$MARK" ] || { why="a script's main program ran"; return 1; }
	[ ! -e "$D/__pycache__" ] || { why="__pycache__ written"; return 1; }
	"$WARMCGI" --check --compile "$D/badsyntax.pl" >"$T/compile.txt" 2>&1
	expect_grep "the error, indented, under the row" "$T/compile.txt" \
	    '^        \| syntax error at '
}

t_refused()
{
	local dir rc
	"$WARMCGI" --check -p "$D/hello.sh" "$D/hello.sh" "$D/hello.pl" \
	    >"$T/p.out" 2>&1
	expect_eq "-p: exit" "$?" 1 || return 1
	expect_grep "-p allows" "$T/p.out" "^ok +$D/hello.sh: " || return 1
	expect_grep "-p refuses" "$T/p.out" \
	    "^refused +$D/hello.pl: 403: -p does not name it; runs /usr/bin/perl" ||
	    return 1
	dir=$T/elsewhere
	mkdir -p "$dir"
	ln -sf "$D/hello.sh" "$dir/link.sh"
	"$WARMCGI" --check -r "$dir" "$dir/link.sh" >"$T/r.out" 2>&1
	expect_eq "-r: exit" "$?" 1 || return 1
	expect_grep "-r refuses a symlink out" "$T/r.out" \
	    "^refused +$dir/link.sh: 403: its real path is outside every -r root" ||
	    return 1
	"$WARMCGI" --check -r "$D" "$dir/link.sh" >"$T/r2.out" 2>&1
	expect_eq "-r: inside, exit" "$?" 0 || return 1
	chmod g+w "$D/hello.py"
	"$WARMCGI" --check --strict "$D/hello.py" "$D/hello.pl" \
	    >"$T/strict.out" 2>&1
	rc=$?
	chmod g-w "$D/hello.py"
	expect_eq "--strict: exit" "$rc" 1 || return 1
	expect_grep "--strict refuses" "$T/strict.out" \
	    "^refused +$D/hello.py: 403: --strict: writable by group or others" ||
	    return 1
	expect_grep "--strict passes" "$T/strict.out" "^ok +$D/hello.pl: " ||
	    return 1
	if [ "$(id -u)" = 0 ]; then
		"$WARMCGI" --check --strict -u nobody "$D/hello.pl" \
		    >"$T/strict2.out" 2>&1
		expect_grep "--strict, -u" "$T/strict2.out" \
		    "^refused +$D/hello.pl: 403: --strict: not owned by the user warmcgi runs as" ||
		    return 1
	fi
	expect_grep summary "$T/strict.out" \
	    '^2 files: 1 would run \(1 warm\), 1 refused by -p, -r or --strict, 0 would fail$'
}

t_cold()
{
	"$WARMCGI" --check --warm off "$D/hello.pl" >"$T/off.out" 2>&1
	expect_grep "--warm off" "$T/off.out" \
	    "^ok +$D/hello.pl: runs /usr/bin/perl, exec'd: --warm off$" ||
	    return 1
	"$WARMCGI" --check --no-warm '*.pl' "$D/hello.pl" "$D/hello.py" \
	    >"$T/nowarm.out" 2>&1
	expect_grep "--no-warm" "$T/nowarm.out" \
	    "^ok +$D/hello.pl: runs /usr/bin/perl, exec'd: --no-warm \*\.pl$" ||
	    return 1
	expect_grep "--no-warm, not matching" "$T/nowarm.out" \
	    "^ok +$D/hello.py: runs /usr/bin/python3, warm" || return 1
	"$WARMCGI" --check --warm-helpers "$T/none" "$D/hello.pl" \
	    >"$T/nohelp.out" 2>"$T/nohelp.err"
	expect_grep "no helpers" "$T/nohelp.out" \
	    "^ok +$D/hello.pl: runs /usr/bin/perl, exec'd: no zygote helpers" ||
	    return 1
	expect_grep "no helpers: the daemon's warning" "$T/nohelp.err" \
	    "warm interpreters are off: no zygote helpers" || return 1
	"$WARMCGI" --check --perl /usr/local/bin/perl "$D/hello.pl" \
	    >"$T/perl.out" 2>&1
	expect_grep "--perl" "$T/perl.out" \
	    "exec'd: --perl does not name its interpreter$"
}

t_usage()
{
	"$WARMCGI" --check >"$T/u1.out" 2>&1 && { why="no argument: exit 0"; return 1; }
	expect_grep "no argument" "$T/u1.out" "needs a directory or a script" ||
	    return 1
	"$WARMCGI" --json >"$T/u2.out" 2>&1 && { why="--json alone: exit 0"; return 1; }
	expect_grep "--json alone" "$T/u2.out" "go with --check" || return 1
	"$WARMCGI" --check -r "$T/no-such-root" "$D" >"$T/u3.out" 2>&1 &&
	    { why="a missing -r root: exit 0"; return 1; }
	expect_grep "a missing -r root" "$T/u3.out" "-r $T/no-such-root: No such file"
}

t_sanitizers()
{
	check_sanitizers "$T"/*.err "$T"/*.out
}

run check-text t_text
run check-files-ok t_files_ok
run check-json t_json
run check-compile t_compile
run check-refused t_refused
run check-cold t_cold
run check-usage t_usage
run sanitizers t_sanitizers

[ "$NFAIL" -eq 0 ] && [ -z "${WARMCGI_KEEP_TMP:-}" ] ||
    echo "# logs kept in $T"
echo "$NPASS passed, $NFAIL failed"
[ "$NFAIL" -eq 0 ]
