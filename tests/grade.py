#!/usr/bin/env python3
"""grade.py - score a course lab (docs/labs/README.md).

  grade.py [LAB] [--verbose] [--no-build]

builds the tree (make all), boots it in QEMU running the lab's graded
tests (the parts of user/tests/lab/lab_LAB.c, some checked on the host
afterwards) and prints one line per test with its points, then
"Score: N/M"; the exit status is 0 only with full marks. In a student
tree (made by make lab) LAB defaults to the tree's lab. --verbose copies
the console to the terminal as it comes. Every test has a time limit and
the boot as a whole too: a kernel that hangs scores what it scored.

tests/run.py (make test) also calls make_test_steps: for every lab, the
solution (this tree) must score full marks, and the lab's student tree,
built incrementally from this tree's objects, must build, boot, fail
every graded test and pass the other subsystems' tests it runs."""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import run  # noqa: E402  (the test runner's QEMU, disk and host-check helpers)

LOGDIR = os.path.join(ROOT, "build", "test-logs")
LABDIR = os.path.join(ROOT, "build", "labs")
CPUS, MEM = 2, "512M"
PART_TIMEOUT = 120      # seconds per graded test (runtests -t)
BOOT_SLACK = 120        # on top of the parts' time for booting and powering off
ROOT_DEV = "vdf"        # after run.disk_args' five disks (vda..vde)


class Lab:
    def __init__(self, name, title, tests, others, hours, boot="std"):
        self.name, self.title, self.hours, self.boot = name, title, hours, boot
        self.tests = tests      # [(runtests name, points, what it checks)]
        self.others = others    # tests of other subsystems the student tree must pass

    @property
    def total(self):
        return sum(p for _, p, _ in self.tests)


# Suggested order (docs/labs/README.md lists them so, with the effort).
LABS = {}
for lab in [
    Lab("cow", "copy-on-write fork", [
        ("lab_cow:fork", 30, "a fork of 64 MiB copies no page; the pages are shared"),
        ("lab_cow:copies", 30, "each store copies exactly its page, on either side"),
        ("lab_cow:reuse", 20, "the last user of a page reuses it in place"),
        ("lab_cow:chain", 20, "three generations: isolation, one copy per store, no leak"),
    ], ["fork_exec_wait", "pipe", "mmap_file", "signals", "wait_status"], "3-5"),
    Lab("ext2", "ext2_get_block through indirect blocks", [
        ("lab_ext2:indirect", 20, "a 1 MiB file: the indirect block (host: e2fsck, debugfs)"),
        ("lab_ext2:double", 20, "a 6 MiB file: the double indirect block"),
        ("lab_ext2:sparse", 20, "one block in each range, up to triple indirect at 5 GiB"),
        ("lab_ext2:truncate", 20, "cut and grown again: block counts, no leak"),
        ("lab_ext2:enospc", 20, "a full disk: ENOSPC, the data kept, every block back"),
    ], ["fork_exec_wait", "pipe", "links", "dcache", "mmap_exec"], "3-5", boot="ext2"),
    Lab("virtio", "the virtio-blk request path: many requests in flight", [
        ("lab_virtio:depth", 25, "16 reads of a slow disk: 8 or more in the driver at once"),
        ("lab_virtio:pattern", 25, "two partitions read back in 4 KiB..1 MiB requests"),
        ("lab_virtio:write", 25, "a disk written and read back by threads; FLUSH"),
        ("lab_virtio:many", 25, "64 reads at once: 32 or more in the driver"),
    ], ["fork_exec_wait", "pipe", "blk_pattern", "blk_parts", "fs_files"], "4-6"),
]:
    LABS[lab.name] = lab


def say(msg):
    print(msg, flush=True)


# ---- booting ----

def std_drives(label):
    """run.py's five test disks (vda..vde, fresh copies), then a
    copy-on-write view of build/disk.img as the root (vdf: its writes
    are thrown away when QEMU exits)."""
    return run.disk_args(label, MEM) + [
        "-drive", "file=%s,format=raw,if=none,id=root,snapshot=on"
        % os.path.join(ROOT, "build", "disk.img"),
        "-device", "virtio-blk-device,drive=root"]


