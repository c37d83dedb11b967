#!/usr/bin/env python3
"""lab.py - make a course lab's student tree from the solution (this tree).

A lab is a set of marked regions in the kernel's sources:

    /* LAB(name) BEGIN: one line saying what goes here
     * Hints: what to write, which functions to use, what to watch
     * out for. Any number of lines.
     * STUB: return copy_pte_range_eager(...);
     */
    ... the solution ...
    /* LAB(name) END */

In the student tree the solution lines are gone: the BEGIN comment stays
as the hint (minus its STUB lines), the STUB lines (zero or more, each
one line of code) take the solution's place, and the END line stays, so
the student sees where the work goes. A stub is the provided, simpler
path the skeleton runs on until the student replaces it: the tree builds,
boots and works, only without the lab's mechanism (docs/labs/NAME.md says
what the stub does). Regions of other labs stay as they are: there, the
marker lines are plain comments. Regions do not nest.

  lab.py list                   labs, their files and region counts
  lab.py check                  every region well formed, every lab with a
                                handout (docs/labs/NAME.md) and a grading
                                table (tests/grade.py); exit 1 if not
  lab.py make LAB [DIR]         write the student tree to DIR (default
                                build/lab-LAB): a git repository with one
                                commit, and .lab naming the lab
  lab.py make --plain LAB DIR   the same files, no git (make test)
"""
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_DIRS = ["arch", "kernel", "mm", "lib", "block", "fs", "drivers", "include"]
BEGIN_RE = re.compile(r"^(\s*)/\* LAB\((\w+)\) BEGIN\b(.*)$")
END_RE = re.compile(r"^\s*/\* LAB\((\w+)\) END \*/\s*$")
STUB_RE = re.compile(r"^\s*\* STUB:( ?)(.*)$")
ANY_MARK_RE = re.compile(r"LAB\((\w+)\) (BEGIN|END)")


class LabError(Exception):
    pass


def sources(root=ROOT):
    for d in SOURCE_DIRS:
        for dirpath, _, files in os.walk(os.path.join(root, d)):
            for f in sorted(files):
                if f.endswith((".c", ".h", ".S")):
                    yield os.path.relpath(os.path.join(dirpath, f), root)


def parse(path, lines):
    """The regions of one file: list of (lab, begin, comment_end, end)
    line indexes (begin = BEGIN line, comment_end = the line closing the
    BEGIN comment, end = END line)."""
    regions, i = [], 0
    while i < len(lines):
        if END_RE.match(lines[i]):
            raise LabError("%s:%d: END without BEGIN" % (path, i + 1))
        m = BEGIN_RE.match(lines[i])
        if not m:
            if ANY_MARK_RE.search(lines[i]):
                raise LabError("%s:%d: malformed LAB marker" % (path, i + 1))
            i += 1
            continue
        lab, begin, j = m.group(2), i, i
        while "*/" not in lines[j]:
            j += 1
            if j == len(lines):
                raise LabError("%s:%d: BEGIN comment never closed" % (path, begin + 1))
        k = j + 1
        while k < len(lines) and not END_RE.match(lines[k]):
            if ANY_MARK_RE.search(lines[k]):
                raise LabError("%s:%d: marker inside LAB(%s) from line %d"
                               % (path, k + 1, lab, begin + 1))
            k += 1
        if k == len(lines):
            raise LabError("%s:%d: LAB(%s) BEGIN without END" % (path, begin + 1, lab))
        if END_RE.match(lines[k]).group(1) != lab:
            raise LabError("%s:%d: END of LAB(%s) closes LAB(%s)"
                           % (path, k + 1, END_RE.match(lines[k]).group(1), lab))
        for h in lines[begin + 1:j + 1]:
            if STUB_RE.match(h) and "*/" in h:
                raise LabError("%s:%d: a STUB line cannot close the comment" % (path, begin + 1))
        regions.append((lab, begin, j, k))
        i = k + 1
    return regions


def scan(root=ROOT):
    """{lab: [(path, region), ...]} over the whole tree."""
    labs = {}
    for path in sources(root):
        with open(os.path.join(root, path)) as f:
            lines = f.read().split("\n")
        for r in parse(path, lines):
            labs.setdefault(r[0], []).append((path, r))
    return labs


def skeleton(lines, regions, lab):
    """lines with lab's regions replaced by hint + stub."""
    out, pos = [], 0
    for name, begin, cend, end in regions:
        if name != lab:
            continue
        out += lines[pos:begin]
        indent = BEGIN_RE.match(lines[begin]).group(1)
        hint = [h for h in lines[begin:cend + 1] if not STUB_RE.match(h)]
        stub = [indent + m.group(2) for m in map(STUB_RE.match, lines[begin:cend + 1]) if m]
        out += hint + stub + [lines[end]]
        pos = end + 1
    return out + lines[pos:]


