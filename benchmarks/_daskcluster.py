"""A real local Dask cluster, started the way the README tells a user: ``dask scheduler`` plus worker
processes started with ``dask worker tcp://HOST:PORT --nthreads 1``, all on 127.0.0.1.

Used by bench_dask.py and tests/run/test_dask_cluster.py. Every process is started in its own process
group (session) and :func:`cli_cluster` kills the groups on the way out, whatever happened, so no scheduler,
worker, nanny, warm-kernel process or kernel outlives it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def dask_cli() -> str | None:
    """The ``dask`` command of this Python environment (beside the interpreter), else on PATH, else None."""
    here = Path(sys.executable).parent / "dask"
    if here.exists():
        return str(here)
    return shutil.which("dask")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _start(cmd: list[str], log: Path, env: dict, cwd: Path) -> subprocess.Popen:
    with open(log, "wb") as fh:
        return subprocess.Popen(
            cmd, stdout=fh, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True
        )


def _descendants(procs: list[subprocess.Popen]) -> list:
    """Every live process below the cluster processes (nannies' workers, warm-kernel processes, kernels)."""
    import psutil

    out = []
    for p in procs:
        with contextlib.suppress(psutil.Error):
            out += psutil.Process(p.pid).children(recursive=True)
    return out


def _stop(procs: list[subprocess.Popen], grace: float = 5.0) -> None:
    """SIGTERM every process group (a worker's group holds its nanny and worker), then SIGKILL what is
    still there, then every descendant seen before (the warm-kernel process and the kernels run in their
    own sessions, so a group kill misses them when their worker could not stop them itself)."""
    import psutil

    below = _descendants(procs)
    for p in procs:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(p.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for p in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
    for p in procs:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(p.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            p.wait(timeout=grace)
    _, alive = psutil.wait_procs(below, timeout=grace)
    for q in alive:
        with contextlib.suppress(psutil.Error):
            q.kill()
    psutil.wait_procs(alive, timeout=grace)


@contextlib.contextmanager
def cli_cluster(
    n_workers: int = 2,
    *,
    nthreads: int | None = 1,
    worker_args: tuple[str, ...] = (),
    env: dict | None = None,
    timeout: float = 60,
):
    """Start ``dask scheduler`` and ``n_workers`` ``dask worker ADDRESS --nthreads N`` processes on
    127.0.0.1; yield the scheduler address once every worker has joined; stop them all on exit.

    ``nthreads=None`` leaves ``--nthreads`` out (the worker's default: one thread per core);
    ``worker_args`` are more ``dask worker`` options (``--no-nanny``). ``env`` is the environment of the
    cluster processes (default: this process's). They run in a temporary folder (their cwd and
    ``--local-directory``), removed afterwards with their logs; when the cluster does not come up, the
    error quotes the logs.
    """
    from distributed import Client

    cli = dask_cli()
    if cli is None:
        raise FileNotFoundError(
            "no `dask` command in this environment (pip install 'kinerja_analysis[dask]')"
        )
    env = dict(os.environ if env is None else env)
    tmp = Path(tempfile.mkdtemp(prefix="kinerja-dask-cluster-"))
    procs: list[subprocess.Popen] = []
    try:
        port = free_port()
        address = f"tcp://127.0.0.1:{port}"
        procs.append(
            _start(
                [cli, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                tmp / "scheduler.log",
                env,
                tmp,
            )
        )
        for i in range(n_workers):
            procs.append(
                _start(
                    [
                        cli,
                        "worker",
                        address,
                        *(("--nthreads", str(nthreads)) if nthreads else ()),
                        *worker_args,
                        "--host",
                        "127.0.0.1",
                        "--no-dashboard",
                        "--local-directory",
                        str(tmp / f"worker-{i}"),
                    ],
                    tmp / f"worker-{i}.log",
                    env,
                    tmp,
                )
            )
        try:
            with Client(address, timeout=f"{timeout}s") as client:
                client.wait_for_workers(n_workers, timeout=timeout)
        except Exception as exc:
            logs = "\n".join(
                f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}" for p in tmp.glob("*.log")
            )
            raise RuntimeError(f"the local Dask cluster did not come up: {exc}\n{logs}") from exc
        yield address
    finally:
        _stop(procs)
        shutil.rmtree(tmp, ignore_errors=True)


__all__ = ["cli_cluster", "dask_cli", "free_port"]
