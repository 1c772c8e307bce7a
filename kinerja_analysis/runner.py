"""Execute report notebooks with papermill and render them: typed parameters, parallel, failure-isolated.

Every report runs in a fresh kernel in a worker process. A failing notebook keeps its executed copy
(with the error) and is marked failed; the others still run. Pages are written atomically.
"""
from __future__ import annotations

import concurrent.futures as cf
import datetime as _dt
import json
import logging
import multiprocessing
import os
import platform
import socket
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__, paths
from .errors import ParameterError

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


def run_job(job: Job, out_dir: str | Path, *, timeout: float | None = 600, show_code: bool = False) -> dict:
    """Execute and render one report. Never raises for a notebook failure: the entry says 'failed'."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from . import render, report
    from .kernels import IPCKernelManager

    out_dir = Path(out_dir)
    executed = out_dir / "executed" / f"{paths.safe_name(job.name)}.ipynb"
    html_path = out_dir / f"{paths.safe_name(job.name)}.html"
    executed.parent.mkdir(parents=True, exist_ok=True)
    entry = {"name": job.name, "notebook": Path(job.notebook).name, "parameters": job.parameters,
             "region": job.region, "started": _now(), "status": "ok", "error": None,
             "executed": str(executed.relative_to(out_dir)), "html": None}
    t0 = time.perf_counter()
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ["TQDM_DISABLE"] = "1"  # no progress bars inside kernels: they spam headless logs
    try:
        papermill.execute_notebook(
            str(notebook_path(job.notebook)), str(executed), parameters=job.parameters, kernel_name="python3",
            progress_bar=False, request_save_on_cell_execute=False, execution_timeout=timeout,
            shutdown_kernel="immediate", kernel_manager_class=IPCKernelManager)
    except PapermillExecutionError as exc:
        entry["status"] = "failed"
        entry["error"] = f"{exc.ename}: {exc.evalue}"
    except Exception as exc:  # kernel died, timeout, bad notebook: isolate it, keep going
        entry["status"] = "failed"
        entry["error"] = f"{type(exc).__name__}: {exc}"
    entry["duration_s"] = round(time.perf_counter() - t0, 3)
    entry["finished"] = _now()
    if executed.exists():
        try:
            nb = nbformat.read(executed, as_version=4)
            entry["results"] = report.results_from_notebook(nb)
            ctx = report.context_from_notebook(nb)
            entry["title"] = ctx.get("title", job.name)
            entry["data_hash"] = ctx.get("data_hash")
            entry["synthetic"] = bool(ctx.get("synthetic"))
            page = render.render_notebook(nb, report_name=job.name, parameters=job.parameters, context=ctx,
                                          run_time=f"{entry['started']} ({entry['duration_s']:.1f} s)",
                                          show_code=show_code)
            _atomic_write(html_path, page)
            entry["html"] = html_path.name
            from . import companions

            entry["companions"] = companions.write(nb, out_dir, paths.safe_name(job.name), entry)
        except Exception as exc:  # rendering failed: report it, keep the executed notebook
            entry["status"] = "failed"
            entry["error"] = entry["error"] or f"render: {type(exc).__name__}: {exc}"
            log.debug("render failed\n%s", traceback.format_exc())
    else:
        entry.setdefault("results", {})
    return entry


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(paths.ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=5)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def run(jobs: list[Job], out_dir: str | Path, *, n_jobs: int | None = None, timeout: float | None = 600,
        show_code: bool = False, lang: str = "en", title: str | None = None, progress=None) -> dict:
    """Run a report set; write the pages, ``index.html``, ``manifest.json`` and ``results.json``.

    Returns the manifest (a dict). ``progress`` is called with each finished entry.
    """
    from . import labels as L
    from . import render

    out_dir = paths.resolve(out_dir, base=Path.cwd())
    out_dir.mkdir(parents=True, exist_ok=True)
    for job in jobs:
        job.parameters = check_parameters(job.notebook, job.parameters)
    n_jobs = max(1, min(n_jobs or os.cpu_count() or 1, len(jobs) or 1))
    started = _now()
    t0 = time.perf_counter()
    entries: dict[str, dict] = {}
    if n_jobs == 1:
        for job in jobs:
            entries[job.name] = run_job(job, out_dir, timeout=timeout, show_code=show_code)
            if progress:
                progress(entries[job.name])
    else:
        ctx = multiprocessing.get_context("spawn")
        with cf.ProcessPoolExecutor(max_workers=n_jobs, mp_context=ctx) as pool:
            futures = {pool.submit(run_job, job, out_dir, timeout=timeout, show_code=show_code): job for job in jobs}
            for fut in cf.as_completed(futures):
                job = futures[fut]
                try:
                    entries[job.name] = fut.result()
                except Exception as exc:  # a worker died: record, keep the rest
                    entries[job.name] = {"name": job.name, "status": "failed", "error": f"{type(exc).__name__}: {exc}",
                                         "parameters": job.parameters, "region": job.region, "results": {}}
                if progress:
                    progress(entries[job.name])
    ordered = [entries[j.name] for j in jobs]
    manifest = {
        "run": {"started": started, "finished": _now(), "duration_s": round(time.perf_counter() - t0, 3),
                "package_version": __version__, "python": sys.version.split()[0], "host": socket.gethostname(),
                "platform": platform.platform(), "git_commit": _git_commit(), "jobs": n_jobs,
                "n_reports": len(ordered), "n_failed": sum(e["status"] == "failed" for e in ordered)},
        "reports": ordered,
    }
    results = {"reports": {e["name"]: e.get("results", {}) for e in ordered}}
    _atomic_write(out_dir / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False, default=str))
    _atomic_write(out_dir / "results.json", json.dumps(results, indent=2, ensure_ascii=False, default=str))
    synthetic = any(e.get("synthetic") for e in ordered)
    keys = [("total_cut_share_pct", L.t("cut_share", lang)), ("mean_capaian_pre", f"{L.t('mean_achievement', lang)} · {L.t('period_pre', lang)}"),
            ("mean_capaian_refocusing", f"{L.t('mean_achievement', lang)} · {L.t('period_refocusing', lang)}"),
            ("mean_capaian_post", f"{L.t('mean_achievement', lang)} · {L.t('period_post', lang)}")]
    _atomic_write(out_dir / "index.html", render.index_page(ordered, title=title or L.t("index_title", lang), lang=lang,
                                                            synthetic=synthetic, run_time=started, key_columns=keys))
    return manifest


def plan(data_dir: str | Path, *, lang: str = "en", regions: list[str] | None = None) -> list[Job]:
    """The report set for a data folder: the cross-region notebooks plus one region report per region.

    A folder of real public data (DJPK/BPS files, not the analyst template) gets the province report set.
    """
    from . import realdata
    from .io import template

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
