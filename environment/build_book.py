#!/usr/bin/env python3
"""Renders the executed notebooks as a static website: the course as a book.

    python3 environment/build_book.py [--from target/notebooks] [--out target/book]

--from is an output folder of execute-notebooks.sh (the executed NN-name.ipynb files and results.json);
run.sh calls this after the main job, the test command on the smoke run. The book has a front page (what
NN Zoo is, how to run it, the results table), one page per chapter (nbconvert's JupyterLab template, with
every plot, the equations, the exercises), chapter navigation and each chapter's table of contents, and a
copy of every executed notebook to download. It builds and reads offline: equations are typeset in the
browser by the MathJax 2.7 of Debian's libjs-mathjax (copied into the book; NNZOO_MATHJAX names another
copy), and the CDN scripts nbconvert's template would fetch (require.js, mermaid) are left out: nothing is
loaded from outside the book. Written to a temporary folder and moved into place, so a failed build leaves
no half-written book.
"""
import argparse
import html
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MATHJAX_PARTS = ["MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js", "config/local", "extensions",
                 "jax/element", "jax/input/TeX", "jax/output/CommonHTML", "fonts/HTML-CSS/TeX/woff"]
MATHJAX_URL = "mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"

CSS = """
body.nnzoo-book { margin: 0 0 0 17rem; }
.nnzoo-side { position: fixed; top: 0; left: 0; bottom: 0; width: 16rem; overflow-y: auto; padding: 1rem 0.8rem;
  box-sizing: border-box; background: #f6f7f9; border-right: 1px solid #dde; font: 14px/1.4 system-ui, sans-serif; }
.nnzoo-side h2 { font-size: 0.95rem; margin: 1rem 0 0.3rem; }
.nnzoo-side ul { margin: 0; padding-left: 1.2rem; }
.nnzoo-side .nnzoo-chapters { list-style: none; padding-left: 0; }
.nnzoo-side li { margin: 0.15rem 0; }
.nnzoo-side a { color: #1f4e8c; text-decoration: none; }
.nnzoo-side a:hover { text-decoration: underline; }
.nnzoo-side .current { font-weight: bold; }
.nnzoo-bar { display: flex; gap: 1rem; flex-wrap: wrap; padding: 0.6rem 1rem; border-bottom: 1px solid #dde;
  font: 14px/1.4 system-ui, sans-serif; background: #fff; }
.nnzoo-bar a { color: #1f4e8c; }
.nnzoo-bar .spacer { flex: 1; }
.nnzoo-front { max-width: 62rem; padding: 1rem 2rem 3rem; font: 16px/1.5 system-ui, sans-serif; }
.nnzoo-front table { border-collapse: collapse; font-size: 14px; }
.nnzoo-front th, .nnzoo-front td { border: 1px solid #ccd; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
.nnzoo-front pre { background: #f6f7f9; padding: 0.7rem; overflow-x: auto; }
.nnzoo-front .failed { color: #b00; font-weight: bold; }
@media (max-width: 60rem) { body.nnzoo-book { margin-left: 0; } .nnzoo-side { position: static; width: auto; } }
"""


class BookError(Exception):
    pass


def exporter():
    try:
        from nbconvert import HTMLExporter
    except ImportError as e:
        raise BookError(f"nbconvert is missing ({e}): bash environment/setup-jupyter.sh, or apt-get install jupyter-nbconvert")
    e = HTMLExporter(template_name="lab")
    e.mathjax_url = MATHJAX_URL
    return e


def mathjax_source():
    for candidate in [os.environ.get("NNZOO_MATHJAX"), "/usr/share/javascript/mathjax", "/usr/share/mathjax"]:
        if candidate and Path(candidate, "MathJax.js").is_file():
            return Path(candidate)
    raise BookError("MathJax 2.7 not found (the book typesets its equations offline): apt-get install libjs-mathjax, "
                    "or set NNZOO_MATHJAX to a folder holding MathJax.js")


def copy_mathjax(dest):
    src = mathjax_source()
    for part in MATHJAX_PARTS:
        s, d = src / part, dest / "mathjax" / part
        if s.is_dir():
            shutil.copytree(s, d, dirs_exist_ok=True)
        elif s.is_file():
            d.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(s, d)
        else:
            raise BookError(f"{s} is missing from the MathJax copy at {src}")


def strip_tags(text):
    return html.unescape(re.sub(r"<[^>]+>", "", text)).replace("¶", "").strip()


