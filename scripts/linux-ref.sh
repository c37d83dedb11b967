#!/bin/sh
# Build the reference Linux kernel: a riscv64 Image from Debian's
# linux-source-6.1 with the fragment scripts/linux-ref.config, for
# `make bench` (tests/bench.py), which boots it on the same QEMU machine and
# the same build/disk.img as our kernel. Output: build/linux/Image (and
# build/linux/config). Skipped when the Image is newer than the fragment
# and this script. Usage: sh scripts/linux-ref.sh [BUILD_DIR]
set -e
B=${1:-build}/linux
HERE=$(cd "$(dirname "$0")" && pwd)
FRAG=$HERE/linux-ref.config
TARBALL=/usr/src/linux-source-6.1.tar.xz
SRC=$B/linux-source-6.1
KMAKE="make -C $SRC ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu- -s"

if [ -f "$B/Image" ] && [ "$B/Image" -nt "$FRAG" ] && [ "$B/Image" -nt "$0" ]; then
	echo "linux-ref: $B/Image is up to date"
	exit 0
fi
sh "$HERE/deps.sh" bench
mkdir -p "$B"
if [ ! -f "$SRC/Makefile" ]; then
	echo "linux-ref: unpacking $TARBALL into $B (without Documentation)"
	tar -xJf "$TARBALL" -C "$B" --exclude='linux-source-6.1/Documentation/*/*' \
		--exclude='linux-source-6.1/tools/testing' \
		--exclude='linux-source-6.1/tools/perf'
fi
# allnoconfig with the fragment as the list of options that must be on
# (or off); then check that every one of them survived Kconfig.
SRC_ABS=$(cd "$SRC" && pwd)
KCONFIG_ALLCONFIG=$FRAG $KMAKE allnoconfig
bad=0
for opt in $(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=.*/\1/p' "$FRAG"); do
	want=$(grep "^$opt=" "$FRAG")
	grep -qx "$want" "$SRC_ABS/.config" || { echo "linux-ref: $want did not stick"; bad=1; }
done
for opt in $(sed -n 's/^# \(CONFIG_[A-Z0-9_]*\) is not set/\1/p' "$FRAG"); do
	grep -q "^$opt=" "$SRC_ABS/.config" && { echo "linux-ref: $opt should be off"; bad=1; }
done
[ $bad = 0 ] || exit 1
jobs=$(nproc 2>/dev/null || echo 2)
echo "linux-ref: building Linux $($KMAKE kernelversion) Image with $jobs jobs (niced; a few minutes)"
nice -n 10 $KMAKE -j"$jobs" Image
cp "$SRC/arch/riscv/boot/Image" "$B/Image.tmp"
cp "$SRC/.config" "$B/config"
mv "$B/Image.tmp" "$B/Image"
echo "linux-ref: built $B/Image"
