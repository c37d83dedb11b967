#!/usr/bin/env python3
"""fuzz.py - run the system-call fuzzer (/bin/fuzz, user/fuzz/fuzz.c) in QEMU,
one boot per seed, and judge each run (docs/fuzzing.md).

    python3 tests/fuzz/fuzz.py [--seed S] [--count C | --minutes M] [--calls N] [-j J]

Each seed boots build/kernel with rdinit=/bin/fuzz and a fresh 32 MiB
ext2 scratch disk (vda, made with mke2fs). A run fails on a kernel
panic, Oops, BUG, WARNING, "Out of memory" or "EXT2-fs error" on the
console, a "FUZZ FAIL" or "FUZZ STUCK" line from the guest (a worker
that did not come back from a call), no "FUZZ DONE pass" before the time
limit (a hang of the whole machine), or when e2fsck -fn finds the
scratch disk unclean after the guest unmounted it. The kernel's OOM rule
killing a worker is allowed and counted when the guest reports that
worker's pid in a "FUZZ OOM" line. A failing seed prints the command
that replays it; logs are in build/fuzz-logs/. The last line is
"FUZZ: N seeds, N calls, N failed, N OOM kill(s) in N seed(s)"; exit
status 1 on any failure.
tests/run.py imports fuzz_seed() for make test's fixed seed."""
import argparse
import collections
import concurrent.futures
import itertools
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from run import read_console  # noqa: E402  (one console reader for every boot)
LOGDIR = os.path.join(ROOT, "build", "fuzz-logs")
CONFIGS = [(2, "256M"), (4, "256M"), (1, "128M")]   # by seed % 3
WORKERS = 4
SCRATCH_MB = 32
BAD = re.compile(r"Kernel panic|Oops|BUG|WARNING:|EXT2-fs error|FUZZ FAIL|FUZZ STUCK|"
                 r"Unable to handle|Out of memory")
# The kernel's OOM rule killing a worker is allowed when the guest saw it
# too (oom_kill went up as the worker died of SIGKILL): "FUZZ OOM".
OOM_KILL = re.compile(r"Out of memory: killing \S+ \(pid (\d+)\)")
FUZZ_OOM = re.compile(r"FUZZ OOM worker \d+ pid (\d+)")


def config_of(seed):
    return CONFIGS[seed % len(CONFIGS)]


def replay_cmd(seed, calls, workers):
    return "make fuzz SEED=%d COUNT=1 CALLS=%d WORKERS=%d" % (seed, calls, workers)


def first_of_each(problems):
    """Only the first report of each kind: a panic is followed by its trace."""
    seen, uniq = set(), []
    for what, ctx in problems:
        if what not in seen:
            seen.add(what)
            uniq.append((what, ctx))
    return uniq


def fsck(img):
    r = subprocess.run(["e2fsck", "-fn", img], capture_output=True, text=True)
    return r.returncode, (r.stdout + r.stderr).splitlines()[-25:]


def fuzz_seed(seed, calls, workers=WORKERS, config=None, timeout=None, extra=(), tag=None,
              keep=False, logdir=LOGDIR, kargs=""):
    """Boot one fuzz run (extra: more guest options; kargs: more kernel
    command line, e.g. "strace"). Returns a dict: seed, config, calls
    (made), secs, problems (list of (what, context lines)), log (path)."""
    cpus, mem = config or config_of(seed)
    tag = tag or "seed-%d" % seed
    os.makedirs(logdir, exist_ok=True)
    img = os.path.join(logdir, tag + ".img")
    log = os.path.join(logdir, tag + ".log")
    with open(img, "wb") as f:
        f.truncate(SCRATCH_MB << 20)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", img],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    args = ["-d", "/dev/vda", "-s", str(seed), "-n", str(calls), "-w", str(workers)] + list(extra)
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-bios", "default",
           "-kernel", "build/kernel", "-initrd", "build/fuzz.cpio",
           "-smp", str(cpus), "-m", mem, "-nographic", "-no-reboot",
           "-global", "virtio-mmio.force-legacy=false",
           "-append", (kargs + " rdinit=/bin/fuzz panic=1 -- ").lstrip() + " ".join(args),
           "-drive", "file=%s,format=raw,if=none,id=d0,cache=unsafe" % img,
           "-device", "virtio-blk-device,drive=d0"]
    timeout = timeout or 180 + calls * workers * 0.05
    start = time.time()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines, problems, done, made = [], [], None, 0
    oom_kills, fuzz_ooms = [], set()
    deadline = [start + timeout]
    for line in read_console(proc, deadline):
        if line is None:
            problems.append(("hang: no FUZZ DONE within %d s" % timeout, lines[-40:]))
            break
        lines.append(line)
        m = FUZZ_OOM.search(line)
        if m:
            fuzz_ooms.add(m.group(1))
        m = OOM_KILL.search(line)
        if m:
            oom_kills.append((m.group(1), line.strip()[:200], lines[-30:]))
        elif BAD.search(line):
            problems.append((line.strip()[:200], lines[-30:]))
            if "Kernel panic" in line:
                deadline[0] = min(deadline[0], time.time() + 3)
        m = re.search(r"FUZZ CALLS (\d+)", line)   # a kernel line may come first
        if m:
            made = int(m.group(1))
        m = re.match(r"FUZZ DONE (\w+)", line)
        if m:
            done = m.group(1)
            deadline[0] = min(deadline[0], time.time() + 30)
    try:
        proc.wait(timeout=5 if done else 1)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        if done:
            problems.append(("no power-off after FUZZ DONE", lines[-10:]))
    for pid, line, ctx in oom_kills:
        if pid not in fuzz_ooms:
            problems.append((line + " (not a worker the guest saw killed)", ctx))
    if done is None and not problems:
        problems.append(("no FUZZ DONE line (qemu exited %d)" % proc.returncode, lines[-40:]))
    if done == "fail" and not problems:
        problems.append(("FUZZ DONE fail", lines[-40:]))
    if done and proc.returncode == 0:
        rc, tail = fsck(img)
        if rc:
            problems.append(("e2fsck -fn of the scratch disk: exit %d" % rc, tail))
    with open(log, "w") as f:
        f.write("# %s\n%s\n" % (" ".join(cmd), "\n".join(lines)))
    if not problems and not keep:
        os.unlink(img)
    return {"seed": seed, "config": "%dx%s" % (cpus, mem), "calls": made,
            "secs": time.time() - start, "ooms": len(fuzz_ooms),
            "problems": first_of_each(problems), "log": log}


