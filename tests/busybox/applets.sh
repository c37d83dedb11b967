#!/bin/sh
# applets.sh - BusyBox applets a user types first, each checked against
# what the system itself says (/proc, the data written), so the same
# script passes on Linux: tests/run.py runs it in the guest (BusyBox's
# ash at the console of a booted disk) and, with BB_LINUX=1, under
# qemu-riscv64 on the host (tests/busybox/linux.sh), where the checks
# that need this kernel's machine (its process names, a second disk,
# an idle page cache) are reported as SKIP.
# Prints one "TEST bb-applets:NAME PASS|FAIL|SKIP [why]" line per check,
# then "APPLETS DONE passed failed". Work files go to $BB_TMP (/tmp/bbt).
# Usage: sh applets.sh [DEVICE]   (DEVICE: an ext2 partition to mount)

T=${BB_TMP:-/tmp/bbt}
DEV=${1:-}
npass=0
nfail=0

pass() { echo "TEST bb-applets:$1 PASS"; npass=$((npass + 1)); }
fail() { echo "TEST bb-applets:$1 FAIL $2"; nfail=$((nfail + 1)); }
skip() { echo "TEST bb-applets:$1 SKIP $2"; }
# check NAME CONDITION-COMMAND... : PASS if the command succeeds
check() {
	name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name" "$*"; fi
}

rm -rf "$T"
mkdir -p "$T" || { fail setup "mkdir $T"; exit 1; }
cd "$T" || exit 1

# ps lists itself and its parent: the child shell prints its pid and
# execs ps, so that pid must show up as "ps" with this shell as parent.
t_ps() {
	sh -c 'echo $$ > ps.pid; exec ps -o pid,ppid,comm' > ps.out
	child=$(cat ps.pid)
	me=$$
	if [ -n "$BB_LINUX" ]; then	# qemu-user: every process is qemu-riscv64
		awk -v p="$child" -v pp="$me" '$1 == p && $2 == pp { ok = 1 } END { exit !ok }' ps.out
		return
	fi
	awk -v p="$child" -v pp="$me" '$1 == p && $2 == pp && $3 == "ps" { ok = 1 } END { exit !ok }' ps.out &&
		awk -v p="$me" '$1 == p && $3 == "sh" { ok = 1 } END { exit !ok }' ps.out
}
check ps t_ps

# top -b -n 1: the summary lines, and top itself among the processes
t_top() {
	sh -c 'echo $$ > top.pid; exec top -b -n 1' > top.out
	grep -q '^Mem: ' top.out && grep -q '^CPU: ' top.out &&
		grep -q '^Load average: ' top.out &&
		awk -v p="$(cat top.pid)" '$1 == p { ok = 1 } END { exit !ok }' top.out
}
check top t_top

# /proc/self, /proc/PID/stat and the clock: the shell's own entries
t_proc() {
	sh -c 'echo $$ > self.pid; exec cat /proc/self/stat' > self.stat
	read pid comm state ppid rest < self.stat
	[ "$pid" = "$(cat self.pid)" ] && [ "$comm" = "(cat)" ] && [ "$ppid" = "$$" ] &&
		[ "$(cat /proc/$$/comm)" = "$(awk '{ gsub(/[()]/, "", $2); print $2 }' /proc/$$/stat)" ]
}
if [ -n "$BB_LINUX" ]; then skip proc "qemu-user shows its own /proc/self"; else check proc t_proc; fi

# free agrees with /proc/meminfo: the same total, and free memory within
# 4 MiB or 1/64 of the total (it moves between the two reads)
t_free() {
	free > free.out
	total=$(awk '$1 == "Mem:" { print $2 }' free.out)
	fr=$(awk '$1 == "Mem:" { print $4 }' free.out)
	mtotal=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
	mfree=$(awk '$1 == "MemFree:" { print $2 }' /proc/meminfo)
	slack=$((mtotal / 64 > 4096 ? mtotal / 64 : 4096))
	[ -n "$total" ] && [ "$total" = "$mtotal" ] &&
		[ $((fr - mfree)) -lt $slack ] && [ $((mfree - fr)) -lt $slack ]
}
check free t_free

# dd + md5sum + cmp on 16 MiB: copies compare equal, a changed byte not
t_dd() {
	dd if=/dev/urandom of=a bs=64k count=256 2>/dev/null &&
		[ "$(stat -c %s a)" = 16777216 ] &&
		dd if=a of=b bs=1M 2>/dev/null &&
		[ "$(md5sum < a)" = "$(md5sum < b)" ] && cmp a b &&
		cat a | dd of=c bs=4k 2>/dev/null && cmp a c &&
		printf 'X' | dd of=c bs=1 seek=12345678 conv=notrunc 2>/dev/null &&
		! cmp -s a c && [ "$(md5sum < a)" != "$(md5sum < c)" ]
}
check dd-md5sum-cmp t_dd
rm -f a b c

