"""Per-student memory bound of the NN Zoo hub: one memory cgroup per student (used by the hub, as root).

The hub (hub/jupyterhub_config.py) creates, before each student's server starts, a cgroup for that
student with a memory limit, and the server process joins it between fork and exec (the spawner's
preexec function runs as root, before it drops to the student's uid), so the server and every kernel
it starts are inside: the student's processes together cannot use more than the limit, and when they
try, the kernel's OOM killer ends the largest process in that cgroup (a kernel JVM) and nothing else.

  cgroup v1 (memory controller mounted at /sys/fs/cgroup/memory):
      /sys/fs/cgroup/memory/nnzoo-hub/<user>, memory.limit_in_bytes (and memory.memsw.limit_in_bytes,
      where swap accounting exists). Created at the root of the memory hierarchy.
  cgroup v2 (unified, /sys/fs/cgroup/cgroup.controllers):
      <the hub's own cgroup>/nnzoo-hub/<user>, memory.max, memory.swap.max = 0. The hub's own cgroup
      must let it enable the memory controller for children: the root cgroup, or a delegated one,
      e.g. the systemd unit install-hub.sh writes (Delegate=yes). A delegated cgroup that holds
      processes (the hub, its proxy) cannot have controllers enabled for children ("no internal
      processes"), so the hub first moves its own processes into <cgroup>/nnzoo-hub-self, which it
      does only when every process there is the hub or one of its descendants.
  neither (no cgroups, read-only /sys/fs/cgroup, not root): the limit is NOT enforced; the hub logs
      a warning with the reason at start (install-hub.sh prints it too).

CLI (root): python3 nnzoo_memlimit.py check | status USER | remove USER...
"""
import errno
import json
import os
import sys

PARENT = "nnzoo-hub"
SELF_LEAF = "nnzoo-hub-self"
UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def parse_size(text):
    """'3g', '1536m', '2G', '1073741824' -> bytes; '0', 'none', '' -> 0 (no limit)."""
    t = str(text).strip().lower()
    if t in ("", "0", "none", "off"):
        return 0
    if t.endswith("b"):
        t = t[:-1]
    unit = t[-1] if t and t[-1] in UNITS else ""
    number = t[:-1] if unit else t
    if not number.isdigit():
        raise ValueError(f"not a memory size: {text!r} (use e.g. 3g or 1536m)")
    return int(number) * UNITS[unit]


def _read(path):
    with open(path) as f:
        return f.read()


def _write(path, value):
    with open(path, "w") as f:
        f.write(str(value))


