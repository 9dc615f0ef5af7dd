# JupyterHub configuration of an NN Zoo course server (JupyterHub 3.0, Debian's package).
#
# Every setting comes from environment variables that environment/install-hub.sh writes into
# STATE/hub.env and environment/start-hub.sh exports; edit them by re-running install-hub.sh.
#   NNZOO_HUB_AUTH     pam: students log in with their Unix user and password (members of
#                      NNZOO_HUB_GROUP only); dummy: any name with the one NNZOO_HUB_PASSWORD (trials)
#   NNZOO_HUB_SPAWNER  local: each student's server runs as their own Unix user (hub runs as root);
#                      simple: every server runs as the hub's user, homes under STATE/homes (trials)
#   NNZOO_HUB_SSL_CERT/_KEY  HTTPS (the proxy serves it); without them, plain HTTP only on loopback
#                      unless NNZOO_HUB_INSECURE_HTTP=1
#   NNZOO_HUB_MEM_LIMIT      bytes or 3g: one memory cgroup per student (hub/nnzoo_memlimit.py)
#   NNZOO_HUB_CULL_{IDLE,BUSY,SERVER}_SECONDS  culling of idle kernels, stuck kernels, idle servers
#   NNZOO_HUB_FRONTEND lab: JupyterLab 4 (jupyter_server 2 from the venv of setup-jupyter.sh --hub, options
#                      ServerApp.*); classic: Debian's Notebook 6.4 (options NotebookApp.*)
# What a student gets: a JupyterLab 4 (or classic Notebook) server whose home holds a private copy of the
# notebooks (~/nnzoo-notebooks, copied by hub/singleuser.sh, never overwriting their edits), the
# "Java 17 (NN Zoo)" kernel (installed for every user by install-hub.sh), the datasets read from the
# shared read-only folder NNZOO_DATA, a memory bound for all their processes together, and
# kernels/servers shut down when idle.
# ruff: noqa  (the `c` object is injected by JupyterHub)
import asyncio
import inspect
import os
import sys

c = get_config()  # noqa: F821


def env(name, default=""):
    return os.environ.get(name, default).strip()


root = env("NNZOO_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
state = env("NNZOO_HUB_STATE") or os.getcwd()
here = os.path.join(root, "environment", "hub")

# ---- network: the public proxy on IP:PORT (HTTPS when a certificate is set), the hub's API on 127.0.0.1
port = int(env("NNZOO_HUB_PORT", "8000"))
ip = env("NNZOO_HUB_IP", "127.0.0.1")
c.JupyterHub.ip = ip
c.JupyterHub.port = port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env("NNZOO_HUB_API_PORT", "8081"))
c.JupyterHub.proxy_class = "jupyterhub.proxy.ConfigurableHTTPProxy"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 1}"
c.ConfigurableHTTPProxy.command = [os.path.join(here, "configurable-http-proxy.sh")]
c.ConfigurableHTTPProxy.pid_file = os.path.join(state, "proxy.pid")
c.ConfigurableHTTPProxy.should_start = True

# TLS: the proxy serves HTTPS with this certificate (install-hub.sh --ssl-cert/--ssl-key, or --self-signed:
# start-hub.sh makes one in STATE/tls at the first start). Students' passwords cross the network in the
# login form, so plain HTTP is refused on any address but loopback unless install-hub.sh --insecure-http.
ssl_cert, ssl_key = env("NNZOO_HUB_SSL_CERT"), env("NNZOO_HUB_SSL_KEY")
if ssl_cert or ssl_key:
    for f in (ssl_cert, ssl_key):
        if not f or not os.path.isfile(f):
            raise SystemExit(f"[nnzoo] ERROR: TLS certificate or key {f!r} not found (NNZOO_HUB_SSL_CERT/_KEY in hub.env)")
    c.JupyterHub.ssl_cert = ssl_cert
    c.JupyterHub.ssl_key = ssl_key
elif not (ip == "localhost" or ip == "::1" or ip.startswith("127.")):
    if env("NNZOO_HUB_INSECURE_HTTP") != "1":
        raise SystemExit(f"[nnzoo] ERROR: the hub would serve the login form over plain HTTP on {ip}: passwords in "
                         "clear text. Re-run install-hub.sh with --ssl-cert/--ssl-key or --self-signed "
                         "(or --insecure-http on a network you trust)")
    print(f"[nnzoo] WARNING: plain HTTP on {ip} (--insecure-http): students' passwords cross the network "
          "in clear text", file=sys.stderr, flush=True)

