"""Execute report notebooks with papermill and render them: typed parameters, parallel, failure-isolated.

Every report runs in a fresh kernel in a worker process. A failing notebook keeps its executed copy
(with the error) and is marked failed; the others still run. Pages are written atomically.
"""
from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import logging
import os
import platform
import socket
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__, paths
from ..files import sha256
from ..errors import ParameterError
from .kernels import KERNEL_NAME

log = logging.getLogger("kinerja.runner")

#: report notebooks, in reading order
NOTEBOOKS = {
    "00_data_quality": "00_data_quality.ipynb",
    "01_budget_refocusing": "01_budget_refocusing.ipynb",
    "02_achievement_before_after": "02_achievement_before_after.ipynb",
    "03_refocusing_impact": "03_refocusing_impact.ipynb",
    "04_region_report": "04_region_report.ipynb",
    "05_province_outcomes": "05_province_outcomes.ipynb",
}

_PY_TYPES = {"str": str, "int": int, "float": float, "bool": bool}


@dataclass
class Job:
    """One report: a notebook, its parameters and the file name its outputs get."""

    name: str
    notebook: str
    parameters: dict = field(default_factory=dict)
    region: str = ""


def notebook_path(notebook: str) -> Path:
    p = Path(notebook)
    if not p.suffix:
        p = Path(NOTEBOOKS.get(notebook, notebook + ".ipynb"))
    return p if p.is_absolute() else paths.NOTEBOOKS / p


def notebook_parameters(notebook: str | Path) -> dict[str, dict]:
    """The notebook's ``parameters`` cell as {name: {"type": "str", "default": ...}} (via papermill)."""
    import papermill

    info = papermill.inspect_notebook(str(notebook_path(str(notebook))))
    return {name: {"type": (p.get("inferred_type_name") or "None").replace("None", "").strip() or "str",
                   "default": p.get("default"), "help": p.get("help", "")}
            for name, p in info.items()}


def check_parameters(notebook: str | Path, parameters: dict) -> dict:
    """Reject unknown names and wrong types before anything runs; return parameters with exact types.

    Papermill itself only warns about unknown names and turns ``-p region 71.10`` into 71.1, so codes
    are checked here: a ``str`` parameter must get a string.
    """
    declared = notebook_parameters(notebook)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ParameterError(f"{Path(str(notebook)).name}: unknown parameter(s) {', '.join(unknown)}; "
                             f"the notebook declares: {', '.join(sorted(declared))}")
    out = {}
    for name, value in parameters.items():
        want = _PY_TYPES.get(declared[name]["type"].split("[")[0])
        if want is None:
            out[name] = value
            continue
        if want is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise ParameterError(f"{Path(str(notebook)).name}: parameter {name!r} must be {want.__name__}, "
                                 f"got {type(value).__name__} {value!r}")
        out[name] = value
    return out


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds")


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _is_start_failure(exc: BaseException) -> bool:
    """A kernel that did not come up (no cell ran): worth one more try."""
    text = f"{type(exc).__name__}: {exc}"
    return any(s in text for s in ("Kernel didn't respond", "Address already in use", "ZMQError",
                                   "warm kernel process", "Kernel died before replying to kernel_info"))


def _execute(job: Job, executed: Path, *, timeout, engine: str, kernel_manager_class) -> None:
    import papermill

    papermill.execute_notebook(
        str(notebook_path(job.notebook)), str(executed), parameters=job.parameters, kernel_name=KERNEL_NAME,
        engine_name=engine_name(engine), progress_bar=False, request_save_on_cell_execute=False,
        execution_timeout=timeout, shutdown_kernel="immediate", kernel_manager_class=kernel_manager_class)


def engine_name(engine: str) -> str | None:
    """Papermill engine for ``fresh`` (one new kernel per report) or ``warm`` (kernels forked from a warm process)."""
    if engine == "warm":
        from . import engine as _engine

        return _engine.ENGINE_NAME
    if engine in ("fresh", "", None):
        return None
    raise ValueError(f"unknown engine {engine!r}: 'fresh' or 'warm'")


