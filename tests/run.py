#!/usr/bin/env python3
"""run.py - build everything, run the unit tests, then boot the kernel in
QEMU in several CPU/memory configurations (two at a time) running
/bin/runtests, and count every `TEST name PASS|FAIL` line as one result.
One more boot (in parallel) boots as `make qemu` does (root=/dev/vda1 on
a copy of build/disk.img) and drives /bin/sh through the console; each
step is one "interactive:STEP" result. Another ("uboot:STEP") boots
through U-Boot's distro boot from a copy of build/disk.img (extlinux.conf
-> booti build/Image) and types at the shell; a third runs EXT2_TESTS on
the ext2 root and checks the image with e2fsck and debugfs; the course
labs' checks (tests/grade.py: every lab's solution scores full marks,
every student tree builds, boots and scores 0) run alongside ("lab:*");
so do the fuzzers' fixed sets (tests/fuzz/: a seed of random system
calls, and corrupt ext2 images).
--linux runs the guest tests under qemu-riscv64 on the host instead.
The last line is always `N passed, N failed`; exit status 1 on failure."""
import argparse
import concurrent.futures
import os
import re
import select
import shutil
import subprocess
import sys
import threading
import time
import zlib

import busybox_tests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOGDIR = os.path.join(ROOT, "build", "test-logs")
TESTDIR = os.path.join(ROOT, "build", "user", "tests")
CONFIGS = [(1, "256M"), (4, "256M"), (2, "64M"), (4, "1G")]
BOOT_TIMEOUT = 420     # a config boot; five QEMUs share two host cores in make test
POWEROFF_GRACE = 20
LINUX_TIMEOUT = 60
INTERACTIVE_CONFIG = (2, "128M")
STEP_TIMEOUT = 30
UBOOT_BIN = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
UBOOT_CONFIG = (2, "256M")   # U-Boot loads the initrd at 0x8c300000
UBOOT_PROMPT_TIMEOUT = 90
TEST_RE = re.compile(r"^TEST (\S+) (PASS|FAIL)\b ?(.*)$")
DONE_RE = re.compile(r"^TESTS DONE (\d+) (\d+)")


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = []  # (name, reason, context lines)

    def ok(self):
        self.passed += 1

    def fail(self, name, reason, context=()):
        self.failed.append((name, reason, list(context)))


def config_name(cpus, mem):
    return "%dx%s" % (cpus, mem)


