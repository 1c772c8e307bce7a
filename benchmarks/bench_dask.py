"""The same reports on a real local Dask cluster and with the local executor, alternately, in the same run.

The cluster is started the way the README tells a user: ``dask scheduler`` and two
``dask worker tcp://127.0.0.1:PORT --nthreads 1`` processes on 127.0.0.1 (the ``dask`` command of this
environment), and stopped by this script whatever happens. Each round runs the report set with the local
executor (``--jobs 2``, a new pool of worker processes per run, as ``kinerja report`` does) and then on the
cluster (``--executor dask --scheduler ADDRESS``; the Dask workers live for the whole benchmark, as a
cluster does). ``dask_ratio_vs_local`` is the median of the rounds' ratios.

Where the time goes, per report (medians over every report of every round): ``cells`` is the time the
kernel spent running the notebook's cells (papermill's cell durations), ``kernel_overhead`` the rest of
the execution (kernel start or fork, papermill, nbclient), ``render`` the page, XLSX and open data
written by the worker process after the kernel finished.

    .venv/bin/python benchmarks/bench_dask.py [--repeat 3] [--engine warm|fresh] [--set region|demo] [--reports N]
        [--nthreads 1] [--no-nanny]

``--nthreads 0`` and ``--no-nanny`` start the workers the ways the README does not ask for, to see what
they cost: without ``--nthreads`` each worker runs one report per core at once; without the nanny the
kernels get no ``OMP/MKL/OPENBLAS_NUM_THREADS=1`` from Dask.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _daskcluster import cli_cluster  # noqa: E402

from kinerja_analysis import paths  # noqa: E402
from kinerja_analysis.run import plan, runner  # noqa: E402
from kinerja_analysis.run.execute import Job  # noqa: E402


def _jobs(which: str, n: int | None) -> list[Job]:
    jobs = plan.for_folder(paths.DEMO_DATA)
    if which == "region":
        jobs = [j for j in jobs if j.notebook == "04_region_report"]
    return jobs[:n] if n else jobs


def _cells_s(executed: Path) -> float:
    nb = json.loads(executed.read_text(encoding="utf-8"))
    return sum((c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0) for c in nb["cells"])


def _run(jobs: list[Job], executor: str, engine: str, address: str, parts: dict) -> float:
    out = Path(tempfile.mkdtemp(prefix=f"kinerja-bench-dask-{executor}-"))
    copies = [Job(j.name, j.notebook, dict(j.parameters), j.region) for j in jobs]
    options = {"executor": "dask", "scheduler": address} if executor == "dask" else {"n_jobs": 2}
    try:
        t0 = time.perf_counter()
        m = runner.run(copies, out, engine=engine, **options)
        dt = time.perf_counter() - t0
        bad = [f"{e['name']}: {e.get('error')}" for e in m["reports"] if e["status"] != "ok"]
        assert not bad, bad
        for e in m["reports"]:
            cells = _cells_s(out / e["executed"])
            parts.setdefault("cells", []).append(cells)
            parts.setdefault("kernel_overhead", []).append(e["execute_s"] - cells)
            parts.setdefault("render", []).append(e.get("render_s") or 0.0)
        return dt
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="rounds of (local, dask)")
    ap.add_argument("--engine", default="warm", choices=("warm", "fresh"))
    ap.add_argument(
        "--set", default="region", choices=("region", "demo"), help="region reports or the demo set"
    )
    ap.add_argument("--reports", type=int, default=6, help="at most this many reports (0: all of the set)")
    ap.add_argument(
        "--nthreads", type=int, default=1, help="dask worker --nthreads (0: left out, the worker's default)"
    )
    ap.add_argument("--no-nanny", action="store_true", help="start the workers with dask worker --no-nanny")
    args = ap.parse_args()
    os.environ.setdefault("MPLBACKEND", "Agg")
    jobs = _jobs(args.set, args.reports or None)
    load_start = os.getloadavg()[0]
    times: dict[str, list[float]] = {"local": [], "dask": []}
    parts: dict[str, dict] = {"local": {}, "dask": {}}
    t_cluster = time.perf_counter()
    worker_args = ("--no-nanny",) if args.no_nanny else ()
    with cli_cluster(2, nthreads=args.nthreads or None, worker_args=worker_args) as address:
        cluster_s = time.perf_counter() - t_cluster
        for i in range(args.repeat):
            for executor in ("local", "dask"):
                times[executor].append(_run(jobs, executor, args.engine, address, parts[executor]))
            print(
                f"# round {i + 1}: local {times['local'][-1]:.2f} s, dask {times['dask'][-1]:.2f} s, "
                f"load {os.getloadavg()[0]:.2f}",
                file=sys.stderr,
                flush=True,
            )
    ratios = [d / loc for d, loc in zip(times["dask"], times["local"])]
    print(f"load_average_1min_start: {load_start:.2f}")
    print(f"load_average_1min: {os.getloadavg()[0]:.2f}")
    print(f"reports: {len(jobs)}")
    print(f"engine: {args.engine}")
    print(f"worker_nthreads: {args.nthreads or 'default'}")
    print(f"worker_nanny: {not args.no_nanny}")
    print(f"repeat: {args.repeat}")
    print(f"cluster_start_s: {cluster_s:.2f}")
    print(f"local_s: {statistics.median(times['local']):.2f}")
    print(f"dask_s: {statistics.median(times['dask']):.2f}")
    print(f"local_runs_s: {' '.join(f'{t:.2f}' for t in times['local'])}")
    print(f"dask_runs_s: {' '.join(f'{t:.2f}' for t in times['dask'])}")
    print(f"dask_ratios: {' '.join(f'{r:.2f}' for r in ratios)}")
    for executor in ("local", "dask"):
        for part, values in parts[executor].items():
            print(f"{executor}_{part}_s_per_report: {statistics.median(values):.2f}")
    print(f"dask_ratio_vs_local: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
