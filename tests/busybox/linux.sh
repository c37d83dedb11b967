#!/bin/sh
# linux.sh BUSYBOX SRCDIR WORKDIR applets|suite [ARGS...] - run
# applets.sh or suite.sh on the host, against the same riscv64 BusyBox
# under qemu-riscv64 (Linux as the referee). WORKDIR/bin gets a host
# script "busybox" that runs "qemu-riscv64 -0 NAME BUSYBOX" (so argv[0],
# and with it the applet, is the name it was called by) and a link to
# it for every applet; with WORKDIR/bin first on PATH, every shell, pipe
# and exec of the scripts runs that BusyBox, as /bin does in the guest.
# SRCDIR is the BusyBox source (its testsuite/ and .config).
set -e
if [ $# -lt 4 ]; then
	echo "usage: $0 BUSYBOX SRCDIR WORKDIR applets|suite [ARGS...]" >&2
	exit 2
fi
bb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$2 work=$3 what=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work/bin" "$work/bb"
work=$(cd "$work" && pwd)
cat > "$work/bin/busybox" <<WRAP
#!/bin/sh
exec qemu-riscv64 -0 "\$0" "$bb" "\$@"
WRAP
chmod +x "$work/bin/busybox"
for a in $("$work/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$work/bin/$a"
done
PATH=$work/bin:$PATH
export PATH
case $what in
applets)
	BB_LINUX=1 BB_TMP=$work/tmp sh "$here/applets.sh" "$@"
	;;
suite)
	cp "$here/suite.sh" "$work/bb/"
	cp -R "$src/testsuite" "$work/bb/testsuite"
	cp "$src/.config" "$work/bb/.config"
	ln -s "$work/bin/busybox" "$work/bb/busybox"
	mkdir "$work/bb/runtest-tempdir-links"	# links to the wrapper
	for a in $(ls "$work/bin"); do
		ln -s "$work/bin/busybox" "$work/bb/runtest-tempdir-links/$a"
	done
	sh "$work/bb/suite.sh" "$@"
	;;
*)
	echo "$0: applets or suite, not $what" >&2
	exit 2
	;;
esac
