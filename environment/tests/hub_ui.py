"""Notebook-UI test of the NN Zoo JupyterHub in a real headless Chromium (run by hub-e2e.sh).

Drives Chromium over the DevTools protocol (no Selenium needed): logs in on the hub's login page,
lands in the student's JupyterLab 4 (--ui lab, the default; --ui classic: the classic Notebook UI),
opens a course notebook, runs all cells (the Run > Run All Cells menu, clicked with the mouse; classic:
Cell > Run All), waits until every code cell has run (01-perceptron trains two perceptrons), checks that
no cell failed and that the inline plots (<img> from image/png outputs) are on the page, and saves a
screenshot of the first plot. Prints one JSON line; exit 1 with the reason on any failure.

    /usr/bin/python3 hub_ui.py --url http://127.0.0.1:PORT --user NAME --password PW \
        --notebook nnzoo-notebooks/01-perceptron.ipynb --screenshot target/hub-ui/notebook.png
"""
import argparse
import asyncio
import base64
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from tornado.websocket import websocket_connect

from hub_e2e import kernel_rss_mb


class Failure(Exception):
    pass


class Cdp:
    """A minimal DevTools-protocol client: send a command, wait for its answer (events are ignored)."""

    def __init__(self, conn):
        self.conn, self.next_id = conn, 0

    async def send(self, method, timeout=60, **params):
        self.next_id += 1
        mid = self.next_id
        self.conn.write_message(json.dumps({"id": mid, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure(f"no answer from Chromium to {method} in {timeout} s")
            raw = await asyncio.wait_for(self.conn.read_message(), timeout=left)
            if raw is None:
                raise Failure("Chromium closed the DevTools connection")
            msg = json.loads(raw)
            if msg.get("id") == mid:
                if "error" in msg:
                    raise Failure(f"{method}: {msg['error']}")
                return msg.get("result", {})

    async def js(self, expression, timeout=60):
        """The value of a JavaScript expression in the page (JSON-serialisable values only)."""
        r = await self.send("Runtime.evaluate", timeout=timeout, expression=expression, returnByValue=True,
                            awaitPromise=True)
        if "exceptionDetails" in r:
            raise Failure(f"JavaScript failed: {expression[:80]}...: {r['exceptionDetails'].get('text')} "
                          f"{r['exceptionDetails'].get('exception', {}).get('description', '')[:300]}")
        return r.get("result", {}).get("value")

    async def wait(self, what, expression, timeout, interval=0.5):
        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            try:
                value = await self.js(expression)
            except Failure:
                value = None  # the page is navigating
            if value:
                return value
            await asyncio.sleep(interval)
        url = await self.js("location.href")
        raise Failure(f"timed out after {timeout} s waiting for {what} (page: {url})")


def spki_sha256(cert):
    """base64 SHA-256 of the certificate's public key: what Chromium's SPKI pin list takes."""
    pub = subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-pubkey"], capture_output=True, check=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=pub, capture_output=True,
                         check=True).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def start_chromium(chromium, profile_dir, log, cacert=None):
    """Starts headless Chromium on 127.0.0.1 with a free DevTools port; returns (process, ws url).

    cacert: the hub's self-signed certificate; Chromium accepts that one key only (an SPKI pin, as a
    student does who checked the fingerprint), every other certificate error still fails."""
    args = [chromium, "--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
            f"--user-data-dir={profile_dir}", "--window-size=1280,1400", "about:blank"]
    if cacert:
        args.insert(1, f"--ignore-certificate-errors-spki-list={spki_sha256(cacert)}")
    if os.geteuid() == 0:
        args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    proc = subprocess.Popen(args, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
    port_file = os.path.join(profile_dir, "DevToolsActivePort")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise Failure(f"Chromium exited at start with status {proc.returncode} (log: {log.name})")
        if os.path.exists(port_file):
            lines = open(port_file).read().split()
            if lines:
                port = int(lines[0])
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
                    pages = [t for t in json.load(r) if t.get("type") == "page"]
                if pages:
                    return proc, pages[0]["webSocketDebuggerUrl"]
        time.sleep(0.2)
    raise Failure(f"Chromium did not open its DevTools port in 60 s (log: {log.name})")


NOTEBOOK_STATE = """(() => {
  const nb = window.Jupyter && Jupyter.notebook;
  const code = nb ? nb.get_cells().filter(c => c.cell_type === 'code') : [];
  return {
    code: code.length,
    done: code.filter(c => typeof c.input_prompt_number === 'number').length,
    running: code.filter(c => c.input_prompt_number === '*').length,
    errors: document.querySelectorAll('.output_area .output_error').length,
    images: document.querySelectorAll('.output_area img').length,
    kernel: !!(nb && nb.kernel && nb.kernel.is_connected()),
  };
})()"""


LAB_STATE = """(() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const cells = panel ? [...panel.querySelectorAll('.jp-CodeCell')] : [];
  const prompts = cells.map(c => ((c.querySelector('.jp-InputPrompt') || {}).textContent || '').trim());
  return {
    code: cells.length,
    done: prompts.filter(p => /^\\[\\d+\\]:$/.test(p)).length,
    running: prompts.filter(p => p === '[*]:').length,
    errors: panel ? panel.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').length : 0,
    images: panel ? [...panel.querySelectorAll('.jp-OutputArea-output img')].filter(i => i.complete && i.naturalWidth >= 50).length : 0,
  };
})()"""


async def wait_run_all(cdp, state_js, deadline, timeout):
    """Polls the page's notebook state until every code cell has run or one failed; returns that state."""
    state = {}
    while time.monotonic() < deadline:
        state = await cdp.js(state_js)
        if state["errors"] or (state["code"] and state["done"] == state["code"] and not state["running"]):
            return state
        await asyncio.sleep(1)
    raise Failure(f"Run All did not finish in {timeout} s: {state}")


async def click(cdp, what, selector, text):
    """A real mouse click (press and release) in the middle of the first `selector` whose text starts with `text`."""
    box = await cdp.wait(what, f"""(() => {{
        const e = [...document.querySelectorAll({json.dumps(selector)})]
            .find(x => x.textContent.trim().startsWith({json.dumps(text)}));
        if (!e) return null;
        const r = e.getBoundingClientRect();
        return r.width > 0 ? [r.x + r.width / 2, r.y + r.height / 2] : null; }})()""", 30, interval=0.2)
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        await cdp.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)


async def run_all_lab(args, cdp, url, user, result, t0):
    """JupyterLab 4: the notebook with its kernel idle, Run > Run All Cells, the state when every cell has run."""
    await cdp.send("Page.navigate", url=f"{url}/user/{user}/lab/tree/{args.notebook}")
    name = os.path.basename(args.notebook)
    # (JupyterLab may ask "Select Kernel" when the kernel specs were not loaded yet: the notebook's own is preselected)
    await cdp.wait("the notebook and its idle Java kernel", f"""(document.querySelector('.jp-Dialog .jp-mod-accept') || {{click() {{}}}}).click(),
        fetch('/user/{user}/api/sessions', {{credentials: 'same-origin'}})
        .then(r => r.ok ? r.json() : []).then(ss => ss.some(x => x.path.endsWith({json.dumps(name)})
            && x.kernel && x.kernel.name === 'nnzoo-java' && x.kernel.execution_state === 'idle')
            && document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell').length > 0)""", 120, interval=1)
    result["kernel_ready_s"] = round(time.monotonic() - t0, 2)
    started = time.monotonic()
    await click(cdp, "the Run menu", ".lm-MenuBar-itemLabel", "Run")
    await click(cdp, "Run All Cells", ".lm-Menu-itemLabel", "Run All Cells")
    state = await wait_run_all(cdp, LAB_STATE, started + args.timeout, args.timeout)
    return started, state, ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']", ".jp-OutputArea-output img"


async def drive(args, ws_url):
    conn = await websocket_connect(ws_url, max_message_size=64 * 1024 * 1024)
    cdp = Cdp(conn)
    url, user = args.url.rstrip("/"), args.user
    result = {}
    t0 = time.monotonic()
    await cdp.send("Page.enable")
    await cdp.send("Emulation.setDeviceMetricsOverride", width=1280, height=1400, deviceScaleFactor=1, mobile=False)

    # 1. the hub's login page, filled in and submitted like a person would
    await cdp.send("Page.navigate", url=f"{url}/hub/login")
    await cdp.wait("the login form", "!!document.querySelector('#username_input')", 60)
    await cdp.js(f"""(() => {{
        document.querySelector('#username_input').value = {json.dumps(user)};
        document.querySelector('#password_input').value = {json.dumps(args.password)};
        document.querySelector('form').submit(); return true; }})()""")
    # the hub starts the student's server (spawn-pending page) and redirects to it
    await cdp.wait(f"{user}'s notebook server after login",
                   f"location.pathname.startsWith('/user/{user}/') && document.readyState === 'complete'", 150)
    result["login_s"] = round(time.monotonic() - t0, 2)
    result["protocol"] = await cdp.js("location.protocol")
    result["landed_on"] = await cdp.js("location.pathname")
    if args.ui == "lab":
        await cdp.wait("JupyterLab's page", "!!document.querySelector('.jp-LabShell, #jp-main-dock-panel')", 60)
        if not result["landed_on"].startswith(f"/user/{user}/lab"):
            raise Failure(f"after login the student landed on {result['landed_on']}, not in JupyterLab (/user/{user}/lab)")
    if url.startswith("https://") and result["protocol"] != "https:":
        raise Failure(f"the notebook server page is served over {result['protocol']}, not https:")

    if args.ui == "lab":
        started, state, error_sel, image_sel = await run_all_lab(args, cdp, url, user, result, t0)
    else:
        # 2. the notebook in the classic UI, with its kernel connected
        await cdp.send("Page.navigate", url=f"{url}/user/{user}/notebooks/{args.notebook}")
        await cdp.wait("the notebook and its Java kernel",
                       "!!(window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded "
                       "&& Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected() "
                       "&& Jupyter.notebook.kernel.info_reply && Jupyter.notebook.kernel.info_reply.protocol_version)", 120)
        kernel_name = await cdp.js("Jupyter.notebook.kernel.name")
        if kernel_name != "nnzoo-java":
            raise Failure(f"the notebook opened with kernel '{kernel_name}', not nnzoo-java")
        result["kernel_ready_s"] = round(time.monotonic() - t0, 2)

        # 3. Cell > Run All, then wait for every code cell to finish (or one to fail)
        started = time.monotonic()
        await cdp.js("Jupyter.notebook.clear_all_output(); Jupyter.notebook.execute_all_cells(); true")
        state = await wait_run_all(cdp, NOTEBOOK_STATE, started + args.timeout, args.timeout)
        error_sel, image_sel = ".output_area .output_error", ".output_area img"
    result["run_all_s"] = round(time.monotonic() - started, 2)
    result.update(code_cells=state["code"], executed=state["done"], errors=state["errors"], images=state["images"])
    result["kernel_rss_mb"] = kernel_rss_mb(user)

    # 4. the screenshot: the first plot in view (or the failed cell)
    target = error_sel if state["errors"] else image_sel
    await cdp.js(f"(() => {{ const e = document.querySelector('{target}'); "
                 "if (e) e.scrollIntoView({block: 'center'}); return true; })()")
    await asyncio.sleep(0.5)
    shot = await cdp.send("Page.captureScreenshot", format="png")
    os.makedirs(os.path.dirname(os.path.abspath(args.screenshot)), exist_ok=True)
    with open(args.screenshot, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    result["screenshot"] = os.path.abspath(args.screenshot)
    if state["errors"]:
        text = await cdp.js(f"document.querySelector({json.dumps(error_sel)}).innerText")
        raise Failure(f"a cell failed in the notebook UI (screenshot {args.screenshot}): {text[:1500]}")
    if state["images"] < 1:
        raise Failure(f"no inline plot (<img>) in the page after Run All: {state} (screenshot {args.screenshot})")
    size = await cdp.js(f"(() => {{ const i = document.querySelector({json.dumps(image_sel)}); "
                        "return [i.naturalWidth, i.naturalHeight]; })()")
    if not size or min(size) < 50:
        raise Failure(f"the first inline plot is {size} pixels: not a rendered chart")
    result["first_image_px"] = size

    # 5. leave nothing running: shut the notebook's kernel down through the UI's own session
    if args.ui == "lab":  # the REST API, with the page's own cookies and xsrf token
        await cdp.js(f"""fetch('/user/{user}/api/sessions', {{credentials: 'same-origin'}}).then(r => r.json())
            .then(ss => Promise.all(ss.map(x => fetch('/user/{user}/api/sessions/' + x.id, {{method: 'DELETE',
                credentials: 'same-origin', headers: {{'X-XSRFToken': (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || ''}}}}))))
            .then(() => true)""")
    else:
        await cdp.js("Jupyter.notebook.session.delete(); true")
    await asyncio.sleep(1)
    await cdp.send("Browser.close")
    conn.close()
    result["total_s"] = round(time.monotonic() - t0, 2)
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True)
    p.add_argument("--cacert", help="the hub's self-signed certificate (HTTPS)")
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--notebook", default="nnzoo-notebooks/01-perceptron.ipynb", help="path in the user's home")
    p.add_argument("--screenshot", required=True)
    p.add_argument("--ui", choices=("lab", "classic"), default="lab", help="the front end the hub serves")
    p.add_argument("--chromium", default=os.environ.get("NNZOO_CHROMIUM") or shutil.which("chromium")
                   or shutil.which("chromium-browser") or shutil.which("google-chrome"))
    p.add_argument("--timeout", type=float, default=300, help="seconds for Run All")
    p.add_argument("--log", default=None, help="Chromium's log file")
    args = p.parse_args()
    if not args.chromium:
        raise Failure("no Chromium found: sudo bash environment/install-deps.sh --browser (or set NNZOO_CHROMIUM)")
    profile_dir = tempfile.mkdtemp(prefix="nnzoo-chromium-")
    log_path = args.log or os.path.join(profile_dir, "chromium.log")
    proc = None
    try:
        with open(log_path, "w") as log:
            proc, ws_url = start_chromium(args.chromium, profile_dir, log, args.cacert)
            result = asyncio.run(drive(args, ws_url))
        print("UI-RESULT " + json.dumps(result), flush=True)
    finally:
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # Chromium's own process group (start_new_session)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        shutil.rmtree(profile_dir, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        print(f"[nnzoo] hub UI test FAILED: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
