#!/bin/sh
# suite.sh [APPLET...] - BusyBox's own test suite (testsuite/ of its
# source, copied next to this script by scripts/mkdisk.sh) against the
# busybox in $bindir (default: this directory, with a link to
# /bin/busybox and the .config it was built with), run as its
# testsuite/runtest runs it, except that every result names its applet
# and new-style tests run under the same busybox's sh:
#   BB <applet> PASS|FAIL|SKIPPED|UNTESTED <test name>
# then "SUITE DONE <passed> <failed>". BB_VERBOSE=1 also prints what a
# failing test printed, prefixed "| "; BB_TIMES=1 the seconds each
# applet took ("BBTIME <applet> <seconds>").
here=$(cd "$(dirname "$0")" && pwd)
: "${bindir:=$here}"
tsdir=$here/testsuite
export bindir tsdir
cd "$tsdir" || exit 1
. ./testing.sh

implemented=$("$bindir/busybox" --list)
# A link to busybox for every applet, as runtest makes them; one
# "busybox --install" instead of an ln per applet, unless the caller made
# them already (tests/busybox/linux.sh: links to its host wrapper).
LINKSDIR=$bindir/runtest-tempdir-links
if [ ! -e "$LINKSDIR/busybox" ]; then
	rm -rf "$LINKSDIR"
	mkdir "$LINKSDIR"
	"$bindir/busybox" --install -s "$LINKSDIR"
	ln -s "$bindir/busybox" "$LINKSDIR/busybox"
fi
OPTIONFLAGS=:$(sed -n 's/^CONFIG_\([A-Z0-9_]*\)=.*/\1/p' "$bindir/.config" | xargs | sed 's/ /:/g'):
export OPTIONFLAGS
PATH="$bindir:$PATH"
npass=0
nfail=0

# Print the verdict lines of one test run (stdin) for applet $1.
report() {
	while IFS= read -r line; do
		case $line in
		PASS:* | FAIL:* | SKIPPED:* | UNTESTED:*)
			echo "BB $1 ${line%%:*} ${line#*: }"
			case $line in PASS:*) npass=$((npass + 1)) ;; FAIL:*) nfail=$((nfail + 1)) ;; esac
			;;
		*) [ -n "$BB_VERBOSE" ] && echo "| $line" ;;
		esac
	done
	echo "$npass $nfail" > "$bindir/.counts"
}

# An old-style test: applet/testcase, a script that must exit 0 under
# "sh -x -e" in a scratch directory (runtest's run_applet_testcase).
old_style() {
	applet=$1 testcase=$2 name=${2##*/}
	uc=$(echo "$applet" | tr a-z A-Z)
	if grep -q "^# CONFIG_$uc is not set$" "$bindir/.config"; then
		echo "UNTESTED: $name"
		return
	fi
	for f in $(sed -n 's/^# FEATURE: //p' "$testcase"); do
		if grep -q "^# $f is not set$" "$bindir/.config"; then
			echo "UNTESTED: $name"
			return
		fi
	done
	rm -rf ".tmpdir.$applet"
	mkdir -p ".tmpdir.$applet"
	if (cd ".tmpdir.$applet" && d="$tsdir" sh -x -e "$testcase" > out 2>&1); then
		echo "PASS: $name"
	else
		echo "FAIL: $name"
		[ -n "$BB_VERBOSE" ] && cat ".tmpdir.$applet/out"
	fi
	rm -rf ".tmpdir.$applet"
}

for applet in ${*:-busybox $implemented}; do
	[ -n "$BB_TIMES" ] && start=$(date +%s)
	if [ -d "$tsdir/$applet" ]; then
		for testcase in "$tsdir/$applet"/*; do
			case ${testcase##*/} in .* | *~ | CVS | \#* | *.mine | *.r[0-9]*) continue ;; esac
			old_style "$applet" "$testcase"
		done | report "$applet"
		read npass nfail < "$bindir/.counts"	# report ran in a subshell
	fi
	if [ -f "$applet.tests" ]; then
		PATH="$LINKSDIR:$tsdir:$bindir:$PATH" sh "$tsdir/$applet.tests" 2>&1 | report "$applet"
		read npass nfail < "$bindir/.counts"
	fi
	[ -n "$BB_TIMES" ] && echo "BBTIME $applet $(($(date +%s) - start))"
done
rm -f "$bindir/.counts"
echo "SUITE DONE $npass $nfail"
