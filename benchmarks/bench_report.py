"""The whole demo report set against its floor, measured in the same run.

Floor: one papermill execution per report of a notebook that only imports pandas and matplotlib (fresh
kernel each, lean settings), plus one HTML export each, in as many worker processes as our run uses.
Ours: ``runner.run`` on the demo data with the warm-kernel engine (what ``kinerja report --warm-kernels``
does), pages, index, manifest, open data included. ``sum_execute_s``, ``sum_render_s`` and ``sum_duration_s``
add up the manifest's per-report times (papermill execution; results, context and HTML page; everything),
which tells where the report set's time went. Both use ``run.kernels.IPCKernelManager``, so what it saves
(a killed kernel is looked for every 10 ms, not 100 ms) the floor saves too.

    .venv/bin/python benchmarks/bench_report.py [--jobs 2] [--engine warm|fresh]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _batchbench import floor_time  # noqa: E402

from kinerja_analysis import paths  # noqa: E402
from kinerja_analysis.run import plan, runner  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--engine", default="warm")
    args = ap.parse_args()
    os.environ.setdefault("MPLBACKEND", "Agg")
    jobs = plan.for_folder(paths.DEMO_DATA)
    out = Path(tempfile.mkdtemp(prefix="kinerja-bench-report-"))
    t0 = time.perf_counter()
    m = runner.run(jobs, out, n_jobs=args.jobs, engine=args.engine)
    ours = time.perf_counter() - t0
    assert m["run"]["n_failed"] == 0, [e["error"] for e in m["reports"] if e["status"] == "failed"]
    floor = floor_time(len(jobs), args.jobs)
    print(f"load_average_1min: {os.getloadavg()[0]:.2f}")
    print(f"reports: {len(jobs)}")
    print(f"jobs: {args.jobs}")
    print(f"engine: {args.engine}")
    print(f"report_set_s: {ours:.2f}")
    print(f"floor_s: {floor:.2f}")
    print(f"report_set_ratio_vs_floor: {ours / floor:.2f}")
    # where the report set's time went, summed over the reports (seconds of the workers, not wall time)
    for key in ("execute_s", "render_s", "duration_s"):
        print(f"sum_{key}: {sum(e.get(key) or 0.0 for e in m['reports']):.2f}")


if __name__ == "__main__":
    main()
