"""Execute one report: its notebook with papermill in a fresh (or warm-forked) kernel, then its page and the
files beside it. Failure-isolated: a failing notebook keeps its executed copy (with the error) and is marked
failed; it never raises. A kernel that does not come up is retried, a report that runs too long is stopped.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from ..errors import check_option
from ..files import atomic_write
from ..report import page as report
from . import artefacts, kernels, render
from . import engine as warm_engine
from .kernels import KERNEL_NAME
from .notebooks import notebook_path
from .provenance import now

log = logging.getLogger("kinerja.runner")

#: the ways a report's kernel is started: a new kernel per report, or forked from a warm process
ENGINES = ("fresh", "warm")


@dataclass
class Job:
    """One report: a notebook, its parameters and the file name its outputs get."""

    name: str
    notebook: str
    parameters: dict = field(default_factory=dict)
    region: str = ""


def engine_name(engine: str) -> str | None:
    """Papermill engine for ``fresh`` (one new kernel per report) or ``warm`` (kernels forked from a warm
    process; registered with papermill here).

    >>> engine_name("fresh") is None
    True
    """
    if engine in ("", None):
        return None
    check_option("engine", engine, ENGINES)
    return warm_engine.register() if engine == "warm" else None


def _is_start_failure(exc: BaseException) -> bool:
    """A kernel that did not come up (no cell ran): worth one more try."""
    text = f"{type(exc).__name__}: {exc}"
    return any(
        s in text
        for s in (
            "Kernel didn't respond",
            "Address already in use",
            "ZMQError",
            "warm kernel process",
            "Kernel died before replying to kernel_info",
        )
    )


def _execute(job: Job, executed: Path, *, timeout, engine: str, kernel_manager_class) -> None:
    import papermill

    papermill.execute_notebook(
        str(notebook_path(job.notebook)),
        str(executed),
        parameters=job.parameters,
        kernel_name=KERNEL_NAME,
        engine_name=engine_name(engine),
        progress_bar=False,
        request_save_on_cell_execute=False,
        execution_timeout=timeout,
        shutdown_kernel="immediate",
        kernel_manager_class=kernel_manager_class,
    )


def run_job(
    job: Job,
    out_dir: str | Path,
    *,
    timeout: float | None = 600,
    show_code: bool = False,
    engine: str = "fresh",
    report_timeout: float | None = None,
    start_retries: int = 2,
    pdf: bool = False,
) -> dict:
    """Execute and render one report. Never raises for a notebook failure: the entry says 'failed'.

    ``timeout`` bounds each cell, ``report_timeout`` the whole report (its kernel is killed when it
    runs out). A kernel that does not start is retried ``start_retries`` times.
    """
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    out_dir = Path(out_dir)
    safe = paths.safe_name(job.name)
    executed = out_dir / "executed" / f"{safe}.ipynb"
    html_path = out_dir / f"{safe}.html"
    executed.parent.mkdir(parents=True, exist_ok=True)
    entry = {
        "name": job.name,
        "notebook": Path(job.notebook).name,
        "parameters": job.parameters,
        "region": job.region,
        "started": now(),
        "status": "ok",
        "error": None,
        "executed": str(executed.relative_to(out_dir)),
        "html": None,
        "engine": engine,
        "host": socket.gethostname(),
        "pid": os.getpid(),
    }
    t0 = time.perf_counter()
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ["TQDM_DISABLE"] = "1"  # no progress bars inside kernels: they spam headless logs
    owner = f"{os.getpid()}:{threading.get_ident()}:{job.name}"
    kmc = kernels.manager_for(owner)
    timed_out, finished = threading.Event(), threading.Event()

    def _expire():
        timed_out.set()
        while True:  # also a kernel that was still starting when time ran out
            kernels.kill(owner)
            if finished.wait(0.5):
                return

    watchdog = threading.Timer(report_timeout, _expire) if report_timeout else None
    if watchdog:
        watchdog.daemon = True
        watchdog.start()
    attempts = 0
    try:
        while True:
            attempts += 1
            try:
                _execute(job, executed, timeout=timeout, engine=engine, kernel_manager_class=kmc)
            except PapermillExecutionError as exc:
                entry["status"] = "failed"
                entry["error"] = f"{exc.ename}: {exc.evalue}"
            except Exception as exc:  # kernel died, timeout, bad notebook: isolate it, keep going
                if _is_start_failure(exc) and attempts <= start_retries and not timed_out.is_set():
                    log.warning("%s: kernel start failed (%s); retrying", job.name, exc)
                    kernels.kill(owner)
                    continue
                entry["status"] = "failed"
                entry["error"] = f"{type(exc).__name__}: {exc}"
            break
    finally:
        finished.set()
        if watchdog:
            watchdog.cancel()
        kernels.kill(owner)
    if timed_out.is_set():
        entry["status"] = "failed"
        entry["error"] = (
            f"timeout: the report ran longer than {report_timeout:g} s and its kernel was stopped"
        )
    entry["kernel_starts"] = attempts
    entry["execute_s"] = round(time.perf_counter() - t0, 3)
    if executed.exists():
        t1 = time.perf_counter()
        try:
            nb = nbformat.read(executed, as_version=4)
            entry["results"] = report.results_from_notebook(nb)
            ctx = report.context_from_notebook(nb)
            entry["title"] = ctx.get("title", job.name)
            entry["data_folder"] = ctx.get("data_folder")
            entry["data_hash"] = ctx.get("data_hash")
            entry["input_files"] = ctx.get("data_files") or {}
            entry["synthetic"] = bool(ctx.get("synthetic"))
            duration = time.perf_counter() - t0
            page = render.render_notebook(
                nb,
                report_name=job.name,
                parameters=job.parameters,
                context=ctx,
                run_time=f"{entry['started']} ({duration:.1f} s)",
                show_code=show_code,
                links={
                    "index": "index.html",
                    "xlsx": f"{safe}.xlsx" if artefacts.main_tables(nb) else "",
                    "open_data": f"{artefacts.OPEN_DATA_FOLDER}/{safe}/datapackage.json"
                    if report.tables_from_notebook(nb)
                    else "",
                },
                failure=entry["error"] if entry["status"] == "failed" else None,
                region=job.region,
            )
            atomic_write(html_path, page)
            entry["html"] = html_path.name
            entry["render_s"] = round(time.perf_counter() - t1, 3)
            entry["companions"] = artefacts.write_companions(
                nb, out_dir, safe, entry, **({"pdf": True} if pdf else {})
            )
            try:
                entry["open_data"] = artefacts.write_open_data(nb, out_dir, safe, entry)
            except Exception as exc:  # never lose the page over its open data
                entry["open_data"] = {"error": f"{type(exc).__name__}: {exc}"}
        except Exception as exc:  # rendering failed: report it, keep the executed notebook
            entry["status"] = "failed"
            entry["error"] = entry["error"] or f"render: {type(exc).__name__}: {exc}"
            log.debug("render failed\n%s", traceback.format_exc())
    entry.setdefault("results", {})
    entry["duration_s"] = round(time.perf_counter() - t0, 3)
    entry["finished"] = now()
    return entry


__all__ = ["ENGINES", "Job", "engine_name", "run_job"]
