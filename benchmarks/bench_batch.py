"""48 region reports: ours with --jobs 2 and --jobs 1 against a naive baseline, in the same run.

Naive: ``papermill.execute_notebook`` per report with default settings, in 2 worker processes, plus a
fresh nbconvert ``HTMLExporter`` export each. Ours: ``runner.run`` (warm-kernel engine, as
``kinerja report --warm-kernels --jobs N``) with pages, index, manifest and open data. The data folder
is synthetic: demo data of several seeds with re-coded regions, concatenated into a temporary folder.

    .venv/bin/python benchmarks/bench_batch.py [--regions 48] [--engine warm|fresh]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _batchbench import big_folder, naive_time  # noqa: E402

from kinerja_analysis.run import plan, runner  # noqa: E402
from kinerja_analysis.run.execute import Job  # noqa: E402


def _ours(jobs, n: int, engine: str) -> float:
    out = Path(tempfile.mkdtemp(prefix=f"kinerja-bench-batch-{n}-"))
    t0 = time.perf_counter()
    m = runner.run(
        [Job(j.name, j.notebook, dict(j.parameters), j.region) for j in jobs], out, n_jobs=n, engine=engine
    )
    dt = time.perf_counter() - t0
    assert m["run"]["n_failed"] == 0, [e["error"] for e in m["reports"] if e["status"] == "failed"][:3]
    return dt


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--regions", type=int, default=48)
    ap.add_argument("--engine", default="warm")
    args = ap.parse_args()
    os.environ.setdefault("MPLBACKEND", "Agg")
    folder = big_folder(args.regions)
    jobs = [j for j in plan.for_folder(folder) if j.notebook == "04_region_report"]
    assert len(jobs) == args.regions, len(jobs)
    print(f"regions: {len(jobs)}")
    print(f"engine: {args.engine}")
    print(f"load_average_1min_start: {os.getloadavg()[0]:.2f}", flush=True)
    ours2 = _ours(jobs, 2, args.engine)
    print(f"ours_jobs2_s: {ours2:.2f}", flush=True)
    naive = naive_time(jobs, 2)
    print(f"naive_jobs2_s: {naive:.2f}", flush=True)
    ours1 = _ours(jobs, 1, args.engine)
    print(f"ours_jobs1_s: {ours1:.2f}")
    print(f"load_average_1min_end: {os.getloadavg()[0]:.2f}")
    print(f"batch_ratio_vs_naive: {ours2 / naive:.2f}")
    print(f"batch_speedup_2_jobs: {ours1 / ours2:.2f}")
    print(f"projected_542_regions_jobs2_min: {ours2 / len(jobs) * 542 / 60:.1f}")
    print(f"projected_542_regions_naive_min: {naive / len(jobs) * 542 / 60:.1f}")


if __name__ == "__main__":
    main()