class Cgroups:
    """Finds the cgroup mechanism at start; creates, joins and removes the students' cgroups."""

    def __init__(self, root="/sys/fs/cgroup", proc="/proc"):
        self.root, self.proc = root, proc
        self.mode, self.reason, self.base = None, "", None
        self._detect()

    # ---- which mechanism ------------------------------------------------------------------------
    def _detect(self):
        if os.geteuid() != 0 and self.root == "/sys/fs/cgroup":
            self.reason = "the hub does not run as root, so it cannot create cgroups"
            return
        if os.path.isfile(os.path.join(self.root, "cgroup.controllers")):
            self._detect_v2()
        elif os.path.isfile(os.path.join(self.root, "memory", "memory.limit_in_bytes")):
            base = os.path.join(self.root, "memory")
            if not os.access(base, os.W_OK):
                self.reason = f"{base} is not writable (mounted read-only?)"
                return
            self.mode, self.base = "cgroup v1", os.path.join(base, PARENT)
        else:
            self.reason = f"no cgroup memory controller under {self.root} (neither cgroup v2 nor v1 memory)"

    def _own_v2_path(self):
        for line in _read(os.path.join(self.proc, "self", "cgroup")).splitlines():
            if line.startswith("0::"):
                return line[3:].strip() or "/"
        return "/"

    def _detect_v2(self):
        own = os.path.join(self.root, self._own_v2_path().lstrip("/"))
        if not os.path.isfile(os.path.join(own, "cgroup.controllers")):
            own = self.root  # cgroup namespace view that does not show our own path
        if "memory" not in _read(os.path.join(own, "cgroup.controllers")).split():
            self.reason = (f"the memory controller is not available in the hub's cgroup {own} "
                           "(run the hub through its systemd unit, which has Delegate=yes)")
            return
        if not os.access(own, os.W_OK):
            self.reason = f"the hub's cgroup {own} is not writable (read-only /sys/fs/cgroup, or not delegated)"
            return
        if (os.path.normpath(own) != os.path.normpath(self.root)
                and "memory" not in _read(os.path.join(own, "cgroup.subtree_control")).split()):
            # cgroup v2 lets a cgroup with processes of its own have no children with controllers: prepare() moves
            # the hub into a leaf first, which it can only do where every process there is the hub's. A hub started
            # by hand shares its login session's cgroup with the shell: say so now, rather than fail every spawn
            procs = {int(p) for p in _read(os.path.join(own, "cgroup.procs")).split() if p.isdigit()}
            others = procs - self._descendants_of_self()
            if others:
                self.reason = (f"the hub's cgroup {own} also holds processes that are not the hub's (e.g. pid "
                               f"{min(others)}: a hub started by hand in a login session); start it through its "
                               "systemd unit (Delegate=yes), which gives it a cgroup of its own")
                return
        self.mode, self.base, self._own = "cgroup v2", os.path.join(own, PARENT), own

    @property
    def available(self):
        return self.mode is not None

    def describe(self, limit):
        if not limit:
            return "no per-student memory limit (--mem-limit 0)"
        if not self.available:
            return f"per-student memory limit NOT enforced: {self.reason}"
        return f"per-student memory limit {limit >> 20} MiB enforced with {self.mode} ({self.base}/<user>)"

    # ---- v2: enable the memory controller for our children ---------------------------------------
    def _descendants_of_self(self):
        """Pids of this process and all its descendants."""
        children = {}
        for pid in filter(str.isdigit, os.listdir(self.proc)):
            try:
                stat = _read(os.path.join(self.proc, pid, "stat"))
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(pid))
        mine, todo = set(), [os.getpid()]
        while todo:
            p = todo.pop()
            mine.add(p)
            todo.extend(children.get(p, []))
        return mine

    def _enable_memory(self, cgroup):
        control = os.path.join(cgroup, "cgroup.subtree_control")
        if "memory" in _read(control).split():
            return
        try:
            _write(control, "+memory")
        except OSError as e:
            if e.errno != errno.EBUSY or cgroup != self._own:
                raise
            # "no internal processes": move the hub (and its proxy) into a leaf of their own first
            procs = [int(p) for p in _read(os.path.join(cgroup, "cgroup.procs")).split()]
            others = set(procs) - self._descendants_of_self()
            if others:
                raise OSError(errno.EBUSY, f"the hub's cgroup {cgroup} also holds processes that are not the hub's "
                                           f"(e.g. pid {min(others)}): start the hub through its systemd unit "
                                           "(Delegate=yes) so that it has a cgroup of its own") from e
            leaf = os.path.join(cgroup, SELF_LEAF)
            os.makedirs(leaf, exist_ok=True)
            for pid in procs:
                try:
                    _write(os.path.join(leaf, "cgroup.procs"), pid)
                except ProcessLookupError:
                    pass
            _write(control, "+memory")

    # ---- per student ------------------------------------------------------------------------------
    def path(self, user):
        return os.path.join(self.base, user) if self.available else None

    def prepare(self, user, limit):
        """Creates (or reuses) the student's cgroup with the limit; returns its path."""
        if not self.available:
            raise RuntimeError(self.reason)
        path = self.path(user)
        if self.mode == "cgroup v2":
            self._enable_memory(self._own)
            os.makedirs(self.base, exist_ok=True)
            self._enable_memory(self.base)
            os.makedirs(path, exist_ok=True)
            _write(os.path.join(path, "memory.max"), limit)
            if os.path.exists(os.path.join(path, "memory.swap.max")):
                _write(os.path.join(path, "memory.swap.max"), 0)
        else:
            os.makedirs(path, exist_ok=True)
            memsw = os.path.join(path, "memory.memsw.limit_in_bytes")
            # v1 wants memsw >= limit at all times: lower the limit first when shrinking, memsw first when growing
            if os.path.exists(memsw) and int(_read(memsw)) < limit:
                _write(memsw, limit)
                _write(os.path.join(path, "memory.limit_in_bytes"), limit)
            else:
                _write(os.path.join(path, "memory.limit_in_bytes"), limit)
                if os.path.exists(memsw):
                    _write(memsw, limit)
        return path

    @staticmethod
    def joiner(path):
        """A function for preexec (after fork, before exec, still root): moves this process into path."""
        procs = os.path.join(path, "cgroup.procs")

        def join():
            with open(procs, "w") as f:
                f.write(str(os.getpid()))
        return join

    def remove(self, user):
        """Removes the student's cgroup once it is empty; False if it still holds processes."""
        path = self.path(user)
        if not path or not os.path.isdir(path):
            return True
        try:
            os.rmdir(path)
        except OSError as e:
            if e.errno in (errno.EBUSY, errno.ENOTEMPTY):
                return False
            raise
        try:
            os.rmdir(self.base)  # the parent too, when no other student has one
        except OSError:
            pass
        return True

    def status(self, user):
        """The student's cgroup: limit, usage, OOM kills, processes (None when it does not exist)."""
        path = self.path(user)
        if not path or not os.path.isdir(path):
            return None
        pids = [int(p) for p in _read(os.path.join(path, "cgroup.procs")).split()]
        if self.mode == "cgroup v2":
            limit = _read(os.path.join(path, "memory.max")).strip()
            usage = int(_read(os.path.join(path, "memory.current")))
            events = dict(line.split() for line in _read(os.path.join(path, "memory.events")).splitlines())
            kills = int(events.get("oom_kill", 0))
        else:
            limit = _read(os.path.join(path, "memory.limit_in_bytes")).strip()
            usage = int(_read(os.path.join(path, "memory.usage_in_bytes")))
            control = dict(line.split() for line in _read(os.path.join(path, "memory.oom_control")).splitlines())
            kills = int(control.get("oom_kill", 0))
        return {"path": path, "mode": self.mode, "limit": int(limit) if limit.isdigit() else limit,
                "usage": usage, "oom_kills": kills, "pids": pids}


def main(argv):
    cg = Cgroups()
    if not argv or argv[0] not in ("check", "status", "remove"):
        sys.exit(__doc__)
    if argv[0] == "check":
        print(cg.mode if cg.available else f"unavailable: {cg.reason}")
        return 0 if cg.available else 1
    if argv[0] == "status":
        print(json.dumps(cg.status(argv[1])))
        return 0
    left = [u for u in argv[1:] if not cg.remove(u)]
    if left:
        print(f"cgroups still in use: {', '.join(left)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