def run_job(job: Job, out_dir: str | Path, *, timeout: float | None = 600, show_code: bool = False,
            engine: str = "fresh", report_timeout: float | None = None, start_retries: int = 2,
            pdf: bool = False) -> dict:
    """Execute and render one report. Never raises for a notebook failure: the entry says 'failed'.

    ``timeout`` bounds each cell, ``report_timeout`` the whole report (its kernel is killed when it
    runs out). A kernel that does not start is retried ``start_retries`` times.
    """
    import nbformat
    from papermill.exceptions import PapermillExecutionError

    from . import companions, kernels, opendata, render
    from ..report import page as report

    out_dir = Path(out_dir)
    safe = paths.safe_name(job.name)
    executed = out_dir / "executed" / f"{safe}.ipynb"
    html_path = out_dir / f"{safe}.html"
    executed.parent.mkdir(parents=True, exist_ok=True)
    entry = {"name": job.name, "notebook": Path(job.notebook).name, "parameters": job.parameters,
             "region": job.region, "started": _now(), "status": "ok", "error": None,
             "executed": str(executed.relative_to(out_dir)), "html": None, "engine": engine,
             "host": socket.gethostname(), "pid": os.getpid()}
    t0 = time.perf_counter()
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ["TQDM_DISABLE"] = "1"  # no progress bars inside kernels: they spam headless logs
    owner = f"{os.getpid()}:{threading.get_ident()}:{job.name}"
    kmc = kernels.manager_for(owner)
    timed_out = threading.Event()

    def _expire():
        timed_out.set()
        kernels.kill(owner)

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
        if watchdog:
            watchdog.cancel()
        kernels.kill(owner)
    if timed_out.is_set():
        entry["status"] = "failed"
        entry["error"] = f"timeout: the report ran longer than {report_timeout:g} s and its kernel was stopped"
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
            page = render.render_notebook(nb, report_name=job.name, parameters=job.parameters, context=ctx,
                                          run_time=f"{entry['started']} ({duration:.1f} s)", show_code=show_code)
            _atomic_write(html_path, page)
            entry["html"] = html_path.name
            entry["render_s"] = round(time.perf_counter() - t1, 3)
            entry["companions"] = companions.write(nb, out_dir, safe, entry, **({"pdf": True} if pdf else {}))
            try:
                entry["open_data"] = opendata.write(nb, out_dir, safe, entry)
            except Exception as exc:  # never lose the page over its open data
                entry["open_data"] = {"error": f"{type(exc).__name__}: {exc}"}
        except Exception as exc:  # rendering failed: report it, keep the executed notebook
            entry["status"] = "failed"
            entry["error"] = entry["error"] or f"render: {type(exc).__name__}: {exc}"
            log.debug("render failed\n%s", traceback.format_exc())
    entry.setdefault("results", {})
    entry["duration_s"] = round(time.perf_counter() - t0, 3)
    entry["finished"] = _now()
    return entry


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(paths.ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=5)
        commit = out.stdout.strip() or None
        if commit:
            dirty = subprocess.run(["git", "-C", str(paths.ROOT), "status", "--porcelain", "--untracked-files=no"],
                                   capture_output=True, text=True, timeout=5).stdout.strip()
            commit += "-dirty" if dirty else ""
        return commit
    except (OSError, subprocess.SubprocessError):
        return None


#: thread-pool sizes of BLAS, OpenMP and friends; capped in kernels when several run at once
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "POLARS_MAX_THREADS", "RAYON_NUM_THREADS", "NUMBA_NUM_THREADS")

#: libraries whose versions every manifest records
KEY_LIBRARIES = ("pandas", "numpy", "matplotlib", "papermill", "nbconvert", "nbclient", "ipykernel",
                 "jupyter_client", "pyfixest", "statsmodels", "scipy")


@functools.lru_cache(maxsize=1)
def versions() -> dict:
    """Package, Python and key library versions (None for a library that is not installed)."""
    from importlib import metadata

    out = {"kinerja_analysis": __version__, "python": sys.version.split()[0]}
    for name in KEY_LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


