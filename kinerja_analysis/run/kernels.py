"""Kernel management for report runs.

Kernels talk over IPC (unix sockets in a private temporary folder) rather than TCP ports on 127.0.0.1.
That removes two problems of parallel papermill runs at once: the ZMQ "Address already in use" race when
several kernels pick ports at the same time, and the "running over TCP without encryption" warning that
recent ipykernel prints on every start.

Every kernel started through :class:`IPCKernelManager` is registered (pid, process group and the job
that owns it) until its resources are cleaned up, so that a timeout or a Ctrl-C/SIGTERM can kill exactly
the kernels of one job, or all kernels of this process, and none is left orphaned.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.utils import ensure_async
from traitlets import default

from ..errors import ConfigError

#: pid -> (owner, process group) of every kernel this process started and has not cleaned up yet
_LIVE: dict[int, tuple[str, int]] = {}
_LOCK = threading.Lock()

#: the kernel spec the fresh-kernel engine asks for, by name (never the notebook's metadata)
KERNEL_NAME = "python3"


#: how long the client listens on IOPub for one more start-up message before it calls the kernel ready
FLUSH_S = 0.02


class QuickReadyClient(AsyncKernelClient):
    """The kernel client of :class:`IPCKernelManager`: jupyter_client's wait for a ready kernel, with the
    IOPub waits shortened from 0.2 s to :data:`FLUSH_S`. Its last step listens for 0.2 s of silence on IOPub
    to drain the start-up messages, which a fresh or forked kernel sends within milliseconds: 0.2 s of every
    report (a tenth of a pemda page) spent waiting. A later stray message is harmless: nbclient only reads
    the replies to its own requests. When IOPub is not connected yet, jupyter_client asks again, as before."""

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        channel = self.iopub_channel
        get = channel.get_msg

        async def quick(*args, timeout=None, **kw):
            return await ensure_async(
                get(*args, timeout=FLUSH_S if timeout is None else min(timeout, FLUSH_S), **kw)
            )

        channel.get_msg = quick  # this client's channel only, for the wait
        try:
            await super()._async_wait_for_ready(timeout)
        finally:
            del channel.get_msg

    wait_for_ready = _async_wait_for_ready


class IPCKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernel listens on unix sockets in its own temporary folder."""

    #: the job that owns kernels of this class (see :func:`manager_for`)
    owner: str = ""

    @default("client_factory")
    def _quick_client(self):
        return QuickReadyClient

    def __init__(self, **kwargs):
        self._ipc_dir = tempfile.mkdtemp(prefix="kinerja-kernel-")
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", f"{self._ipc_dir}/k")
        super().__init__(**kwargs)

    async def _async_launch_kernel(self, kernel_cmd, **kw) -> None:
        await super()._async_launch_kernel(kernel_cmd, **kw)
        prov = self.provisioner
        pid = getattr(prov, "pid", None)
        if pid:
            with _LOCK:
                _LIVE[pid] = (self.owner, getattr(prov, "pgid", None) or pid)

    _launch_kernel = _async_launch_kernel

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        """Wait for a killed kernel to go, looking every 10 ms (jupyter_client: every 100 ms, so a report
        whose kernel is stopped with ``shutdown_kernel="immediate"`` usually waits 0.1 s for nothing)."""
        await super()._async_wait(pollinterval=min(pollinterval, 0.01))

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        pid = getattr(self.provisioner, "pid", None)
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)
            with _LOCK:
                _LIVE.pop(pid, None)

    cleanup_resources = _async_cleanup_resources


def manager_for(owner: str, base: type = IPCKernelManager) -> type:
    """A kernel-manager class whose kernels are registered under ``owner`` (one class per job).

    >>> manager_for("report-a").owner
    'report-a'
    """
    return type(f"{base.__name__}_job", (base,), {"owner": owner})


def live_kernels(owner: str | None = None) -> list[int]:
    """Pids of the kernels this process started and has not cleaned up (all, or one owner's).

    >>> live_kernels("nobody")
    []
    """
    with _LOCK:
        return [pid for pid, (own, _) in _LIVE.items() if owner is None or own == owner]


def kill(owner: str | None = None) -> int:
    """Kill (SIGKILL, whole process group) the live kernels of ``owner``, or all of them; return how many.

    >>> kill("nobody")
    0
    """
    with _LOCK:
        items = [(pid, pg) for pid, (own, pg) in _LIVE.items() if owner is None or own == owner]
    n = 0
    for pid, pgid in items:
        for target, fn in ((pgid, os.killpg), (pid, os.kill)):
            try:
                fn(target, signal.SIGKILL)
                n += 1
                break
            except (ProcessLookupError, PermissionError):
                continue
    return n


def check_kernel_spec(name: str = KERNEL_NAME) -> str:
    """Make sure the named kernel exists and runs this environment's Python; return its executable.

    Under conda a kernel spec of the same name from another environment (or none at all:
    ``NoSuchKernel``) is the usual cause of reports that fail before their first cell. The fix is to
    register this environment's kernel: ``python -m ipykernel install --sys-prefix --name python3``.
    """
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel as exc:
        raise ConfigError(
            f"no Jupyter kernel named {name!r}; register this environment's kernel with "
            f"`python -m ipykernel install --sys-prefix --name {name}`"
        ) from exc
    return spec.argv[0] if spec.argv else ""