def boot_tests(kernel, label, tests, drives, verbose=False, part_timeout=PART_TIMEOUT):
    """Boot kernel with the root on vdf1 and run tests (runtests names)
    with runtests as init. Returns (results, lines, problem): results maps
    a test to (passed, reason, lines since the test before it, seconds)."""
    append = "root=/dev/%s1 init=/bin/runtests panic=1 -- -t %d %s" % (
        ROOT_DEV, part_timeout, ",".join(tests))
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-bios", "default", "-kernel", kernel,
           "-smp", str(CPUS), "-m", MEM, "-nographic", "-no-reboot",
           "-global", "virtio-mmio.force-legacy=false", "-append", append] + drives
    timeout = BOOT_SLACK + part_timeout * len(tests)
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    lines, results, problem, done = [], {}, None, False
    start = last = time.time()
    deadline = [start + timeout]
    ctx = 0
    for line in run.read_console(proc, deadline):
        if line is None:
            problem = problem or "timeout after %d s" % timeout
            break
        lines.append(line)
        if verbose:
            print(line, flush=True)
        m = run.TEST_RE.match(line)
        if m:
            now = time.time()
            results[m.group(1)] = (m.group(2) == "PASS", m.group(3), lines[ctx:-1], now - last)
            last, ctx = now, len(lines)
        if "Kernel panic" in line or "panic:" in line.lower():
            problem = problem or "kernel panic"
            deadline[0] = min(deadline[0], time.time() + 2)
        if run.DONE_RE.match(line):
            done = True
            deadline[0] = min(deadline[0], time.time() + run.POWEROFF_GRACE)
    try:
        proc.wait(timeout=run.POWEROFF_GRACE if done else 2)
    except subprocess.TimeoutExpired:
        proc.kill()
        problem = problem or ("no poweroff after TESTS DONE" if done else None)
    proc.wait()
    if not problem and not done:
        problem = "never printed TESTS DONE"
    os.makedirs(LOGDIR, exist_ok=True)
    with open(os.path.join(LOGDIR, label + ".log"), "w") as f:
        f.write("# %s\n%s\n" % (" ".join(cmd), "\n".join(lines)))
    return results, lines, problem


def lab_image(label, mib):
    """A fresh empty ext2 (4 KiB blocks) for a lab's tests: the drive
    arguments (the disk after the root: vdg) and the image path."""
    d = os.path.join(run.DISKDIR, label)
    os.makedirs(d, exist_ok=True)
    img = os.path.join(d, "lab-ext2.img")
    if os.path.exists(img):
        os.unlink(img)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", "-L", "lab", img,
                    "%dM" % mib], check=True, stdout=subprocess.DEVNULL)
    return ["-drive", "file=%s,format=raw,if=none,id=lab,cache=unsafe" % img,
            "-device", "virtio-blk-device,drive=lab"], img


def debugfs(img, request):
    r = subprocess.run(["debugfs", "-R", request, img], capture_output=True)
    return r.stdout


def host_check_ext2(results, img, graded):
    """The ext2 on img after the boot: e2fsck -fn must be clean, and for
    each test that passed in the guest, every file it printed a CHECKSUM
    for must read back the same with debugfs, and every BLOCK it printed
    must hold those bytes where debugfs's bmap says the block lives.
    A test whose check fails becomes a failure."""
    fsck_problem, tail = run.fsck(img, 0)
    for t, (ok, reason, ctx, secs) in list(results.items()):
        if not ok or t not in graded:
            continue
        problems = ["host: " + fsck_problem + ": " + "; ".join(tail[-3:])] if fsck_problem else []
        for step, problem, _ in run.debugfs_checks(ctx, img, "host"):
            if problem:
                problems.append("%s: %s" % (step, problem))
        with open(img, "rb") as f:
            for line in ctx:
                m = re.match(r"BLOCK (\S+) (\d+) ([0-9a-f]{16})$", line.strip())
                if not m:
                    continue
                out = debugfs(img, "bmap %s %s" % (m.group(1), m.group(2))).split()
                pblk = int(out[-1]) if out and out[-1].isdigit() else 0
                f.seek(pblk * 4096)
                got = "%016x" % run.fnv64(f.read(4096)) if pblk else "a hole"
                if got != m.group(3):
                    problems.append("host: block %s of %s: debugfs finds %s at block %d, the "
                                    "guest read %s" % (m.group(2), m.group(1), got, pblk,
                                                       m.group(3)))
        if problems:
            results[t] = (False, problems[0], ctx + problems[1:], secs)


def lab_boot(lab, kernel, label, tests, verbose=False):
    """Boot for lab's kind (and check on the host what it needs);
    returns boot_tests' triple."""
    drives = std_drives(label)
    if lab.boot == "ext2":
        extra, img = lab_image(label, 64)
        results, lines, problem = boot_tests(kernel, label, tests, drives + extra, verbose)
        host_check_ext2(results, img, [t for t in tests if t.startswith("lab_")])
        return results, lines, problem
    return boot_tests(kernel, label, tests, drives, verbose)


# ---- scoring ----

def score(lab, results, problem):
    """Print one line per graded test and the score; returns points."""
    got = 0
    width = max(len(t) for t, _, _ in lab.tests)
    for t, pts, what in lab.tests:
        r = results.get(t)
        ok = bool(r and r[0])
        got += pts if ok else 0
        say("  %-*s  %-58s %s %3d/%d" % (width, t, what, "OK  " if ok else "FAIL", pts if ok else 0,
                                         pts))
        if not ok:
            why = r[1] if r else (problem or "not run")
            say("      %s" % why)
            for line in (r[2] if r else [])[-8:]:
                if line.strip():
                    say("      | " + line)
    if problem:
        say("  (boot: %s)" % problem)
    say("Score: %d/%d" % (got, lab.total))
    return got


