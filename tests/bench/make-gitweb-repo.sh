#!/bin/sh
# Make the gitweb scenario's test repository and config under DIR (the
# benchmark's temporary directory): DIR/git/bench.git, a bare clone of a
# repository with a few commits at fixed dates, and DIR/gitweb.conf, which
# nginx passes to gitweb as GITWEB_CONFIG.
set -eu
dir=$1
export GIT_CONFIG_NOSYSTEM=1 HOME="$dir"
git init -q "$dir/git-src"
cd "$dir/git-src"
i=1
while [ $i -le 6 ]; do
	echo "line $i" >>README
	printf 'int f%d(void) { return %d; }\n' $i $i >>code.c
	git add README code.c
	GIT_AUTHOR_DATE="2024-01-0$i 12:00:00 +0000" \
	GIT_COMMITTER_DATE="2024-01-0$i 12:00:00 +0000" \
	git -c user.name=Bench -c user.email=bench@example.org \
	    commit -q -m "commit $i"
	i=$((i + 1))
done
mkdir -p "$dir/git"
git clone -q --bare "$dir/git-src" "$dir/git/bench.git"
echo "warmcgi bench repository" >"$dir/git/bench.git/description"
cat >"$dir/gitweb.conf" <<CONF
# gitweb config of the warmcgi benchmark (GITWEB_CONFIG)
our \$projectroot = "$dir/git";
our \$projects_list = \$projectroot;
our \$site_name = "warmcgi bench";
our \$GIT = "$(command -v git)";
CONF