def tracked_files():
    r = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                       capture_output=True, text=True)
    if r.returncode == 0 and r.stdout.strip():
        return [f for f in r.stdout.split("\n") if f]
    # not a git checkout (an unpacked tarball): everything but build/
    out = []
    for dirpath, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not (dirpath == ROOT and d in ("build", ".git"))]
        out += [os.path.relpath(os.path.join(dirpath, f), ROOT) for f in files]
    return out


def make(lab, dest, plain=False):
    """Write lab's student tree to dest. Unchanged files keep their
    modification times (so a copy of this tree's build/ only recompiles
    what the lab changed); returns the changed files."""
    if os.path.exists(os.path.join(ROOT, ".lab")):
        raise LabError("this is already a student tree (of lab %s)"
                       % open(os.path.join(ROOT, ".lab")).read().strip())
    labs = scan()
    if lab not in labs:
        raise LabError("no lab %r (labs: %s)" % (lab, ", ".join(sorted(labs)) or "none"))
    dest = os.path.abspath(dest)
    if dest == ROOT or dest.startswith(ROOT + os.sep) and not dest.startswith(
            os.path.join(ROOT, "build") + os.sep):
        raise LabError("%s is inside the source tree (use build/... or a path outside)" % dest)
    if os.path.exists(dest):
        shutil.rmtree(dest)
    for f in tracked_files():
        src = os.path.join(ROOT, f)
        if not os.path.isfile(src):
            continue
        os.makedirs(os.path.join(dest, os.path.dirname(f)), exist_ok=True)
        shutil.copy2(src, os.path.join(dest, f))
    changed = sorted({p for p, _ in labs[lab]})
    for path in changed:
        with open(os.path.join(ROOT, path)) as f:
            lines = f.read().split("\n")
        with open(os.path.join(dest, path), "w") as f:
            f.write("\n".join(skeleton(lines, parse(path, lines), lab)))
    with open(os.path.join(dest, ".lab"), "w") as f:
        f.write(lab + "\n")
    if not plain:
        git = ["git", "-c", "user.name=lab", "-c", "user.email=lab@localhost"]
        subprocess.run(git + ["init", "-q"], cwd=dest, check=True)
        subprocess.run(git + ["add", "-A"], cwd=dest, check=True)
        subprocess.run(git + ["commit", "-q", "-m", "lab %s: student tree" % lab], cwd=dest,
                       check=True)
    return changed


def check(labs):
    """Every lab has a handout and a grading table; returns problems."""
    sys.path.insert(0, os.path.join(ROOT, "tests"))
    import grade
    problems = []
    for lab in sorted(set(labs) | set(grade.LABS)):
        if lab not in labs:
            problems.append("lab %s: in tests/grade.py but no region in the sources" % lab)
        if lab not in grade.LABS:
            problems.append("lab %s: regions but no entry in tests/grade.py's LABS" % lab)
        if not os.path.exists(os.path.join(ROOT, "docs", "labs", lab + ".md")):
            problems.append("lab %s: no handout docs/labs/%s.md" % (lab, lab))
    return problems


def main(argv):
    if len(argv) < 2 or argv[1] not in ("list", "check", "make"):
        sys.exit(__doc__)
    try:
        labs = scan()
        if argv[1] == "list":
            for lab in sorted(labs):
                files = sorted({p for p, _ in labs[lab]})
                print("%-10s %2d region(s) in %s" % (lab, len(labs[lab]), ", ".join(files)))
        elif argv[1] == "check":
            problems = check(labs)
            for p in problems:
                print("lab.py: " + p)
            if problems:
                sys.exit(1)
            print("lab.py: %d lab(s), %d region(s), all well formed"
                  % (len(labs), sum(len(v) for v in labs.values())))
        else:
            args = argv[2:]
            plain = "--plain" in args
            args = [a for a in args if a != "--plain"]
            if not args:
                sys.exit("usage: lab.py make [--plain] LAB [DIR]")
            lab = args[0]
            dest = args[1] if len(args) > 1 else os.path.join(ROOT, "build", "lab-" + lab)
            files = make(lab, dest, plain)
            if not plain:
                print("lab %s: student tree in %s\n  a git repository with one commit; "
                      "the lab's regions are in %s\n  hand it out with docs/labs/%s.md; "
                      "there, 'make grade' scores it" % (lab, dest, ", ".join(files), lab))
    except LabError as e:
        sys.exit("lab.py: %s" % e)


if __name__ == "__main__":
    main(sys.argv)
