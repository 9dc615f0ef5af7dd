"""Jupyter server extension of the NN Zoo hub: shuts down kernels that stay busy for too long.

Jupyter's own culler (MappingKernelManager.cull_idle_timeout) handles idle kernels; with
cull_busy=False it never touches a kernel that is running a cell, which is what a student's training
cell needs, but then a kernel stuck in a loop holds its JVM (up to the heap plus native memory)
forever. This extension adds the second, longer bound: a kernel seen busy at every check for
NNZOO_CULL_BUSY_SECONDS in a row is shut down (logged as "nnzoo: culling kernel ... busy for N s").
A kernel that goes idle between two checks starts a new streak.

Settings (environment, set by the hub's spawner): NNZOO_CULL_BUSY_SECONDS (0 or unset: off),
NNZOO_CULL_INTERVAL_SECONDS (how often to look; default 60).

Loaded by the classic Notebook server (--NotebookApp.nbserver_extensions, hub/jupyterhub_config.py)
and, unchanged, by jupyter_server (--ServerApp.jpserver_extensions, e.g. for JupyterLab): it uses
only the kernel manager's public list_kernels() / shutdown_kernel(). hub/singleuser.sh puts this
folder on PYTHONPATH.
"""
import inspect
import os
import time

from tornado.ioloop import PeriodicCallback


class BusyCuller:
    def __init__(self, kernel_manager, log, busy_seconds, clock=time.monotonic):
        self.km, self.log, self.busy_seconds, self.clock = kernel_manager, log, busy_seconds, clock
        self.busy_since = {}

    async def check(self):
        now = self.clock()
        seen = set()
        for model in list(self.km.list_kernels()):
            kid = model["id"]
            if model.get("execution_state") != "busy":
                continue
            seen.add(kid)
            since = self.busy_since.setdefault(kid, now)
            if now - since >= self.busy_seconds:
                self.log.warning("nnzoo: culling kernel %s (%s): busy for %d s without a break (limit %d s, "
                                 "NNZOO_CULL_BUSY_SECONDS)", kid, model.get("name"), now - since, self.busy_seconds)
                seen.discard(kid)
                try:
                    result = self.km.shutdown_kernel(kid)
                    if inspect.isawaitable(result):
                        await result
                except KeyError:
                    pass  # already gone
                except Exception:  # keep the periodic check alive
                    self.log.exception("nnzoo: shutting down kernel %s failed", kid)
        for kid in set(self.busy_since) - seen:
            del self.busy_since[kid]


def _seconds(name, default):
    try:
        return max(0, int(os.environ.get(name, default)))
    except ValueError:
        return int(default)


def load_jupyter_server_extension(app):
    busy = _seconds("NNZOO_CULL_BUSY_SECONDS", "0")
    if busy <= 0:
        app.log.info("nnzoo: busy kernels are not culled (NNZOO_CULL_BUSY_SECONDS unset or 0)")
        return
    interval = max(1, min(_seconds("NNZOO_CULL_INTERVAL_SECONDS", "60"), busy))
    culler = BusyCuller(app.kernel_manager, app.log, busy)
    app.nnzoo_busy_culler = PeriodicCallback(culler.check, interval * 1000)
    app.nnzoo_busy_culler.start()
    app.log.info("nnzoo: kernels busy for %d s without a break are shut down (checked every %d s)", busy, interval)


# jupyter_server's names for the same entry point
_load_jupyter_server_extension = load_jupyter_server_extension


def _jupyter_server_extension_points():
    return [{"module": __name__}]
