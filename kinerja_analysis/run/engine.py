"""A warm-kernel papermill engine: pay kernel start and the pandas/matplotlib imports once per worker.

A fresh kernel per report costs about 0.6 s to start plus about 0.75 s to import pandas and matplotlib,
which is most of a small report. This engine keeps one *warm* process per worker (a "zygote") that has
already imported ipykernel, IPython, numpy, pandas, matplotlib and this package, and has run nothing
else. Each report gets a kernel that is a ``fork()`` of that process: a new process, hence a clean
namespace, clean module state, clean matplotlib rcParams and its own working directory, while the
imports are already done (copy-on-write). Cleaning one long-lived kernel in place (``%reset``) cannot
undo what a notebook does to imported modules (``pd.options``, ``rcParams``, monkey-patches,
``os.chdir``, ``sys.path``), so this engine does not try to: nothing is reused after a report ran.

Use it with ``kinerja report --warm-kernels``, or call :func:`register` and then
``papermill.execute_notebook(..., engine_name="kinerja-warm")`` (deliberately no entry point, see
pyproject.toml; importing this module registers nothing). The zygote ignores Ctrl-C, exits when its worker
goes away (its stdin closes), and its kernels exit when it does (ipykernel's parent poller), so no kernel
outlives its run.

Differences from a fresh kernel, by design: the preloaded modules are already in ``sys.modules`` when
the first cell runs, and numpy's legacy global random state is reseeded from the OS in each kernel
(Python's ``random`` reseeds itself after fork).
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import sys
import threading

ENGINE_NAME = "kinerja-warm"

#: modules the zygote imports before it forks kernels (override: KINERJA_WARM_PRELOAD, comma-separated): what
#: the notebooks 00-04 import. Not the province report's (report.sections.province, analysis.province): they
#: import statsmodels (about 2 s) and only the real-data set runs that report. A name missing here is skipped.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    # what a kernel imports as it starts (the debugger's debugpy alone is about 0.2 s of every page)
    "ipykernel.debugger",
    "IPython",
    "IPython.core.oinspect",
    "IPython.core.debugger",
    "IPython.core.completerlib",
    "IPython.extensions.storemagic",
    "sqlite3",
    "psutil",
    "tornado.platform.asyncio",
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "kinerja_analysis.analysis.prepare",
    "kinerja_analysis.analysis.estimates",
    "kinerja_analysis.report.page",
    "kinerja_analysis.report.start",
    "kinerja_analysis.report.charts.base",
    "kinerja_analysis.report.lkjip",
    "kinerja_analysis.report.sections.data_quality",
    "kinerja_analysis.report.sections.budget",
    "kinerja_analysis.report.sections.achievement",
    "kinerja_analysis.report.sections.impact",
    "kinerja_analysis.report.sections.region",
)


# --------------------------------------------------------------------------------------------------
# the zygote process
# --------------------------------------------------------------------------------------------------
def _zygote_main() -> (
    None
):  # pragma: no cover - runs in its own process (covered by tests/run/test_engine.py)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # debugpy checks for frozen modules as it is imported and warns on stderr; a batch kernel is never
    # debugged, so skip the check (a kernel started on its own, in JupyterLab, is not affected)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    mods = os.environ.get("KINERJA_WARM_PRELOAD")
    for name in mods.split(",") if mods else PRELOAD:
        if name.strip():
            try:
                __import__(name.strip())
            except ImportError:  # a module of the list that this checkout does not have: imported per report
                pass
    _warm_figure()
    _warm_data(json.loads(os.environ.get("KINERJA_WARM_SHARED") or "[]"))
    import gc

    gc.collect()
    gc.freeze()  # kernels never walk what is here: fewer copy-on-write pages and shorter collections
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forked kernels are reaped automatically
    cmd_in, reply = sys.stdin.buffer, os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not corrupt the replies
    reply.write(b'{"ready": true}\n')
    for line in cmd_in:
        req = json.loads(line)
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            try:
                _child(req, w)
            finally:
                os._exit(1)
        os.close(w)
        os.read(r, 1)  # the child is in its own session before its pid is handed out
        os.close(r)
        reply.write(json.dumps({"pid": pid}).encode() + b"\n")


def _warm_figure() -> None:  # pragma: no cover - runs in the zygote
    """Draw one figure with the object API (never pyplot: its figure counter must stay at zero), so that
    fonts and the Agg renderer are loaded once, before the fork."""
    if "matplotlib" not in sys.modules:
        return
    import io

    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1])
    ax.set_title("warm-up", loc="left")
    ax.set_xlabel("x")
    fig.savefig(io.BytesIO(), format="png", bbox_inches="tight")


def _warm_data(groups: list) -> None:  # pragma: no cover - runs in the zygote
    """Load what the pages share once (:func:`kinerja_analysis.run.shared.prepare` with ``remember``: the
    parsed data folders and the prepared tables): kernels forked later get copies of them while the
    folders' files are unchanged. Each kernel is a fork, so what one report does to its copy never reaches
    another. A folder that does not load is skipped there and left to the report, which shows the error.
    """
    if not groups:
        return
    from . import shared  # here, not at the top: the zygote imports only what it preloads

    shared.prepare(groups, remember=True)


def _child(req: dict, ready_fd: int) -> None:  # pragma: no cover - runs in a forked process
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.setsid()
    os.write(ready_fd, b"1")
    os.close(ready_fd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.chdir(req["cwd"])
    os.environ.clear()
    os.environ.update(req["env"])
    os.environ["JPY_PARENT_PID"] = str(os.getppid())  # the kernel exits when the zygote does
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    if "matplotlib" in sys.modules and os.environ.get("MPLBACKEND"):
        sys.modules["matplotlib"].rcParams["backend"] = os.environ["MPLBACKEND"]
    # the class default of parent_handle was read from the environment at import (in the zygote)
    argv = [*req["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
    sys.argv = [req.get("launcher", "ipykernel_launcher"), *argv]
    from ipykernel.kernelapp import IPKernelApp

    IPKernelApp.launch_instance(argv=argv)
    os._exit(0)


if __name__ == "__main__":  # pragma: no cover - the zygote never imports papermill or nbformat
    _zygote_main()
    raise SystemExit(0)

# --------------------------------------------------------------------------------------------------
# the worker side
# --------------------------------------------------------------------------------------------------
from jupyter_client.provisioning import LocalProvisioner  # noqa: E402
from papermill.engines import NBClientEngine, papermill_engines  # noqa: E402

from .kernels import IPCKernelManager, manager_for  # noqa: E402


class Zygote:
    """Handle on this process's warm zygote: start it once, ask it to fork kernels."""

    def __init__(self, env: dict | None = None):
        self._lock = threading.Lock()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kinerja_analysis.run.engine"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env or dict(os.environ),
            start_new_session=True,
        )
        line = self.proc.stdout.readline()
        if not line.startswith(b'{"ready"'):
            self.close()
            raise RuntimeError("the warm kernel process did not start (see the log above)")

    def fork(self, argv: list[str], cwd: str, env: dict) -> int:
        with self._lock:
            if self.proc.poll() is not None:
                raise RuntimeError("the warm kernel process has exited")
            self.proc.stdin.write(json.dumps({"argv": argv, "cwd": cwd, "env": env}).encode() + b"\n")
            self.proc.stdin.flush()
            reply = self.proc.stdout.readline()
        if not reply:
            raise RuntimeError("the warm kernel process died while forking a kernel")
        return int(json.loads(reply)["pid"])

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


