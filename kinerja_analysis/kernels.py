"""Kernel management for report runs.

Kernels talk over IPC (unix sockets in a private temporary folder) rather than TCP ports on 127.0.0.1.
That removes two problems of parallel papermill runs at once: the ZMQ "Address already in use" race when
several kernels pick ports at the same time, and the "running over TCP without encryption" warning that
recent ipykernel prints on every start.
"""
from __future__ import annotations

import shutil
import tempfile

from jupyter_client.manager import AsyncKernelManager


class IPCKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernel listens on unix sockets in its own temporary folder."""

    def __init__(self, **kwargs):
        self._ipc_dir = tempfile.mkdtemp(prefix="kinerja-kernel-")
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", f"{self._ipc_dir}/k")
        super().__init__(**kwargs)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources
