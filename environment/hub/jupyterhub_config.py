# JupyterHub configuration of an NN Zoo course server (JupyterHub 3.0, Debian's package).
#
# Every setting comes from environment variables that environment/install-hub.sh writes into
# STATE/hub.env and environment/start-hub.sh exports; edit them by re-running install-hub.sh.
#   NNZOO_HUB_AUTH     pam: students log in with their Unix user and password (members of
#                      NNZOO_HUB_GROUP only); dummy: any name with the one NNZOO_HUB_PASSWORD (trials)
#   NNZOO_HUB_SPAWNER  local: each student's server runs as their own Unix user (hub runs as root);
#                      simple: every server runs as the hub's user, homes under STATE/homes (trials)
# What a student gets: a classic Jupyter Notebook server whose home holds a private copy of the
# notebooks (~/nnzoo-notebooks, copied by hub/singleuser.sh, never overwriting their edits), the
# "Java 17 (NN Zoo)" kernel (installed for every user by install-hub.sh), the datasets read from the
# shared read-only folder NNZOO_DATA, and kernels/servers shut down when idle.
# ruff: noqa  (the `c` object is injected by JupyterHub)
import os

c = get_config()  # noqa: F821


def env(name, default=""):
    return os.environ.get(name, default).strip()


root = env("NNZOO_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
state = env("NNZOO_HUB_STATE") or os.getcwd()
here = os.path.join(root, "environment", "hub")

# ---- network: the public proxy on IP:PORT, the hub's own API on 127.0.0.1 ------------------------
port = int(env("NNZOO_HUB_PORT", "8000"))
c.JupyterHub.ip = env("NNZOO_HUB_IP", "127.0.0.1")
c.JupyterHub.port = port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env("NNZOO_HUB_API_PORT", "8081"))
c.JupyterHub.proxy_class = "jupyterhub.proxy.ConfigurableHTTPProxy"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{port + 1}"
c.ConfigurableHTTPProxy.command = [os.path.join(here, "configurable-http-proxy.sh")]
c.ConfigurableHTTPProxy.pid_file = os.path.join(state, "proxy.pid")
c.ConfigurableHTTPProxy.should_start = True

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
spawner = env("NNZOO_HUB_SPAWNER", "local")
if spawner == "local":
    c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
elif spawner == "simple":
    c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
    c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(state, "homes", "{username}")
else:
    raise SystemExit(f"[nnzoo] ERROR: NNZOO_HUB_SPAWNER={spawner!r}: use local or simple")

# the wrapper copies the course notebooks into the student's home, then runs jupyterhub-singleuser
c.Spawner.cmd = [os.path.join(here, "singleuser.sh")]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/tree/nnzoo-notebooks"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

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
}
if env("NNZOO_HUB_JUPYTER_PATH"):
    environment["JUPYTER_PATH"] = env("NNZOO_HUB_JUPYTER_PATH")
c.Spawner.environment = environment

# Memory: the kernel JVM's heap is fixed when the kernel is installed (install-hub.sh --heap, -Xmx);
# tensors live outside the heap and are freed per batch by the library. LocalProcessSpawner does not
# enforce mem_limit; it is passed to the server as MEM_LIMIT (shown by resource monitors).
heap = env("NNZOO_HUB_HEAP", "2g")
c.Spawner.mem_limit = heap.upper()

# idle kernels (each a JVM of up to --heap) and idle servers are shut down
cull = int(env("NNZOO_HUB_CULL_MINUTES", "60"))
args = ["--NotebookApp.shutdown_no_activity_timeout=%d" % (cull * 120)] if cull > 0 else []
if cull > 0:
    args += ["--MappingKernelManager.cull_idle_timeout=%d" % (cull * 60),
             "--MappingKernelManager.cull_interval=300",
             "--MappingKernelManager.cull_connected=False"]
c.Spawner.args = args