# a tree for tar, find, grep, sed, awk, sort, xargs
mktree() {
	mkdir -p tree/d1/d2 tree/empty &&
		for i in 1 2 3 4 5 6 7 8 9 10; do echo "line $i of f$i" > tree/d1/f$i; done &&
		seq 1 2000 > tree/d1/d2/numbers &&
		printf 'alpha\nbeta\ngamma\n' > tree/words &&
		ln -s d1/f1 tree/link
}
check mktree mktree

# tar of the tree and back: the same names, types, links and contents
t_tar() {
	tar cf tree.tar tree && mkdir -p out && tar xf tree.tar -C out &&
		[ "$(cd tree && find . | sort)" = "$(cd out/tree && find . | sort)" ] &&
		[ "$(readlink out/tree/link)" = d1/f1 ] &&
		(cd tree && find . -type f | sort | xargs md5sum) > sums &&
		(cd out/tree && md5sum -c ../../sums > /dev/null) &&
		tar czf tree.tgz tree && [ "$(tar tzf tree.tgz | sort)" = "$(tar tf tree.tar | sort)" ]
}
check tar t_tar

t_find() {
	[ "$(find tree -type f | wc -l)" = 12 ] &&
		[ "$(find tree -name 'f1*' | sort | xargs echo)" = "tree/d1/f1 tree/d1/f10" ] &&
		[ "$(find tree -type l)" = tree/link ] &&
		[ "$(find tree -type d -empty)" = tree/empty ]
}
check find t_find

t_grep() {
	[ "$(grep -r 'of f7$' tree)" = "tree/d1/f7:line 7 of f7" ] &&
		[ "$(grep -rl line tree | wc -l)" = 11 ] &&	# tree/link too
		[ "$(grep -c '^1' tree/d1/d2/numbers)" = 1111 ] &&
		! grep -q nothing tree/words
}
check grep t_grep

t_sed() {
	[ "$(sed -n '/^b/p' tree/words)" = beta ] &&
		[ "$(sed 's/a/A/g' tree/words | xargs echo)" = "AlphA betA gAmmA" ] &&
		sed -i 's/gamma/delta/' tree/words && grep -q delta tree/words
}
check sed t_sed

t_awk() {
	[ "$(awk '{ s += $1 } END { print s }' tree/d1/d2/numbers)" = 2001000 ] &&
		[ "$(awk '{ print $2 * $2, $NF }' tree/d1/f3)" = "9 f3" ] &&
		[ "$(echo 'a b c' | awk '{ print NF, $NF }')" = "3 c" ]
}
check awk t_awk

t_sort() {
	[ "$(seq 1 20 | sort | head -3 | xargs echo)" = "1 10 11" ] &&
		[ "$(seq 1 20 | sort -n -r | head -2 | xargs echo)" = "20 19" ] &&
		[ "$(printf 'b\na\nb\n' | sort -u | xargs echo)" = "a b" ]
}
check sort t_sort

t_xargs() {
	[ "$(seq 1 10 | xargs -n 3 echo | wc -l)" = 4 ] &&
		[ "$(find tree/d1 -name 'f*' | xargs cat | wc -l)" = 10 ] &&
		[ "$(echo a b c | xargs -n1 sh -c 'echo x$0' | xargs echo)" = "xa xb xc" ]
}
check xargs t_xargs

# mount the given ext2 partition, write, unmount, mount it again, read
t_mount() {
	mkdir -p mnt && mount -t ext2 "$DEV" mnt &&
		grep -q " $T/mnt ext2 " /proc/mounts &&
		echo "written by applets.sh" > mnt/hello && sync &&
		umount mnt && ! grep -q " $T/mnt " /proc/mounts &&
		mount "$DEV" mnt && [ "$(cat mnt/hello)" = "written by applets.sh" ] &&
		df mnt | grep -q "$DEV" && umount mnt
}
if [ -n "$DEV" ]; then check mount-umount t_mount; else skip mount-umount "no partition given"; fi

# sync writes every dirty page: /proc/meminfo's Dirty drops to 0
t_sync() {
	dd if=/dev/zero of=dirty bs=64k count=64 2>/dev/null && sync &&
		[ "$(awk '$1 == "Dirty:" { print $2 }' /proc/meminfo)" = 0 ]
}
if [ -n "$BB_LINUX" ]; then
	check sync sync	# the host's other writers keep Dirty above 0
else
	check sync t_sync
fi

# hostname, uname and the names in /proc/sys/kernel agree
t_uname() {
	[ "$(hostname)" = "$(cat /proc/sys/kernel/hostname)" ] &&
		[ "$(uname -r)" = "$(cat /proc/sys/kernel/osrelease)" ] &&
		[ "$(uname -s)" = "$(cat /proc/sys/kernel/ostype)" ] &&
		[ "$(uname -m)" = riscv64 ]
}
check uname t_uname

cd /
rm -rf "$T"
echo "APPLETS DONE $npass $nfail"