def build(jobs):
    print("== make -j%d all" % jobs, flush=True)
    p = subprocess.run(["make", "-j%d" % jobs, "all"], cwd=ROOT,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        out = p.stdout.decode(errors="replace").splitlines()
        print("\n".join(out[-60:]))
        print("run.py: BUILD FAILED (make exited %d); no tests run" % p.returncode)
        print("0 passed, 1 failed")
        sys.exit(1)


def host_suite(res, subdir, tag):
    """make -C tests/SUBDIR; its output ends with 'TAG: N passed, N failed'."""
    d = os.path.join(ROOT, "tests", subdir)
    if not os.path.exists(os.path.join(d, "Makefile")):
        print("== %s: skipped (no tests/%s/Makefile)" % (subdir, subdir))
        return
    print("== make -C tests/%s" % subdir, flush=True)
    p = subprocess.run(["make", "-s", "--no-print-directory", "-C", d], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    out = p.stdout.decode(errors="replace").splitlines()
    m = None
    for line in out:
        m = re.search(tag + r": (\d+) passed, (\d+) failed", line) or m
    if not m:
        res.fail(subdir, "no '%s: N passed, N failed' line (make exited %d)"
                 % (tag, p.returncode), out[-40:])
        return
    npass, nfail = int(m.group(1)), int(m.group(2))
    print("   %s" % m.group(0))
    res.passed += npass
    if nfail or p.returncode:
        bad = [l for l in out if "FAIL" in l][:40] or out[-40:]
        for i in range(max(nfail, 1)):
            res.fail(subdir if nfail <= 1 else "%s#%d" % (subdir, i + 1),
                     "host test failure", bad if i == 0 else [])


def unit_tests(res):
    host_suite(res, "unit", "UNIT")     # lib/ under ASan/UBSan
    host_suite(res, "ext2", "EXT2")     # fs/ext2 against mke2fs/e2fsck/debugfs


def expected_tests(names):
    if names:
        return names
    try:
        return sorted(f for f in os.listdir(TESTDIR) if not f.startswith("."))
    except OSError:
        return []


def read_console(proc, deadline):
    """Yield console lines until EOF; None once time.time() passes
    deadline[0] (the caller may move the deadline while reading)."""
    buf = b""
    fd = proc.stdout.fileno()
    while True:
        left = deadline[0] - time.time()
        if left <= 0:
            if buf:
                yield buf.decode(errors="replace")
            yield None
            return
        r, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not r:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            if buf:
                yield buf.decode(errors="replace")
            return
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            yield line.decode(errors="replace").rstrip("\r")


DISKDIR = os.path.join(ROOT, "build", "test-disks")
MASTER_LOCK = threading.Lock()
SECTOR_MUL = 0x9e3779b97f4a7c15
MASK64 = (1 << 64) - 1


def pattern(first_sector, nsect, seed):
    """The per-sector pattern of user/include/blk.h, as bytes."""
    import array
    out = array.array("Q")
    for s in range(first_sector, first_sector + nsect):
        base = (s * SECTOR_MUL + seed) & MASK64
        out.extend([(base + i) & MASK64 for i in range(64)])
    return out.tobytes()


def make_parts_image(path):
    """40 MiB disk, MBR: vda1 = 24 MiB at 1 MiB (seed 1), vda2 = the rest
    from 26 MiB (seed 2); each filled with the pattern counted from its
    own first sector, so the guest can check what the host wrote."""
    size, p1, p1len, p2 = 40 << 20, 2048, 49152, 53248
    with open(path, "wb") as f:
        f.truncate(size)
    table = "%d,%d,83\n%d,,83\n" % (p1, p1len, p2)
    subprocess.run(["sfdisk", "-q", path], input=table.encode(), check=True,
                   stdout=subprocess.DEVNULL)
    with open(path, "r+b") as f:
        f.seek(p1 * 512)
        f.write(pattern(0, p1len, 1))
        f.seek(p2 * 512)
        f.write(pattern(0, size // 512 - p2, 2))


THROTTLE_SECTORS = 4096        # vde: 2 MiB
THROTTLE_BPS = 400000          # ... read at 400 kB/s


def disk_args(name, mem):
    """Five virtio disks per boot: vda with MBR partitions, vdb scratch
    (256 MiB on the 1G config), vdc failing reads at sector 32768 and
    writes at sector 36864, vdd with a GPT of two partitions, vde a 2 MiB
    pattern disk that QEMU throttles to 400 kB/s (mmap_retry)."""
    d = os.path.join(DISKDIR, name)
    os.makedirs(d, exist_ok=True)
    master = os.path.join(DISKDIR, "parts.img")
    with MASTER_LOCK:   # boots start in parallel threads
        if not os.path.exists(master):
            make_parts_image(master + ".tmp")
            os.rename(master + ".tmp", master)
    parts = os.path.join(d, "parts.img")
    shutil.copyfile(master, parts)
    scratch = os.path.join(d, "scratch.img")
    with open(scratch, "wb") as f:
        f.truncate((256 if mem.upper().endswith("G") else 32) << 20)
    eio = os.path.join(d, "eio.img")
    with open(eio, "wb") as f:
        f.truncate(20 << 20)
    conf = os.path.join(d, "blkdebug.conf")
    with open(conf, "w") as f:
        f.write('[inject-error]\nevent = "read_aio"\nerrno = "5"\n'
                'sector = "32768"\nonce = "off"\n')
        # wb_err: writes covering sector 36864 fail (reads of it work)
        f.write('[inject-error]\nevent = "write_aio"\nerrno = "5"\n'
                'sector = "36864"\nonce = "off"\n')
    gpt = os.path.join(d, "gpt.img")
    with open(gpt, "wb") as f:
        f.truncate(16 << 20)
    subprocess.run(["sfdisk", "-q", gpt], input=b"label: gpt\n,8MiB\n,\n", check=True,
                   stdout=subprocess.DEVNULL)
    # vdd2 (sectors 18432.., 6 MiB) holds an empty ext2 for the mounts and
    # mmap_ext2 tests, with 1 KiB blocks (4 per page: the root has 4 KiB)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "1024", "-E", "offset=%d" % (18432 * 512),
                    gpt, "6M"], check=True, stdout=subprocess.DEVNULL)
    # vde: slow on purpose (mmap_retry's faults wait for it), blk.h's pattern, seed 3
    tmaster = os.path.join(DISKDIR, "throttle.img")
    with MASTER_LOCK:
        if not os.path.exists(tmaster):
            with open(tmaster + ".tmp", "wb") as f:
                f.write(pattern(0, THROTTLE_SECTORS, 3))
            os.rename(tmaster + ".tmp", tmaster)
    throttle = os.path.join(d, "throttle.img")
    shutil.copyfile(tmaster, throttle)
    args = []
    drives = ["file=%s,format=raw" % parts, "file=%s,format=raw" % scratch,
              "driver=raw,file.driver=blkdebug,file.config=%s,"
              "file.image.filename=%s" % (conf, eio), "file=%s,format=raw" % gpt,
              "file=%s,format=raw,throttling.bps-total=%d" % (throttle, THROTTLE_BPS)]
    for i, spec in enumerate(drives):
        args += ["-drive", "%s,if=none,id=d%d,cache=unsafe" % (spec, i),
                 "-device", "virtio-blk-device,drive=d%d" % i]
    return args


def boot(cpus, mem, tests):
    """Boot one config; return (name, lines, results list, boot problem)."""
    name = config_name(cpus, mem)
    append = "rdinit=/bin/runtests panic=1"
    if tests:
        append += " -- " + " ".join(tests)
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-bios", "default",
           "-kernel", "build/kernel", "-initrd", "build/initramfs.cpio",
           "-smp", str(cpus), "-m", mem, "-nographic", "-no-reboot",
           "-global", "virtio-mmio.force-legacy=false", "-append", append]
    cmd += disk_args(name, mem)
    lines, problem, done = [], None, None
    start = time.time()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = [start + BOOT_TIMEOUT]
    for line in read_console(proc, deadline):
        if line is None:
            if not problem and not done:
                problem = "timeout after %d s" % BOOT_TIMEOUT
            break
        lines.append(line)
        if "Kernel panic" in line or "panic:" in line.lower():
            problem = problem or "kernel panic"
            deadline[0] = min(deadline[0], time.time() + 2)  # grab a few more lines
        m = DONE_RE.match(line)
        if m:
            done = m
            deadline[0] = min(deadline[0], time.time() + POWEROFF_GRACE)
    try:        # the console closes a moment before QEMU exits
        proc.wait(timeout=POWEROFF_GRACE if done else 2)
    except subprocess.TimeoutExpired:
        proc.kill()
        if not problem and done:
            problem = "no poweroff within %d s after TESTS DONE" % POWEROFF_GRACE
    rc = proc.wait()
    if not problem and rc != 0:
        problem = "qemu exited with status %d" % rc
    if not problem and not done:
        problem = "never printed TESTS DONE"
    os.makedirs(LOGDIR, exist_ok=True)
    with open(os.path.join(LOGDIR, name + ".log"), "w") as f:
        f.write("# %s\n" % " ".join(cmd))
        f.write("\n".join(lines) + "\n")
    return name, lines, problem, done, time.time() - start


ROOT_PART_OFFSET = 1 << 20     # build/disk.img's first partition (mkdisk.sh)


def fsck(img, offset):
    """e2fsck -fn of the ext2 at byte offset in img (e2fsprogs' unix I/O
    takes "?offset=" after the file name). Returns (problem or None, tail)."""
    r = subprocess.run(["e2fsck", "-fn", "%s?offset=%d" % (img, offset)],
                       capture_output=True, text=True)
    tail = (r.stdout + r.stderr).splitlines()[-20:]
    return (None if r.returncode == 0 else "e2fsck -fn exit %d" % r.returncode), tail


def check_vdd2(res, name):
    """The mounts test wrote the ext2 on vdd2: e2fsck -fn must pass."""
    gpt = os.path.join(DISKDIR, name, "gpt.img")
    if not os.path.exists(gpt):
        return
    problem, tail = fsck(gpt, 18432 * 512)
    if problem:
        res.fail(name + ":e2fsck-vdd2", problem, tail)
    else:
        res.ok()


def tally(res, name, lines, problem, done, expected):
    seen = set()
    npass = nfail = 0
    ctx_start = 0
    for i, line in enumerate(lines):
        m = TEST_RE.match(line)
        if not m:
            continue
        tname, verdict, reason = m.group(1), m.group(2), m.group(3)
        seen.add(tname)
        if verdict == "PASS":
            res.ok()
            npass += 1
        else:
            res.fail("%s:%s" % (name, tname), reason, lines[ctx_start:i][-20:])
            nfail += 1
        ctx_start = i + 1
    if problem:
        res.fail("%s:boot" % name, problem, lines[-40:])
    else:
        for t in expected:
            if t not in seen:
                res.fail("%s:%s" % (name, t), "no TEST line (not run?)")
        if done and (int(done.group(1)), int(done.group(2))) != (npass, nfail):
            res.fail("%s:done" % name, "TESTS DONE %s %s disagrees with %d/%d"
                     % (done.group(1), done.group(2), npass, nfail))


class Console:
    """QEMU's serial console on a pipe: send keystrokes, wait for output."""

    def __init__(self, proc):
        self.proc = proc
        self.fd = proc.stdout.fileno()
        self.out = ""  # everything read so far
        self.pos = 0   # start of the output not yet consumed by expect()

    def _read(self, timeout):
        r, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not r:
            return True
        chunk = os.read(self.fd, 65536)
        if not chunk:
            return False
        self.out += chunk.decode(errors="replace").replace("\r", "")
        return True

    def expect(self, text, timeout=STEP_TIMEOUT):
        """Wait for text after the last match; return the output before
        it, or None on timeout or EOF."""
        end = time.time() + timeout
        while True:
            i = self.out.find(text, self.pos)
            if i >= 0:
                before = self.out[self.pos:i]
                self.pos = i + len(text)
                return before
            left = end - time.time()
            if left <= 0 or not self._read(min(left, 1.0)):
                return None

    def send(self, data):
        try:
            self.proc.stdin.write(data.encode())
            self.proc.stdin.flush()
        except OSError:
            pass

    def tail(self, n=30):
        return self.out.splitlines()[-n:]


ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# BusyBox ash on the disk, PS1 from its /etc/profile (user@host:dir# )
DISK_PROMPT = "root@riscv-teach:/# "


def shell_cmd(con, prompt, line, want=None, check=None):
    """Type line at the shell prompt; the output up to the next prompt
    must contain every string in want (and pass check, if given).
    Returns None or a description of the problem."""
    con.send(line + "\r")
    out = con.expect(prompt)
    if out is None:
        return "no prompt within %d s after %r" % (STEP_TIMEOUT, line)
    # drop the terminal's echo of the command line itself, and colours
    body = ANSI_RE.sub("", out).lstrip("\n")
    if body.startswith(line):
        body = body[len(line):]
    for w in want or []:
        if w not in body.split():
            return "%r: expected %r in output %r" % (line, w, body[-200:])
    if check and not check(body):
        return "%r: unexpected output %r" % (line, body[-200:])
    return None


def copy_disk(sub):
    """A private sparse copy of build/disk.img (the boot may write it), or
    None if there is no image."""
    src = os.path.join(ROOT, "build", "disk.img")
    if not os.path.exists(src):
        return None
    d = os.path.join(DISKDIR, sub)
    os.makedirs(d, exist_ok=True)
    disk = os.path.join(d, "disk-%d.img" % os.getpid())
    subprocess.run(["cp", "--sparse=always", src, disk], check=True)
    return disk


def shell_boot(label, cmd, disk, log, body, prompt=DISK_PROMPT):
    """Run qemu `cmd`, let body(con, step, run) drive the shell, then
    type poweroff and expect qemu to exit 0. Writes the console to log,
    removes disk. Returns (list of (step, problem or None, tail), tail)."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    con = Console(proc)
    results = []

    def step(name, problem, tail=None):
        results.append(("%s:%s" % (label, name), problem,
                        (tail or con.tail()) if problem else []))
        return problem is None

    def run(line, want=None, check=None):
        return shell_cmd(con, prompt, line, want, check)

    try:
        if body(con, step, run):
            con.send("poweroff\r")
            try:
                rc = proc.wait(timeout=20)
                step("poweroff", None if rc == 0 else
                     "qemu exited with status %d after poweroff" % rc)
            except subprocess.TimeoutExpired:
                step("poweroff", "qemu still running 20 s after poweroff")
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.makedirs(LOGDIR, exist_ok=True)
        with open(os.path.join(LOGDIR, log), "w") as f:
            f.write("# %s\n" % " ".join(cmd))
            f.write(con.out)
        if disk:
            if proc.returncode == 0:    # powered off: the root was unmounted
                step("e2fsck", *fsck(disk, ROOT_PART_OFFSET))
            try:
                os.unlink(disk)
            except OSError:
                pass
    return results, con.tail(200)


def qemu_disk_args(disk):
    return ["-drive", "file=%s,format=raw,if=none,id=hd0,cache=unsafe" % disk,
            "-device", "virtio-blk-device,drive=hd0"]


ROOT_MOUNT = "/dev/vda1 / ext2 rw"


def uboot():
    """OpenSBI -> U-Boot -> distro boot of extlinux.conf on virtio 0:1 of
    a copy of build/disk.img -> booti build/Image + initramfs -> the
    ext2 root; then type at the shell."""
    cpus, mem = UBOOT_CONFIG
    disk = copy_disk("uboot") if os.path.exists(UBOOT_BIN) else None
    if not disk:
        return [("uboot:prompt", "missing %s or build/disk.img" % UBOOT_BIN, [])], []
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-bios", "default",
           "-kernel", UBOOT_BIN, "-smp", str(cpus), "-m", mem,
           "-nographic", "-no-reboot",
           "-global", "virtio-mmio.force-legacy=false"] + qemu_disk_args(disk)

    def body(con, step, run):
        # no keystrokes before the kernel runs: any key stops autoboot
        start = time.time()
        if con.expect("Starting kernel", timeout=UBOOT_PROMPT_TIMEOUT) is None:
            return step("prompt", "U-Boot did not start the kernel within %d s"
                        % UBOOT_PROMPT_TIMEOUT)
        left = UBOOT_PROMPT_TIMEOUT - (time.time() - start)
        if con.expect(DISK_PROMPT, timeout=left) is None:
            return step("prompt", "no shell prompt within %d s" % UBOOT_PROMPT_TIMEOUT)
        step("prompt", None)
        step("ls", run("ls /bin", want=["sh"]))
        step("root", run("cat /proc/mounts", check=lambda b: ROOT_MOUNT in b))
        return True

    return shell_boot("uboot", cmd, disk, "uboot.log", body)


def interactive():
    """Boot as `make qemu` does (kernel, initramfs, a copy of
    build/disk.img, root=/dev/vda1, the default init running /bin/sh)
    and type at the shell."""
    cpus, mem = INTERACTIVE_CONFIG
    disk = copy_disk("interactive")
    if not disk:
        return [("interactive:boot", "missing build/disk.img", [])], []
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-bios", "default",
           "-kernel", "build/kernel", "-initrd", "build/initramfs.cpio",
           "-smp", str(cpus), "-m", mem, "-nographic", "-no-reboot",
           "-global", "virtio-mmio.force-legacy=false",
           "-append", "root=/dev/vda1 panic=1"] + qemu_disk_args(disk)

    def body(con, step, run):
        if con.expect(DISK_PROMPT, timeout=BOOT_TIMEOUT / 3) is None:
            return step("boot", "no shell prompt within %d s" % (BOOT_TIMEOUT // 3))
        step("boot", None)
        step("root", run("cat /proc/mounts", check=lambda b: ROOT_MOUNT in b))
        step("ls", run("ls /bin", want=["sh", "cat"]))
        step("pipe", run("echo hi | cat", want=["hi"]))
        step("pthreads", run("/tests/pthreads", check=lambda b: "pthreads: ok" in b))
        # ^C kills the foreground cat; the shell comes back with $? = 130
        con.send("cat\r")
        time.sleep(1.0)  # let cat start and block in read
        con.send("\x03")
        if con.expect(DISK_PROMPT) is None:
            step("ctrl-c", "no prompt within %d s after ^C" % STEP_TIMEOUT)
        else:
            step("ctrl-c", run("echo $?", want=["130"]))
        return True

    return shell_boot("interactive", cmd, disk, "interactive.log", body)


EXT2_TESTS = ["fs_files", "fs_cache", "fs_race", "links", "fileio", "write_fault", "ramfs", "procfs",
              "dcache", "mounts", "fork_exec_wait", "pthreads", "pipe", "wb_sync", "bigfile",
              "mmap_file", "mmap_ops", "mmap_cow", "mmap_errno", "mmap_ext2", "mmap_exec",
              "mmap_stress", "readahead", "etxtbsy", "jobctl", "tty", "bind", "tmpfs", "remount", "loop", "mntpoint", "procmnt"]
EXT2_MEM = "512M"       # bigfile: 1 GiB through half of it
EXT2_TIMEOUT = 600      # bigfile moves 1 GiB through a 512 MiB machine
FNV_OFFSET, FNV_PRIME = 0xcbf29ce484222325, 0x100000001b3


def fnv64(data):
    h = FNV_OFFSET
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & MASK64
    return h


def debugfs_checks(lines, fs, label):
    """For every "CHECKSUM path fnv64" or "CRC32 path crc32" line the guest
    printed, debugfs -R 'cat path' on fs (an image, "?offset=N" allowed)
    must return bytes with that hash. Returns steps LABEL:debugfs:PATH."""
    steps = []
    for line in lines:
        m = re.match(r"(CHECKSUM|CRC32) (\S+) ([0-9a-f]{16}|[0-9a-f]{8})$", line.strip())
        if not m:
            continue
        d = subprocess.Popen(["debugfs", "-R", "cat " + m.group(2), fs],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if m.group(1) == "CHECKSUM":
            got = "%016x" % fnv64(d.stdout.read())
        else:
            crc = 0
            for chunk in iter(lambda: d.stdout.read(1 << 20), b""):
                crc = zlib.crc32(chunk, crc)
            got = "%08x" % crc
        d.wait()
        steps.append(("%s:debugfs:%s" % (label, m.group(2)), None if got == m.group(3) else
                      "debugfs content differs (%s vs guest %s)" % (got, m.group(3)), []))
    return steps


def loop_image_checks(lines, fs, label):
    """The loop test wrote an ext2 inside a file of the root through
    /dev/loopN and printed "LOOPIMG path": that image (dumped with
    debugfs) must pass e2fsck -fn and hold /written as the guest wrote it."""
    steps = []
    for line in lines:
        m = re.match(r"LOOPIMG (\S+)$", line.strip())
        if not m:
            continue
        out = os.path.join(DISKDIR, "%s-loop.img" % label)
        subprocess.run(["debugfs", "-R", "dump %s %s" % (m.group(1), out), fs],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        problem, tail = fsck(out, 0)
        steps.append(("%s:loop-e2fsck" % label, problem, tail))
        got = subprocess.run(["debugfs", "-R", "cat /written", out], capture_output=True).stdout
        want = "".join("loop line %d\n" % i for i in range(10000)).encode()
        steps.append(("%s:loop-written" % label, None if got == want else
                      "/written in the loop image differs (%d bytes, want %d)"
                      % (len(got), len(want)), []))
    return steps


def ext2root():
    """Boot a copy of build/disk.img with root=/dev/vda1 and run the file
    tests on the ext2 root; then check the image on the host: e2fsck -fn
    must be clean and debugfs must return the bytes the guest wrote (the
    guest prints "CHECKSUM path fnv64"). Returns the list of steps."""
    steps = []
    os.makedirs(DISKDIR, exist_ok=True)
    img = os.path.join(DISKDIR, "ext2root.img")
    subprocess.run(["cp", "--sparse=always", os.path.join(ROOT, "build", "disk.img"), img],
                   check=True)
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-bios", "default",
           "-kernel", "build/kernel", "-smp", "4", "-m", EXT2_MEM, "-nographic", "-no-reboot",
           "-global", "virtio-mmio.force-legacy=false",
           "-drive", "file=%s,format=raw,if=none,id=hd0,cache=unsafe" % img,
           "-device", "virtio-blk-device,drive=hd0",
           "-append", "root=/dev/vda1 init=/bin/runtests panic=1 -- " + ",".join(EXT2_TESTS)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines, deadline, panic = [], [time.time() + EXT2_TIMEOUT], None
    for line in read_console(proc, deadline):
        if line is None:
            panic = panic or "timeout after %d s" % EXT2_TIMEOUT
            break
        lines.append(line)
        if "Kernel panic" in line:
            panic = "kernel panic"
            deadline[0] = min(deadline[0], time.time() + 2)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        panic = panic or "no poweroff"
    with open(os.path.join(LOGDIR, "ext2root.log"), "w") as f:
        f.write("# %s\n%s\n" % (" ".join(cmd), "\n".join(lines)))
    seen = set()
    for i, line in enumerate(lines):
        m = TEST_RE.match(line)
        if m:
            seen.add(m.group(1))
            steps.append(("ext2:" + m.group(1), None if m.group(2) == "PASS" else m.group(3),
                          lines[max(0, i - 15):i]))
    for t in EXT2_TESTS:
        if t not in seen:
            steps.append(("ext2:" + t, panic or "no TEST line", lines[-30:]))
    if panic:
        steps.append(("ext2:boot", panic, lines[-40:]))
        return steps
    problem, tail = fsck(img, ROOT_PART_OFFSET)
    steps.append(("ext2:e2fsck", problem, tail))
    steps += debugfs_checks(lines, "%s?offset=%d" % (img, ROOT_PART_OFFSET), "ext2")
    steps += loop_image_checks(lines, "%s?offset=%d" % (img, ROOT_PART_OFFSET), "ext2")
    return steps


KILL_MARKER = "KILL-QEMU-NOW"
POWERCUT_TIMEOUT = 300


def powercut_boot(label, cpus, mem, tests, drive_args, append):
    """Boot the kernel (no initramfs) with the given drives and command
    line, which runs `tests` with runtests; the moment the console shows
    a line KILL_MARKER, kill QEMU (SIGKILL: no sync, no unmount, a power
    cut), for tests whose point is what the disks hold afterwards. Every
    test but the last must print its TEST line; the last must print the
    marker. Returns (steps, console lines); the caller then checks the
    disk images on the host."""
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-bios", "default",
           "-kernel", "build/kernel", "-smp", str(cpus), "-m", mem, "-nographic", "-no-reboot",
           "-global", "virtio-mmio.force-legacy=false",
           "-append", append + " -- " + ",".join(tests)] + drive_args
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines, deadline, problem, cut = [], [time.time() + POWERCUT_TIMEOUT], None, False
    for line in read_console(proc, deadline):
        if line is None:
            problem = problem or "timeout after %d s" % POWERCUT_TIMEOUT
            break
        lines.append(line)
        if line.strip() == KILL_MARKER:
            proc.kill()
            cut = True
            break
        if "Kernel panic" in line or "panic:" in line.lower():
            problem = problem or "kernel panic"
            deadline[0] = min(deadline[0], time.time() + 2)
        if DONE_RE.match(line):
            break
    proc.kill()
    proc.wait()
    os.makedirs(LOGDIR, exist_ok=True)
    with open(os.path.join(LOGDIR, label + ".log"), "w") as f:
        f.write("# %s\n%s\n" % (" ".join(cmd), "\n".join(lines)))
    steps, seen = [], set()
    for i, line in enumerate(lines):
        m = TEST_RE.match(line)
        if m:
            seen.add(m.group(1))
            steps.append(("%s:%s" % (label, m.group(1)),
                          None if m.group(2) == "PASS" else m.group(3), lines[max(0, i - 15):i]))
    for t in tests[:-1]:
        if t not in seen:
            steps.append(("%s:%s" % (label, t), problem or "no TEST line", lines[-30:]))
    steps.append(("%s:%s" % (label, tests[-1]), None if cut else
                  problem or "no %s line" % KILL_MARKER, lines[-30:]))
    return steps, lines


# What e2fsck -fn may report after a power cut: what ext2, without a
# journal, cannot avoid. Leaks are tolerated (blocks or inodes marked in
# use on disk that nothing references: a bitmap block is shared by many
# files, so writing one file's allocation writes others' too, and the
# group and superblock counts follow the bitmaps); references to free or
# wrong blocks or inodes, bad sizes, bad directories are damage.
FSCK_NOISE = [r"^Pass \d", r"^Fix\? no$", r"^$", r"Filesystem still has errors",
              r"^\S+: \d+/\d+ files", r"^e2fsck \d", r"was not cleanly unmounted"]


def fsck_tolerated(line):
    """The leak-shaped e2fsck -n lines: the name of the kind, or None."""
    m = re.match(r"^(Block|Inode) bitmap differences: +(.*)$", line)
    if m and "+" not in m.group(2):
        return "%s bitmap: in use on disk, referenced by nothing (-)" % m.group(1).lower()
    m = re.match(r"^Free (blocks|inodes) count wrong( for group #\d+)? \((\d+), "
                 r"counted=(\d+)\)\.$", line)
    if m and int(m.group(4)) >= int(m.group(3)):
        return "free %s count lower than counted%s" % (m.group(1), " (group)" if m.group(2) else "")
    m = re.match(r"^Directories count wrong for group #\d+ \((\d+), counted=(\d+)\)\.$", line)
    if m and int(m.group(2)) <= int(m.group(1)):
        return "directories count higher than counted"
    return None


def fsck_after_cut(img, offset, label):
    """e2fsck -fn after a power cut: a step that fails on any problem but
    the leaks of fsck_tolerated; the tolerated ones are printed and logged."""
    r = subprocess.run(["e2fsck", "-fn", "%s?offset=%d" % (img, offset)],
                       capture_output=True, text=True)
    out = (r.stdout + r.stderr).splitlines()
    bad = [l for l in out if not fsck_tolerated(l) and not any(re.search(p, l) for p in FSCK_NOISE)]
    seen = sorted({fsck_tolerated(l) for l in out if fsck_tolerated(l)})
    with open(os.path.join(LOGDIR, label + ".log"), "a") as f:
        f.write("# e2fsck -fn (exit %d):\n%s\n" % (r.returncode, "\n".join(out)))
    name = "%s:e2fsck" % label
    if r.returncode not in (0, 4) or bad:
        return [(name, "e2fsck -fn exit %d: %d unexpected line(s)" % (r.returncode, len(bad)),
                 bad[:20] or out[-20:])]
    if seen:
        print("== %s: e2fsck found only leaks after the cut: %s" % (label, "; ".join(seen)))
    return [(name, None, [])]


def wb_disks(label, staged=None):
    """The writeback boots' disks: vda, a 160 MiB ext2 (the whole disk,
    label wbtest) that the boot mounts as its root: /bin/runtests, the
    tests of user/tests/disk/ and user/tests/lab/ in /tests, /WBTEST, /prefilled
    and /victim, whose first block fails every write request (blkdebug);
    and vdb, a 64 MiB raw disk whose writes QEMU throttles to 4 MB/s.
    The disk tests live there, not in the initramfs, whose memory the
    small configurations cannot spare; `staged` names more tests of
    build/user/tests to put there. Returns (drive args, image)."""
    d = os.path.join(DISKDIR, label)
    stage = os.path.join(d, "stage")
    shutil.rmtree(d, ignore_errors=True)
    for sub in ("bin", "tests", "dev", "proc", "tmp"):
        os.makedirs(os.path.join(stage, sub))
    ub = os.path.join(ROOT, "build", "user")
    shutil.copy(os.path.join(ub, "bin", "runtests"), os.path.join(stage, "bin"))
    for t in WB_STAGED_TESTS + (staged or []):
        shutil.copy(os.path.join(ub, "tests", t), os.path.join(stage, "tests"))
    for sub in ("disktests", "labtests"):	# labtests: the writeback lab's (tests/grade.py)
        for t in os.listdir(os.path.join(ub, sub)) if os.path.isdir(os.path.join(ub, sub)) else []:
            shutil.copy(os.path.join(ub, sub, t), os.path.join(stage, "tests"))
    with open(os.path.join(stage, "WBTEST"), "w") as f:
        f.write("the writeback boots' disk (tests/run.py)\n")
    with open(os.path.join(stage, "victim"), "wb") as f:
        f.write(b"\x11" * (64 << 10))
    with open(os.path.join(stage, "prefilled"), "wb") as f:
        f.write(b"\x22" * (64 << 10))
    img = os.path.join(d, "wb.img")
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", "-L", "wbtest",
                    "-d", stage, img, "160M"], check=True, stdout=subprocess.DEVNULL)
    bmap = subprocess.run(["debugfs", "-R", "bmap /victim 0", img], capture_output=True,
                          text=True).stdout.split()
    conf = os.path.join(d, "blkdebug.conf")
    with open(conf, "w") as f:
        f.write('[inject-error]\nevent = "write_aio"\nerrno = "5"\n'
                'sector = "%d"\nonce = "off"\n' % (int(bmap[-1]) * 8))
    slow = os.path.join(d, "throttled.img")
    with open(slow, "wb") as f:
        f.truncate(64 << 20)
    return ["-drive", "driver=raw,file.driver=blkdebug,file.config=%s,file.image.filename=%s,"
            "if=none,id=w0,cache=unsafe" % (conf, img), "-device", "virtio-blk-device,drive=w0",
            "-drive", "file=%s,format=raw,if=none,id=w1,cache=unsafe,throttling.bps-write=%d"
            % (slow, 4 << 20), "-device", "virtio-blk-device,drive=w1"], img


# label: (cpus, memory, tests; the last one ends with the power cut)
WB_BOOTS = {
    "wbcut": (2, "1G", ["wb_crash"]),
    "wbsync": (2, "256M", ["wb_flush", "wb_throttle", "wb_sync", "wb_eio", "wb_fsync"]),
}
WB_STAGED_TESTS = []    # from build/user/tests, besides the disk tests


def wb_boot(label):
    """A writeback boot: its disks, the tests up to the power cut, then
    e2fsck and debugfs on the ext2 image."""
    cpus, mem, tests = WB_BOOTS[label]
    args, img = wb_disks(label)
    steps, lines = powercut_boot(label, cpus, mem, tests, args,
                                 "root=/dev/vda init=/bin/runtests panic=1")
    if any(s[0] == "%s:%s" % (label, tests[-1]) and s[1] is None for s in steps):
        steps += fsck_after_cut(img, 0, label)
        steps += debugfs_checks(lines, img, label)
    return steps


# make test's fixed run of the system-call fuzzer (tests/fuzz/fuzz.py,
# docs/fuzzing.md): about a minute of random calls in four workers.
FUZZ_SEED, FUZZ_CALLS, FUZZ_CONFIG = 1, 20000, (2, "256M")


def syscall_fuzz():
    """One fuzz boot; its steps: fuzz:seedN (and what went wrong)."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "fuzz"))
    sys.modules.setdefault("run", sys.modules[__name__])	# one copy of our helpers
    import fuzz
    r = fuzz.fuzz_seed(FUZZ_SEED, FUZZ_CALLS, config=FUZZ_CONFIG, tag="fuzz", logdir=LOGDIR)
    name = "fuzz:seed%d" % FUZZ_SEED
    if not r["problems"]:
        print("== fuzz: seed %d, %d calls in %.0f s" % (FUZZ_SEED, r["calls"], r["secs"]),
              flush=True)
        return [(name, None, [])]
    replay = fuzz.replay_cmd(FUZZ_SEED, FUZZ_CALLS, fuzz.WORKERS)
    return [(name, "%s (replay: %s)" % (what, replay), ctx) for what, ctx in r["problems"]]