@functools.lru_cache(maxsize=1)
def code_hash() -> str:
    """SHA-256 over the package's own source files (provenance: which code made the reports)."""
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parents[1]
    for f in sorted(pkg.rglob("*")):
        if f.is_file() and f.suffix in (".py", ".json", ".j2", ".css", ".js", ".tpl") and "__pycache__" not in f.parts:
            h.update(f.relative_to(pkg).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def folder_hash(folder: Path) -> str:
    """One SHA-256 over every file below ``folder`` (names and contents; hidden files ignored)."""
    h = hashlib.sha256()
    for f in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        rel = f.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        h.update(f"{rel.as_posix()}:{sha256(f)}\n".encode())
    return h.hexdigest()


def fingerprint(job: Job, _cache: dict | None = None) -> str:
    """What a report depends on: its notebook, parameters, data (and settings) files, and the versions of
    this package and of the key libraries. ``--skip-unchanged`` re-runs a report when any of them changed.

    The package's code hash is recorded in the manifest but not part of the fingerprint (the issue's
    contract is the package *version*): in a development checkout, bump the version or leave
    ``--skip-unchanged`` off after code changes.
    """
    cache = {} if _cache is None else _cache
    parts = {"notebook": sha256(notebook_path(job.notebook)), "parameters": job.parameters,
             "versions": versions()}
    for key in ("data_dir", "config_file"):
        value = job.parameters.get(key)
        if value:
            p = paths.resolve(value)
            if p not in cache:
                cache[p] = folder_hash(p) if p.is_dir() else (sha256(p) if p.is_file() else None)
            parts[key] = cache[p]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _previous(out_dir: Path) -> dict:
    try:
        old = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
        return {e["name"]: e for e in old.get("reports", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def run(jobs: list[Job], out_dir: str | Path, *, n_jobs: int | None = None, timeout: float | None = 600,
        show_code: bool = False, lang: str = "en", title: str | None = None, progress=None,
        engine: str = "fresh", executor: str = "local", scheduler: str | None = None, client=None,
        skip_unchanged: bool = False, report_timeout: float | None = None, pdf: bool = False) -> dict:
    """Run a report set; write the pages, ``index.html``, ``manifest.json`` and ``results.json``.

    Returns the manifest (a dict). ``progress`` is called with each finished (or skipped) entry.
    ``engine`` is ``fresh`` (a new kernel per report) or ``warm`` (see :mod:`kinerja_analysis.run.engine`);
    ``executor`` is ``local`` (``n_jobs`` worker processes, default: the number of cores) or ``dask``
    (``scheduler`` address, or an existing ``client``). With ``skip_unchanged`` a report whose
    fingerprint (notebook, parameters, data files, package code) equals the previous run's and whose
    page still exists is not run again. Ctrl-C/SIGTERM stops the run: the reports not finished are
    marked ``interrupted`` in the manifest, and KeyboardInterrupt is raised again.
    """
    from . import executors

    out_dir = paths.resolve(out_dir, base=Path.cwd())
    out_dir.mkdir(parents=True, exist_ok=True)
    for job in jobs:
        job.parameters = check_parameters(job.notebook, job.parameters)
    names = [j.name for j in jobs]
    if len(set(names)) != len(names):
        raise ParameterError(f"report names must be unique: {sorted({n for n in names if names.count(n) > 1})}")
    engine_name(engine)  # unknown engine: fail before anything runs
    cache: dict = {}
    prints = {j.name: fingerprint(j, cache) for j in jobs}
    entries: dict[str, dict] = {}
    todo = []
    previous = _previous(out_dir) if skip_unchanged else {}
    for job in jobs:
        old = previous.get(job.name)
        if (old and old.get("status") in ("ok", "skipped") and old.get("fingerprint") == prints[job.name]
                and old.get("html") and (out_dir / old["html"]).exists()):
            entries[job.name] = {**old, "status": "skipped", "skipped_reason": "unchanged",
                                 "ran": old.get("ran") or old.get("started")}
            if progress:
                progress(entries[job.name])
        else:
            todo.append(job)
    n_jobs = max(1, min(n_jobs or os.cpu_count() or 1, len(todo) or 1))
    started = _now()
    t0 = time.perf_counter()

    def done(job, entry):
        entry["fingerprint"] = prints[job.name]
        entry["versions"] = versions()
        entries[job.name] = entry
        if progress:
            progress(entry)

    fn = functools.partial(run_job, out_dir=out_dir, timeout=timeout, show_code=show_code, engine=engine,
                           report_timeout=report_timeout, pdf=pdf)
    env = {"MPLBACKEND": os.environ.get("MPLBACKEND", "Agg"), "TQDM_DISABLE": "1"}
    if executor == "local" and n_jobs > 1:  # N kernels at once: share the cores, as joblib/loky does
        threads = str(max(1, (os.cpu_count() or 1) // n_jobs))
        env.update({v: threads for v in THREAD_VARS if v not in os.environ})
    if engine == "warm":  # the warm process parses these data folders once, before it forks kernels
        folders = sorted({str(paths.resolve(j.parameters["data_dir"])) for j in todo if j.parameters.get("data_dir")})
        env["KINERJA_WARM_DATA"] = os.pathsep.join(folders)
    interrupted = False
    try:
        if executor == "dask":
            executors.run_dask(fn, todo, scheduler=scheduler, on_done=done, env=env, client=client)
        elif executor == "local":
            executors.run_local(fn, todo, n_jobs=n_jobs, on_done=done, env=env)
        else:
            raise ValueError(f"unknown executor {executor!r}: 'local' or 'dask'")
    except KeyboardInterrupt:
        interrupted = True
    for job in jobs:
        if job.name not in entries:
            entries[job.name] = {"name": job.name, "notebook": Path(job.notebook).name, "parameters": job.parameters,
                                 "region": job.region, "status": "interrupted", "error": "run stopped before this report finished",
                                 "results": {}, "html": None, "fingerprint": prints[job.name]}
    manifest = _write_outputs([entries[j.name] for j in jobs], out_dir, started=started, t0=t0, n_jobs=n_jobs,
                              engine=engine, executor=executor, scheduler=scheduler, lang=lang, title=title,
                              interrupted=interrupted)
    if interrupted:
        raise KeyboardInterrupt
    return manifest


def _write_outputs(ordered: list[dict], out_dir: Path, *, started, t0, n_jobs, engine, executor, scheduler, lang,
                   title, interrupted) -> dict:
    from .. import labels as L
    from . import render

    manifest = {
        "run": {"started": started, "finished": _now(), "duration_s": round(time.perf_counter() - t0, 3),
                "package_version": __version__, "python": sys.version.split()[0], "host": socket.gethostname(),
                "platform": platform.platform(), "git_commit": _git_commit(), "versions": versions(),
                "code_sha256": code_hash(), "jobs": n_jobs, "engine": engine, "executor": executor,
                "scheduler": scheduler, "n_reports": len(ordered),
                "n_failed": sum(e["status"] == "failed" for e in ordered),
                "n_skipped": sum(e["status"] == "skipped" for e in ordered),
                "n_interrupted": sum(e["status"] == "interrupted" for e in ordered), "interrupted": interrupted},
        "reports": ordered,
    }
    results = {"reports": {e["name"]: e.get("results", {}) for e in ordered}}
    _atomic_write(out_dir / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False, default=str))
    _atomic_write(out_dir / "results.json", json.dumps(results, indent=2, ensure_ascii=False, default=str))
    synthetic = any(e.get("synthetic") for e in ordered)
    _atomic_write(out_dir / "index.html", render.index_page(ordered, title=title or L.t("index_title", lang), lang=lang,
                                                            synthetic=synthetic, run_time=started))
    return manifest


def plan(data_dir: str | Path, *, lang: str = "en", regions: list[str] | None = None) -> list[Job]:
    """The report set for a data folder: the cross-region notebooks plus one region report per region.

    A folder of real public data (DJPK/BPS files, not the analyst template) gets the province report set.
    """
    from ..ingest import realdata
    from ..ingest import template

    if realdata.is_realdata_folder(paths.resolve(data_dir)):
        return realdata.plan_jobs(paths.resolve(data_dir), lang=lang)

    ds = template.load_folder(data_dir)
    data_param = paths.display_path(paths.resolve(data_dir))
    common = {"data_dir": data_param, "lang": lang}
    jobs = []
    for key in ("00_data_quality", "01_budget_refocusing", "02_achievement_before_after", "03_refocusing_impact"):
        if notebook_path(key).exists():
            jobs.append(Job(name=key, notebook=key, parameters=dict(common)))
    codes = regions or sorted(ds.regions["region_code"].astype(str).unique())
    for code in codes:
        jobs.append(Job(name=f"04_region_report-{code}", notebook="04_region_report",
                        parameters={**common, "region": str(code)}, region=f"{code} {ds.region_name(code)}"))
    return jobs


__all__ = ["Job", "check_parameters", "notebook_parameters", "plan", "run", "run_job"]
