#!/bin/sh
# Install the Debian 12 packages this project needs, if any are missing.
# Idempotent: does nothing (and needs no network) when all are present.
# `deps.sh` installs what `make`, `make qemu` and `make test` need;
# `deps.sh bench` also what `make linux-ref` and `make bench` need (the
# Linux sources and the host tools that build them, the chart library),
# so that `make test` stays lean.
set -e
PKGS="qemu-system-misc opensbi u-boot-qemu gcc-riscv64-unknown-elf \
gcc-riscv64-linux-gnu libc6-dev-riscv64-cross qemu-user e2fsprogs fdisk \
cpio gdb-multiarch python3 make gcc libc6-dev dpkg-dev bzip2 xz-utils"
[ "$1" = bench ] && PKGS="$PKGS linux-source-6.1 flex bison bc libc6-dev \
xz-utils python3-matplotlib"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps.sh: installing:$missing"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
