"""Resource bounds of the NN Zoo hub, tested for real against a running hub (run by hub-e2e.sh, as root).

memory: two students each have a Java kernel; the second one's kernel allocates past the student's
    memory limit (install-hub.sh --mem-limit). Expected: each kernel runs inside its student's memory
    cgroup with that limit; the allocating kernel is OOM-killed (the cgroup counts the kill) and
    nothing else is: the hub answers, the first student's kernel (same process) still runs a cell,
    the second student's notebook server still answers.
cull: short timeouts (install-hub.sh --cull-idle/--cull-busy/--cull-server in seconds). A kernel with
    an open websocket (a browser tab) that is idle is culled after the idle timeout; a kernel busy in
    a loop is left alone by that culler but shut down after the busy bound; then the server, with no
    kernels, stops by itself and the hub sees it stopped (and its memory cgroup is removed).

Prints one JSON line; exit 1 with the reason on any failure.
    /usr/bin/python3 hub_limits.py memory --url URL --cacert CERT --user A --password PA --user2 B --password2 PB --limit 1g
    /usr/bin/python3 hub_limits.py cull --url URL --cacert CERT --user A --password PA --idle 15 --busy 30 --server 10 --hub-log LOG
"""
import argparse
import asyncio
import json
import os
import re
import sys
import time

import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hub"))
import nnzoo_memlimit  # noqa: E402
from hub_e2e import (Failure, api_token, check, execute, login, open_kernel, send_execute,  # noqa: E402
                     use_cacert, wait_for)

PID_CELL = 'System.out.println("PID=" + ProcessHandle.current().pid());'
# 28 arrays of 64 MiB, each filled: 1.75 GiB resident, inside the 2g heap, far past a 1g memory limit
HOG_CELL = """
java.util.List<long[]> hog = new java.util.ArrayList<>();
for (int i = 0; i < 28; i++) { long[] a = new long[8 << 20]; java.util.Arrays.fill(a, i + 1); hog.add(a); }
System.out.println("HOG-SURVIVED " + hog.size() * 64 + " MiB");
"""
BUSY_CELL = "while (true) { Thread.sleep(200); }"


class Student:
    def __init__(self, url, user, password):
        self.url, self.user = url, user
        self.token = api_token(login(url, user, password), url, user)
        self.auth = {"Authorization": f"token {self.token}"}
        self.base = f"{url}/user/{user}"

    def start_server(self):
        r = requests.post(f"{self.url}/hub/api/users/{self.user}/server", headers=self.auth, timeout=150)
        check(r.status_code in (201, 202, 400), f"starting {self.user}'s server: HTTP {r.status_code} {r.text[:300]}")
        wait_for(f"{self.user}'s server to be ready", lambda: self.server().get("ready"), 150)

    def server(self):
        model = requests.get(f"{self.url}/hub/api/users/{self.user}", headers=self.auth, timeout=10).json()
        return model.get("servers", {}).get("", {})

    def kernels(self):
        r = requests.get(f"{self.base}/api/kernels", headers=self.auth, timeout=30)
        check(r.status_code == 200, f"GET {self.base}/api/kernels: HTTP {r.status_code}")
        return {k["id"]: k for k in r.json()}

    async def kernel(self, name, timings):
        """A new kernel session; returns (kernel id, websocket, session)."""
        r = requests.post(f"{self.base}/api/sessions", headers=self.auth, timeout=60,
                          json={"path": f"nnzoo-notebooks/{name}.ipynb", "type": "notebook", "name": f"{name}.ipynb",
                                "kernel": {"name": "nnzoo-java"}})
        check(r.status_code == 201, f"{self.user}: creating a kernel session: HTTP {r.status_code} {r.text[:300]}")
        kid = r.json()["kernel"]["id"]
        ws_url = f"{self.base.replace('http', 'ws', 1)}/api/kernels/{kid}/channels"
        conn, session = await open_kernel(ws_url, self.token, timings)
        return kid, conn, session


async def pid_of(conn, session, what):
    status, out, err, error = await execute(conn, session, PID_CELL, 120, what)
    m = re.search(r"PID=(\d+)", out)
    check(status == "ok" and m, f"{what}: {status} {out!r} {error or err}")
    return int(m.group(1))


