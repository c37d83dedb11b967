#!/usr/bin/env python3
"""bench.py: `make bench`. Runs every workload of WORKLOADS on our kernel
(build/kernel) and on the reference Linux (build/linux/Image, from
`make linux-ref`), alternating, ROUNDS times per configuration, with the
same QEMU flags, a fresh copy of build/disk.img and a fresh scratch disk
for every boot, and the same static program: the kernel is booted with
`root=/dev/vda1 rw init=/bin/benchinit -- PROGRAM ARGS`, the program
prints `BENCH <cell> <value> <unit>` lines (bigger is better) and
benchinit powers the machine off. Per cell it reports the median of each
kernel over the rounds, the spread (min..max) and the ratio ours/Linux of
the medians, as a table, in build/bench.json and as a chart
(build/bench.svg, drawn by tests/bench_chart.py). Compare numbers within one run only: the host's load
moves them between runs, but the alternation exposes both kernels to it.

To add a workload: write user/NAME.c that prints BENCH lines (helpers in
user/include/bench.h) and add one line to WORKLOADS below."""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")
WORK = os.path.join(BUILD, "bench")

# name: (program and arguments on /bin, what it measures). One boot each.
WORKLOADS = {
    "raw": (["blkbench", "-s", "4k,1m", "-d", "1,32", "-t", "1", "/dev/vdb"],
            "direct reads and writes of the scratch disk /dev/vdb, QD1 and QD32"),
    "read": (["bench_read", "seq"], "64 MiB ext2 file, read(2) cold and warm, 4 KiB and 1 MiB"),
    "read256k": (["bench_read", "small"], "256 KiB file opened and read 20 times"),
    "ra": (["bench_read", "ra"], "readahead: 64 MiB file read cold (4 KiB, 1 MiB calls, a "
           "mapping) against its blocks read raw in the same boot, and with readahead off"),
    "mmap": (["bench_mmap"], "64 MiB file mapping walked page by page, cold and warm, "
             "against a cold read(2) of it and a memcpy of 64 MiB"),
    "fsync": (["bench_write", "fsync"], "64 MiB written and fsynced"),
    "files": (["bench_write", "files"], "2,000 4 KiB files created, written, deleted"),
    "forkexec": (["bench_proc", "exec"], "fork + exec + wait of a small static program"),
    "pagefault": (["bench_proc", "fault"], "anonymous page faults (write, one per page)"),
    "forkexit": (["bench_proc", "forkexit"], "fork + exit + wait with 64 MiB of written "
                 "anonymous memory (copy-on-write)"),
    "writeseq": (["bench_write", "seq"], "raw write limit of /dev/vdb, then 256 MiB written "
                 "and fsynced: MB/s and the average write request"),
    "files10k": (["bench_write", "files10k"], "10,000 4 KiB files written, then sync(2)"),
    "dd": (["bench_write", "dd"], "512 MiB written without fsync in a 256 MiB machine: "
           "MB/s and the most Dirty seen"),
}
# Workloads that need another memory size than the configuration's.
WORKLOAD_MEM = {"dd": "256M"}
KERNELS = {"ours": os.path.join(BUILD, "kernel"),
           "linux": os.path.join(BUILD, "linux", "Image")}
CONFIGS = {"smp1": (1, "512M"), "smp4": (4, "512M")}
SCRATCH_MIB = 256
BOOT_TIMEOUT = 900
NULL_LATENCY_US = 0     # --null-latency-us: the scratch disk is QEMU's null-co
BENCH_RE = re.compile(r"^BENCH (\S+) ([-\d.]+) (\S+)(.*)$")
# Derived ratios, each naming both of its cells: (numerator, denominator).
VS_RAW = [("read_cold_1m", "raw_read_1m_qd32"),
          ("mmap_cold", "raw_read_1m_qd32"),
          ("ra_cold_1m", "ra_warm_1m"), ("ra_cold_4k", "ra_warm_4k"),
          ("ra_off_cold_1m", "ra_cold_1m"), ("ra_off_cold_4k", "ra_cold_4k"),
          ("ra_off_mmap_cold", "ra_mmap_cold"),
          ("writeseq_fsync", "memcpy_256m")]     # a buffered write copies each byte once
