# wp-setup.sh: a private WordPress on a private MariaDB, sourced by bash
# from tests/wordpress_integration.sh and tests/bench/run.sh.
#
# Everything lives under one directory DIR of the caller's (its temporary
# directory): DIR/wp a copy of Debian's WordPress with a wp-config.php of
# ours and a wp-content holding the theme, DIR/db the database files,
# DIR/db.sock its only socket (no TCP), DIR/db.err its log.  Nothing is
# written to /etc, /var/lib/wordpress or a system MariaDB.
#
# Debian's /usr/share/wordpress/wp-config.php reads /etc/wordpress and
# points wp-content at /var/lib/wordpress, and PHP resolves symlinks for
# __DIR__ (WordPress finds its files from there), so the site is a copy,
# symlinks followed, not a farm of links.
#
# The caller starts the database with wp_db_start, which sets WP_DB_PID
# (a child of the calling shell: call it directly, not in $(...)), and
# must stop it with wp_db_stop, normally from its exit trap.  Functions
# return 0 or 1; on 1, $wp_why says why.  Every wait is bounded (timeout,
# wp_poll): a bound, not a time anything is expected to take.

WP_SRC=${WP_SRC:-/usr/share/wordpress}
WP_THEME=twentytwentythree
WP_MARIADBD=${WP_MARIADBD:-/usr/sbin/mariadbd}
# The site the installer makes; the test logs in with these.
WP_TITLE="warmcgi WordPress"
WP_ADMIN=admin
WP_EMAIL=admin@example.com
WP_DB_PID=
WP_DIR=
wp_why=

# Small InnoDB files: the default 96 MiB redo log is most of a fresh
# datadir and takes as long to write as the rest.
WP_DB_OPTS="--innodb-log-file-size=4M --innodb-buffer-pool-size=16M"

# wp_missing: prints what this machine lacks for a WordPress site (one
# line, with the packages to install), nothing when all is there.
wp_missing()
{
	local m= t
	[ -r "$WP_SRC/wp-settings.php" ] || m="$m $WP_SRC"
	[ -r "$WP_SRC/wp-content/themes/$WP_THEME/theme.json" ] ||
	    m="$m the $WP_THEME theme"
	[ -x "$WP_MARIADBD" ] || m="$m $WP_MARIADBD"
	for t in mariadb-install-db mariadb mariadb-admin php-cgi; do
		command -v "$t" >/dev/null 2>&1 || m="$m $t"
	done
	if command -v php-cgi >/dev/null 2>&1 &&
	    ! php-cgi -m 2>/dev/null | grep -qx mysqli; then
		m="$m PHP's mysqli"
	fi
	[ -z "$m" ] && return 0
	echo "no${m} (apt-get install wordpress" \
	    "wordpress-theme-$WP_THEME php-mysql mariadb-server php-cgi)"
}

# wp_poll COMMAND [ARGS]: run it every 50 ms until it succeeds, at most
# 1200 times (a bound on waiting, not a time to assert).
wp_poll()
{
	local i
	for (( i = 0; i < 1200; i++ )); do
		"$@" && return 0
		sleep 0.05
	done
	"$@"
}

# wp_copy DIR: the site in DIR/wp, configured for the database of
# wp_db_start DIR.  Fresh random keys and salts for each copy.
wp_copy()
{
	local dir=$1 w=$1/wp f k
	WP_DIR=$w
	mkdir -p "$w/wp-content/themes" "$w/wp-content/plugins" \
	    "$w/wp-content/uploads" || { wp_why="mkdir $w"; return 1; }
	# -L: Debian links some of wp-includes to /usr/share/php and
	# /usr/share/javascript by relative paths that a copy would break.
	cp -RL "$WP_SRC/wp-admin" "$WP_SRC/wp-includes" "$w/" &&
	    cp -RL "$WP_SRC/wp-content/themes/$WP_THEME" \
	    "$w/wp-content/themes/" || { wp_why="copy $WP_SRC"; return 1; }
	for f in "$WP_SRC"/*.php; do
		[ "${f##*/}" = wp-config.php ] && continue
		cp -L "$f" "$w/" || { wp_why="copy $f"; return 1; }
	done
	{
		cat <<EOF
<?php
/* A test site of tests/wp-setup.sh: its own database on a unix socket. */
define('DB_NAME', 'wp');
define('DB_USER', 'wp');
define('DB_PASSWORD', 'wp');
define('DB_HOST', 'localhost:$dir/db.sock');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
EOF
		for k in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY \
		    AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
			printf "define('%s', '%s');\n" "$k" \
			    "$(head -c 48 /dev/urandom | base64 -w 0)"
		done
		cat <<'EOF'
$table_prefix = 'wp_';
/* Nothing but the page asked for: no cron requests to itself, no
 * requests to wordpress.org (update checks, the dashboard's news), no
 * updates. */
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('DISALLOW_FILE_MODS', true);
define('WP_DEBUG', false);
if (!defined('ABSPATH'))
	define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
EOF
	} >"$w/wp-config.php" || { wp_why="write wp-config.php"; return 1; }
	return 0
}

