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
    Lab("pgtbl", "Sv39 page tables: walking them, moving PTEs", [
        ("lab_pgtbl:present", 20, "pagemap: absent, written, zero-page and unmapped pages"),
        ("lab_pgtbl:file", 15, "pagemap: file pages, one frame for two mappings"),
        ("lab_pgtbl:fork", 15, "pagemap: the child's frames are the parent's, then its own"),
        ("lab_pgtbl:sparse", 15, "pagemap: 2 GiB with two pages; EINVAL; EOF"),
        ("lab_pgtbl:mremap", 20, "mremap moves 8 MiB by its PTEs: same frames, no copy"),
        ("lab_pgtbl:mremap_file", 15, "a moved shared mapping keeps its pages and the file"),
    ], ["fork_exec_wait", "pipe", "mmap_cow", "mmap_file", "procfs"], "3-5"),
    Lab("cow", "copy-on-write fork", [
        ("lab_cow:fork", 30, "a fork of 64 MiB copies no page; the pages are shared"),
        ("lab_cow:copies", 30, "each store copies exactly its page, on either side"),
        ("lab_cow:reuse", 20, "the last user of a page reuses it in place"),
        ("lab_cow:chain", 20, "three generations: isolation, one copy per store, no leak"),
    ], ["fork_exec_wait", "pipe", "mmap_file", "signals", "wait_status"], "3-5"),
    Lab("pagecache", "read(2) through the page cache", [
        ("lab_pagecache:warm", 25, "a re-read is all hits and no I/O"),
        ("lab_pagecache:cold", 20, "a cold read misses once per page, in few requests"),
        ("lab_pagecache:eof", 15, "odd sizes and buffers: the bytes before EOF; cached"),
        ("lab_pagecache:threads", 20, "four readers of one file: each sector read once"),
        ("lab_pagecache:mmap", 20, "read(2) and mappings share the cache's pages"),
    ], ["fork_exec_wait", "pipe", "fileio", "mmap_file", "links"], "4-6"),
    Lab("mmap", "file mappings: filemap_fault, fault-around, page_mkwrite", [
        ("lab_mmap:around", 25, "fault-around maps a cached file; SIGBUS past EOF"),
        ("lab_mmap:cold", 25, "a cold walk: a few major faults that read around"),
        ("lab_mmap:shared", 25, "stores into holes allocate at once; msync (host: debugfs)"),
        ("lab_mmap:enospc", 25, "a store into a hole of a full disk is SIGBUS"),
    ], ["fork_exec_wait", "pipe", "fileio", "mmap_exec", "mmap_errno"], "5-8", boot="ext2"),
    Lab("retry", "faults that drop mmap_lock for I/O and retry", [
        ("lab_retry:churn", 40, "mmap/munmap of other threads run during a slow fault"),
        ("lab_retry:unmap", 30, "the range unmapped during the fault: SIGSEGV on retry"),
        ("lab_retry:remap", 30, "a file mapped over it during the fault: its bytes"),
    ], ["fork_exec_wait", "pipe", "mmap_file", "mmap_cow", "pthreads"], "3-5"),
    Lab("readahead", "the on-demand readahead window", [
        ("lab_readahead:ramp", 20, "4 KiB reads: windows of 4, 8, 16, 32 pages, from the marks"),
        ("lab_readahead:sequential", 25, "16 MiB in 4 KiB reads: a request per window"),
        ("lab_readahead:random", 20, "random reads get no window; a stream after them does"),
        ("lab_readahead:large", 15, "1 MiB reads: the next window is read ahead"),
        ("lab_readahead:streams", 20, "two streams of one file at once: both get windows"),
    ], ["fork_exec_wait", "pipe", "fileio", "mmap_file", "blk_cache"], "4-6"),
    Lab("writeback", "the flusher's passes and balance_dirty_pages", [
        ("lab_writeback:expire", 25, "old dirty data is written by the periodic pass"),
        ("lab_writeback:background", 25, "over the background threshold: the background pass"),
        ("lab_writeback:throttle", 25, "a writer to a slow disk is held at the dirty limit"),
        ("lab_writeback:powercut", 25, "no sync, then a power cut: the host finds the files"),
    ], ["pipe", "links", "pthreads", "wait_status", "wb_sync"], "5-8", boot="wb"),
    Lab("virtio", "the virtio-blk request path: many requests in flight", [
        ("lab_virtio:depth", 25, "16 reads of a slow disk: 8 or more in the driver at once"),
        ("lab_virtio:pattern", 25, "two partitions read back in 4 KiB..1 MiB requests"),
        ("lab_virtio:write", 25, "a disk written and read back by threads; FLUSH"),
        ("lab_virtio:many", 25, "64 reads at once: 32 or more in the driver"),
    ], ["fork_exec_wait", "pipe", "blk_pattern", "blk_parts", "fileio"], "4-6"),
    Lab("ext2", "ext2_get_block through indirect blocks", [
        ("lab_ext2:indirect", 20, "a 1 MiB file: the indirect block (host: e2fsck, debugfs)"),
        ("lab_ext2:double", 20, "a 6 MiB file: the double indirect block"),
        ("lab_ext2:sparse", 20, "one block in each range, up to triple indirect at 5 GiB"),
        ("lab_ext2:truncate", 20, "cut and grown again: block counts, no leak"),
        ("lab_ext2:enospc", 20, "a full disk: ENOSPC, the data kept, every block back"),
    ], ["fork_exec_wait", "pipe", "links", "dcache", "mmap_exec"], "3-5", boot="ext2"),
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