# Ratios with a target (the mmap, readahead and writeback issues'): (numerator, denominator, target).
TARGETS = [("mmap_cold", "mmap_read_cold", 0.9),
           ("mmap_warm", "memcpy_64m", 0.5),
           ("ra_cold_1m", "ra_raw_1m", 0.9),
           ("ra_cold_4k", "ra_raw_1m", 0.8),
           ("ra_mmap_cold", "ra_raw_1m", 0.8),
           ("writeseq_fsync", "raw_write_seq", 0.85)]


def qemu_cmd(kernel, cpus, mem, disk, scratch, args):
    """The QEMU command line: identical for both kernels but -kernel."""
    append = "root=/dev/vda1 rw console=ttyS0 panic=1 init=/bin/benchinit -- " + " ".join(args)
    scratch_drive = "file=%s,format=raw,if=none,id=d1,cache=unsafe" % scratch
    if NULL_LATENCY_US:  # completes each request after a fixed time, in parallel
        scratch_drive = "driver=null-co,size=%dM,latency-ns=%d,if=none,id=d1" % (
            SCRATCH_MIB, NULL_LATENCY_US * 1000)
    return ["qemu-system-riscv64", "-machine", "virt", "-bios", "default",
            "-kernel", kernel, "-smp", str(cpus), "-m", mem, "-nographic", "-no-reboot",
            "-global", "virtio-mmio.force-legacy=false",
            "-drive", "file=%s,format=raw,if=none,id=d0,cache=unsafe" % disk,
            "-device", "virtio-blk-device,drive=d0",
            "-drive", scratch_drive,
            "-device", "virtio-blk-device,drive=d1",
            "-append", append]


def fresh_disks(tag):
    """A sparse copy of build/disk.img and an empty scratch disk."""
    disk = os.path.join(WORK, "%s-disk.img" % tag)
    scratch = os.path.join(WORK, "%s-scratch.img" % tag)
    subprocess.run(["cp", "--sparse=always", os.path.join(BUILD, "disk.img"), disk], check=True)
    with open(scratch, "wb") as f:
        f.truncate(SCRATCH_MIB << 20)
    return disk, scratch


def run_one(kernel, cfg, workload, log):
    """Boots once; returns ({cell: (value, unit, extra)}, error or None)."""
    cpus, mem = CONFIGS[cfg]
    mem = WORKLOAD_MEM.get(workload, mem)
    disk, scratch = fresh_disks(kernel)
    cmd = qemu_cmd(KERNELS[kernel], cpus, mem, disk, scratch, WORKLOADS[workload][0])
    try:
        p = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=BOOT_TIMEOUT)
        out, err = p.stdout.decode(errors="replace"), None
    except subprocess.TimeoutExpired as e:
        out, err = (e.stdout or b"").decode(errors="replace"), "timeout"
    with open(log, "w") as f:
        f.write(" ".join(cmd) + "\n" + out)
    cells, status = {}, None
    for line in out.replace("\r", "").splitlines():
        m = BENCH_RE.match(line)
        if m:
            extra = dict(kv.split("=", 1) for kv in m.group(4).split() if "=" in kv)
            cells[m.group(1)] = (float(m.group(2)), m.group(3), extra)
        elif line.startswith("BENCH-EXIT "):
            status = line.split()[1]
    if err is None and status != "0":
        err = "no BENCH-EXIT line" if status is None else "program exit status %s" % status
    for f in (disk, scratch):
        os.unlink(f)
    return cells, err


def summarize(samples):
    vals = sorted(samples)
    return {"median": statistics.median(vals), "min": vals[0], "max": vals[-1],
            "values": samples}