def cgroup_of(pid):
    """The pid's memory cgroup as a path below the mount (v1 'memory' line, else the v2 '0::' line)."""
    lines = open(f"/proc/{pid}/cgroup").read().splitlines()
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            return path
    return next(line.split(":", 2)[2] for line in lines if line.startswith("0::"))


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


async def memory(args):
    cg = nnzoo_memlimit.Cgroups()
    check(cg.available, f"cgroups are not usable here: {cg.reason}")
    limit = nnzoo_memlimit.parse_size(args.limit)
    result = {"mode": cg.mode, "limit_mib": limit >> 20}
    t0 = time.monotonic()
    a = Student(args.url, args.user, args.password)
    b = Student(args.url, args.user2, args.password2)
    a.start_server()
    b.start_server()
    timings = {}
    ka, conn_a, sess_a = await a.kernel("limits-a", timings)
    kb, conn_b, sess_b = await b.kernel("limits-b", timings)
    pid_a = await pid_of(conn_a, sess_a, f"{a.user}'s kernel")
    pid_b = await pid_of(conn_b, sess_b, f"{b.user}'s kernel")
    for student, pid in ((a, pid_a), (b, pid_b)):
        path = cg.path(student.user)
        status = cg.status(student.user)
        check(status is not None, f"{student.user} has no memory cgroup ({path})")
        check(path.endswith(cgroup_of(pid)), f"{student.user}'s kernel (pid {pid}) is in the cgroup "
                                             f"{cgroup_of(pid)}, not in {path}")
        check(status["limit"] == limit, f"{path}: limit {status['limit']}, expected {limit}")
    kills_before = cg.status(b.user)["oom_kills"]
    result["setup_s"] = round(time.monotonic() - t0, 2)

    # b's kernel allocates 1.75 GiB; it must be killed by the cgroup, not finish, not fail with Java's OOM
    started = time.monotonic()
    msg_id = send_execute(conn_b, sess_b, HOG_CELL)
    texts = []
    while alive(pid_b) and time.monotonic() - started < 120:
        try:
            raw = await asyncio.wait_for(conn_b.read_message(), timeout=0.5)
        except asyncio.TimeoutError:
            continue
        if raw is None:
            break
        msg = json.loads(raw)
        if msg.get("parent_header", {}).get("msg_id") == msg_id:
            c = msg["content"]
            texts.append(c.get("text") or c.get("evalue") or "")
            if msg["msg_type"] == "execute_reply":
                break
    out = "".join(texts)
    check("HOG-SURVIVED" not in out, f"{b.user}'s kernel allocated 1.75 GiB past the {args.limit} limit: {out.strip()}")
    check("OutOfMemoryError" not in out, f"the JVM ran out of heap before the memory limit acted: {out.strip()[:300]}")
    wait_for(f"{b.user}'s allocating kernel (pid {pid_b}) to be killed", lambda: not alive(pid_b), 60)
    result["hog_killed_s"] = round(time.monotonic() - started, 2)
    status_b = cg.status(b.user)
    check(status_b["oom_kills"] > kills_before, f"{b.user}'s kernel died, but its cgroup counts no OOM kill: {status_b}")
    result["oom_kills"] = status_b["oom_kills"] - kills_before

    # everything else goes on
    r = requests.get(f"{args.url}/hub/api", timeout=10)
    check(r.status_code == 200, f"the hub does not answer after the OOM kill: HTTP {r.status_code}")
    check(alive(pid_a), f"{a.user}'s kernel (pid {pid_a}) died too")
    check(await pid_of(conn_a, sess_a, f"{a.user}'s kernel after the OOM kill") == pid_a,
          f"{a.user}'s kernel was restarted")
    r = requests.get(f"{b.base}/api/status", headers=b.auth, timeout=30)
    check(r.status_code == 200, f"{b.user}'s notebook server does not answer after the OOM kill: HTTP {r.status_code}")
    result["others_ok"] = True
    conn_a.close()
    conn_b.close()
    for student in (a, b):
        for kid in student.kernels():
            requests.delete(f"{student.base}/api/kernels/{kid}", headers=student.auth, timeout=30)
    r = requests.delete(f"{args.url}/hub/api/users/{b.user}/server", headers=b.auth, timeout=60)
    check(r.status_code in (202, 204), f"stopping {b.user}'s server: HTTP {r.status_code}")
    wait_for(f"{b.user}'s server to stop", lambda: not b.server(), 60)
    result["total_s"] = round(time.monotonic() - t0, 2)
    return result


