#!/bin/bash
#
# WordPress through a real nginx on 127.0.0.1 and warmcgi's warm PHP
# (php-cgi workers, src/php.c): Debian's wordpress package copied into the
# temporary directory with its theme, on a MariaDB of its own (datadir and
# unix socket in the temporary directory, no TCP), set up by wp-setup.sh,
# which the benchmark shares.  Installed through the installer's form, then
# the front page, a post, a comment posted through the form, a login with
# cookies and admin pages; each page the same bytes served warm and by
# exec.  Run by `make check` with WARMCGI and TESTS_SRCDIR set; exits 77
# (skip) when nginx, curl, WordPress, MariaDB or php-cgi is missing.
#
# Instances: ww (--warm always, -v) and wx (--warm off: php-cgi per
# request, the bytes to compare with).  nginx serves the site's static
# files itself and passes its *.php to ww, or to wx for a request with
# the header "X-WP-Backend: cold": one site address for both, since
# WordPress writes its address into its pages.

: "${WARMCGI:?set WARMCGI to the daemon}"
: "${TESTS_SRCDIR:?set TESTS_SRCDIR to the source tests/ directory}"

. "$TESTS_SRCDIR/lib.sh"
lib_need nginx curl php-cgi

. "$TESTS_SRCDIR/wp-setup.sh"
missing=$(wp_missing)
if [ -n "$missing" ]; then
	echo "wordpress_integration.sh: $missing, skipping" >&2
	exit 77
fi

START_MS=$(date +%s%N)
lib_init

# The database goes after the daemons whose workers use it, and before
# lib_cleanup removes its files.
LIB_AFTER_STOP=wp_db_stop

PHP_CGI=$(command -v php-cgi)
PHP_H=".php=$PHP_CGI"
WP_PW=warm-$RANDOM-$RANDOM
# A comment no page holds unless the form's post reached the database.
COMMENT="A warm comment number $RANDOM$RANDOM"

# The parameters of /etc/nginx/fastcgi_params but HTTP_HOST: Debian's
# nginx-common now sends $host there, without the port, and WordPress
# builds its own address (then every link and redirect) from HTTP_HOST.
wp_fastcgi_params()
{
	local p
	for p in QUERY_STRING:query_string REQUEST_METHOD:request_method \
	    CONTENT_TYPE:content_type CONTENT_LENGTH:content_length \
	    SCRIPT_NAME:fastcgi_script_name REQUEST_URI:request_uri \
	    DOCUMENT_URI:document_uri DOCUMENT_ROOT:document_root \
	    SERVER_PROTOCOL:server_protocol REQUEST_SCHEME:scheme \
	    REMOTE_ADDR:remote_addr REMOTE_PORT:remote_port \
	    SERVER_ADDR:server_addr SERVER_PORT:server_port \
	    SERVER_NAME:server_name; do
		printf '\t\t\tfastcgi_param %s $%s;\n' "${p%%:*}" "${p#*:}"
	done
	printf '\t\t\tfastcgi_param GATEWAY_INTERFACE CGI/1.1;\n'
	printf '\t\t\tfastcgi_param SERVER_SOFTWARE nginx;\n'
	printf '\t\t\tfastcgi_param REDIRECT_STATUS 200;\n'
	printf '\t\t\tfastcgi_param HTTP_HOST $host:$server_port;\n'
}

# nginx_conf PORT: the site (lib.sh's start_nginx calls it).
nginx_conf()
{
	nginx_conf_head
	cat <<EOF
	map \$http_x_wp_backend \$wp_backend {
		default warm;
		cold cold;
	}
	upstream warm {
		server unix:$T/ww.sock;
	}
	upstream cold {
		server unix:$T/wx.sock;
	}
	server {
		listen 127.0.0.1:$1;
		server_name localhost;
		root $T/wp;
		index index.php;
		location ~ \.php\$ {
			try_files \$uri =404;
			fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
$(wp_fastcgi_params)
			fastcgi_pass \$wp_backend;
		}
	}
}
EOF
}

# ---------------------------------------------------------------- setup

wp_copy "$T" || { echo "wp_copy: $wp_why" >&2; exit 99; }
wp_db_start "$T" || { echo "wp_db_start: $wp_why" >&2; exit 99; }
start_warmcgi ww "$T/ww.sock" -v -c 4 --warm always --handler "$PHP_H" ||
    exit 99