def run_config(cfg, rounds, workloads, kernels, results):
    cells = results["configs"].setdefault(cfg, {"qemu": "-smp %d -m %s" % CONFIGS[cfg],
                                                "cells": {}, "errors": []})
    order = list(kernels)
    for r in range(rounds):
        for w in workloads:
            # alternate which kernel goes first, so a drift in the host's
            # load does not always favour the same one
            for k in (order if r % 2 == 0 else order[::-1]):
                print("[%s] round %d/%d  %-10s %-6s" % (cfg, r + 1, rounds, w, k),
                      end="", flush=True)
                t0 = time.time()
                log = os.path.join(WORK, "%s-%s-%s-r%d.log" % (cfg, w, k, r + 1))
                got, err = run_one(k, cfg, w, log)
                for name, (v, unit, extra) in got.items():
                    c = cells["cells"].setdefault(name, {"unit": unit, "workload": w})
                    c.setdefault("samples", {}).setdefault(k, []).append(v)
                    for key, val in extra.items():
                        c.setdefault("extra", {}).setdefault(k, {}).setdefault(key, []).append(
                            float(val))
                if err:
                    cells["errors"].append("%s %s round %d: %s (log %s)" %
                                           (w, k, r + 1, err, os.path.relpath(log, ROOT)))
                print("  %5.1f s  %s" % (time.time() - t0,
                                         "ERROR: " + err if err else "%d cells" % len(got)),
                      flush=True)
    for c in cells["cells"].values():
        s = c.pop("samples", {})
        for k in kernels:
            c[k] = summarize(s[k]) if s.get(k) else None
        for k, kv in c.get("extra", {}).items():
            c["extra"][k] = {key: statistics.median(v) for key, v in kv.items()}
        if c.get("ours") and c.get("linux") and c["linux"]["median"] > 0:
            c["ratio"] = c["ours"]["median"] / c["linux"]["median"]


def fmt(v):
    return "%.0f" % v if v >= 100 else "%.1f" % v if v >= 10 else "%.2f" % v


def print_table(cfg, data, kernels, rounds):
    cpus, mem = CONFIGS[cfg]
    print("\n== -smp %d -m %s, median of %d round%s (min..max); ratio = ours / linux "
          "(> 1: ours is faster)" % (cpus, mem, rounds, "" if rounds == 1 else "s"))
    head = "%-20s %-9s" % ("cell", "unit")
    for k in kernels:
        head += " %24s" % k
    ratio = "ours" in kernels and "linux" in kernels
    print(head + ("  %10s" % "ours/linux" if ratio else ""))
    for name, c in data["cells"].items():
        line = "%-20s %-9s" % (name, c["unit"])
        for k in kernels:
            s = c.get(k)
            line += " %24s" % ("-" if not s else "%s (%s..%s)" % (
                fmt(s["median"]), fmt(s["min"]), fmt(s["max"])))
        if ratio:
            line += "  %10s" % ("%.2f" % c["ratio"] if "ratio" in c else "-")
        extra = c.get("extra")
        if extra:
            line += "   " + "  ".join("%s %s" % (k, " ".join("%s=%.2f" % kv for kv in v.items()))
                                      for k, v in extra.items())
        print(line)
    for num, den in VS_RAW:
        a, b = data["cells"].get(num), data["cells"].get(den)
        if a and b:
            parts = ["%s %.0f%%" % (k, 100 * a[k]["median"] / b[k]["median"])
                     for k in kernels if a.get(k) and b.get(k) and b[k]["median"] > 0]
            print("%s vs %s (medians): %s" % (num, den, ", ".join(parts)))
    for num, den, target in TARGETS:
        a, b = data["cells"].get(num), data["cells"].get(den)
        if a and b:
            parts = ["%s %.2f%s" % (k, a[k]["median"] / b[k]["median"],
                                    "" if a[k]["median"] / b[k]["median"] >= target else " (below)")
                     for k in kernels if a.get(k) and b.get(k) and b[k]["median"] > 0]
            print("%s / %s (medians, target >= %.2g): %s" % (num, den, target, ", ".join(parts)))
    for e in data["errors"]:
        print("ERROR:", e)


