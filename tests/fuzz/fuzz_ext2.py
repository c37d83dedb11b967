#!/usr/bin/env python3
"""fuzz_ext2.py - the corrupt-ext2 fuzzer (docs/fuzzing.md): small ext2
images made with `mke2fs -d` (1 KiB and 4 KiB blocks; a directory tree, a
big directory, fast and slow symlinks, a hard link, files with indirect
and double-indirect blocks), bytes of their super block, group
descriptors, bitmaps, inode table, directory, symlink and indirect blocks
changed from a seed, then mounted and walked by /bin/fuzz_ext2 in QEMU.

    python3 tests/fuzz/fuzz_ext2.py [--seed S] [--count N] [--batch B]

Image i is made from seed S+i alone: a failing image replays by its
seed. A boot takes a batch of images (on vdb, read by the guest) and
copies each in turn onto vda, its scratch disk. Errors are expected
(refused mounts, EIO, EUCLEAN, "EXT2-fs error"); a run fails on a kernel
panic, Oops, BUG or WARNING, a "FUZZEXT2 FAIL" line (an image whose walk
did not finish, an unmount that failed, memory not given back after the
unmounts), or no "FUZZEXT2 DONE" in time. The last line is "FUZZEXT2: N
images, N mounted, N failed"; exit status 1 on failure. tests/run.py
imports fuzz_images() for make test's fixed set."""
import argparse
import os
import random
import re
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fuzz  # noqa: E402  (ROOT, first_of_each; run.read_console)

ROOT = fuzz.ROOT
WORK = os.path.join(ROOT, "build", "fuzz-ext2")
LOGDIR = os.path.join(ROOT, "build", "fuzz-logs")
STRIDE = 4 << 20                 # bytes per image slot on the images disk
HEADER = 64 << 10                # the header before the first slot
BASES = [(1024, 2 << 20), (4096, 4 << 20)]     # (block size, image size)
BAD = re.compile(r"Kernel panic|Oops|BUG|WARNING:|FUZZEXT2 FAIL|Unable to handle|Out of memory")


def make_tree(d):
    """The source tree of every image."""
    if os.path.isdir(d):
        return
    os.makedirs(os.path.join(d, "a", "b", "c"))
    os.makedirs(os.path.join(d, "many"))
    os.makedirs(os.path.join(d, "empty"))
    rnd = random.Random(7)
    with open(os.path.join(d, "hello"), "w") as f:
        f.write("hello, ext2\n")
    with open(os.path.join(d, "a", "b", "c", "deep"), "w") as f:
        f.write("deep\n" * 100)
    with open(os.path.join(d, "ind"), "wb") as f:        # indirect at 4 KiB
        f.write(bytes(rnd.getrandbits(8) for _ in range(100 << 10)))
    with open(os.path.join(d, "dind"), "wb") as f:       # double indirect at 1 KiB
        f.write(bytes(rnd.getrandbits(8) for _ in range(300 << 10)))
    with open(os.path.join(d, "sparse"), "wb") as f:
        f.seek(200 << 10)
        f.write(b"end")
    open(os.path.join(d, "empty_file"), "w").close()
    for i in range(120):
        with open(os.path.join(d, "many", "entry_with_a_long_name_%03d" % i), "w") as f:
            f.write("%d\n" % i)
    os.symlink("hello", os.path.join(d, "fast_link"))
    os.symlink("a/b/c/" + "x" * 80 + "/../../../../hello", os.path.join(d, "slow_link"))
    os.link(os.path.join(d, "hello"), os.path.join(d, "a", "hard_link"))


def base_image(bs, size):
    """mke2fs -d image with bs-byte blocks (cached in build/fuzz-ext2)."""
    os.makedirs(WORK, exist_ok=True)
    tree = os.path.join(WORK, "tree")
    make_tree(tree)
    img = os.path.join(WORK, "base-%d.img" % bs)
    if not os.path.exists(img):
        with open(img + ".tmp", "wb") as f:
            f.truncate(size)
        subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", str(bs), "-N", "256",
                        "-d", tree, img + ".tmp"], check=True, stdout=subprocess.DEVNULL)
        os.rename(img + ".tmp", img)
    with open(img, "rb") as f:
        return f.read()


def u16(b, o):
    return struct.unpack_from("<H", b, o)[0]


def u32(b, o):
    return struct.unpack_from("<I", b, o)[0]