start_warmcgi wx "$T/wx.sock" -v -c 4 --warm off --handler "$PHP_H" ||
    exit 99
start_nginx || exit 99
SITE=http://127.0.0.1:$PORT

# expect_status WHAT GOT WANT: as expect_eq, with the page's text (tags
# dropped) in $why, since a WordPress error is a page, not a log line.
expect_status()
{
	[ "$2" = "$3" ] && return 0
	why="$1: HTTP $2, want $3: $(sed -e 's/<[^>]*>//g' "$T/body" |
	    grep -v '^[[:space:]]*$' | head -n 4 | tr '\n' ' ' | head -c 300)"
	return 1
}

# ---------------------------------------------------------------- tests

# The installer's form, then its form posted: "Success!" and, asked again,
# "Already Installed", which only the database can tell it.
t_install()
{
	local code
	code=$(http /wp-admin/install.php)
	expect_status "install.php" "$code" 200 || return 1
	expect_grep "install.php" "$T/body" 'name="weblog_title"' || return 1
	code=$(http '/wp-admin/install.php?step=2' \
	    --data-binary "$(wp_install_form "$WP_PW")")
	expect_status "installing" "$code" 200 || return 1
	expect_grep "installing" "$T/body" '<h1>Success!</h1>' || return 1
	code=$(http /wp-admin/install.php)
	expect_status "install.php again" "$code" 200 || return 1
	expect_grep "install.php again" "$T/body" 'Already Installed' ||
	    return 1
	expect_grep log "${WLOG[ww]}" \
	    "install.php: to php-cgi worker [0-9]+\$"
}

# The front page: the site's title and the first post's link.
t_front()
{
	local code
	code=$(http /)
	expect_status "front page" "$code" 200 || return 1
	expect_grep "front page" "$T/body" "<title>$WP_TITLE</title>" ||
	    return 1
	expect_grep "front page" "$T/body" \
	    "href=\"$SITE/\\?p=1\"[^>]*>Hello world!</a>" || return 1
	expect_grep "front page" "$T/body" "wp-content/themes/$WP_THEME/" ||
	    return 1
	expect_grep log "${WLOG[ww]}" "index.php: to php-cgi worker [0-9]+\$"
}

# A post: its text, the installer's sample comment and the comment form.
t_post()
{
	local code
	code=$(http '/?p=1')
	expect_status "post" "$code" 200 || return 1
	expect_grep "post" "$T/body" '<title>Hello world! &#8211; ' || return 1
	expect_grep "post" "$T/body" 'Welcome to WordPress\. This is your first post' ||
	    return 1
	expect_grep "post" "$T/body" 'Hi, this is a comment\.' || return 1
	expect_grep "post" "$T/body" "<form action=\"$SITE/wp-comments-post.php\"" ||
	    return 1
}

# A comment posted through the form: a redirect to the post, which then
# shows it held for moderation (a first comment of a new author is).
t_comment()
{
	local code loc
	rm -f "$T/cjar"
	code=$(http /wp-comments-post.php -c "$T/cjar" \
	    --data-urlencode "comment=$COMMENT" \
	    --data-urlencode 'author=Warm Tester' \
	    --data-urlencode 'email=tester@example.com' \
	    -d 'url=&submit=Post+Comment&comment_post_ID=1&comment_parent=0')
	expect_status "comment posted" "$code" 302 || return 1
	loc=$(hdr Location)
	case $loc in
	"$SITE/?p=1&unapproved="*"#comment-"*) ;;
	*) why="comment posted: Location '$loc'"; return 1 ;;
	esac
	code=$(curl -sS -m 60 -o "$T/body" -D "$T/hdr" -w '%{http_code}' \
	    -b "$T/cjar" "$loc" 2>"$T/curl.err")
	expect_status "the post after the comment" "$code" 200 || return 1
	expect_grep "the post after the comment" "$T/body" "$COMMENT" ||
	    return 1
	expect_grep "the post after the comment" "$T/body" \
	    'Your comment is awaiting moderation'
}

