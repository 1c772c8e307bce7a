"""National benchmark: the synthetic national folder (``kinerja demo --national``: 34 provinces and 508
kab/kota, 2019-2025, every trap planted) rendered page by page with ``--region all``, and ``djpk.load`` on
its files against a bare pyarrow read of the same files, in the same process.

    .venv/bin/python benchmarks/bench_national.py [--limit N] [--jobs J] [--warm-kernels] [--repeat R]

``--limit N`` renders the national page and the first N pemda pages only (the full run renders 543 pages;
at a few seconds a page on 2 cores that is most of an hour). Prints ``name: value`` lines:
``national_pages``, ``national_failed``, ``national_s_per_page``, ``national_ingest_ratio_vs_pyarrow``
(target <= 1.5; median of paired, alternating runs), ``national_ingest_peak_rss_mb`` (peak resident memory
of a child process that only loads the folder) and ``national_rows``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from kinerja_analysis.ingest import djpk, national
from kinerja_analysis.run import plan, runner

_PEAK = """
import resource, sys
from kinerja_analysis.ingest import djpk
djpk.load(sys.argv[1])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def ingest(folder: Path, repeat: int) -> dict:
    files = djpk.files(folder)
    rows = sum(len(pd.read_csv(f, engine="pyarrow")) for f in files)  # warm-up: imports, file cache
    djpk.load(files)
    t_bare, t_ours = [], []
    for _ in range(repeat):
        for fn, acc in (
            (lambda: [pd.read_csv(f, engine="pyarrow") for f in files], t_bare),
            (lambda: djpk.load(files), t_ours),
        ):
            t0 = time.perf_counter()
            fn()
            acc.append(time.perf_counter() - t0)
    peak_kb = int(
        subprocess.run(
            [sys.executable, "-c", _PEAK, str(folder)], capture_output=True, text=True, check=True
        ).stdout.split()[-1]
    )
    return {
        "national_rows": rows,
        "national_bare_pyarrow_s": round(min(t_bare), 3),
        "national_djpk_load_s": round(min(t_ours), 3),
        "national_ingest_ratio_vs_pyarrow": round(
            statistics.median(o / b for o, b in zip(t_ours, t_bare)), 2
        ),
        "national_ingest_peak_rss_mb": round(peak_kb / 1024, 1),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--limit", type=int, default=0, help="render the national page and the first N pemda pages"
    )
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--warm-kernels", action="store_true")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kinerja-national-") as tmp:
        folder = Path(tmp) / "national"
        t0 = time.perf_counter()
        national.write(folder)
        print(f"national_write_s: {time.perf_counter() - t0:.1f}")
        for k, v in ingest(folder / "djpk-apbd-jaga", args.repeat).items():
            print(f"{k}: {v}")
        jobs = plan.realdata_jobs(folder, regions=["all"])
        if args.limit:
            jobs = jobs[: args.limit + 1]  # the national page comes first
        t0 = time.perf_counter()
        manifest = runner.run(
            jobs,
            Path(tmp) / "out",
            n_jobs=args.jobs,
            engine="warm" if args.warm_kernels else "fresh",
        )
        wall = time.perf_counter() - t0
        failed = [r["name"] for r in manifest["reports"] if r["status"] != "ok"]
        print(f"national_pages: {len(manifest['reports'])}")
        print(f"national_failed: {len(failed)}")
        print(f"national_s_per_page: {wall / max(len(manifest['reports']), 1):.2f}")
        print(f"national_wall_s: {wall:.1f}")
        if failed:
            print(f"national_failed_pages: {', '.join(failed[:10])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
