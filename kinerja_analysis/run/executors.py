"""Where report jobs run: in this process, in a local pool of worker processes, or on a Dask cluster.

Every executor calls the same function (``execute.run_job`` with its options bound) once per job and hands
each finished entry to ``on_done`` as soon as it is there. A job that raises (a worker that died) becomes
a failed entry; the others go on.

Stopping: Ctrl-C or SIGTERM in the main process cancels the jobs not started yet and stops the running
ones. Local workers ignore SIGINT; they get SIGTERM from the main process, kill their kernels (and their
warm-kernel process) and exit, so no kernel is left behind. On Dask, pending tasks are cancelled; a task
already running on a worker runs to its end (Dask cannot interrupt a running task), and its kernel stops
with it.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable

from ..errors import ConfigError
from . import engine, kernels


def failed_entry(job, exc: BaseException) -> dict:
    """The manifest entry of a job whose worker raised instead of returning an entry."""
    return {
        "name": job.name,
        "notebook": job.notebook,
        "status": "failed",
        "error": f"{type(exc).__name__}: {exc}",
        "parameters": job.parameters,
        "region": job.region,
        "results": {},
    }


def _worker_init(env: dict) -> None:
    """Run in every local worker process: environment, Ctrl-C left to the main process, SIGTERM = stop kernels."""
    os.environ.update(env)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_term)


def _worker_term(signum, frame):  # pragma: no cover - runs in a worker being stopped
    kernels.kill()
    engine.kill_zygote()
    os._exit(128 + signum)


class _Stop(KeyboardInterrupt):
    """SIGTERM in the main process, handled like Ctrl-C."""


def _raise_stop(signum, frame):
    raise _Stop()


def run_local(fn: Callable, jobs: list, *, n_jobs: int, on_done: Callable, env: dict | None = None) -> None:
    """Run ``fn(job)`` for every job: in this process when ``n_jobs`` is 1, else in a spawn process pool."""
    env = env or {}
    in_main = multiprocessing.current_process().name == "MainProcess" and _is_main_thread()
    old_term = signal.signal(signal.SIGTERM, _raise_stop) if in_main else None
    try:
        if n_jobs == 1:
            os.environ.update(env)
            try:
                for job in jobs:
                    on_done(job, fn(job))
            finally:
                kernels.kill()
            return
        ctx = multiprocessing.get_context("spawn")
        pool = cf.ProcessPoolExecutor(
            max_workers=n_jobs, mp_context=ctx, initializer=_worker_init, initargs=(env,)
        )
        futures = {}
        try:
            futures = {pool.submit(fn, job): job for job in jobs}
            for fut in cf.as_completed(futures):
                job = futures[fut]
                try:
                    entry = fut.result()
                except Exception as exc:  # a worker died: record it, keep the rest
                    entry = failed_entry(job, exc)
                on_done(job, entry)
        except BaseException:
            for fut in futures:
                fut.cancel()
            procs = list((pool._processes or {}).values())
            for p in procs:
                if p.is_alive():
                    p.terminate()  # SIGTERM: the worker kills its kernels and exits
            for p in procs:
                p.join(timeout=5)
                if p.is_alive():
                    p.kill()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
    finally:
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)


def run_dask(
    fn: Callable,
    jobs: list,
    *,
    scheduler: str | None,
    on_done: Callable,
    env: dict | None = None,
    client=None,
) -> None:
    """Submit ``fn(job)`` for every job to a Dask distributed cluster (``scheduler`` = its address).

    The workers need this package installed and the data and output folders at the same paths (a shared
    file system). ``client`` may be an existing ``distributed.Client`` (tests use a LocalCluster).

    A local worker inherits this process's environment; a Dask worker was started elsewhere, so the
    package's own settings (``KINERJA_*``: the cache folder of ``--cache``, the time zone of the pages)
    are sent with every task, together with ``env``, and set on the worker before the report runs.
    """
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        raise ConfigError(
            "--executor dask needs the dask extra: pip install 'kinerja_analysis[dask]'"
        ) from exc
    own = client is None
    if own:
        if not scheduler:
            raise ConfigError("--executor dask needs --scheduler ADDRESS (for example tcp://10.0.0.5:8786)")
        client = Client(scheduler, timeout="30s")
    in_main = _is_main_thread()
    old_term = signal.signal(signal.SIGTERM, _raise_stop) if in_main else None
    futures = {}
    try:
        task = _with_env(fn, {**forwarded_env(), **(env or {})})
        futures = {
            client.submit(task, job, pure=False, key=f"kinerja-report-{job.name}-{os.getpid()}-{i}"): job
            for i, job in enumerate(jobs)
        }
        for fut in as_completed(list(futures)):
            job = futures[fut]
            try:
                entry = fut.result()
            except Exception as exc:
                entry = failed_entry(job, exc)
            on_done(job, entry)
    except BaseException:
        client.cancel(list(futures))
        raise
    finally:
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
        if own:
            client.close()


def forwarded_env() -> dict:
    """The ``KINERJA_*`` variables of this process: what a Dask task sets on its worker.

    >>> sorted(forwarded_env()) == sorted(k for k in os.environ if k.startswith("KINERJA_"))
    True
    """
    return {k: v for k, v in os.environ.items() if k.startswith("KINERJA_")}


class _with_env:
    """A picklable callable: set environment variables on the worker, then run ``fn``."""

    def __init__(self, fn, env):
        self.fn, self.env = fn, env

    def __call__(self, job):
        os.environ.update(self.env)
        return self.fn(job)


def _is_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()
