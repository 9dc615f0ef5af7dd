"""End-to-end test of the NN Zoo JupyterHub, as a student would use it (run by hub-e2e.sh).

Against a running hub on 127.0.0.1: logs in through the login form, asks the REST API for a token,
starts the student's server, checks the private notebook copies and the kernelspec, creates a Java
kernel session, runs a cell over the kernel's websocket that trains an MLP for a few steps on MNIST
through the library and prints the numbers, and checks them and the engine's start lines (one malloc
arena, the reproducible mode). Then deletes the session and stops the server. Prints one JSON line
with the measured values; exit 1 with the reason on any failure.

    /usr/bin/python3 hub_e2e.py --url https://127.0.0.1:PORT --cacert CERT --user NAME --password PW --data-dir DIR

--cacert: the hub's certificate (a self-signed one is its own CA); requests and the websocket verify
the hub against it.
"""
import argparse
import asyncio
import json
import os
import re
import sys
import time
import uuid

import requests
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

# Trains a two-layer MLP for 3 epochs of 10 batches (30 steps) on the first 1,000 MNIST training
# images of the shared data folder, and prints what the test checks.
TRAIN_CELL = r"""
import ai.djl.Model;
import ai.djl.nn.Activation;
ImageSet e2eTrain = Mnist.digits().train().limit(1000);
ImageSet e2eVal = Mnist.digits().test().limit(500);
Model e2eModel = Model.newInstance("e2e-mlp");
e2eModel.setBlock(Mlp.build(new int[] {64}, 10, Activation::relu, 0f));
InMemoryDataset e2eData = InMemoryDataset.of(e2eTrain, 100, true, 42);
History e2eHistory = Fit.of(e2eModel, e2eData)
        .validation(InMemoryDataset.of(e2eVal, 500, false, 0))
        .epochs(3).accuracy(true).seed(42).title("hub e2e").run();
double[] e2eLoss = e2eHistory.values("train_loss");
System.out.printf("E2E user=%s data=%s writable=%s steps=%d loss_first=%.6f loss_last=%.6f val_acc=%.4f%n",
        System.getProperty("user.name"), DataHome.dir(), java.nio.file.Files.isWritable(DataHome.dir()),
        e2eData.batchCount() * e2eHistory.epochs(), e2eLoss[0], e2eLoss[e2eLoss.length - 1], e2eHistory.last("val_acc"));
e2eModel.close();
"""
RESULT_RE = re.compile(r"E2E user=(\S+) data=(\S+) writable=(\S+) steps=(\d+) loss_first=(\S+) "
                       r"loss_last=(\S+) val_acc=(\S+)")


class Failure(Exception):
    pass


def avx2_cpu():
    """True on x86-64 Linux with AVX2, the CPUs the reproducible mode covers."""
    try:
        with open("/proc/cpuinfo") as f:
            return os.uname().machine == "x86_64" and re.search(r"^flags\s*:.*\bavx2\b", f.read(), re.M) is not None
    except OSError:
        return False


def check_start_lines(out, result):
    """The engine's start lines in the student's first cell: one malloc arena (kernel.json's MALLOC_ARENA_MAX, which
    install-kernel.sh took from the environment install-hub.sh ran in, 1 where unset; the hub starts students' servers
    with a clean environment, so nothing else reaches the kernel) and the reproducible mode, reached on x86-64 with AVX2."""
    lines = [l.strip() for l in out.splitlines()]
    tuning = next((l for l in lines if l.startswith("[nnzoo] native tuning")), None)
    mode = next((l for l in lines if l.startswith("[nnzoo] reproducible mode")), None)
    one_arena = (os.environ.get("MALLOC_ARENA_MAX") or "1").strip() == "1"
    check(tuning is not None and ("one malloc arena for every thread" in tuning) == one_arena,
          f"the student's kernel should {'' if one_arena else 'not '}name one malloc arena in its native tuning line "
          f"(kernel.json's MALLOC_ARENA_MAX): {tuning or out[:600]}")
    reached = mode is not None and mode.startswith("[nnzoo] reproducible mode (environment/README.md): ")
    check(mode is not None, f"no reproducible mode line in the student's first cell: {out[:600]}")
    check(reached or not avx2_cpu(), f"the reproducible mode is not reached in the student's kernel: {mode}")
    result.update(one_malloc_arena=one_arena, reproducible_mode="reached" if reached else mode)


