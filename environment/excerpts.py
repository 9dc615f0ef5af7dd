#!/usr/bin/env python3
"""The library code shown in the chapters' text, generated from the source and kept equal to it.

A chapter's markdown shows library code only between these two lines (the comments are invisible on the page):

    <!-- excerpt: lib/src/main/java/org/nnzoo/models/ScratchConv2d.java#conv2d -->
    ```java
    ... generated ...
    ```
    <!-- end excerpt -->

and the source marks the region it shows:

    // excerpt-begin: conv2d
    ...
    // excerpt-skip: argument checks       (optional: the lines up to excerpt-resume become "// ... argument checks")
    ...
    // excerpt-resume
    ...
    // excerpt-end: conv2d

  python3 environment/excerpts.py --check   # exit 1 if an excerpt differs from its source, names one that does
                                            # not exist, or a markdown cell holds a ```java block of its own
  python3 environment/excerpts.py --write   # regenerate every excerpt in notebooks/*.ipynb from the source

--check also fails where a cell has no id or two cells share one (nbformat 4.5; Debian's nbformat warns on every
run without them); --write gives the missing ones an id made from the notebook, the cell's place and its text.
"""
import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN = re.compile(r"^\s*// excerpt-begin: (\S+)\s*$")
END = re.compile(r"^\s*// excerpt-end: (\S+)\s*$")
SKIP = re.compile(r"^(\s*)// excerpt-skip: (.+?)\s*$")
RESUME = re.compile(r"^\s*// excerpt-resume\s*$")
REGION = re.compile(r"(<!-- excerpt: (\S+?)#(\S+) -->\n)(.*?)(<!-- end excerpt -->)", re.S)
FENCE = re.compile(r"^```\s*(java|jshell)\b", re.M)


class ExcerptError(Exception):
    pass


def extract(path, name):
    """The lines between `// excerpt-begin: name` and `// excerpt-end: name` of path, skips elided, dedented."""
    source = ROOT / path
    if not source.is_file():
        raise ExcerptError(f"{path} does not exist")
    lines = source.read_text(encoding="utf-8").splitlines()
    out, inside, skipping, found = [], False, False, False
    for number, line in enumerate(lines, 1):
        b, e = BEGIN.match(line), END.match(line)
        if b and b.group(1) == name:
            if found:
                raise ExcerptError(f"{path}:{number}: a second `// excerpt-begin: {name}`")
            inside = found = True
            continue
        if e and e.group(1) == name:
            if not inside:
                raise ExcerptError(f"{path}:{number}: `// excerpt-end: {name}` without its begin")
            inside = False
            continue
        if not inside or BEGIN.match(line) or END.match(line):
            continue  # other excerpts' markers inside this one are not shown
        s = SKIP.match(line)
        if s:
            if skipping:
                raise ExcerptError(f"{path}:{number}: excerpt-skip inside a skip")
            skipping = True
            out.append(f"{s.group(1)}// ... {s.group(2)}")
            continue
        if RESUME.match(line):
            if not skipping:
                raise ExcerptError(f"{path}:{number}: excerpt-resume without excerpt-skip")
            skipping = False
            continue
        if not skipping:
            out.append(line.rstrip())
    if not found:
        raise ExcerptError(f"{path} has no `// excerpt-begin: {name}` (names in it: {names(lines) or 'none'})")
    if inside:
        raise ExcerptError(f"{path}: `// excerpt-begin: {name}` is never ended")
    if skipping:
        raise ExcerptError(f"{path}: excerpt {name} ends inside an excerpt-skip")
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    indent = min((len(l) - len(l.lstrip()) for l in out if l.strip()), default=0)
    return "\n".join(l[indent:] for l in out)


def names(lines):
    return [m.group(1) for m in map(BEGIN.match, lines) if m]


def block(path, name):
    return f"```java\n{extract(path, name)}\n```\n"


def cell_text(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def process(notebook, write):
    """Returns (problems, changed) for one notebook; with write, regenerates its excerpts in place."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    problems, changed = [], False
    # nbformat 4.5 wants a unique id on every cell (nbformat warns without one, and will refuse the notebook)
    ids = [cell.get("id") for cell in nb["cells"]]
    missing = [i for i, cell_id in enumerate(ids) if not cell_id]
    if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) >= (4, 5) and missing:
        if write:  # ids from the notebook's name, the cell's place and text: the same on every run
            for i in missing:
                cell = nb["cells"][i]
                new_id = hashlib.sha1(f"{notebook.stem}:{i}:{cell_text(cell)}".encode()).hexdigest()[:8]
                nb["cells"][i] = {"cell_type": cell["cell_type"], "id": new_id,
                                  **{k: v for k, v in cell.items() if k != "cell_type"}}
            changed = True
        else:
            problems.append(f"{notebook.relative_to(ROOT)}: cells {missing} have no id (nbformat 4.5)")
    if len({i for i in ids if i}) != len([i for i in ids if i]):
        problems.append(f"{notebook.relative_to(ROOT)}: two cells share an id")
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        text = cell_text(cell)
        where = f"{notebook.relative_to(ROOT)}, cell {index}"

        def regenerate(m):
            nonlocal changed
            try:
                fresh = block(m.group(2), m.group(3))
            except ExcerptError as e:
                problems.append(f"{where}: {e}")
                return m.group(0)
            if m.group(4) != fresh:
                if write:
                    changed = True
                else:
                    problems.append(f"{where}: the excerpt {m.group(2)}#{m.group(3)} differs from the source")
            return m.group(1) + fresh + m.group(5)

        new_text = REGION.sub(regenerate, text)
        outside = REGION.sub("", new_text)
        if FENCE.search(outside):
            problems.append(f"{where}: a ```java block written by hand; show library code as an excerpt "
                            f"(<!-- excerpt: path#name --> ... <!-- end excerpt -->) or run it in a code cell")
        if new_text != text:
            lines = new_text.splitlines(keepends=True)
            cell["source"] = lines
    if write and changed:
        tmp = notebook.with_suffix(".ipynb.tmp")
        tmp.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(notebook)
    return problems, changed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="fail if an excerpt differs from its source")
    mode.add_argument("--write", action="store_true", help="regenerate the excerpts from the source")
    parser.add_argument("notebooks", nargs="*", help="default: notebooks/*.ipynb")
    args = parser.parse_args()
    notebooks = [Path(n).resolve() for n in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    problems, count = [], 0
    for nb in notebooks:
        p, changed = process(nb, args.write)
        problems += p
        count += len(REGION.findall("".join(cell_text(c) for c in json.loads(nb.read_text(encoding="utf-8"))["cells"])))
        if changed:
            print(f"excerpts: rewrote {nb.relative_to(ROOT)}")
    for p in problems:
        print(f"excerpts: {p}", file=sys.stderr)
    if problems:
        if args.check:
            print("excerpts: fix: python3 environment/excerpts.py --write (then commit the notebooks)", file=sys.stderr)
        return 1
    print(f"excerpts: {count} excerpts in {len(notebooks)} notebooks {'written' if args.write else 'equal to the library source'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
