"""Where the wall time of one report page goes, stage by stage, in one worker process.

Runs :func:`kinerja_analysis.run.execute.run_job` in this process (warm-kernel engine by default) once to
warm up (zygote, imports, exporter), then ``--repeat`` more times timed, and prints ``name: value`` lines
(seconds, the median of the timed runs):

- worker side, by wrapping the functions ``run_job`` calls: papermill's read and parameterisation of the
  notebook, kernel start, the cells, kernel shutdown, the final write of the executed notebook, the
  re-read of it (if any), the HTML page (nbconvert export and post-processing), companions, open data;
- kernel side, from a copy of the notebook with one first cell (tagged ``remove_cell``, so the page does
  not show it) that wraps ``report.page.figure`` and ``report.page.png`` with timers, and one last cell
  that writes the totals to a file: the time figures take, of which drawing and encoding the PNG
  (``png``, which includes the layout), and the PNG sizes;
- per cell, papermill's ``duration`` from the executed notebook's metadata; the time between cells
  (nbclient/papermill bookkeeping and message traffic) is what remains of the execution.

With ``--cprofile N`` the last run also runs under cProfile in the worker and prints its N costliest
functions (cumulative) as ``cprofile: ...`` lines. Times are wall times on whatever machine load there is:
``load_average_1min`` is printed with them.

    .venv/bin/python benchmarks/profile_page.py                       # the region report, 99.01
    .venv/bin/python benchmarks/profile_page.py --notebook 01_budget_refocusing --region ""
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from kinerja_analysis import paths
from kinerja_analysis.run import artefacts, execute, render, shared
from kinerja_analysis.run.notebooks import notebook_path

_SETUP = """\
import json as _kj, time as _kt
from kinerja_analysis.report import page as _KP
_KT = {"figure_s": 0.0, "png_s": 0.0, "n_figures": 0}
_k_fig, _k_png0 = _KP.figure, _KP.png
def _k_figure(*a, **k):
    t = _kt.perf_counter()
    try:
        return _k_fig(*a, **k)
    finally:
        _KT["figure_s"] += _kt.perf_counter() - t
        _KT["n_figures"] += 1
def _k_png(*a, **k):
    t = _kt.perf_counter()
    try:
        return _k_png0(*a, **k)
    finally:
        _KT["png_s"] += _kt.perf_counter() - t