async def cull(args):
    cg = nnzoo_memlimit.Cgroups()
    t0 = time.monotonic()
    a = Student(args.url, args.user, args.password)
    a.start_server()
    server_up = time.monotonic()
    timings = {}
    k_idle, conn_idle, sess_idle = await a.kernel("cull-idle", timings)
    status, _, _, error = await execute(conn_idle, sess_idle, "1 + 1", 60, "1 + 1")
    check(status == "ok", f"1 + 1 failed: {error}")
    idle_from = time.monotonic()
    k_busy, conn_busy, sess_busy = await a.kernel("cull-busy", timings)
    send_execute(conn_busy, sess_busy, BUSY_CELL)
    busy_from = time.monotonic()
    result = {}
    # both websockets stay open (as browser tabs would) while the kernels are watched
    deadline = time.monotonic() + args.busy + args.idle + 60
    while time.monotonic() < deadline:
        kernels = a.kernels()
        now = time.monotonic()
        if k_idle not in kernels and "idle_culled_s" not in result:
            result["idle_culled_s"] = round(now - idle_from, 1)
            check(now - idle_from >= args.idle - 1, f"the idle kernel was culled after {now - idle_from:.0f} s, "
                                                    f"before the {args.idle} s timeout")
            check(k_busy in kernels, "the busy kernel was culled together with the idle one "
                                     f"(after {now - busy_from:.0f} s busy; the busy bound is {args.busy} s)")
        if k_busy not in kernels:
            result["busy_culled_s"] = round(now - busy_from, 1)
            check(now - busy_from >= args.busy - 1, f"the busy kernel was culled after {now - busy_from:.0f} s, "
                                                    f"before the {args.busy} s bound")
            break
        await asyncio.sleep(1)
    check("idle_culled_s" in result, f"the idle kernel with an open websocket was not culled in {args.idle} s "
                                     f"(+ {args.busy + 60} s)")
    check("busy_culled_s" in result, f"the kernel busy for {args.busy} s was not culled")
    conn_idle.close()
    conn_busy.close()
    log = open(args.hub_log, errors="replace").read()
    line = next((x for x in log.splitlines() if "Culling" in x and k_idle in x), "")
    check(re.search(r"with [1-9]\d* connections", line),
          f"the hub log does not show the idle kernel culled while connected: {line or 'no Culling line for ' + k_idle}")
    check(re.search(rf"nnzoo: culling kernel {k_busy} .*busy for", log),
          f"the hub log has no 'nnzoo: culling kernel {k_busy} ... busy for' line")

    # the server has no kernels now: it stops by itself (Jupyter checks once a minute), the hub notices
    wait_for("the idle server to stop", lambda: not a.server(), 60 + args.server + 45, interval=1)
    result["server_stopped_s"] = round(time.monotonic() - server_up, 1)
    # the classic Notebook says "No kernels or terminals for N seconds; shutting down.", jupyter_server 2 "No kernels for ..."
    check(re.search(r"No kernels (or terminals )?for \d+ seconds; shutting down", open(args.hub_log, errors="replace").read()),
          "the server stopped, but the hub log lacks its 'No kernels [or terminals] for N seconds; shutting down.'")
    if cg.available:
        wait_for(f"{a.user}'s memory cgroup to be removed", lambda: cg.status(a.user) is None, 10)
        result["cgroup_removed"] = True
    result["total_s"] = round(time.monotonic() - t0, 2)
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["memory", "cull"])
    p.add_argument("--url", required=True)
    p.add_argument("--cacert")
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--user2")
    p.add_argument("--password2")
    p.add_argument("--limit", default="1g", help="the memory limit the hub was installed with")
    p.add_argument("--idle", type=int, default=15)
    p.add_argument("--busy", type=int, default=30)
    p.add_argument("--server", type=int, default=10)
    p.add_argument("--hub-log")
    args = p.parse_args()
    use_cacert(args.cacert)
    args.url = args.url.rstrip("/")
    result = asyncio.run(memory(args) if args.mode == "memory" else cull(args))
    print(f"LIMITS-{args.mode.upper()} " + json.dumps(result), flush=True)


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        print(f"[nnzoo] hub limits test FAILED: {e}", file=sys.stderr, flush=True)
        sys.exit(1)
