"""busybox_tests.py - the BusyBox userland under test (tests/run.py).

busybox_boot() boots a copy of build/disk.img as `make qemu` does
(BusyBox's init, ash at the console) with a second disk whose second
partition holds an empty ext2, and types at the shell:
  1. tests/busybox/applets.sh /dev/vdb2: ps, top, free, dd/md5sum/cmp,
     tar, find, grep, sed, awk, sort, xargs, mount/umount, sync, ...;
     each "TEST bb-applets:NAME PASS|FAIL" line is one result;
  2. vi on a file, typed at the console like a user would ("bb-vi:*");
  3. job control: ^Z stops a job, ps shows it T, bg, fg, ^C ("bb-jobs:*");
     line editing: cursor keys, history, Tab completion ("bb-edit:*");
  4. BusyBox's own test suite (tests/busybox/suite.sh) for the applets of
     SUITE_FAST, each test one result "bb:APPLET:NAME", judged against
     Linux: tests/busybox/linux-pass.txt lists the tests that pass under
     qemu-riscv64 on the host (made by `run.py --busybox-linux`); one of
     those failing here fails, unless tests/busybox/exceptions.txt names
     it with the reason; a test that fails on Linux too is not counted.
then powers off and checks both disks with e2fsck.
busybox_linux() runs the same script, vi and suite under qemu-riscv64 on
the host (tests/busybox/linux.sh), the reference."""
import os
import pty
import re
import select
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BBDIR = os.path.join(ROOT, "tests", "busybox")
BB_BUILD = os.path.join(ROOT, "build", "busybox")
BB_CONFIG = (2, "256M")
APPLETS_TIMEOUT = 300
SUITE_TIMEOUT = 600
SUITE_ALL_TIMEOUT = 4 * 3600    # the whole suite (--busybox-only --busybox-all)
# The fast part of BusyBox's suite: applets whose tests run quickest here
# (about 190 tests in some 100 s with make test's other boots running;
# the whole suite takes hours under TCG: md5sum's, cp's, tar's, bc's).
SUITE_FAST = ["expand", "find", "fold", "grep", "head", "nl", "od", "readlink", "seq", "sort",
              "tail", "test", "uniq", "wc"]
BB_RE = re.compile(r"^BB (\S+) (PASS|FAIL|SKIPPED|UNTESTED) ?(.*)$")
TEST_RE = re.compile(r"^TEST (\S+) (PASS|FAIL|SKIP)\b ?(.*)$")
VI_TEXT = "hello from vi"


def second_disk(path):
    """16 MiB, MBR: vdb1 at 1 MiB (7 MiB, empty), vdb2 from 8 MiB with an
    empty ext2 (mke2fs at the partition's offset)."""
    with open(path, "wb") as f:
        f.truncate(16 << 20)
    subprocess.run(["sfdisk", "-q", path], input=b"2048,14336,83\n16384,,83\n", check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096",
                    "-E", "offset=%d" % (16384 * 512), path, "2048"], check=True,
                   stdout=subprocess.DEVNULL)


def read_list(name):
    """Lines of tests/busybox/NAME without comments: a set of 'applet/test'
    keys, or for exceptions a dict key -> reason (after a tab)."""
    out = {}
    try:
        with open(os.path.join(BBDIR, name)) as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                key, _, why = line.partition("\t")
                out[key] = why
    except OSError:
        pass
    return out


def suite_results(lines):
    """(applet, key, verdict) for each PASS or FAIL line of suite.sh; a
    name an applet uses twice (seq has two "seq (exit with error)") gets
    " #2" on its second use, the same here and on the host."""
    out, seen = [], {}
    for line in lines:
        m = BB_RE.match(line.strip())
        if not m or m.group(2) in ("SKIPPED", "UNTESTED"):
            continue
        key = "%s/%s" % (m.group(1), m.group(3))
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key += " #%d" % seen[key]
        out.append((m.group(1), key, m.group(2)))
    return out


def judge_suite(lines, applets, step):
    """One result per suite test that passes on Linux; returns counts."""
    linux = read_list("linux-pass.txt")
    known = read_list("exceptions.txt")
    seen, counts = set(), {"pass": 0, "fail": 0, "linux-fails": 0, "known": 0}
    for _, key, verdict in suite_results(lines):
        seen.add(key)
        if verdict == "PASS":
            counts["pass"] += 1
            step("bb:" + key, None)
        elif key not in linux:
            counts["linux-fails"] += 1     # Linux's own result: not ours to count
        elif key in known:
            counts["known"] += 1
            print("   bb:%s fails here, as known: %s" % (key, known[key]))
        else:
            counts["fail"] += 1
            step("bb:" + key, "passes under qemu-riscv64, fails here")
    for key in sorted(linux):
        if (applets is None or key.split("/", 1)[0] in applets) and key not in seen:
            step("bb:" + key, "passes under qemu-riscv64, not run here")
    return counts


