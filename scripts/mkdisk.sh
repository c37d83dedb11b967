#!/bin/sh
# mkdisk.sh STAGING OUT.img USERBUILD IMAGE INITRD - build a bootable disk:
# STAGING gets bin/ (USERBUILD/bin/*), tests/ (USERBUILD/tests/*, and the
# disk-only disktests/* and labtests/*), dev/,
# proc/, tmp/, etc/, boot/Image, boot/initramfs.cpio and
# boot/extlinux/extlinux.conf (for U-Boot's distro boot). OUT.img is a
# sparse 512 MiB disk with an MBR whose first partition (1 MiB .. end,
# type 83, bootable) holds an ext2 file system (4 KiB blocks, label "root")
# made from STAGING with mke2fs -d. The file system is made in a separate
# file, checked with e2fsck -fn and copied in with dd conv=sparse.
set -e
if [ $# -ne 5 ]; then
	echo "usage: $0 STAGING OUT.img USERBUILD IMAGE INITRD" >&2
	exit 2
fi
stage=$1 out=$2 ub=$3 image=$4 initrd=$5
DISK_MIB=${DISK_MIB:-2048}
PART_START_MIB=1
MIN_FREE_MIB=256
PATH=$PATH:/sbin:/usr/sbin

for f in "$image" "$initrd"; do
	[ -f "$f" ] || { echo "$0: missing $f" >&2; exit 1; }
done
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/tests" "$stage/dev" "$stage/proc" \
	"$stage/tmp" "$stage/etc" "$stage/boot/extlinux"
for f in "$ub"/bin/*; do
	[ -f "$f" ] && cp "$f" "$stage/bin/"
done
for f in "$ub"/tests/* "$ub"/disktests/* "$ub"/labtests/*; do	# too big for the initramfs
	[ -f "$f" ] && cp "$f" "$stage/tests/"
done
chmod 1777 "$stage/tmp"
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
