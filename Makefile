# Top-level build: kernel (build/kernel, build/Image), user programs,
# initramfs (build/initramfs.cpio), boot disk (build/disk.img); run targets
# qemu, qemu-uboot, qemu-gdb, test; linux-ref and bench (tests/bench.py);
# the course labs: lab (scripts/lab.py) and grade (tests/grade.py).
CROSS ?= riscv64-unknown-elf-
UCROSS ?= riscv64-linux-gnu-
CC := $(CROSS)gcc
LD := $(CROSS)ld
OBJCOPY := $(CROSS)objcopy
UCC := $(UCROSS)gcc
CPUS ?= 2
MEM ?= 256M
APPEND ?= root=/dev/vda1
INITRD ?= build/initramfs.cpio
B := build

CFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany \
	-ffreestanding -nostdlib -fno-builtin -fno-common -fno-stack-protector \
	-fno-omit-frame-pointer -fno-pie -no-pie -O2 -g -Wall -Werror=implicit-function-declaration \
	-Iinclude -I$(B)/gen -MMD -MP
ASFLAGS := $(CFLAGS) -D__ASSEMBLER__
LDFLAGS := -nostdlib -T arch/riscv/kernel.ld -z max-page-size=4096 --no-warn-rwx-segments

KDIRS := arch/riscv kernel mm lib block fs fs/proc fs/ext2 drivers drivers/block drivers/virtio
KSRC := $(foreach d,$(KDIRS),$(wildcard $(d)/*.c) $(wildcard $(d)/*.S))
KOBJ := $(patsubst %,$(B)/k/%.o,$(basename $(KSRC)))

USRC := $(wildcard user/*.c)
TSRC := $(wildcard user/tests/*.c)
# Tests that run only from a disk (build/disk.img's /tests, and the ext2
# root of tests/run.py's writeback boots): kept out of the initramfs,
# whose memory the small configurations cannot spare.
DTSRC := $(wildcard user/tests/disk/*.c)
DTBIN := $(patsubst user/tests/disk/%.c,$(B)/user/disktests/%,$(DTSRC))
# The course labs' graded tests (docs/labs/): on the disk only, too.
LTSRC := $(wildcard user/tests/lab/*.c)
LTBIN := $(patsubst user/tests/lab/%.c,$(B)/user/labtests/%,$(LTSRC))
UBIN := $(patsubst user/%.c,$(B)/user/bin/%,$(USRC))
# The fuzzers (docs/fuzzing.md) boot their own small initramfs,
# build/fuzz.cpio: /bin/fuzz, /bin/fuzz_ext2 and the /bin/echo that
# fuzz execs; they need nothing else and the big one unpacks slowly.
FZSRC := $(wildcard user/fuzz/*.c)
FZBIN := $(patsubst user/fuzz/%.c,$(B)/user/fuzz/bin/%,$(FZSRC)) $(B)/user/fuzz/bin/echo
TBIN := $(patsubst user/tests/%.c,$(B)/user/tests/%,$(TSRC))
UCFLAGS := -static -O2 -Wall -Iuser/include

all: $(B)/kernel $(B)/Image $(B)/initramfs.cpio $(B)/disk.img $(DTBIN) $(LTBIN) $(B)/fuzz.cpio

Q ?= @
$(B)/k/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c $< -o $@
$(B)/k/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(ASFLAGS) -c $< -o $@

# How each system call's arguments are extended (kernel/syscall.c).
$(B)/gen/sysargs.h: scripts/sysargs.py $(filter %.c,$(KSRC))
	@mkdir -p $(dir $@)
	$(Q)python3 scripts/sysargs.py kernel/syscall.c $(filter %.c,$(KSRC)) > $@.tmp
	$(Q)cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@
$(B)/k/kernel/syscall.o: $(B)/gen/sysargs.h

# Three-pass link: the symbol table (for panic backtraces) is linked into
# the kernel itself, so link once to learn addresses, generate, relink.
$(B)/kernel: $(KOBJ) arch/riscv/kernel.ld scripts/kallsyms.py
	$(Q)$(LD) $(LDFLAGS) -o $(B)/kernel.0 $(KOBJ)
	$(Q)python3 scripts/kallsyms.py $(B)/kernel.0 $(CROSS)nm > $(B)/kallsyms.S
	$(Q)$(CC) $(ASFLAGS) -c $(B)/kallsyms.S -o $(B)/kallsyms.o
	$(Q)$(LD) $(LDFLAGS) -o $(B)/kernel.1 $(KOBJ) $(B)/kallsyms.o
	$(Q)python3 scripts/kallsyms.py $(B)/kernel.1 $(CROSS)nm > $(B)/kallsyms.S
	$(Q)$(CC) $(ASFLAGS) -c $(B)/kallsyms.S -o $(B)/kallsyms.o
	$(Q)$(LD) $(LDFLAGS) -o $@ $(KOBJ) $(B)/kallsyms.o

$(B)/Image: $(B)/kernel
	$(OBJCOPY) -O binary $< $@

$(B)/user/bin/%: user/%.c $(wildcard user/include/*.h)
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $< -lpthread
$(B)/user/tests/%: user/tests/%.c $(wildcard user/include/*.h)
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $< -lpthread
$(B)/user/disktests/%: user/tests/disk/%.c $(wildcard user/include/*.h)
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $< -lpthread
$(B)/user/labtests/%: user/tests/lab/%.c $(wildcard user/include/*.h)
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $< -lpthread

$(B)/initramfs.cpio: $(UBIN) $(TBIN) scripts/mkinitramfs.sh
	sh scripts/mkinitramfs.sh $(B)/initramfs $@ $(B)/user

$(B)/user/fuzz/bin/%: user/fuzz/%.c $(wildcard user/include/*.h)
	@mkdir -p $(dir $@)
	$(UCC) $(UCFLAGS) -o $@ $< -lpthread
$(B)/user/fuzz/bin/echo: $(B)/user/bin/echo
	@mkdir -p $(dir $@)
	cp $< $@
$(B)/fuzz.cpio: $(FZBIN) scripts/mkinitramfs.sh
	INIT= sh scripts/mkinitramfs.sh $(B)/fuzz-initramfs $@ $(B)/user/fuzz

# BusyBox from Debian's source package, static for riscv64 (the source is
# downloaded once into build/busybox/src).
BB := $(B)/busybox
$(BB)/busybox: scripts/busybox.sh scripts/busybox.config
	$(Q)sh scripts/busybox.sh $(BB) scripts/busybox.config

# 2 GiB sparse MBR disk, vda1 = ext2 with BusyBox and its links, /etc,
# the project's programs in /opt/teach/bin, /tests, /boot/Image,
# /boot/initramfs.cpio and /boot/extlinux/extlinux.conf (for qemu-uboot).
ETCSRC := $(shell find user/etc -type f)
BBTESTSRC := $(wildcard tests/busybox/*.sh)
$(B)/disk.img: $(B)/Image $(B)/initramfs.cpio $(UBIN) $(TBIN) $(DTBIN) $(LTBIN) scripts/mkdisk.sh \
		$(BB)/busybox $(ETCSRC) $(BBTESTSRC)
	$(Q)sh scripts/mkdisk.sh $(B)/disk-staging $@ $(B)/user $(B)/Image $(B)/initramfs.cpio \
		$(BB) user/etc tests/busybox

QEMU := qemu-system-riscv64
DISKOPTS = -drive file=$(B)/disk.img,format=raw,if=none,id=hd0 \
	-device virtio-blk-device,drive=hd0
QEMUOPTS = -machine virt -bios default -kernel $(B)/kernel -initrd $(INITRD) \
	-smp $(CPUS) -m $(MEM) -nographic -global virtio-mmio.force-legacy=false \
	$(if $(APPEND),-append "$(APPEND)") $(DISKOPTS)
# OpenSBI -> U-Boot (S-mode) -> distro boot: extlinux.conf on virtio 0:1 ->
# booti build/Image. Needs MEM >= 256M (U-Boot loads the initrd at 0x8c300000).
UBOOT := /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
QEMUUBOOTOPTS = -machine virt -bios default -kernel $(UBOOT) \
	-smp $(CPUS) -m $(MEM) -nographic -global virtio-mmio.force-legacy=false \
	$(DISKOPTS)

deps:
	@sh scripts/deps.sh

qemu: deps
	$(MAKE) all
	$(QEMU) $(QEMUOPTS)

qemu-uboot: deps
	$(MAKE) all
	@test -f $(UBOOT) || { echo "no $(UBOOT): apt-get install u-boot-qemu"; exit 1; }
	$(QEMU) $(QEMUUBOOTOPTS)

qemu-gdb: deps
	$(MAKE) all
	@echo "*** now run: gdb-multiarch -ex 'target remote :1234' $(B)/kernel"
	$(QEMU) $(QEMUOPTS) -S -gdb tcp::1234

unit:
	$(MAKE) --no-print-directory -C tests/unit

test: deps
	python3 tests/run.py

# The reference Linux kernel (build/linux/Image) that make bench compares with.
linux-ref:
	@sh scripts/linux-ref.sh $(B)

# QUICK=1: one round of one configuration; ROUNDS=N; BENCH_ARGS for more
# (python3 tests/bench.py --help).
bench:
	@sh scripts/deps.sh bench
	python3 tests/bench.py $(if $(QUICK),--quick) $(if $(ROUNDS),--rounds $(ROUNDS)) $(BENCH_ARGS)

test-linux: deps
	python3 tests/run.py --linux

# Course labs (docs/labs/README.md). make lab LAB=cow [DEST=dir] writes the
# student tree of a lab (default build/lab-LAB); make grade [LAB=cow]
# builds and scores a tree (a student tree knows its lab); VERBOSE=1
# shows the console.
lab:
	@test -n "$(LAB)" || { python3 scripts/lab.py list; echo "usage: make lab LAB=name [DEST=dir]"; exit 2; }
	@python3 scripts/lab.py make $(LAB) $(DEST)

grade: deps
	@python3 tests/grade.py $(LAB) $(if $(VERBOSE),--verbose)

# The fuzzers (docs/fuzzing.md): seeds SEED.. SEED+COUNT-1, one boot each
# (or MINUTES=M: seeds from SEED on until M minutes have passed).
SEED ?= 1
COUNT ?= 10
CALLS ?= 5000
WORKERS ?= 4
JOBS ?= 1
fuzz: deps
	$(MAKE) all
	python3 tests/fuzz/fuzz.py --seed $(SEED) --count $(COUNT) --calls $(CALLS) \
		--workers $(WORKERS) -j $(JOBS) $(if $(MINUTES),--minutes $(MINUTES))

# Corrupt ext2 images: seeds SEED.. (default 1000..1199), 50 per boot.
fuzz-ext2: deps
	$(MAKE) all
	python3 tests/fuzz/fuzz_ext2.py --seed $(if $(filter command line,$(origin SEED)),$(SEED),1000) \
		--count $(if $(filter command line,$(origin COUNT)),$(COUNT),200)

clean:
	rm -rf $(B)

.PHONY: all deps qemu qemu-uboot qemu-gdb unit test test-linux linux-ref bench lab grade fuzz fuzz-ext2 clean
-include $(KOBJ:.o=.d)