def grade(name, verbose, build):
    lab = LABS[name]
    if build:
        say("== make -j2 all")
        p = subprocess.run(["make", "-j2", "all"], cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        if p.returncode:
            print(p.stdout.decode(errors="replace")[-4000:])
            say("BUILD FAILED\nScore: 0/%d" % lab.total)
            return 1
    say("== lab %s: %s (docs/labs/%s.md)" % (lab.name, lab.title, lab.name))
    results, _, problem = lab_boot(lab, os.path.join(ROOT, "build", "kernel"), "grade-" + name,
                                   [t for t, _, _ in lab.tests], verbose)
    say("   console log in %s" % os.path.relpath(os.path.join(LOGDIR, "grade-" + name + ".log")))
    return 0 if score(lab, results, problem) == lab.total else 1


# ---- make test: the solution scores full marks, every student tree 0 ----

def build_student_tree(name):
    """The lab's student tree in build/labs/NAME, compiled from copies of
    this tree's objects (only the files the lab changes recompile).
    Returns (kernel path, problem, output tail)."""
    import lab as labpy
    dest = os.path.join(LABDIR, name)
    try:
        changed = labpy.make(name, dest, plain=True)
    except labpy.LabError as e:
        return None, str(e), []
    os.makedirs(os.path.join(dest, "build"))
    for d in ("k", "gen"):
        shutil.copytree(os.path.join(ROOT, "build", d), os.path.join(dest, "build", d),
                        symlinks=True)
    now = time.time()
    for f in changed:       # newer than the copied objects
        os.utime(os.path.join(dest, f), (now, now))
    p = subprocess.run(["make", "-j2", "build/kernel"], cwd=dest, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    out = p.stdout.decode(errors="replace").splitlines()
    if p.returncode:
        return None, "make exited %d" % p.returncode, out[-30:]
    warnings = [l for l in out if "warning:" in l]
    if warnings:
        return None, "the student tree compiles with warnings", warnings[:20]
    return os.path.join(dest, "build", "kernel"), None, []


def skeleton_steps(name):
    lab = LABS[name]
    kernel, problem, out = build_student_tree(name)
    steps = [("lab:%s:build" % name, problem, out)]
    if not kernel:
        return steps
    graded = [t for t, _, _ in lab.tests]
    results, lines, problem = lab_boot(lab, kernel, "lab-" + name, lab.others + graded)
    pre = "lab:%s:student" % name
    for t in lab.others:
        r = results.get(t)
        steps.append(("%s:%s" % (pre, t), None if r and r[0] else
                      (r[1] if r else problem or "no TEST line"), r[2][-20:] if r else lines[-20:]))
    for t in graded:
        r = results.get(t)
        steps.append(("%s:%s" % (pre, t), "passes without the student's work" if r and r[0]
                      else None if r else problem or "no TEST line", r[2][-20:] if r else []))
    steps.append(("%s:boot" % pre, problem, lines[-30:] if problem else []))
    return steps


def solution_steps(names, label):
    """One boot of this tree for labs of one kind: every graded test
    passes (host checks included)."""
    tests = [t for n in names for t, _, _ in LABS[n].tests]
    results, lines, problem = lab_boot(LABS[names[0]], os.path.join(ROOT, "build", "kernel"),
                                       label, tests)
    steps = []
    for t in tests:
        r = results.get(t)
        steps.append(("lab:solution:%s" % t, None if r and r[0] else
                      (r[1] if r else problem or "no TEST line"), r[2][-20:] if r else lines[-20:]))
    if problem:
        steps.append(("%s:boot" % label, problem, lines[-30:]))
    return steps


def make_test_steps(jobs=2):
    """Everything make test checks of the labs, as run.py steps: a boot
    of this tree per kind of boot, and each lab's student tree."""
    kinds = {}
    for n in LABS:
        kinds.setdefault(LABS[n].boot, []).append(n)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        futs = [ex.submit(solution_steps, names, "lab-solution-" + kind)
                for kind, names in kinds.items()]
        futs += [ex.submit(skeleton_steps, n) for n in LABS]
        return [s for f in futs for s in f.result()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("lab", nargs="?", help="the lab (default: this student tree's)")
    ap.add_argument("--verbose", "-v", action="store_true", help="show the console")
    ap.add_argument("--no-build", action="store_true", help="skip make all")
    ap.add_argument("--check-student", action="store_true",
                    help="make test's check of the lab's student tree (this tree built first)")
    args = ap.parse_args()
    name = args.lab
    marker = os.path.join(ROOT, ".lab")
    if not name and os.path.exists(marker):
        name = open(marker).read().strip()
    if not name or name not in LABS:
        sys.exit("usage: make grade LAB=name (labs: %s)" % ", ".join(LABS))
    if args.check_student:
        steps = skeleton_steps(name)
        for sname, problem, ctx in steps:
            say("%s %s%s" % ("FAIL" if problem else "ok  ", sname, ": " + problem if problem else ""))
            for line in ctx if problem else []:
                say("    | " + line)
        sys.exit(1 if any(s[1] for s in steps) else 0)
    sys.exit(grade(name, args.verbose, not args.no_build))


if __name__ == "__main__":
    main()