CA_CERTS = None  # --cacert: the CA file that verifies the hub's HTTPS certificate


def use_cacert(path):
    """Verifies the hub's HTTPS certificate against path (requests reads REQUESTS_CA_BUNDLE)."""
    global CA_CERTS
    if path:
        CA_CERTS = os.path.abspath(path)
        os.environ["REQUESTS_CA_BUNDLE"] = CA_CERTS


def check(cond, message):
    if not cond:
        raise Failure(message)


def wait_for(what, fn, timeout, interval=0.5):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = fn()
            if value:
                return value
        except requests.RequestException as e:
            last = e
        time.sleep(interval)
    raise Failure(f"timed out after {timeout} s waiting for {what}" + (f" (last error: {last})" if last else ""))


def login(url, user, password):
    """Logs in through the hub's HTML form; returns the session holding the hub's cookie."""
    s = requests.Session()
    r = s.get(f"{url}/hub/login", timeout=30)
    check(r.status_code == 200, f"GET /hub/login: HTTP {r.status_code}")
    form = {"username": user, "password": password}
    xsrf = re.search(r'name="_xsrf"\s+value="([^"]+)"', r.text)
    if xsrf:
        form["_xsrf"] = xsrf.group(1)
    r = s.post(f"{url}/hub/login?next=", data=form, allow_redirects=False, timeout=60)
    check(r.status_code in (302, 303), f"login as {user}: HTTP {r.status_code} (wrong password? not in the course group?)")
    check(any(c.name.startswith("jupyterhub-session") or c.name == "jupyterhub-hub-login" for c in s.cookies),
          f"login as {user}: no hub cookie set ({[c.name for c in s.cookies]})")
    if url.startswith("https://"):
        loose = [c.name for c in s.cookies if c.name.startswith("jupyterhub") and not c.secure]
        check(not loose, f"login over HTTPS: cookies without the Secure flag: {loose}")
    return s


def api_token(session, url, user):
    """A token for the student, created through the REST API with the login cookie."""
    r = session.post(f"{url}/hub/api/users/{user}/tokens", json={"note": "nnzoo e2e", "expires_in": 900},
                     headers={"Referer": f"{url}/hub/token"}, timeout=30)
    check(r.status_code in (200, 201), f"POST /hub/api/users/{user}/tokens: HTTP {r.status_code} {r.text[:200]}")
    return r.json()["token"]