# make test's fixed set of corrupt ext2 images (tests/fuzz/fuzz_ext2.py):
# a range, and the images that found bugs (1057: a deadlock in
# ext2_free_inode; 3146: ".." naming a file crashed rename's subdir_of).
EXT2_FUZZ_SEEDS = list(range(100, 140)) + [1057, 3146]


def ext2_fuzz():
    """One boot over the fixed images; its step: fuzz-ext2."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "fuzz"))
    sys.modules.setdefault("run", sys.modules[__name__])	# one copy of our helpers
    import fuzz_ext2
    r = fuzz_ext2.run_batch(EXT2_FUZZ_SEEDS, "fuzz-ext2", logdir=LOGDIR)
    if not r["problems"]:
        print("== fuzz-ext2: %d images, %d mounted, in %.0f s" % (r["images"], r["mounted"],
                                                                 r["secs"]), flush=True)
        return [("fuzz-ext2", None, [])]
    return [("fuzz-ext2", "%s (replay: make fuzz-ext2 SEED=%s COUNT=1)" % (what, r["current"]),
             ctx) for what, ctx in r["problems"]]


def run_linux(res, names):
    dirs = [os.path.join(ROOT, "build", "user", d) for d in ("disktests", "labtests")]
    tests = names or sorted(expected_tests(None) + [t for d in dirs if os.path.isdir(d)
                                                    for t in os.listdir(d)
                                                    if not t.startswith(".")])
    for t in tests:
        path = os.path.join(TESTDIR, t)
        for d in dirs:
            if not os.path.exists(path):
                path = os.path.join(d, t)
        try:
            p = subprocess.run(["qemu-riscv64", path], cwd="/",
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=LINUX_TIMEOUT)
            out = p.stdout.decode(errors="replace").splitlines()
            rc = p.returncode
            why = ("signal %d" % -rc if rc < 0 else "exit %d" % rc) if rc else ""
        except subprocess.TimeoutExpired as e:
            out = (e.output or b"").decode(errors="replace").splitlines()
            why = "timeout after %d s" % LINUX_TIMEOUT
        if why:
            print("TEST %s FAIL %s" % (t, why))
            res.fail("linux:%s" % t, why, out[-20:])
        else:
            print("TEST %s PASS" % t)
            res.ok()


def tally_steps(res, label, steps, log):
    """Count (name, problem, context) steps of a scripted boot."""
    for sname, problem, tail in steps:
        if problem:
            res.fail(sname, problem, tail)
        else:
            res.ok()
    print("== %s: %d step(s), %d failure(s); log in %s"
          % (label, len(steps), sum(1 for s in steps if s[1]),
             os.path.relpath(os.path.join(LOGDIR, log), ROOT)), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--linux", action="store_true",
                    help="run build/user/tests/* under qemu-riscv64 on the host")
    ap.add_argument("--config", action="append",
                    help="only this config, e.g. 1x256M (repeatable)")
    ap.add_argument("--quick", action="store_true", help="first config only")
    ap.add_argument("--tests", help="comma-separated test names to run")
    ap.add_argument("--no-build", action="store_true", help="skip make")
    ap.add_argument("--no-interactive", action="store_true",
                    help="skip the interactive shell boot")
    ap.add_argument("--interactive-only", action="store_true",
                    help="only the interactive shell boot")
    ap.add_argument("--wb-only", action="store_true",
                    help="only the writeback boots (WB_BOOTS: power cut, then host checks)")
    ap.add_argument("--labs-only", action="store_true",
                    help="only the course labs' checks (tests/grade.py)")
    ap.add_argument("--no-fuzz", action="store_true", help="skip the fuzzers' boots")
    ap.add_argument("-j", type=int, default=2, help="parallel boots (default 2)")
    ap.add_argument("--busybox-only", action="store_true",
                    help="only the BusyBox boot (applets, vi, the fast part of its suite)")
    ap.add_argument("--busybox-linux", action="store_true",
                    help="the BusyBox tests under qemu-riscv64 on the host (the reference)")
    ap.add_argument("--busybox-all", action="store_true",
                    help="with --busybox-linux or --busybox-only: BusyBox's whole suite,"
                    " not the fast part")
    ap.add_argument("--busybox-applets", metavar="A,B,...",
                    help="with --busybox-linux or --busybox-only: these applets' part of the suite")
    args = ap.parse_args()
    if args.busybox_applets:
        args.busybox_all = args.busybox_applets.split(",")
    names = [t for t in (args.tests or "").split(",") if t]
    res = Results()

    if not args.no_build:
        build(2)
    if args.busybox_linux:
        busybox_tests.busybox_linux(res, args.busybox_all)
    elif args.linux:
        run_linux(res, names)
    else:
        unit_tests(res)
        configs = CONFIGS
        if args.config:
            wanted = [c.lower() for c in args.config]
            configs = [c for c in CONFIGS if config_name(*c).lower() in wanted]
            for w in wanted:
                if w not in [config_name(*c).lower() for c in CONFIGS]:
                    m = re.match(r"^(\d+)x(\d+[mg])$", w)
                    if not m:
                        ap.error("bad --config %s (want e.g. 2x128M)" % w)
                    configs.append((int(m.group(1)), m.group(2).upper()))
        elif args.quick:
            configs = CONFIGS[:1]
        if args.interactive_only or args.wb_only or args.labs_only or args.busybox_only:
            configs = []
        expected = expected_tests(names)
        want_inter = args.interactive_only or (
            not args.no_interactive and not args.config and not names and not args.wb_only
            and not args.labs_only and not args.busybox_only)
        want_labs = args.labs_only or (want_inter and not args.interactive_only)
        want_bb = args.busybox_only or (want_inter and not args.interactive_only)
        inter = ub = e2 = labs = fz = fe = bb = None
        wbs = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=7 + len(WB_BOOTS)) as ix, \
                concurrent.futures.ThreadPoolExecutor(max_workers=args.j) as ex:
            if want_bb:     # the longest: first
                bb = ix.submit(busybox_tests.busybox_boot, sys.modules[__name__],
                               args.busybox_all)
            if want_inter:
                inter = ix.submit(interactive)
                ub = ix.submit(uboot)
                e2 = ix.submit(ext2root)
                if not args.no_fuzz:
                    fz = ix.submit(syscall_fuzz)
                    fe = ix.submit(ext2_fuzz)
            if (want_inter and not args.interactive_only) or args.wb_only:
                wbs = {label: ix.submit(wb_boot, label) for label in WB_BOOTS}
            if want_labs:
                sys.modules.setdefault("run", sys.modules[__name__])	# one copy of our helpers
                import grade
                labs = ix.submit(grade.make_test_steps)
            futs = [ex.submit(boot, c, m, names) for c, m in configs]
            for f in futs:
                name, lines, problem, done, secs = f.result()
                before = len(res.failed)
                tally(res, name, lines, problem, done, expected)
                check_vdd2(res, name)
                print("== %s: %s in %.0f s, %d failure(s); log in %s"
                      % (name, problem or "done", secs, len(res.failed) - before,
                         os.path.relpath(os.path.join(LOGDIR, name + ".log"), ROOT)),
                      flush=True)
            for label, fut in wbs.items():
                tally_steps(res, label, fut.result(), label + ".log")
            if labs:
                tally_steps(res, "labs", labs.result(), "lab-*.log")
            for fut, label, log in ((inter, "interactive", "interactive.log"),
                                     (ub, "uboot", "uboot.log"), (e2, "ext2 root", "ext2root.log"),
                                     (fz, "fuzz", "fuzz.log"), (fe, "fuzz-ext2", "fuzz-ext2.log"),
                                     (bb, "busybox", "busybox.log")):
                if fut:
                    r = fut.result()
                    tally_steps(res, label, r[0] if isinstance(r, tuple) else r, log)

    for name, reason, ctx in res.failed:
        print("\nFAIL %s: %s" % (name, reason))
        for line in ctx:
            print("    | " + line)
    print("%d passed, %d failed" % (res.passed, len(res.failed)))
    sys.exit(1 if res.failed else 0)


if __name__ == "__main__":
    main()