def boot_tests(kernel, label, tests, drives, verbose=False, part_timeout=PART_TIMEOUT,
               root=ROOT_DEV + "1", cut=False):
    """Boot kernel with the root on /dev/ROOT and run tests (runtests
    names) with runtests as init. Returns (results, lines, problem):
    results maps a test to (passed, reason, lines since the test before
    it, seconds). With cut, QEMU is killed the moment the console shows
    KILL-QEMU-NOW (a power cut: run.powercut_boot), which is where the
    last test passes."""
    append = "root=/dev/%s init=/bin/runtests panic=1 -- -t %d %s" % (
        root, part_timeout, ",".join(tests))
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
        if cut and line.strip() == run.KILL_MARKER:	# from the test now running
            proc.kill()
            running = [t for t in tests if t not in results][:1]
            for t in running:
                results[t] = (t == tests[-1], "" if t == tests[-1] else
                              "power cut before the last test", lines[ctx:-1], time.time() - last)
            done = True
            break
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
    if cut and not problem and tests[-1] not in results:
        problem = "no %s line" % run.KILL_MARKER
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


def host_check_cut(results, img, label, graded):
    """After a power cut of the writeback boot: e2fsck -fn may report
    only leaks (run.fsck_after_cut), else the last test fails; every
    CRC32/CHECKSUM line a graded test printed must read back with
    debugfs, else that test fails."""
    fsck = run.fsck_after_cut(img, 0, label)[0]
    for t, (ok, reason, ctx, secs) in list(results.items()):
        if not ok or t not in graded:
            continue
        problems = ["host: %s: %s" % (step, problem)
                    for step, problem, _ in run.debugfs_checks(ctx, img, "debugfs") if problem]
        if t == graded[-1] and fsck[1]:
            problems.append("host: %s" % fsck[1])
        if problems:
            results[t] = (False, problems[0], ctx + problems[1:] + fsck[2], secs)


def lab_boot(lab, kernel, label, tests, verbose=False):
    """Boot for lab's kind (and check on the host what it needs);
    returns boot_tests' triple."""
    if lab.boot == "wb":	# from the writeback boots' own ext2 (run.wb_disks)
        drives, img = run.wb_disks(label, [t for t in lab.others if not t.startswith("wb_")])
        results, lines, problem = boot_tests(kernel, label, tests, drives, verbose, root="vda",
                                             cut=True)
        if tests[-1] in results and results[tests[-1]][0]:
            host_check_cut(results, img, label, [t for t in tests if t.startswith("lab_")])
        return results, lines, problem
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
    import lab as labpy
    try:
        problems = labpy.check(labpy.scan())
    except labpy.LabError as e:
        problems = [str(e)]
    steps = [("lab:check", problems[0] if problems else None, problems[1:])]
    kinds = {}
    for n in LABS:
        kinds.setdefault(LABS[n].boot, []).append(n)
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        futs = [ex.submit(solution_steps, names, "lab-solution-" + kind)
                for kind, names in kinds.items()]
        futs += [ex.submit(skeleton_steps, n) for n in LABS]
        return steps + [s for f in futs for s in f.result()]


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
