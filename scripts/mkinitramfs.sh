#!/bin/sh
# mkinitramfs.sh STAGING OUT.cpio USERBUILD - build the initramfs:
# STAGING gets bin/ (USERBUILD/bin/*), tests/ (USERBUILD/tests/*), dev/,
# tmp/ and /init (a copy of INIT, default bin/init; INIT= for none: a
# boot that names rdinit=), then is packed as a newc cpio.
# The copies are stripped (STRIP, default riscv64-linux-gnu-strip): the
# archive must fit below the device tree QEMU places at the top of a
# 64 MiB machine, and the symbols stay in USERBUILD for gdb.
set -e
if [ $# -ne 3 ]; then
	echo "usage: $0 STAGING OUT.cpio USERBUILD" >&2
	exit 2
fi
stage=$1 out=$2 ub=$3
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/tests" "$stage/dev" "$stage/tmp"
for f in "$ub"/bin/*; do
	[ -f "$f" ] && cp "$f" "$stage/bin/"
done
for f in "$ub"/tests/*; do
	[ -f "$f" ] && cp "$f" "$stage/tests/"
done
strip=${STRIP:-riscv64-linux-gnu-strip}
if command -v "$strip" >/dev/null 2>&1; then
	files=$(find "$stage/bin" "$stage/tests" -type f)
	[ -z "$files" ] || "$strip" $files
fi
init=${INIT-bin/init}
if [ -f "$stage/$init" ]; then
	cp "$stage/$init" "$stage/init"
elif [ -n "$init" ]; then
	echo "$0: warning: no $ub/$init" >&2
fi
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
(cd "$stage" && find . | sort | cpio -o -H newc --quiet) > "$out"