_ZYGOTE: Zygote | None = None
_ZLOCK = threading.Lock()


def zygote() -> Zygote:
    """This process's zygote, started on first use (with this process's environment at that time) and
    stopped when this process exits."""
    global _ZYGOTE
    with _ZLOCK:
        if _ZYGOTE is None or _ZYGOTE.proc.poll() is not None:
            if _ZYGOTE is None:
                atexit.register(close_zygote)
            _ZYGOTE = Zygote()
        return _ZYGOTE


def close_zygote() -> None:
    """Stop this process's zygote (its kernels stop with it)."""
    global _ZYGOTE
    with _ZLOCK:
        if _ZYGOTE is not None:
            _ZYGOTE.close()
            _ZYGOTE = None
        atexit.unregister(close_zygote)


def kill_zygote() -> None:
    """Kill this process's zygote at once (SIGKILL), for a worker being stopped by a signal: no lock, no wait."""
    z = _ZYGOTE
    if z is not None:
        try:
            z.proc.kill()
        except OSError:
            pass


class _ForkedProcess:
    """The Popen-like view of a forked kernel that LocalProvisioner expects (not our child: poll by signal 0)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -1
            except PermissionError:  # pid reused by someone else's process: ours is gone
                self.returncode = -1
        return self.returncode

    def wait(self, timeout=None):
        import time

        t0 = time.monotonic()
        while self.poll() is None:
            if timeout is not None and time.monotonic() - t0 > timeout:
                raise subprocess.TimeoutExpired("kernel", timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, sig):
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def kill(self):
        self.send_signal(signal.SIGKILL)

    def terminate(self):
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """Launch the kernel as a fork of the warm zygote instead of a new Python process."""

    async def launch_kernel(self, cmd, **kwargs):
        argv = list(cmd)
        if "-m" in argv:  # [python, -m, ipykernel_launcher, -f, conn.json, ...] -> [-f, conn.json, ...]
            argv = argv[argv.index("-m") + 2 :]
        else:
            argv = argv[1:]
        env = {k: str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        cwd = str(kwargs.get("cwd") or os.getcwd())
        pid = zygote().fork(argv, cwd, env)
        self.process = _ForkedProcess(pid)
        self.pid = self.pgid = pid  # the child called setsid() before its pid was returned
        self.cwd = cwd
        return self.connection_info


class WarmKernelManager(IPCKernelManager):
    """IPC kernels forked from the warm zygote of this process."""

    async def _async_launch_kernel(self, kernel_cmd, **kw) -> None:
        if type(self.provisioner) is LocalProvisioner:
            self.provisioner.__class__ = ForkProvisioner  # same state, pre_launch already done
        await super()._async_launch_kernel(kernel_cmd, **kw)

    _launch_kernel = _async_launch_kernel


class WarmEngine(NBClientEngine):
    """The papermill engine: nbclient execution with kernels forked from a warm zygote."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        kmc = kwargs.get("kernel_manager_class")
        if kmc is None or not issubclass(kmc, WarmKernelManager):
            kwargs["kernel_manager_class"] = manager_for(getattr(kmc, "owner", ""), WarmKernelManager)
        return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)


def register() -> str:
    """Register the warm engine with papermill (again is harmless) and return its name.

    Importing this module registers nothing: the runner calls this for ``--warm-kernels``.
    """
    papermill_engines.register(ENGINE_NAME, WarmEngine)
    return ENGINE_NAME