# wp_db_ping DIR: the server answers on DIR/db.sock.
wp_db_ping()
{
	timeout 60 mariadb-admin --no-defaults -S "$1/db.sock" -uroot ping \
	    >/dev/null 2>&1
}

# wp_db_start DIR: a fresh MariaDB in DIR/db on DIR/db.sock with database
# wp and user wp (password wp); WP_DB_PID is its pid.  As root it needs
# --user=root, as anyone else no --user at all.
wp_db_start()
{
	local dir=$1 u=
	[ "$(id -u)" = 0 ] && u=--user=root
	# shellcheck disable=SC2086
	timeout 300 mariadb-install-db --no-defaults --datadir="$dir/db" $u \
	    --auth-root-authentication-method=normal --skip-test-db \
	    $WP_DB_OPTS >"$dir/db-install.log" 2>&1 || {
		wp_why="mariadb-install-db failed: $(tail -n 3 \
		    "$dir/db-install.log" | tr '\n' ' ')"
		return 1
	}
	# shellcheck disable=SC2086
	"$WP_MARIADBD" --no-defaults --datadir="$dir/db" $u \
	    --socket="$dir/db.sock" --skip-networking \
	    --pid-file="$dir/db.pid" --log-error="$dir/db.err" \
	    --skip-log-bin $WP_DB_OPTS </dev/null >"$dir/db.out" 2>&1 &
	WP_DB_PID=$!
	if ! wp_poll wp_db_ping "$dir"; then
		wp_why="mariadbd did not answer: $(tail -n 3 "$dir/db.err" \
		    2>/dev/null | tr '\n' ' ')"
		return 1
	fi
	timeout 60 mariadb --no-defaults -S "$dir/db.sock" -uroot -e "
	    CREATE DATABASE wp;
	    CREATE USER wp@localhost IDENTIFIED BY 'wp';
	    GRANT ALL ON wp.* TO wp@localhost;" >"$dir/db-create.log" 2>&1 || {
		wp_why="could not create the database: $(cat \
		    "$dir/db-create.log")"
		return 1
	}
	return 0
}

# wp_db_gone: our mariadbd has exited (or is a zombie).
wp_db_gone()
{
	local st
	st=$(sed 's/.*) //' "/proc/$WP_DB_PID/stat" 2>/dev/null | cut -d' ' -f1)
	[ -z "$st" ] || [ "$st" = Z ]
}

# wp_db_stop: SIGTERM (a clean shutdown), reaped; SIGKILL if it has not
# exited within the bound.  Idempotent.
wp_db_stop()
{
	[ -n "$WP_DB_PID" ] || return 0
	kill -TERM "$WP_DB_PID" 2>/dev/null
	wp_poll wp_db_gone || kill -KILL "$WP_DB_PID" 2>/dev/null
	wait "$WP_DB_PID" 2>/dev/null
	WP_DB_PID=
	return 0
}

# wp_install_form PASSWORD: the installer's form (wp-admin/install.php
# step 2), urlencoded.
wp_install_form()
{
	printf 'weblog_title=%s&user_name=%s&admin_password=%s' \
	    "${WP_TITLE// /+}" "$WP_ADMIN" "$1"
	printf '&admin_password2=%s&pw_weak=1&admin_email=%s' "$1" \
	    "${WP_EMAIL/@/%40}"
	printf '&blog_public=0&Submit=Install+WordPress&language='
}

# wp_install_cgi HOST:PORT PASSWORD: install the site by running the
# installer's form through php-cgi as a CGI script, no server (the bench's
# way; the test posts the same form through nginx and warmcgi).  The site's
# address becomes http://HOST:PORT/.
wp_install_cgi()
{
	local form out
	form=$(wp_install_form "$2")
	out=$(printf '%s' "$form" | env -i PATH="$PATH" \
	    GATEWAY_INTERFACE=CGI/1.1 REDIRECT_STATUS=200 \
	    REQUEST_METHOD=POST QUERY_STRING=step=2 \
	    CONTENT_TYPE=application/x-www-form-urlencoded \
	    CONTENT_LENGTH=${#form} \
	    SCRIPT_FILENAME="$WP_DIR/wp-admin/install.php" \
	    SCRIPT_NAME=/wp-admin/install.php \
	    REQUEST_URI=/wp-admin/install.php?step=2 \
	    HTTP_HOST="$1" SERVER_NAME="${1%:*}" SERVER_PORT="${1##*:}" \
	    SERVER_PROTOCOL=HTTP/1.1 REMOTE_ADDR=127.0.0.1 \
	    timeout 300 php-cgi 2>&1)
	case $out in
	*"<h1>Success!</h1>"*) return 0 ;;
	esac
	wp_why="install.php did not succeed: $(printf '%s' "$out" |
	    sed -e 's/<[^>]*>//g' | grep -v '^[[:space:]]*$' | head -n 5 |
	    tr '\n' ' ')"
	return 1
}