def report(r, calls, workers):
    rel = os.path.relpath(r["log"], ROOT)
    if not r["problems"]:
        oom = ", %d worker(s) killed by the OOM rule (FUZZ OOM)" % r["ooms"] if r["ooms"] else ""
        print("fuzz seed %d (%s): pass, %d calls in %.0f s%s" % (r["seed"], r["config"],
                                                               r["calls"], r["secs"], oom), flush=True)
        return
    print("fuzz seed %d (%s): FAIL after %.0f s; log %s" % (r["seed"], r["config"], r["secs"], rel))
    for what, ctx in r["problems"][:5]:
        print("  %s" % what)
        for line in ctx[-12:]:
            print("    | " + line)
    print("  replay: %s" % replay_cmd(r["seed"], calls, workers), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1, help="first seed (default 1)")
    ap.add_argument("--count", type=int, default=10, help="number of seeds (default 10)")
    ap.add_argument("--minutes", type=float, default=0,
                    help="instead of --count: start seeds until this many minutes have passed")
    ap.add_argument("--calls", type=int, default=5000, help="calls per worker (default 5000)")
    ap.add_argument("--workers", type=int, default=WORKERS)
    ap.add_argument("--config", help="CPUSxMEM for every seed (default: by seed)")
    ap.add_argument("-j", type=int, default=1, help="boots at a time (default 1)")
    ap.add_argument("--guest-args", default="", help="more /bin/fuzz options, e.g. '-W 2 -v'")
    ap.add_argument("--keep", action="store_true", help="keep the scratch image of a passing seed")
    ap.add_argument("--kernel-args", default="", help="more kernel command line, e.g. strace")
    args = ap.parse_args()
    config = None
    if args.config:
        m = re.match(r"^(\d+)[xX](\d+[MG])$", args.config.upper())
        if not m:
            ap.error("bad --config %s" % args.config)
        config = (int(m.group(1)), m.group(2))
    # seeds in turn, -j boots in flight; with --minutes, new boots start
    # until the time is up (and --count does not count)
    seeds = itertools.count(args.seed) if args.minutes else iter(range(args.seed,
                                                                        args.seed + args.count))
    stop = time.time() + args.minutes * 60 if args.minutes else None
    results, pending = [], collections.deque()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.j) as ex:
        def start_next():
            s = next(seeds, None)
            if s is not None and not (stop and time.time() >= stop):
                pending.append(ex.submit(fuzz_seed, s, args.calls, args.workers, config, None,
                                         args.guest_args.split(), None, args.keep, LOGDIR,
                                         args.kernel_args))
        for _ in range(args.j):
            start_next()
        while pending:
            r = pending.popleft().result()
            report(r, args.calls, args.workers)
            results.append(r)
            start_next()
    failed = [r for r in results if r["problems"]]
    print("FUZZ: %d seeds, %d calls, %d failed, %d OOM kill(s) in %d seed(s)%s" % (
        len(results), sum(r["calls"] for r in results), len(failed),
        sum(r["ooms"] for r in results), sum(1 for r in results if r["ooms"]),
        "".join("\n  replay: " + replay_cmd(r["seed"], args.calls, args.workers) for r in failed)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