_KP.figure, _KP.png = _k_figure, _k_png
"""
_DUMP = "open({path!r}, 'w').write(_kj.dumps(_KT))\n"


def instrumented_copy(notebook: str, folder: Path) -> tuple[Path, Path]:
    """A copy of ``notebook`` with the timing cells, and the file its last cell writes."""
    nb = nbformat.read(notebook_path(notebook), as_version=4)
    out = folder / "kernel_times.json"
    first = nbformat.v4.new_code_cell(_SETUP, metadata={"tags": ["remove_cell"]})
    last = nbformat.v4.new_code_cell(_DUMP.format(path=str(out)), metadata={"tags": ["remove_cell"]})
    nb.cells = [first, *nb.cells, last]
    path = folder / Path(notebook_path(notebook)).name
    nbformat.write(nb, path)
    return path, out


class Timers:
    """Wall time per stage, summed over the calls of one run."""

    def __init__(self):
        self.t: dict[str, float] = {}

    def add(self, name, dt):
        self.t[name] = self.t.get(name, 0.0) + dt

    def wrap(self, owner, attr, name):
        fn = getattr(owner, attr)

        def timed(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                self.add(name, time.perf_counter() - t0)

        setattr(owner, attr, timed)
        return owner, attr, fn


@contextlib.contextmanager
def timed_stages(timers: Timers):
    import nbclient.client as ncc
    import papermill.execute as pme
    import papermill.iorw as pmio

    patches = [
        timers.wrap(execute, "_execute", "papermill_total"),
        timers.wrap(pme, "load_notebook_node", "papermill_read_notebook"),
        timers.wrap(pme, "parameterize_notebook", "papermill_parameters"),
        timers.wrap(pme, "write_ipynb", "papermill_write_executed"),
        timers.wrap(pmio, "write_ipynb", "papermill_write_executed_on_error"),
        # nbclient's setup_kernel calls these synchronous wrappers of its coroutines
        timers.wrap(ncc.NotebookClient, "start_new_kernel", "kernel_start"),
        timers.wrap(ncc.NotebookClient, "start_new_kernel_client", "kernel_client_start"),
        timers.wrap(ncc.NotebookClient, "_cleanup_kernel", "kernel_shutdown"),
        timers.wrap(nbformat, "read", "nbformat_read_executed"),
        timers.wrap(render, "render_notebook", "html_page"),
        timers.wrap(render, "toc", "html_toc"),
        timers.wrap(artefacts, "write_companions", "companions"),
        timers.wrap(artefacts, "write_open_data", "open_data"),
    ]
    try:
        yield timers
    finally:
        for owner, attr, fn in reversed(patches):
            setattr(owner, attr, fn)


def one_run(job, out_dir: Path, kernel_file: Path, *, engine: str, profile: cProfile.Profile | None):
    timers = Timers()
    with timed_stages(timers):
        t0 = time.perf_counter()
        if profile:
            profile.enable()
        entry = execute.run_job(job, out_dir, engine=engine)
        if profile:
            profile.disable()
        total = time.perf_counter() - t0
    assert entry["status"] == "ok", entry["error"]
    t = dict(timers.t)
    t["page_total"] = total
    nb = nbformat.read(out_dir / entry["executed"], as_version=4, capture_validation_error=None)
    cells = [
        (i, c.metadata.get("papermill", {}).get("duration") or 0.0)
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
    ]
    t["cells_s"] = sum(d for _, d in cells)
    t["per_cell"] = cells
    kt = json.loads(kernel_file.read_text()) if kernel_file.exists() else {}
    t.update({f"kernel_{k}": v for k, v in kt.items()})
    pngs = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            h = o.get("data", {}).get("text/html", "")
            for part in h.split("data:image/png;base64,")[1:]:
                pngs.append(len(part.split('"', 1)[0]) * 3 // 4)
    t["png_bytes"] = sum(pngs)
    t["n_png"] = len(pngs)
    t["executed_ipynb_bytes"] = (out_dir / entry["executed"]).stat().st_size
    t["html_bytes"] = (out_dir / entry["html"]).stat().st_size
    return t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notebook", default="04_region_report")
    ap.add_argument("--region", default="99.01")
    ap.add_argument("--data", default=str(paths.DEMO_DATA.relative_to(paths.ROOT)))
    ap.add_argument("--lang", default="en")
    ap.add_argument("--engine", default="warm")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cprofile", type=int, default=0, help="print the N costliest worker functions")
    args = ap.parse_args()
    os.environ.setdefault("MPLBACKEND", "Agg")
    tmp = Path(tempfile.mkdtemp(prefix="kinerja-profile-page-"))
    nb_path, kernel_file = instrumented_copy(args.notebook, tmp)
    params = {"data_dir": args.data, "lang": args.lang}
    if args.region:
        params["region"] = args.region
    job = execute.Job(
        name=f"{args.notebook}-{args.region or 'all'}", notebook=str(nb_path), parameters=params
    )
    # as the runner does: the shared tables prepared once, and a warm process holds them before it forks
    share = shared.groups([execute.Job(name=job.name, notebook=args.notebook, parameters=params)])
    shared.prepare(share)
    os.environ["KINERJA_WARM_SHARED"] = json.dumps(share)
    t0 = time.perf_counter()
    execute.run_job(job, tmp / "warmup", engine=args.engine)
    warmup = time.perf_counter() - t0
    runs = []
    prof = cProfile.Profile() if args.cprofile else None
    for i in range(args.repeat):
        kernel_file.unlink(missing_ok=True)
        last = i == args.repeat - 1
        runs.append(
            one_run(job, tmp / f"run{i}", kernel_file, engine=args.engine, profile=prof if last else None)
        )

    def med(key):
        return statistics.median(r.get(key, 0.0) for r in runs)

    print(f"load_average_1min: {os.getloadavg()[0]:.2f}")
    print(f"notebook: {args.notebook}")
    print(f"region: {args.region}")
    print(f"engine: {args.engine}")
    print(f"timed_runs: {args.repeat}")
    print(f"first_run_with_warmup_s: {warmup:.3f}")
    execute_keys = (
        "papermill_read_notebook",
        "papermill_parameters",
        "kernel_start",
        "kernel_client_start",
        "cells_s",
        "kernel_shutdown",
        "papermill_write_executed",
    )
    shown = sum(med(k) for k in execute_keys)
    for k in execute_keys:
        print(f"{k}: {med(k):.3f}")
    print(f"papermill_between_cells_and_rest: {med('papermill_total') - shown:.3f}")
    print(f"papermill_total: {med('papermill_total'):.3f}")
    for k in ("kernel_figure_s", "kernel_png_s", "kernel_n_figures", "n_png", "png_bytes"):
        v = med(k)
        print(
            f"{k}: {v:.3f}"
            if isinstance(v, float) and not k.startswith(("n_", "png", "kernel_n"))
            else f"{k}: {int(v)}"
        )
    for k in ("nbformat_read_executed", "html_page", "html_toc", "companions", "open_data"):
        print(f"{k}: {med(k):.3f}")
    rest = (
        med("page_total")
        - med("papermill_total")
        - sum(med(k) for k in ("nbformat_read_executed", "html_page", "companions", "open_data"))
    )
    print(f"run_job_rest: {rest:.3f}")
    print(f"page_total: {med('page_total'):.3f}")
    print(f"executed_ipynb_bytes: {int(med('executed_ipynb_bytes'))}")
    print(f"html_bytes: {int(med('html_bytes'))}")
    for n, (i, _) in enumerate(runs[0]["per_cell"]):
        d = statistics.median(r["per_cell"][n][1] for r in runs)
        print(f"cell_{i:02d}_s: {d:.3f}")
    if prof:
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(args.cprofile)
        for line in s.getvalue().splitlines():
            if line.strip() and line.lstrip()[0].isdigit():
                print("cprofile: " + " ".join(line.split()))


if __name__ == "__main__":
    main()
