#!/bin/sh
# mkdisk.sh STAGING OUT.img USERBUILD IMAGE INITRD BUSYBOX ETC BBTESTS -
# build a bootable disk. STAGING gets:
#   bin/busybox and a symlink to it for every applet (BUSYBOX/busybox.links:
#     bin/ls, sbin/init, usr/bin/awk, ...), from scripts/busybox.sh;
#   opt/teach/bin/ the project's own programs (USERBUILD/bin/*), each also
#     linked from bin/ unless BusyBox has that name there (runtests,
#     blkbench, init stay reachable as /bin/NAME; sh, ls, cat, echo,
#     mkdir are BusyBox's);
#   tests/ (USERBUILD/tests/*, and the disk-only disktests/* and
#     labtests/*, and loop.img, a 4 MiB ext2 for the loop test);
#   opt/teach/busybox/ the BusyBox tests
#     (BBTESTS/*, BusyBox's testsuite/ and the .config it was built with);
#   etc/ (ETC/*: inittab, fstab, profile, passwd, ...), empty dev/, proc/,
#     tmp/, root/, mnt/, and boot/Image, boot/initramfs.cpio and
#     boot/extlinux/extlinux.conf (for U-Boot's distro boot).
# OUT.img is a sparse 2 GiB disk with an MBR whose first partition (1 MiB
# .. end, type 83, bootable) holds an ext2 file system (4 KiB blocks,
# label "root") made from STAGING with mke2fs -d. The file system is made
# in a separate file, checked with e2fsck -fn and copied in with dd
# conv=sparse.
set -e
if [ $# -ne 8 ]; then
	echo "usage: $0 STAGING OUT.img USERBUILD IMAGE INITRD BUSYBOX ETC BBTESTS" >&2
	exit 2
fi
stage=$1 out=$2 ub=$3 image=$4 initrd=$5 bb=$6 etc=$7 bbtests=$8
DISK_MIB=${DISK_MIB:-2048}
PART_START_MIB=1
MIN_FREE_MIB=256
PATH=$PATH:/sbin:/usr/sbin

for f in "$image" "$initrd" "$bb/busybox" "$bb/busybox.links" "$bb/src/.config"; do
	[ -f "$f" ] || { echo "$0: missing $f" >&2; exit 1; }
done
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/sbin" "$stage/usr/bin" "$stage/usr/sbin" \
	"$stage/tests" "$stage/dev" "$stage/proc" "$stage/tmp" "$stage/root" \
	"$stage/mnt" "$stage/boot/extlinux" "$stage/opt/teach/bin" \
	"$stage/opt/teach/busybox"
cp "$bb/busybox" "$stage/bin/busybox"
while read -r app; do
	mkdir -p "$stage/$(dirname "$app")"
	ln -s /bin/busybox "$stage/$app"
done < "$bb/busybox.links"
for f in "$ub"/bin/*; do
	[ -f "$f" ] || continue
	name=$(basename "$f")
	cp "$f" "$stage/opt/teach/bin/"
	[ -e "$stage/bin/$name" ] || [ -L "$stage/bin/$name" ] ||
		ln -s "/opt/teach/bin/$name" "$stage/bin/$name"
done
for f in "$ub"/tests/* "$ub"/disktests/* "$ub"/labtests/*; do	# too big for the initramfs
	[ -f "$f" ] && cp "$f" "$stage/tests/"
done
# tests/loop.img: a small ext2 image the loop test mounts through
# /dev/loopN (reads /hello, writes a copy on the ext2 root; tests/run.py
# checks that copy with e2fsck -fn afterwards)
mkdir -p "$stage/tests/loop-src/dir"
printf 'hello through a loop device\n' > "$stage/tests/loop-src/hello"
seq 1 20000 > "$stage/tests/loop-src/dir/numbers"
rm -f "$stage/tests/loop.img"
mke2fs -q -F -t ext2 -b 4096 -L looptest -d "$stage/tests/loop-src" "$stage/tests/loop.img" 1024
rm -rf "$stage/tests/loop-src"
cp -R "$etc" "$stage/etc"
cp "$bbtests"/*.sh "$stage/opt/teach/busybox/"
cp -R "$bb/src/testsuite" "$stage/opt/teach/busybox/testsuite"
cp "$bb/src/.config" "$stage/opt/teach/busybox/.config"
ln -s /bin/busybox "$stage/opt/teach/busybox/busybox"
chmod 1777 "$stage/tmp"
chmod 700 "$stage/root"
cp "$image" "$stage/boot/Image"
cp "$initrd" "$stage/boot/initramfs.cpio"
# U-Boot extlinux (pxe) syntax. Without a "prompt" line U-Boot boots the
# default label at once; booti then moves Image to RAM base + text_offset
# (0x80200000) and passes QEMU's FDT with /chosen bootargs and initrd
# filled in.
cat > "$stage/boot/extlinux/extlinux.conf" <<'EOF'
# riscv-teach: booted by U-Boot's distro boot (scan of virtio 0:1)
default riscv-teach
timeout 0

label riscv-teach
	menu label riscv-teach (ext2 root on vda1)
	kernel /boot/Image
	append root=/dev/vda1 console=ttyS0
EOF

fs=$out.fs.tmp
img=$out.tmp
trap 'rm -f "$fs" "$img"' EXIT
part_bytes=$(( (DISK_MIB - PART_START_MIB) * 1024 * 1024 ))
rm -f "$fs" "$img"
truncate -s "$part_bytes" "$fs"
mke2fs -q -F -t ext2 -b 4096 -L root -E root_owner=0:0 -d "$stage" \
	"$fs" $(( part_bytes / 4096 ))
if ! e2fsck -fn "$fs" > "$fs.log" 2>&1; then
	cat "$fs.log" >&2
	rm -f "$fs.log"
	echo "$0: e2fsck found problems in the new file system" >&2
	exit 1
fi
rm -f "$fs.log"
free_blocks=$(dumpe2fs -h "$fs" 2>/dev/null | sed -n 's/^Free blocks: *//p')
free_mib=$(( free_blocks * 4096 / 1024 / 1024 ))
if [ "$free_mib" -lt "$MIN_FREE_MIB" ]; then
	echo "$0: only $free_mib MiB free in the file system (want $MIN_FREE_MIB)" >&2
	exit 1
fi

truncate -s "${DISK_MIB}M" "$img"
printf 'label: dos\n%d,,83,*\n' $(( PART_START_MIB * 2048 )) |
	sfdisk -q "$img" > /dev/null
dd if="$fs" of="$img" bs=1M seek="$PART_START_MIB" conv=notrunc,sparse \
	status=none
mv "$img" "$out"
echo "  DISK    $out: ${DISK_MIB} MiB, vda1 ext2, $free_mib MiB free"