def type_vi(send, expect_screen, path="/tmp/vi.txt"):
    """Edit a two-line file in vi (started by the caller): delete the first
    line (dd), append a line (o...ESC), save and quit (:wq). Each step waits
    for vi's status line to show it was done: vi takes an ESC followed
    quickly by more bytes for the start of a cursor key, so ":wq" must not
    follow the ESC before vi has read the ESC alone. Returns None or the
    problem."""
    if not expect_screen("vi.txt 1/2"):     # the status line: "- /tmp/vi.txt 1/2 50%"
        send("\x1b:q!\r")
        return "no vi screen naming the file"
    for keys, screen in (("dd", "Delete 1 lines"), ("o" + VI_TEXT, VI_TEXT),
                         ("\x1b", "- %s [Modified] 2/2" % path)):
        send(keys)
        if not expect_screen(screen):
            send("\x1b:q!\r")
            return "typed %r: no %r on the status line" % (keys, screen)
    send(":wq\r")
    return None


def busybox_boot(h, all_tests=False):
    """h: the run module (copy_disk, shell_boot, qemu_disk_args, ...).
    all_tests: BusyBox's whole suite instead of SUITE_FAST, or a list of
    applets."""
    cpus, mem = BB_CONFIG
    disk = h.copy_disk("busybox")
    if not disk:
        return [("bb:boot", "missing build/disk.img", [])], []
    second = os.path.join(h.DISKDIR, "busybox", "second-%d.img" % os.getpid())
    second_disk(second)
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-bios", "default",
           "-kernel", "build/kernel", "-initrd", "build/initramfs.cpio",
           "-smp", str(cpus), "-m", mem, "-nographic", "-no-reboot",
           "-global", "virtio-mmio.force-legacy=false",
           "-append", "root=/dev/vda1 panic=1"] + h.qemu_disk_args(disk) + [
           "-drive", "file=%s,format=raw,if=none,id=hd1,cache=unsafe" % second,
           "-device", "virtio-blk-device,drive=hd1"]

    def body(con, step, run):
        prompt = h.DISK_PROMPT
        t0 = time.time()
        if con.expect(prompt, timeout=h.BOOT_TIMEOUT / 3) is None:
            return step("boot", "no shell prompt within %d s" % (h.BOOT_TIMEOUT // 3))
        t1 = time.time()
        # 1. the applets script
        con.send("sh /opt/teach/busybox/applets.sh /dev/vdb2\r")
        out = con.expect("APPLETS DONE", timeout=APPLETS_TIMEOUT)
        if out is None:
            return step("applets", "no APPLETS DONE within %d s" % APPLETS_TIMEOUT)
        lines = out.splitlines()
        for i, line in enumerate(lines):
            m = TEST_RE.match(line.strip())
            if m and m.group(2) != "SKIP":
                step(m.group(1), None if m.group(2) == "PASS" else m.group(3) or "FAIL",
                     lines[max(0, i - 10):i + 1])
            elif m:
                step(m.group(1), "skipped: " + m.group(3))
        con.expect(prompt)
        t2 = time.time()
        # 2. vi at the console
        con.send("printf 'first\\nsecond\\n' > /tmp/vi.txt\r")
        con.send("vi /tmp/vi.txt\r")
        problem = type_vi(con.send, lambda s: con.expect(s, timeout=20) is not None)
        step("bb-vi:edit", problem)
        if problem is None:
            con.expect(prompt)
            step("bb-vi:saved", run("cat /tmp/vi.txt", check=lambda b:
                                     b.split()[:4] == ["second"] + VI_TEXT.split()))
        # 3. job control at the console: ^Z, jobs, bg, fg, ^C
        con.send("sleep 30\r")
        for _ in range(5):  # a ^Z typed before sleep has the terminal is lost
            time.sleep(1.0)
            con.send("\x1a")
            out = con.expect(prompt, timeout=5)
            if out is not None:
                break
        step("bb-jobs:ctrl-z", None if out is not None and "Stopped" in out else
             "no prompt with 'Stopped' after ^Z")
        step("bb-jobs:stopped", run("ps -o stat,comm", check=lambda b: "T    sleep" in b))
        step("bb-jobs:bg", run("bg; jobs", check=lambda b: "Running" in b and "sleep 30" in b))
        con.send("fg\r")
        for _ in range(5):
            time.sleep(1.0)
            con.send("\x03")
            out = con.expect(prompt, timeout=5)
            if out is not None:
                break
        step("bb-jobs:fg-ctrl-c", run("echo $?", want=["130"]) if out is not None else
             "no prompt after fg and ^C")
        step("bb-jobs:done", run("jobs; echo end", check=lambda b: "sleep" not in b))
        # line editing: cursor keys move within the line, Up recalls it,
        # Tab completes a command name
        for name, keys in (("cursor", "echo abc\x1b[D\x1b[DX\r"), ("history", "\x1b[A\r"),
                           ("tab", "ech\tedited\r")):
            want = "edited" if name == "tab" else "aXbc"
            con.send(keys)      # (a recalled line redraws the prompt first)
            out = con.expect("\n%s\n" % want, timeout=20)
            step("bb-edit:" + name, None if out is not None and con.expect(prompt) is not None
                 else "typed %r: no line %r and prompt after it" % (keys, want))
        t3 = time.time()
        # 4. the fast part of BusyBox's own suite
        applets = all_tests if isinstance(all_tests, list) else None if all_tests else SUITE_FAST
        timeout = SUITE_ALL_TIMEOUT if all_tests else SUITE_TIMEOUT
        con.send("cd /tmp && sh /opt/teach/busybox/suite.sh %s; cd /\r" % " ".join(applets or []))
        out = con.expect("SUITE DONE", timeout=timeout)
        if out is None:
            return step("bb:suite", "no SUITE DONE within %d s" % timeout)
        lines = [l.strip() for l in out.splitlines()]
        c = judge_suite(lines, applets and set(applets), step)
        print("   BusyBox suite (%s): %d pass, %d fail here; %d fail on Linux too,"
              " %d known exceptions" % ("%d applets" % len(applets) if applets else "all applets",
                                        c["pass"], c["fail"], c["linux-fails"], c["known"]),
              flush=True)
        os.makedirs(h.LOGDIR, exist_ok=True)
        with open(os.path.join(h.LOGDIR, "busybox-guest.txt"), "w") as f:
            f.write("".join("%s %s\n" % (v, k) for _, k, v in suite_results(lines)))
        print("   busybox boot: %.0f s to the prompt, applets %.0f s, vi and jobs %.0f s,"
              " suite %.0f s" % (t1 - t0, t2 - t1, t3 - t2, time.time() - t3), flush=True)
        con.expect(prompt)
        return True

    try:
        steps, tail = h.shell_boot("busybox", cmd, disk, "busybox.log", body)
        problem, ftail = h.fsck(second, 16384 * 512)
        steps.append(("busybox:e2fsck-vdb2", problem, ftail))
    finally:
        try:
            os.unlink(second)
        except OSError:
            pass
    return steps, tail


# ---- the same on the host, under qemu-riscv64 ----

def linux_sh(what, args, timeout):
    """Run tests/busybox/linux.sh WHAT ARGS; its output lines."""
    work = os.path.join(ROOT, "build", "busybox-linux")
    p = subprocess.run(["sh", os.path.join(BBDIR, "linux.sh"),
                        os.path.join(BB_BUILD, "busybox"), os.path.join(BB_BUILD, "src"),
                        work, what] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout)
    return p.stdout.decode(errors="replace").splitlines()


def vi_linux():
    """vi under qemu-riscv64 in a pseudo-terminal, typed the same way."""
    path = os.path.join(ROOT, "build", "busybox-linux", "vi.txt")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "vt100"
        os.execvp("sh", ["sh", "-c", "stty rows 24 cols 80; printf 'first\\nsecond\\n' > %s;"
                         " exec qemu-riscv64 -0 vi %s %s"
                         % (path, os.path.join(BB_BUILD, "busybox"), path)])
    buf = [b""]

    def send(s):
        os.write(fd, s.encode())

    def expect_screen(text, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            i = buf[0].find(text.encode())
            if i >= 0:      # consumed up to the match, as con.expect does
                buf[0] = buf[0][i + len(text):]
                return True
            r, _, _ = select.select([fd], [], [], 0.5)
            if r:
                try:
                    buf[0] += os.read(fd, 4096)
                except OSError:
                    return False
        return False

    problem = type_vi(send, expect_screen, path)
    for _ in range(40):
        if os.waitpid(pid, os.WNOHANG)[0]:
            break
        time.sleep(0.25)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        problem = problem or "vi did not exit"
    if problem is None:
        with open(path) as f:
            if f.read().split("\n")[:2] != ["second", VI_TEXT]:
                problem = "unexpected file contents"
    return problem


def busybox_linux(res, all_tests):
    """The reference run: applets.sh, vi and the suite under qemu-riscv64.
    Writes build/test-logs/busybox-linux.txt: the suite tests that pass."""
    for line in linux_sh("applets", [], 900):
        m = TEST_RE.match(line)
        if m:
            print(line, flush=True)
            if m.group(2) == "PASS":
                res.ok()
            elif m.group(2) == "FAIL":
                res.fail("linux:" + m.group(1), m.group(3))
    problem = vi_linux()
    print("TEST linux:bb-vi %s" % ("PASS" if problem is None else "FAIL " + problem))
    if problem:
        res.fail("linux:bb-vi", problem)
    else:
        res.ok()
    applets = all_tests if isinstance(all_tests, list) else [] if all_tests else SUITE_FAST
    out = linux_sh("suite", applets, 6 * 3600)
    passed = []
    nfail = 0
    for _, key, verdict in suite_results(out):
        if verdict == "PASS":
            passed.append(key)
        else:
            nfail += 1
            print("   linux: BB %s FAIL" % key)
    print("BusyBox suite under qemu-riscv64 (%s): %d pass, %d fail"
          % (" ".join(applets) or "all applets", len(passed), nfail), flush=True)
    log = os.path.join(ROOT, "build", "test-logs", "busybox-linux.txt")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    with open(log, "w") as f:
        f.write("".join(k + "\n" for k in sorted(passed)))
    print("passing tests listed in %s (compare with tests/busybox/linux-pass.txt)"
          % os.path.relpath(log, ROOT))