def message(msg_type, content, session):
    msg_id = uuid.uuid4().hex
    return msg_id, json.dumps({
        "header": {"msg_id": msg_id, "username": "e2e", "session": session, "msg_type": msg_type,
                   "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [], "content": content})


async def open_kernel(ws_url, token, timings):
    """Opens the kernel websocket and waits until the kernel answers; returns (connection, session).

    Like jupyter_client, it first sends kernel_info_request every second until the kernel answers:
    rapaio-jupyter-kernel drops a request that arrives while it is still starting ("Unhandled
    message: kernel_info_request" in its log), and the notebook server then holds the websocket
    open for up to its kernel_info_timeout (60 s) before it gives up waiting.
    """
    started = time.monotonic()
    request = HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}, connect_timeout=120,
                          request_timeout=120, ca_certs=CA_CERTS)
    conn = await websocket_connect(request)
    timings["ws_open_s"] = round(time.monotonic() - started, 2)
    session = uuid.uuid4().hex
    info_ids = set()
    deadline = time.monotonic() + 120
    while True:
        info_id, raw = message("kernel_info_request", {}, session)
        info_ids.add(info_id)
        conn.write_message(raw)
        try:
            reply = await asyncio.wait_for(conn.read_message(), timeout=1)
        except asyncio.TimeoutError:
            reply = ""
        answered = False
        while reply:
            msg = json.loads(reply)
            if msg["msg_type"] == "kernel_info_reply" and msg["parent_header"].get("msg_id") in info_ids:
                answered = True
                break
            try:
                reply = await asyncio.wait_for(conn.read_message(), timeout=0.2)
            except asyncio.TimeoutError:
                reply = ""
        if answered:
            break
        if reply is None:
            raise Failure("the kernel websocket closed before the kernel answered kernel_info")
        if time.monotonic() > deadline:
            raise Failure("the kernel did not answer kernel_info_request within 120 s of the websocket opening")
    timings["kernel_info_s"] = round(time.monotonic() - started, 2)
    return conn, session


def send_execute(conn, session, code):
    """Sends an execute_request; returns its msg_id."""
    msg_id, raw = message("execute_request", {"code": code, "silent": False, "store_history": True,
                                              "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
                          session)
    conn.write_message(raw)
    return msg_id


async def execute(conn, session, code, timeout, what="the training cell"):
    """Executes code on an open kernel websocket; returns (status, stdout, stderr, error text)."""
    msg_id = send_execute(conn, session, code)
    out, err, error, status, idle = [], [], "", None, False
    deadline = time.monotonic() + timeout
    while status is None or not idle:
        left = deadline - time.monotonic()
        if left <= 0:
            raise Failure(f"{what} did not finish in {timeout} s")
        raw = await asyncio.wait_for(conn.read_message(), timeout=left)
        if raw is None:
            raise Failure(f"the kernel websocket closed before {what} finished")
        msg = json.loads(raw)
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            (out if content.get("name") == "stdout" else err).append(content.get("text", ""))
        elif kind == "error":
            error = f"{content.get('ename')}: {content.get('evalue')}\n" + "\n".join(content.get("traceback", []))
        elif kind == "execute_reply":
            status = content.get("status")
        elif kind == "status" and content.get("execution_state") == "idle":
            idle = True
    return status, "".join(out), "".join(err), error


async def run_cell(ws_url, token, code, timeout, timings):
    """Opens the kernel websocket, executes code, closes; returns (status, stdout, stderr, error text)."""
    conn, session = await open_kernel(ws_url, token, timings)
    try:
        return await execute(conn, session, code, timeout)
    finally:
        conn.close()


def kernel_rss_mb(user):
    """Resident memory of the student's kernel JVM(s) in MB, read from /proc (None when not visible)."""
    import pwd
    try:
        uid = pwd.getpwnam(user).pw_uid
    except KeyError:
        return None
    total = None
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read()
            if b"org.rapaio.jupyter.kernel.MainApp" not in cmd:
                continue
            with open(f"/proc/{pid}/status") as f:
                fields = dict(line.split(":", 1) for line in f if ":" in line)
            if int(fields["Uid"].split()[0]) == uid:
                total = (total or 0) + int(fields["VmRSS"].split()[0]) // 1024
        except (OSError, KeyError, ValueError):
            continue
    return total


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True)
    p.add_argument("--cacert", help="CA file (the hub's self-signed certificate) to verify HTTPS with")
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--data-dir", required=True, help="the shared data folder the kernel must read")
    p.add_argument("--timeout", type=float, default=240, help="seconds for the training cell")
    p.add_argument("--keep-server", action="store_true", help="leave the server running (for the UI test)")
    args = p.parse_args()
    use_cacert(args.cacert)
    url, user = args.url.rstrip("/"), args.user
    t0 = time.monotonic()
    result = {"https": url.startswith("https://")}

    wait_for("the hub API", lambda: requests.get(f"{url}/hub/api", timeout=5).status_code == 200, 60)
    try:
        login(url, user, args.password + "-wrong")
    except Failure:
        pass  # refused, as it must be
    else:
        raise Failure("the hub accepted a wrong password")
    session = login(url, user, args.password)
    token = api_token(session, url, user)
    auth = {"Authorization": f"token {token}"}
    result["login_s"] = round(time.monotonic() - t0, 2)

    r = requests.post(f"{url}/hub/api/users/{user}/server", headers=auth, timeout=150)
    check(r.status_code in (201, 202, 400), f"starting the server: HTTP {r.status_code} {r.text[:300]}")

    def ready():
        model = requests.get(f"{url}/hub/api/users/{user}", headers=auth, timeout=10).json()
        server = model.get("servers", {}).get("", {})
        return server.get("ready") and server
    wait_for(f"{user}'s server to be ready", ready, 150)
    result["server_ready_s"] = round(time.monotonic() - t0, 2)

    base = f"{url}/user/{user}"
    r = requests.get(f"{base}/api/contents/nnzoo-notebooks", headers=auth, timeout=30)
    check(r.status_code == 200, f"GET {base}/api/contents/nnzoo-notebooks: HTTP {r.status_code} (no per-user copy?)")
    copies = sorted(item["name"] for item in r.json()["content"] if item["name"].endswith(".ipynb"))
    check("01-perceptron.ipynb" in copies, f"the student's notebook copies lack 01-perceptron.ipynb: {copies}")
    check(r.json()["writable"], "the student's notebook folder is not writable")
    result["notebook_copies"] = copies

    r = requests.get(f"{base}/api/kernelspecs", headers=auth, timeout=30)
    specs = r.json().get("kernelspecs", {})
    check("nnzoo-java" in specs, f"the server does not offer the nnzoo-java kernel: {sorted(specs)}")
    check(specs["nnzoo-java"]["spec"]["display_name"] == "Java 17 (NN Zoo)", specs["nnzoo-java"]["spec"])

    r = requests.post(f"{base}/api/sessions", headers=auth, timeout=60,
                      json={"path": "nnzoo-notebooks/e2e.ipynb", "type": "notebook", "name": "e2e.ipynb",
                            "kernel": {"name": "nnzoo-java"}})
    check(r.status_code == 201, f"creating a kernel session: HTTP {r.status_code} {r.text[:300]}")
    session_id, kernel_id = r.json()["id"], r.json()["kernel"]["id"]
    ws_url = f"{base.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels"  # wss:// for https://
    try:
        started = time.monotonic()
        status, out, err, error = asyncio.run(run_cell(ws_url, token, TRAIN_CELL, args.timeout, result))
        result["cell_s"] = round(time.monotonic() - started, 2)
        result["kernel_rss_mb"] = kernel_rss_mb(user)
        check(status == "ok", f"the training cell failed ({status}): {error or err[-2000:]}")
        m = RESULT_RE.search(out)
        check(m, f"no result line in the cell's output:\n{out[-2000:]}\n{err[-1000:]}")
        kuser, data, writable, steps, loss_first, loss_last, val_acc = m.groups()
        result.update(kernel_user=kuser, data_dir=data, data_writable=writable == "true", steps=int(steps),
                      loss_first=float(loss_first), loss_last=float(loss_last), val_acc=float(val_acc))
        check(result["steps"] == 30, f"expected 3 epochs x 10 batches = 30 steps, the kernel ran {steps}")
        check(kuser == user, f"the kernel runs as '{kuser}', not as the student '{user}'")
        check(data == args.data_dir, f"the kernel reads datasets from {data}, not the shared {args.data_dir}")
        check(writable == "false", f"the student can write the shared data folder {data}: it must be read-only")
        check(result["loss_last"] < result["loss_first"],
              f"training did not lower the loss: {loss_first} -> {loss_last}")
        check(result["val_acc"] > 0.5, f"validation accuracy after 30 steps is {val_acc}, expected > 0.5")
        check_start_lines(out, result)
    finally:
        requests.delete(f"{base}/api/sessions/{session_id}", headers=auth, timeout=30)
    r = requests.get(f"{base}/api/kernels", headers=auth, timeout=30)
    check(kernel_id not in [k["id"] for k in r.json()], "the kernel is still running after deleting its session")

    if not args.keep_server:
        r = requests.delete(f"{url}/hub/api/users/{user}/server", headers=auth, timeout=60)
        check(r.status_code in (202, 204), f"stopping the server: HTTP {r.status_code}")
        wait_for("the server to stop", lambda: not requests.get(f"{url}/hub/api/users/{user}", headers=auth,
                                                                    timeout=10).json().get("servers"), 60)
    result["total_s"] = round(time.monotonic() - t0, 2)
    print("E2E-RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        print(f"[nnzoo] hub e2e FAILED: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