def chart(json_path, svg_path):
    """tests/bench_chart.py draws it, with Debian's python3 (python3-matplotlib)
    when the python3 on PATH is another one."""
    py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    subprocess.run([py, os.path.join(ROOT, "tests", "bench_chart.py"), json_path, svg_path])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="rounds per configuration (3)")
    ap.add_argument("--quick", action="store_true",
                    help="one round of one configuration (smp1)")
    ap.add_argument("--config", action="append", choices=sorted(CONFIGS),
                    help="configuration(s) to run (default: all)")
    ap.add_argument("--workloads", help="comma-separated subset of: " + ",".join(WORKLOADS))
    ap.add_argument("--kernels", default="ours,linux", help="ours,linux (default: both)")
    ap.add_argument("--kernel", action="append", default=[], metavar="NAME=PATH",
                    help="one more kernel in the alternation, e.g. before=build/kernel.old "
                    "for an A/B of a change (repeatable)")
    ap.add_argument("--no-build", action="store_true", help="skip make all / linux-ref")
    ap.add_argument("--list", action="store_true", help="list the workloads and exit")
    ap.add_argument("--null-latency-us", type=int, default=0,
                    help="make the scratch disk QEMU's null-co device, which completes every "
                    "request after this many microseconds, all in parallel (shows whether a "
                    "queue depth reaches the device; for the raw workload)")
    a = ap.parse_args()
    global NULL_LATENCY_US
    NULL_LATENCY_US = a.null_latency_us
    if a.list:
        for w, (args, what) in WORKLOADS.items():
            print("%-10s %-40s %s" % (w, " ".join(args), what))
        return 0
    workloads = a.workloads.split(",") if a.workloads else list(WORKLOADS)
    kernels = a.kernels.split(",")
    for kv in a.kernel:
        name, _, path = kv.partition("=")
        if not name or not path or name in KERNELS:
            sys.exit("bench: --kernel wants NAME=PATH with a new NAME, got %r" % kv)
        KERNELS[name] = os.path.abspath(path)
        kernels.append(name)
    for w in workloads:
        if w not in WORKLOADS:
            sys.exit("bench: no workload %r (see --list)" % w)
    for k in kernels:
        if k not in KERNELS:
            sys.exit("bench: no kernel %r (ours, linux, or --kernel NAME=PATH)" % k)
    cfgs = a.config or list(CONFIGS)
    rounds = a.rounds
    if a.quick:
        cfgs, rounds = cfgs[:1], 1
    if not a.no_build:
        subprocess.run(["make", "-s", "-j2", "all"], cwd=ROOT, check=True)
        if "linux" in kernels:
            subprocess.run(["sh", "scripts/linux-ref.sh", BUILD], cwd=ROOT, check=True)
    for k in kernels:
        if not os.path.exists(KERNELS[k]):
            sys.exit("bench: %s missing (make all / make linux-ref)" % KERNELS[k])
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    results = {"rounds": rounds, "kernels": kernels, "workloads": {
        w: {"program": " ".join(WORKLOADS[w][0]), "measures": WORKLOADS[w][1]}
        for w in workloads},
        "qemu": " ".join(qemu_cmd("KERNEL", "CPUS", "MEM", "DISK", "SCRATCH", ["PROGRAM"])),
        "host_cpus": os.cpu_count(), "null_latency_us": NULL_LATENCY_US, "configs": {}}
    t0 = time.time()
    for cfg in cfgs:
        run_config(cfg, rounds, workloads, kernels, results)
    for cfg in cfgs:
        print_table(cfg, results["configs"][cfg], kernels, rounds)
    results["seconds"] = round(time.time() - t0)
    with open(os.path.join(BUILD, "bench.json"), "w") as f:
        json.dump(results, f, indent=1)
    print("wrote build/bench.json (logs in build/bench/)")
    chart(os.path.join(BUILD, "bench.json"), os.path.join(BUILD, "bench.svg"))
    return 1 if any(results["configs"][c]["errors"] for c in cfgs) else 0


sys.exit(main())