# ---- state: database and cookie secret in the state folder ---------------------------------------
c.JupyterHub.db_url = "sqlite:///" + os.path.join(state, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(state, "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops the students' servers and kernels

# ---- who may log in --------------------------------------------------------------------------------
admins = {a for a in env("NNZOO_HUB_ADMINS").split(",") if a}
c.Authenticator.admin_users = admins
auth = env("NNZOO_HUB_AUTH", "pam")
if auth == "pam":
    c.JupyterHub.authenticator_class = "jupyterhub.auth.PAMAuthenticator"
    group = env("NNZOO_HUB_GROUP", "nnzoo-students")
    c.PAMAuthenticator.allowed_groups = {group}  # add students with hub/add-students.sh
    c.PAMAuthenticator.open_sessions = False  # no PAM session modules (none are needed in a container)
elif auth == "dummy":
    c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
    password = env("NNZOO_HUB_PASSWORD")
    if not password:
        raise SystemExit("[nnzoo] ERROR: NNZOO_HUB_AUTH=dummy needs NNZOO_HUB_PASSWORD (install-hub.sh --password PW)")
    c.DummyAuthenticator.password = password
else:
    raise SystemExit(f"[nnzoo] ERROR: NNZOO_HUB_AUTH={auth!r}: use pam or dummy")

# ---- each student's server ---------------------------------------------------------------------------
sys.path.insert(0, here)
import nnzoo_memlimit  # noqa: E402  (hub/nnzoo_memlimit.py: one memory cgroup per student)
from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner  # noqa: E402

# Memory: each student's server and all its kernels run in one cgroup with this limit (install-hub.sh
# --mem-limit, default the kernel heap + 1g). The kernel JVM's heap is fixed by -Xmx (--heap); PyTorch's
# tensors live outside it, so the cgroup is what bounds a student's total. Past the limit the kernel's
# OOM killer ends the largest process of that student (a kernel JVM); the hub and other students go on.
mem_limit = nnzoo_memlimit.parse_size(env("NNZOO_HUB_MEM_LIMIT", "0"))
cgroups = nnzoo_memlimit.Cgroups() if mem_limit else None
if mem_limit and not cgroups.available:
    print(f"[nnzoo] WARNING: {cgroups.describe(mem_limit)}; kernels are bounded only by their heap (-Xmx) "
          "and the idle culling", file=sys.stderr, flush=True)
elif mem_limit:
    print(f"[nnzoo] {cgroups.describe(mem_limit)}", file=sys.stderr, flush=True)


class MemoryLimitMixin:
    """Starts the server inside the student's memory cgroup (created by the hub, as root)."""

    _nnzoo_cgroup = None

    def make_preexec_fn(self, name):
        drop_privileges = super().make_preexec_fn(name)
        if not self._nnzoo_cgroup:
            return drop_privileges
        join = cgroups.joiner(self._nnzoo_cgroup)

        def preexec():
            join()  # still root here: enter the cgroup, then become the student
            drop_privileges()
        return preexec

    async def start(self):
        if mem_limit and cgroups.available:
            self._nnzoo_cgroup = cgroups.prepare(self.user.name, mem_limit)
            self.log.info("nnzoo: %s's server runs in %s (memory limit %d MiB)", self.user.name,
                          self._nnzoo_cgroup, mem_limit >> 20)
        return await super().start()

    async def _remove_cgroup(self, hook_result):
        if hook_result is not None and inspect.isawaitable(hook_result):
            await hook_result
        for _ in range(40):  # the kernels end with their server (setpriv --pdeathsig); wait for them
            if cgroups.remove(self.user.name):
                break
            await asyncio.sleep(0.25)
        else:
            self.log.warning("nnzoo: %s still holds processes; left in place", cgroups.path(self.user.name))
        self._nnzoo_cgroup = None

    def run_post_stop_hook(self):
        # runs after every stop: through the hub, and after the server stopped by itself (idle)
        hook_result = super().run_post_stop_hook()
        if mem_limit and cgroups.available:
            return self._remove_cgroup(hook_result)
        return hook_result


class NNZooLocalProcessSpawner(MemoryLimitMixin, LocalProcessSpawner):
    pass


class NNZooSimpleLocalProcessSpawner(MemoryLimitMixin, SimpleLocalProcessSpawner):
    pass


spawner = env("NNZOO_HUB_SPAWNER", "local")
if spawner == "local":
    c.JupyterHub.spawner_class = NNZooLocalProcessSpawner
elif spawner == "simple":
    c.JupyterHub.spawner_class = NNZooSimpleLocalProcessSpawner
    c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(state, "homes", "{username}")
else:
    raise SystemExit(f"[nnzoo] ERROR: NNZOO_HUB_SPAWNER={spawner!r}: use local or simple")

# the wrapper copies the course notebooks into the student's home, then runs jupyterhub-singleuser
c.Spawner.cmd = [os.path.join(here, "singleuser.sh")]
c.Spawner.notebook_dir = "~"
frontend = env("NNZOO_HUB_FRONTEND", "classic")
if frontend not in ("lab", "classic"):
    raise SystemExit(f"[nnzoo] ERROR: NNZOO_HUB_FRONTEND={frontend!r}: use lab or classic (install-hub.sh --frontend)")
venv = os.path.join(root, ".venv-jupyter")
if frontend == "lab" and not os.access(os.path.join(venv, "bin", "python"), os.X_OK):
    raise SystemExit(f"[nnzoo] ERROR: NNZOO_HUB_FRONTEND=lab but {venv} has no python: re-run install-hub.sh")
# the server application's options: jupyter_server's ServerApp (JupyterLab), or the classic NotebookApp
server_app = "ServerApp" if frontend == "lab" else "NotebookApp"
c.Spawner.default_url = "/lab/tree/nnzoo-notebooks" if frontend == "lab" else "/tree/nnzoo-notebooks"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
if mem_limit:
    c.Spawner.mem_limit = mem_limit  # shown to the server as MEM_LIMIT (resource monitors)


def seconds(name, default):
    value = env(name)
    return int(value) if value.isdigit() else default


# ---- culling: idle kernels, kernels busy for too long, idle servers (all in seconds, 0 = never) --------
# Kernels idle (no message from the kernel) for cull_idle are shut down, also with a browser tab open
# (cull_connected): a class that leaves tabs open otherwise keeps one JVM per tab. A kernel running a cell
# is left alone by that culler (cull_busy=False: a training cell that prints nothing for a while must not
# be killed mid-run); hub/nnzoo_busy_culler.py shuts down a kernel busy without a break for cull_busy
# (default 4 h: far above the longest cell of the full profile, about 30 min, so only a stuck kernel).
# Terminals without input or output for cull_idle are closed too.
# A server with no kernels and no terminals for cull_server stops itself (Jupyter checks once a minute),
# which frees its memory cgroup; the hub notices within its poll interval.
minutes = seconds("NNZOO_HUB_CULL_MINUTES", 60)  # hub.env of an older install-hub.sh
cull_idle = seconds("NNZOO_HUB_CULL_IDLE_SECONDS", minutes * 60)
cull_busy = seconds("NNZOO_HUB_CULL_BUSY_SECONDS", 4 * 3600 if cull_idle else 0)
cull_server = seconds("NNZOO_HUB_CULL_SERVER_SECONDS", 2 * cull_idle)
args = []
if cull_idle:
    args += ["--MappingKernelManager.cull_idle_timeout=%d" % cull_idle,
             "--MappingKernelManager.cull_interval=%d" % max(1, min(300, cull_idle // 4)),
             "--MappingKernelManager.cull_connected=True",
             "--MappingKernelManager.cull_busy=False",
             # a terminal with no input or output for as long (else a forgotten one keeps the server up)
             "--TerminalManager.cull_inactive_timeout=%d" % cull_idle,
             "--TerminalManager.cull_interval=%d" % max(1, min(300, cull_idle // 4))]
if cull_busy:
    extensions = "jpserver_extensions" if frontend == "lab" else "nbserver_extensions"
    args += [f"--{server_app}.{extensions}=nnzoo_busy_culler=True"]
if cull_server:
    args += [f"--{server_app}.shutdown_no_activity_timeout={cull_server}"]
    c.Spawner.poll_interval = max(1, min(30, cull_server // 4))
c.Spawner.args = args

threads = env("NNZOO_HUB_THREADS", "2")
environment = {
    "NNZOO_DATA": env("NNZOO_DATA"),  # the shared, read-only datasets
    "NNZOO_HUB_NOTEBOOKS": env("NNZOO_HUB_NOTEBOOKS", os.path.join(root, "notebooks")),
    "NNZOO_PROFILE": env("NNZOO_HUB_PROFILE", "default"),
    # PyTorch/OpenMP threads per kernel: 30 students x all cores each would thrash the machine
    "OMP_NUM_THREADS": threads,
    "MKL_NUM_THREADS": threads,
    # waiting OpenMP threads sleep instead of spinning: many kernels share the cores
    "OMP_WAIT_POLICY": "PASSIVE",
    # read by hub/nnzoo_busy_culler.py in the student's server
    "NNZOO_CULL_BUSY_SECONDS": str(cull_busy),
    "NNZOO_CULL_INTERVAL_SECONDS": str(max(1, min(300, cull_busy // 8))),
    # read by hub/singleuser.sh: which server to run
    "NNZOO_HUB_FRONTEND": frontend,
    "NNZOO_HUB_VENV": venv,
}
if env("NNZOO_HUB_JUPYTER_PATH"):
    environment["JUPYTER_PATH"] = env("NNZOO_HUB_JUPYTER_PATH")
c.Spawner.environment = environment
