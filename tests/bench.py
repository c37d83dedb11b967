#!/usr/bin/env python3
"""bench.py: `make bench`. Boots the kernel with a 256 MiB scratch disk
and runs /bin/blkbench on it (direct I/O, request sizes 4K..1M, queue
depths 1/4/32), prints the table and writes build/bench.json. All numbers
come from one boot, so compare them with each other, not across runs."""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build")


def main():
    subprocess.run(["make", "-s", "-j2", "all"], cwd=ROOT, check=True)
    disk = os.path.join(BUILD, "bench-scratch.img")
    with open(disk, "wb") as f:
        f.truncate(256 << 20)
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-bios", "default",
           "-kernel", "build/kernel", "-initrd", "build/initramfs.cpio",
           "-smp", "4", "-m", "512M", "-nographic", "-no-reboot",
           "-global", "virtio-mmio.force-legacy=false",
           "-drive", "file=%s,format=raw,if=none,id=d0,cache=unsafe" % disk,
           "-device", "virtio-blk-device,drive=d0",
           "-append", "rdinit=/bin/blkbench panic=1 -- /dev/vda 64"]
    out = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True,
                         text=True, timeout=1200).stdout
    lines = out.splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith("blkbench:")), None)
    if start is None:
        print(out[-3000:])
        sys.exit("bench: blkbench did not run")
    table = [l for l in lines[start:] if not l.startswith("Kernel panic")
             and not l.startswith("  [<") and not l.startswith("Call trace")]
    print("\n".join(table))
    cells, mode = {}, None
    for l in table:
        m = re.match(r"(read|write)?\s+(\d+)K\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", l)
        if l.startswith("read"):
            mode = "read"
        elif l.startswith("write"):
            mode = "write"
        if m and mode:
            for qd, v in zip((1, 4, 32), m.group(3, 4, 5)):
                cells["%s_%sK_qd%d" % (mode, m.group(2), qd)] = float(v)
    summary = {l.split(":")[0]: l.split(":", 1)[1].strip() for l in table
               if l.startswith(("raw limit", "read 512K", "requests in flight"))}
    with open(os.path.join(BUILD, "bench.json"), "w") as f:
        json.dump({"raw": cells, "summary": summary}, f, indent=2)
    print("wrote build/bench.json")


main()
