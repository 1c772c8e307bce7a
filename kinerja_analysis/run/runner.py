"""Run a report set: every report in a worker process, failure-isolated, then ``index.html``,
``manifest.json`` and ``results.json`` (written atomically); and several sets one after the other.

Every report runs in its own kernel in a worker process (:mod:`kinerja_analysis.run.execute`). A failing
notebook keeps its executed copy (with the error) and is marked failed; the others still run.
"""

from __future__ import annotations

import functools
import json
import os
import platform
import socket
import sys
import time
from pathlib import Path

from .. import __version__, paths
from .. import labels as L
from ..errors import ParameterError, check_option
from ..files import atomic_write
from . import executors, render, shared
from .execute import Job, engine_name, run_job
from .notebooks import check_parameters
from .plan import ReportSet
from .progress import Progress
from .provenance import code_hash, git_commit, job_fingerprint, now, versions

#: thread-pool sizes of BLAS, OpenMP and friends; capped in kernels when several run at once
THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "POLARS_MAX_THREADS",
    "RAYON_NUM_THREADS",
    "NUMBA_NUM_THREADS",
)

#: where the reports run: worker processes on this machine, or a Dask cluster
EXECUTORS = ("local", "dask")


def _previous(out_dir: Path) -> dict:
    try:
        old = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        return {e["name"]: e for e in old.get("reports", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def run(
    jobs: list[Job],
    out_dir: str | Path,
    *,
    n_jobs: int | None = None,
    timeout: float | None = 600,
    show_code: bool = False,
    lang: str = "en",
    title: str | None = None,
    progress=None,
    engine: str = "fresh",
    executor: str = "local",
    scheduler: str | None = None,
    client=None,
    skip_unchanged: bool = False,
    report_timeout: float | None = None,
    pdf: bool = False,
) -> dict:
    """Run a report set; write the pages, ``index.html``, ``manifest.json`` and ``results.json``.

    Returns the manifest (a dict). ``progress`` is called with each finished (or skipped) entry.
    ``engine`` is ``fresh`` (a new kernel per report) or ``warm`` (see :mod:`kinerja_analysis.run.engine`);
    ``executor`` is ``local`` (``n_jobs`` worker processes, default: the number of cores) or ``dask``
    (``scheduler`` address, or an existing ``client``). With ``skip_unchanged`` a report whose
    fingerprint (notebook, parameters, data files, package code) equals the previous run's and whose
    page still exists is not run again. Ctrl-C/SIGTERM stops the run: the reports not finished are
    marked ``interrupted`` in the manifest, and KeyboardInterrupt is raised again.
    """
    out_dir = paths.resolve(out_dir, base=Path.cwd())
    out_dir.mkdir(parents=True, exist_ok=True)
    for job in jobs:
        job.parameters = check_parameters(job.notebook, job.parameters)
    names = [j.name for j in jobs]
    if len(set(names)) != len(names):
        raise ParameterError(
            f"report names must be unique: {sorted({n for n in names if names.count(n) > 1})}"
        )
    engine_name(engine)  # unknown engine or executor: fail before anything runs
    check_option("executor", executor, EXECUTORS)
    cache: dict = {}
    prints = {j.name: job_fingerprint(j, cache) for j in jobs}
    entries: dict[str, dict] = {}
    todo = []
    previous = _previous(out_dir) if skip_unchanged else {}
    for job in jobs:
        old = previous.get(job.name)
        if (
            old
            and old.get("status") in ("ok", "skipped")
            and old.get("fingerprint") == prints[job.name]
            and old.get("html")
            and (out_dir / old["html"]).exists()
        ):
            entries[job.name] = {
                **old,
                "status": "skipped",
                "skipped_reason": "unchanged",
                "ran": old.get("ran") or old.get("started"),
            }
            if progress:
                progress(entries[job.name])
        else:
            todo.append(job)
    n_jobs = max(1, min(n_jobs or os.cpu_count() or 1, len(todo) or 1))
    started = now()
    t0 = time.perf_counter()

    def done(job, entry):
        entry["fingerprint"] = prints[job.name]
        entry["versions"] = versions()
        entries[job.name] = entry
        if progress:
            progress(entry)

    fn = functools.partial(
        run_job,
        out_dir=out_dir,
        timeout=timeout,
        show_code=show_code,
        engine=engine,
        report_timeout=report_timeout,
        pdf=pdf,
    )
    env = {"MPLBACKEND": os.environ.get("MPLBACKEND", "Agg"), "TQDM_DISABLE": "1"}
    # one string-hash seed for every kernel, so that a page is the same from run to run: pyfixest orders
    # the fixed effects of a formula through a set, and the order of demeaning moves the 10th digit
    env["PYTHONHASHSEED"] = os.environ.get("PYTHONHASHSEED", "0")
    if executor == "local" and n_jobs > 1:  # N kernels at once: share the cores, as joblib/loky does
        threads = str(max(1, (os.cpu_count() or 1) // n_jobs))
        env.update({v: threads for v in THREAD_VARS if v not in os.environ})
    if (
        executor == "dask"
    ):  # workers read the prepared store where this process writes it (shared file system)
        env[paths.CACHE_ENV] = str(paths.cache_dir())
    # what the pages share, computed once here (into the prepared store) before any page runs
    share = shared.groups(todo)
    prepared = shared.prepare(share)
    if engine == "warm":  # each warm process reads it (and parses the folders) once, before it forks kernels
        env["KINERJA_WARM_SHARED"] = json.dumps(share)
    interrupted = False
    try:
        if executor == "dask":
            executors.run_dask(fn, todo, scheduler=scheduler, on_done=done, env=env, client=client)
        else:
            executors.run_local(fn, todo, n_jobs=n_jobs, on_done=done, env=env)
    except KeyboardInterrupt:
        interrupted = True
    for job in jobs:
        if job.name not in entries:
            entries[job.name] = {
                "name": job.name,
                "notebook": Path(job.notebook).name,
                "parameters": job.parameters,
                "region": job.region,
                "status": "interrupted",
                "error": "run stopped before this report finished",
                "results": {},
                "html": None,
                "fingerprint": prints[job.name],
            }
    manifest = _write_outputs(
        [entries[j.name] for j in jobs],
        out_dir,
        started=started,
        t0=t0,
        n_jobs=n_jobs,
        engine=engine,
        executor=executor,
        scheduler=scheduler,
        lang=lang,
        title=title,
        interrupted=interrupted,
        prepared=prepared,
    )
    if interrupted:
        raise KeyboardInterrupt
    return manifest


def _write_outputs(
    ordered: list[dict],
    out_dir: Path,
    *,
    started,
    t0,
    n_jobs,
    engine,
    executor,
    scheduler,
    lang,
    title,
    interrupted,
    prepared=(),
) -> dict:
    manifest = {
        "run": {
            "started": started,
            "finished": now(),
            "duration_s": round(time.perf_counter() - t0, 3),
            "package_version": __version__,
            "python": sys.version.split()[0],
            "host": socket.gethostname(),
            "platform": platform.platform(),
            "git_commit": git_commit(),
            "versions": versions(),
            "code_sha256": code_hash(),
            "jobs": n_jobs,
            "engine": engine,
            "executor": executor,
            "scheduler": scheduler,
            "n_reports": len(ordered),
            "n_failed": sum(e["status"] == "failed" for e in ordered),
            "n_skipped": sum(e["status"] == "skipped" for e in ordered),
            "n_interrupted": sum(e["status"] == "interrupted" for e in ordered),
            "interrupted": interrupted,
            "prepared": list(prepared),
        },
        "reports": ordered,
    }
    results = {"reports": {e["name"]: e.get("results", {}) for e in ordered}}
    atomic_write(out_dir / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False, default=str))
    atomic_write(out_dir / "results.json", json.dumps(results, indent=2, ensure_ascii=False, default=str))
    synthetic = any(e.get("synthetic") for e in ordered)
    atomic_write(
        out_dir / "index.html",
        render.index_page(
            ordered, title=title or L.t("index_title", lang), lang=lang, synthetic=synthetic, run_time=started
        ),
    )
    return manifest


def run_sets(sets: list[ReportSet], *, stream=None, **options) -> tuple[int, list[dict]]:
    """Run validated report sets one after the other; return (number of failed reports, manifests).

    ``options`` go to :func:`run` (n_jobs, engine, executor, scheduler, skip_unchanged, timeout,
    report_timeout, show_code, pdf). Ctrl-C/SIGTERM propagates as KeyboardInterrupt
    after the interrupted set's manifest is written.
    """
    stream = stream or sys.stdout
    n_failed, manifests = 0, []
    for rs in sets:
        print(f"set {rs.name!r}: {len(rs.jobs)} report(s) -> {rs.out}", file=stream, flush=True)
        for w in rs.warnings:
            print(f"warning: {w}", file=sys.stderr, flush=True)
        progress = Progress(len(rs.jobs), label=rs.name, stream=stream)
        try:
            manifest = run(rs.jobs, rs.out, lang=rs.lang, title=rs.title, progress=progress, **options)
        finally:
            progress.close()
        manifests.append(manifest)
        failed = [e for e in manifest["reports"] if e["status"] == "failed"]
        n_failed += len(failed)
        info = manifest["run"]
        print(
            f"set {rs.name!r}: {info['n_reports'] - len(failed)} ok ({info['n_skipped']} unchanged), "
            f"{len(failed)} failed, {info['duration_s']:.1f} s; index: {rs.out / 'index.html'}",
            file=stream,
            flush=True,
        )
    return n_failed, manifests


def summary(manifests: list[dict]) -> str:
    """The closing summary of failed reports (empty when none failed), with where to look."""
    lines = []
    for m in manifests:
        for e in m["reports"]:
            if e["status"] == "failed":
                lines.append(f"  {e['name']}: {e.get('error')}")
    if not lines:
        return ""
    return (
        f"{len(lines)} report(s) failed:\n"
        + "\n".join(lines)
        + "\nthe executed notebooks, with the error, are in each set's executed/ folder"
    )


__all__ = ["EXECUTORS", "THREAD_VARS", "run", "run_sets", "summary"]