# Login through wp-login.php with its test cookie, then admin pages with
# the cookies it set: the dashboard and the comments screen, which lists
# the comment of t_comment.  Without the cookies, the login page instead.
t_login()
{
	local code
	rm -f "$T/jar"
	code=$(http /wp-admin/)
	expect_status "wp-admin without cookies" "$code" 302 || return 1
	case $(hdr Location) in
	"$SITE/wp-login.php?"*) ;;
	*) why="wp-admin without cookies: Location '$(hdr Location)'"
	   return 1 ;;
	esac
	code=$(http /wp-login.php -c "$T/jar")
	expect_status "wp-login.php" "$code" 200 || return 1
	expect_grep "wp-login.php" "$T/body" 'name="log"' || return 1
	expect_grep "cookie jar" "$T/jar" 'wordpress_test_cookie' || return 1
	code=$(http /wp-login.php -b "$T/jar" -c "$T/jar" \
	    --data-urlencode "log=$WP_ADMIN" --data-urlencode "pwd=$WP_PW" \
	    --data-urlencode "redirect_to=$SITE/wp-admin/" \
	    -d 'wp-submit=Log+In&testcookie=1')
	expect_status "login" "$code" 302 || return 1
	expect_eq "login's Location" "$(hdr Location)" "$SITE/wp-admin/" ||
	    return 1
	expect_grep "cookie jar" "$T/jar" 'wordpress_logged_in_' || return 1
	code=$(http /wp-admin/ -b "$T/jar")
	expect_status "dashboard" "$code" 200 || return 1
	expect_grep "dashboard" "$T/body" '<h1>Dashboard</h1>' || return 1
	expect_grep "dashboard" "$T/body" "Howdy, <span class=\"display-name\">$WP_ADMIN</span>" ||
	    return 1
	code=$(http /wp-admin/edit-comments.php -b "$T/jar")
	expect_status "comments screen" "$code" 200 || return 1
	expect_grep "comments screen" "$T/body" "$COMMENT" || return 1
	expect_grep log "${WLOG[ww]}" \
	    "edit-comments.php: to php-cgi worker [0-9]+\$"
}

# The front page and the post, the same bytes warm and by exec; the cold
# instance ran php-cgi per request, never a worker.  Each page several
# times warm: a worker's second and later requests are the warm case (a
# 52 KB page once came back warm with bytes of freed memory in it on
# every other request).
t_same_bytes()
{
	local page code i
	for page in / '/?p=1'; do
		code=$(http "$page" -H 'X-WP-Backend: cold')
		expect_status "$page cold" "$code" 200 || return 1
		cp "$T/body" "$T/cold.out"
		for (( i = 1; i <= 8; i++ )); do
			code=$(http "$page")
			expect_status "$page warm" "$code" 200 || return 1
			cmp -s "$T/cold.out" "$T/body" && continue
			why="$page, warm request $i: bytes differ from cold's:"
			why="$why $(cmp "$T/cold.out" "$T/body" 2>&1 |
			    sed "s|$T/||g")"
			return 1
		done
	done
	expect_grep "cold log" "${WLOG[wx]}" 'index\.php' || return 1
	expect_nogrep "cold log" "${WLOG[wx]}" 'to php-cgi worker'
}

# Nothing logged about a worker's failure or a script's error.
t_quiet()
{
	expect_nogrep "warm log" "${WLOG[ww]}" \
	    'php-cgi\[[0-9]+\]: (killed|exited)|\(50[0-9]\)|PHP Fatal'
}

# When everything stops: no worker, no mariadbd, no socket directory.
t_all_stop()
{
	local pids p
	pids=$(ps -o pid= --ppid "${WPID[ww]}")
	[ -n "$pids" ] || { why="no worker to see stop"; return 1; }
	for p in $pids; do	# the php-cgi masters' children
		pids="$pids $(ps -o pid= --ppid "$p")"
	done
	stop_nginx
	stop_pid "${WPID[ww]}" TERM
	expect_eq "warmcgi's exit" "$stop_rc" 0 || return 1
	stop_pid "${WPID[wx]}" TERM
	expect_eq "cold warmcgi's exit" "$stop_rc" 0 || return 1
	local db=$WP_DB_PID
	wp_db_stop
	wait_gone $pids $db || { why="left running:$gone_left"; return 1; }
	! ls -d /tmp/warmcgi."${WPID[ww]}".* >/dev/null 2>&1 || {
		why="socket directory left"
		return 1
	}
}

t_sanitizers()
{
	check_sanitizers "${WLOG[@]}"
}

run wp-install t_install
run wp-front-page t_front
run wp-post t_post
run wp-comment t_comment
run wp-login-admin t_login
run wp-warm-cold-same-bytes t_same_bytes
run wp-no-errors-logged t_quiet
run wp-all-stop t_all_stop
run sanitizers t_sanitizers

lib_finish