def regions(img):
    """Where the metadata of an image is: {kind: [(offset, length, what)]}.
    'what' says how to mutate a region structurally (inode fields,
    directory entries, block numbers)."""
    sb = 1024
    bs = 1024 << u32(img, sb + 24)
    first = u32(img, sb + 20)
    ipg = u32(img, sb + 40)
    isz = u16(img, sb + 88) if u32(img, sb + 76) >= 1 else 128
    nblocks = u32(img, sb + 4)
    gd = (first + 1) * bs
    ngroups = (nblocks - first + u32(img, sb + 32) - 1) // u32(img, sb + 32)
    r = {"sb": [(sb, 1024, "raw")], "gd": [(gd, 32 * ngroups, "gd")],
         "bbitmap": [], "ibitmap": [], "itable": [], "dir": [], "ind": [], "symlink": []}
    for g in range(ngroups):
        bb, ib, it = u32(img, gd + 32 * g), u32(img, gd + 32 * g + 4), u32(img, gd + 32 * g + 8)
        r["bbitmap"].append((bb * bs, bs, "raw"))
        r["ibitmap"].append((ib * bs, bs, "raw"))
        if g == 0:
            for ino in range(1, min(ipg, 64) + 1):
                off = it * bs + (ino - 1) * isz
                mode, links = u16(img, off), u16(img, off + 26)
                if not links:
                    continue
                r["itable"].append((off, 128, "inode"))
                blocks = [u32(img, off + 40 + 4 * i) for i in range(15)]
                if mode & 0xF000 == 0x4000:
                    r["dir"] += [(b * bs, bs, "dir") for b in blocks[:12] if b]
                if mode & 0xF000 == 0xA000 and u32(img, off + 28):
                    r["symlink"].append((blocks[0] * bs, bs, "raw"))
                if mode & 0xF000 == 0x8000:
                    r["ind"] += [(b * bs, bs, "blocks") for b in blocks[12:] if b]
    return {k: v for k, v in r.items() if v}


WEIGHTS = {"sb": 1, "gd": 2, "bbitmap": 2, "ibitmap": 2, "itable": 7, "dir": 6, "ind": 3,
           "symlink": 1}
INTERESTING = [0, 1, 2, 3, 7, 8, 11, 12, 0x7f, 0x80, 0xff, 0x100, 0x3ff, 0x400, 0x1000,
               0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff]
INODE_FIELDS = [(0, 2), (4, 4), (26, 2), (28, 4), (32, 4)] + [(40 + 4 * i, 4) for i in range(15)] \
    + [(104, 4), (108, 4)]      # mode, size, links, blocks, flags, i_block[], file_acl, size_high


def put(buf, off, size, v):
    struct.pack_into("<H" if size == 2 else "<I", buf, off, v & (0xffff if size == 2 else 0xffffffff))


def mutate(buf, rng, off, length, what, nblocks):
    """One change inside [off, off+length)."""
    if what == "inode" and rng.random() < 0.7:
        f, size = rng.choice(INODE_FIELDS)
        v = rng.choice(INTERESTING + [nblocks, nblocks - 1, nblocks + 1, rng.getrandbits(32)])
        put(buf, off + f, size, v)
    elif what == "dir" and rng.random() < 0.8:        # a field of one of its records
        recs, p = [], 0
        while p + 8 <= length and len(recs) < 512:
            recs.append(p)
            rl = u16(buf, off + p + 4)
            if rl < 8 or rl % 4:
                break
            p += rl
        pos = off + rng.choice(recs)
        field = rng.choice([(0, 4), (4, 2), (4, 2), (6, 1), (6, 1), (7, 1)])   # inode, rec_len, name_len, type
        v = rng.choice(INTERESTING + [rng.getrandbits(16)])
        if field[1] == 1:
            buf[pos + field[0]] = v & 0xff
        else:
            put(buf, pos + field[0], field[1], v)
    elif what in ("blocks", "gd") and rng.random() < 0.7:
        used = [i for i in range(0, length, 4) if u32(buf, off + i)]   # mostly where pointers are
        pos = off + (rng.choice(used) if used and rng.random() < 0.8 else rng.randrange(0, length, 4))
        put(buf, pos, 4, rng.choice(INTERESTING + [nblocks, nblocks - 1, rng.randrange(nblocks)]))
    else:                                               # raw bytes
        pos = off + rng.randrange(length)
        kind = rng.randrange(4)
        buf[pos] = (rng.getrandbits(8) if kind == 0 else buf[pos] ^ (1 << rng.randrange(8))
                    if kind == 1 else 0 if kind == 2 else 0xff)