def offline(body):
    """Removes the scripts nbconvert's template would load from a CDN (require.js for widgets, mermaid)."""
    body = re.sub(r'<script[^>]*src="https?://[^"]*"[^>]*>\s*</script>\s*', "", body)
    body = re.sub(r'<script type="module">(?:(?!</script>).)*?https?://cdnjs(?:(?!</script>).)*</script>\s*', "", body, flags=re.S)
    left = sorted(set(re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(https?://[^"]+)"', body)))
    if left:
        raise BookError(f"the page would load from the network: {left}")
    return body


def sidebar(chapters, current, headings):
    items = []
    for c in chapters:
        cls = ' class="current"' if c["stem"] == current else ""
        items.append(f'<li{cls}><a href="{c["stem"]}.html">{html.escape(c["title"])}</a></li>')
    toc = ""
    if headings:
        toc = ("<h2>In this chapter</h2><ul>" + "".join(f'<li><a href="#{hid}">{html.escape(text)}</a></li>'
                                                       for hid, text in headings) + "</ul>")
    return (f'<aside class="nnzoo-side"><a href="index.html"><strong>NN Zoo</strong></a>{toc}'
            f'<h2>Chapters</h2><ul class="nnzoo-chapters">{"".join(items)}</ul></aside>')


def chapter_page(exp, chapter, chapters, index):
    import nbformat
    nb = nbformat.read(str(chapter["path"]), as_version=4)
    body, _ = exp.from_notebook_node(nb, resources={"metadata": {"name": chapter["title"]}})
    body = offline(body)
    headings = [(hid, strip_tags(text)) for hid, text in re.findall(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', body, re.S)]
    prev = chapters[index - 1] if index > 0 else None
    nxt = chapters[index + 1] if index + 1 < len(chapters) else None
    bar = ['<nav class="nnzoo-bar">']
    bar.append(f'<a href="{prev["stem"]}.html" rel="prev">← {html.escape(prev["title"])}</a>' if prev else "<span></span>")
    bar.append('<span class="spacer"></span>')
    bar.append(f'<a href="notebooks/{chapter["stem"]}.ipynb" download>this chapter as a notebook (with outputs)</a>')
    bar.append(f'<span>source: <code>notebooks/{chapter["stem"]}.ipynb</code></span>')
    bar.append('<span class="spacer"></span>')
    bar.append(f'<a href="{nxt["stem"]}.html" rel="next">{html.escape(nxt["title"])} →</a>' if nxt else "<span></span>")
    bar.append("</nav>")
    nav = "".join(bar)
    body = body.replace("</head>", '<link rel="stylesheet" href="book.css">\n</head>', 1)
    body, n = re.subn(r"<body([^>]*)>", lambda m: f'<body{add_class(m.group(1))}>\n{sidebar(chapters, chapter["stem"], headings)}\n{nav}',
                      body, count=1)
    if n != 1:
        raise BookError(f"{chapter['path']}: no <body> in nbconvert's output")
    body = body.replace("</body>", f"{nav}\n</body>", 1)
    return body


def add_class(attrs):
    if 'class="' in attrs:
        return attrs.replace('class="', 'class="nnzoo-book ', 1)
    return attrs + ' class="nnzoo-book"'


def title_of(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            m = re.search(r"^# (.+)$", src, re.M)
            if m:
                return m.group(1).strip()
    return path.stem


def results_table(results, chapters):
    by_name = {r["notebook"]: r for r in results}
    rows = []
    for c in chapters:
        r = by_name.get(c["stem"])
        if r is None:
            rows.append(f'<tr><td><a href="{c["stem"]}.html">{html.escape(c["title"])}</a></td><td colspan="3">not in this run</td></tr>')
            continue
        status = html.escape(r.get("status", "?"))
        cls = "" if status == "ok" else ' class="failed"'
        metrics = "<br>".join(f"{html.escape(k)} = {v:.4g}" if isinstance(v, (int, float)) else f"{html.escape(k)} = {html.escape(str(v))}"
                              for k, v in r.get("metrics", {}).items() if not k.endswith("seconds"))
        rows.append(f'<tr><td><a href="{c["stem"]}.html">{html.escape(c["title"])}</a></td><td{cls}>{status}</td>'
                    f'<td>{r.get("seconds", 0):.0f}</td><td>{metrics}</td></tr>')
    machine = results[0].get("machine", {}) if results else {}
    profile = results[0].get("profile", "?") if results else "?"
    line = (f'Profile <code>{html.escape(str(profile))}</code>; {html.escape(str(machine.get("cpus", "?")))} CPU cores '
            f'({html.escape(str(machine.get("cpu_model", "?")))}); reproducible mode '
            f'{"on" if machine.get("reproducible_mode") else "off"}; DJL {html.escape(str(machine.get("djl", "?")))}, '
            f'PyTorch {html.escape(str(machine.get("pytorch", "?")))}.')
    return (f"<p>{line}</p><table><thead><tr><th>chapter</th><th>status</th><th>seconds</th><th>recorded metrics</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def front_page(chapters, results):
    items = "".join(f'<li><a href="{c["stem"]}.html">{html.escape(c["title"])}</a> '
                    f'(<a href="notebooks/{c["stem"]}.ipynb" download>notebook</a>)</li>' for c in chapters)
    table = results_table(results, chapters) if results else "<p>No results.json in this run.</p>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>NN Zoo: the classic neural networks in Java notebooks</title>
<link rel="stylesheet" href="book.css"></head>
<body class="nnzoo-book">
{sidebar(chapters, None, [])}
<main class="nnzoo-front">
<h1>NN Zoo</h1>
<p>The classic neural-network architectures as <strong>Java Jupyter notebooks</strong>, one chapter per architecture,
on top of a compiled, tested Java library (<code>lib/</code>, package <code>org.nnzoo</code>), built on DJL with the
PyTorch CPU engine. Each chapter explains its architecture with the equations, shows the code that runs, trains it on
a real dataset (MNIST, Cora, the NLTK abc corpus, CartPole), plots the results, and ends with exercises whose
answers a check cell verifies.</p>
<p>This book is the executed notebooks of one run, as they came out: every number and plot below was produced by the
run whose results are in the table at the end.</p>
<h2>Chapters</h2>
<ul>{items}</ul>
<h2>Run it yourself</h2>
<p>On a Debian or Ubuntu machine, in a clone of the repository (the scripts install what is missing):</p>
<pre><code># the main job: build, install the Java kernel, execute every notebook, write the report and this book
NNZOO_DATA=../shared/datasets bash environment/run.sh

# open the notebooks interactively (JupyterLab 4; the launcher offers "Java 17 (NN Zoo)")
.venv-jupyter/bin/jupyter lab notebooks/</code></pre>
<p>Leave <code>NNZOO_DATA</code> unset on a machine with internet: the loaders download each data set once, verify
its SHA-256 and cache it. The exercises' solutions are in the repository's <code>solutions/</code> folder.</p>
<h2>Results of this run</h2>
{table}
</main></body></html>
"""


def build(src, out):
    notebooks = sorted(p for p in src.glob("[0-9][0-9]-*.ipynb"))
    if not notebooks:
        raise BookError(f"no executed notebooks (NN-name.ipynb) in {src}: run the main job first (bash environment/run.sh)")
    results = []
    if (src / "results.json").is_file():
        results = json.loads((src / "results.json").read_text(encoding="utf-8"))
    chapters = [{"stem": p.stem, "path": p, "title": title_of(p)} for p in notebooks]
    exp = exporter()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out.name + ".", dir=out.parent))
    try:
        copy_mathjax(tmp)
        (tmp / "book.css").write_text(CSS, encoding="utf-8")
        (tmp / "notebooks").mkdir()
        for i, c in enumerate(chapters):
            (tmp / f"{c['stem']}.html").write_text(chapter_page(exp, c, chapters, i), encoding="utf-8")
            shutil.copy2(c["path"], tmp / "notebooks" / c["path"].name)
            print(f"book: {c['stem']}.html", flush=True)
        (tmp / "index.html").write_text(front_page(chapters, results), encoding="utf-8")
        (tmp / "book.json").write_text(json.dumps({"chapters": [{"stem": c["stem"], "title": c["title"]} for c in chapters],
                                                   "images": {r["notebook"]: r.get("images", 0) for r in results}},
                                                  indent=1) + "\n", encoding="utf-8")
        os.chmod(tmp, 0o755)
        if out.exists():
            shutil.rmtree(out)
        tmp.replace(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return len(chapters)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="src", default=str(ROOT / "target" / "notebooks"),
                        help="folder of executed notebooks and results.json (default: target/notebooks)")
    parser.add_argument("--out", default=str(ROOT / "target" / "book"), help="the book's folder (default: target/book)")
    args = parser.parse_args()
    try:
        n = build(Path(args.src).resolve(), Path(args.out).resolve())
    except BookError as e:
        print(f"build_book: {e}", file=sys.stderr)
        return 1
    print(f"book: {n} chapters in {Path(args.out).resolve()}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
