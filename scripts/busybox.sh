#!/bin/sh
# busybox.sh OUTDIR CONFIG - build BusyBox for the disk from Debian's
# source package:
#  1. apt-get source busybox, with a deb-src line given on the command
#     line (Dir::Etc::sourcelist) and apt's lists and cache kept in
#     OUTDIR/apt, so the host's apt configuration and state are untouched;
#     the archive is the one scripts/deps.sh installs from (Debian 12).
#     dpkg-source (dpkg-dev) unpacks it with Debian's patches applied.
#  2. make defconfig, then CONFIG (scripts/busybox.config: static, no
#     networking) on top, then make oldconfig.
#  3. make with the riscv64-linux-gnu cross compiler.
# Results: OUTDIR/busybox (the binary), OUTDIR/busybox.links (every
# applet's path, as busybox --list-full prints them), OUTDIR/src (the
# source tree: testsuite/ is BusyBox's own test suite). The download is
# kept: a second run only reconfigures and rebuilds what changed.
set -e
if [ $# -ne 2 ]; then
	echo "usage: $0 OUTDIR CONFIG" >&2
	exit 2
fi
out=$1 config=$2
CROSS=${UCROSS:-riscv64-linux-gnu-}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=${DEBIAN_SUITE:-bookworm}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
# BusyBox's make is its own, with its own -j: not a sub-make of ours
unset MAKEFLAGS MFLAGS MAKELEVEL
mkdir -p "$out"
out=$(cd "$out" && pwd)
config=$(cd "$(dirname "$config")" && pwd)/$(basename "$config")

# 1. The source, once.
if [ ! -f "$out/src/Makefile" ]; then
	apt="$out/apt"
	rm -rf "$apt" "$out/src"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/dl"
	signed=""
	[ -f "$KEYRING" ] && signed="[signed-by=$KEYRING] "
	echo "deb-src ${signed}$MIRROR $SUITE main" > "$apt/sources.list"
	set -- -o Dir::Etc::sourcelist="$apt/sources.list" \
		-o Dir::Etc::sourceparts=- \
		-o Dir::State::Lists="$apt/lists" \
		-o Dir::Cache="$apt/cache" \
		-o APT::Get::List-Cleanup=0 -q
	echo "  APT     busybox source ($SUITE)"
	apt-get "$@" update > "$apt/update.log" 2>&1 ||
		{ cat "$apt/update.log" >&2; exit 1; }
	(cd "$apt/dl" && apt-get "$@" source --download-only busybox) \
		> "$apt/source.log" 2>&1 || { cat "$apt/source.log" >&2; exit 1; }
	dsc=$(ls "$apt"/dl/busybox_*.dsc)
	dpkg-source --no-check -x "$dsc" "$out/src.tmp" > "$apt/unpack.log" 2>&1 ||
		{ cat "$apt/unpack.log" >&2; exit 1; }
	mv "$out/src.tmp" "$out/src"
	echo "  SRC     $(basename "$dsc" .dsc)"
fi

# 2. The configuration: defconfig, then our lines replace or add theirs.
cd "$out/src"
make -s defconfig > /dev/null
grep -E '^(# )?CONFIG_' "$config" | while IFS= read -r line; do
	sym=$(echo "$line" | sed -E 's/^# //; s/[= ].*//')
	sed -i -E "/^(# )?$sym[= ]/d" .config
	echo "$line" >> .config
done
yes "" | make -s oldconfig > /dev/null
if ! cmp -s .config "$out/config.used"; then
	cp .config "$out/config.used"
fi

# 3. Build (make rebuilds only what the configuration changed).
echo "  BUSYBOX make -j$JOBS CROSS_COMPILE=$CROSS"
make -s -j"$JOBS" CROSS_COMPILE="$CROSS" busybox busybox.links > "$out/build.log" 2>&1 ||
	{ tail -40 "$out/build.log" >&2; exit 1; }
cp busybox "$out/busybox.tmp"
mv "$out/busybox.tmp" "$out/busybox"
# The applets' install paths (bin/ls, usr/bin/awk, sbin/init, ...),
# from the build tree, so the host need not run the riscv64 binary.
sed 's|^/||' busybox.links > "$out/busybox.links"
echo "  BUSYBOX $out/busybox: $(wc -l < "$out/busybox.links") applets"