def corrupt(seed):
    """The image of seed: a base image with 1 to 8 changes. Returns
    (bytes, description)."""
    rng = random.Random(seed)
    bs, size = BASES[0 if seed % 3 == 0 else 1]     # a third at 1 KiB (refused: 4 KiB only)
    buf = bytearray(base_image(bs, size))
    reg = regions(buf)
    nblocks = u32(buf, 1024 + 4)
    kinds = [k for k in reg for _ in range(WEIGHTS[k])]
    n = 1 + min(int(rng.expovariate(0.5)), 7)
    what = []
    for _ in range(n):
        k = rng.choice(kinds)
        off, length, how = rng.choice(reg[k])
        mutate(buf, rng, off, length, how, nblocks)
        what.append(k)
    return bytes(buf), "%dK %s" % (bs // 1024, ",".join(what))


def pack(seeds, path):
    """The images disk: a text header, then one image per STRIDE."""
    lines = ["EXT2FUZZ %d %d %d" % (len(seeds), HEADER, STRIDE)]
    with open(path, "wb") as f:
        f.truncate(HEADER + STRIDE * len(seeds))
        for i, s in enumerate(seeds):
            img, desc = corrupt(s)
            f.seek(HEADER + STRIDE * i)
            f.write(img)
            lines.append("%d %d %s" % (s, len(img), desc.replace(" ", "_")))
        hdr = ("\n".join(lines) + "\n").encode()
        assert len(hdr) < HEADER
        f.seek(0)
        f.write(hdr)


def run_batch(seeds, tag, logdir=LOGDIR, cpus=2, mem="256M", timeout=None):
    """One boot over seeds. Returns dict: images, mounted, problems, log."""
    os.makedirs(logdir, exist_ok=True)
    os.makedirs(WORK, exist_ok=True)
    images = os.path.join(WORK, tag + "-images.img")
    scratch = os.path.join(WORK, tag + "-scratch.img")
    log = os.path.join(logdir, tag + ".log")
    pack(seeds, images)
    with open(scratch, "wb") as f:
        f.truncate(STRIDE)
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-bios", "default",
           "-kernel", "build/kernel", "-initrd", "build/fuzz.cpio",
           "-smp", str(cpus), "-m", mem, "-nographic", "-no-reboot",
           "-global", "virtio-mmio.force-legacy=false",
           "-append", "rdinit=/bin/fuzz_ext2 panic=1",
           "-drive", "file=%s,format=raw,if=none,id=d0,cache=unsafe" % scratch,
           "-device", "virtio-blk-device,drive=d0",
           "-drive", "file=%s,format=raw,if=none,id=d1,cache=unsafe,readonly=on" % images,
           "-device", "virtio-blk-device,drive=d1"]
    timeout = timeout or 120 + 10 * len(seeds)
    start = time.time()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines, problems, done, mounted, current = [], [], None, 0, None
    deadline = [start + timeout]
    for line in fuzz.read_console(proc, deadline):
        if line is None:
            problems.append(("hang: no FUZZEXT2 DONE within %d s (image seed %s)"
                             % (timeout, current), lines[-40:]))
            break
        lines.append(line)
        m = re.match(r"FUZZEXT2 IMG (\d+)", line)
        if m:
            current = int(m.group(1))
        if "mounted" in line and line.startswith("FUZZEXT2 IMG"):
            mounted += 1
        if BAD.search(line):
            problems.append(("%s (image seed %s)" % (line.strip()[:200], current), lines[-30:]))
            if "Kernel panic" in line:
                deadline[0] = min(deadline[0], time.time() + 3)
        if line.startswith("FUZZEXT2 DONE"):
            done = line
            deadline[0] = min(deadline[0], time.time() + 20)
    try:
        proc.wait(timeout=5 if done else 1)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if not done and not problems:
        problems.append(("no FUZZEXT2 DONE (qemu exited %d, image seed %s)"
                         % (proc.returncode, current), lines[-40:]))
    with open(log, "w") as f:
        f.write("# %s\n%s\n" % (" ".join(cmd), "\n".join(lines)))
    for p in (images, scratch):
        os.unlink(p)
    return {"images": len(seeds), "mounted": mounted, "problems": fuzz.first_of_each(problems),
            "log": log,
            "secs": time.time() - start, "current": current}


def fuzz_images(first, count, batch=50, logdir=LOGDIR, prefix="ext2"):
    """Run seeds first.. first+count-1 in boots of batch images."""
    results = []
    for b in range(first, first + count, batch):
        seeds = list(range(b, min(b + batch, first + count)))
        results.append(run_batch(seeds, "%s-%d" % (prefix, b), logdir))
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1000, help="first image seed (default 1000)")
    ap.add_argument("--count", type=int, default=200, help="images (default 200)")
    ap.add_argument("--batch", type=int, default=50, help="images per boot (default 50)")
    args = ap.parse_args()
    total = mounted = 0
    failed = []
    for r in fuzz_images(args.seed, args.count, args.batch):
        total += r["images"]
        mounted += r["mounted"]
        rel = os.path.relpath(r["log"], ROOT)
        if r["problems"]:
            failed.append(r)
            print("FAIL (%.0f s; log %s)" % (r["secs"], rel))
            for what, ctx in r["problems"][:5]:
                print("  %s" % what)
                for line in ctx[-12:]:
                    print("    | " + line)
        else:
            print("%d images, %d mounted: pass in %.0f s (log %s)" % (r["images"], r["mounted"],
                                                                   r["secs"], rel), flush=True)
    print("FUZZEXT2: %d images, %d mounted, %d failed%s" % (
        total, mounted, len(failed),
        "".join("\n  replay: make fuzz-ext2 SEED=%s COUNT=1" % r["current"] for r in failed)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
