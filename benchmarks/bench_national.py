"""National benchmark: the synthetic national folder (``kinerja demo --national``: 34 provinces and 508
kab/kota, 2019-2025, every trap planted) rendered page by page with ``--region all``, and ``djpk.load`` on
its files against a bare pyarrow read of the same files, in the same process.

    .venv/bin/python benchmarks/bench_national.py [--limit N] [--jobs J] [--fresh-kernels] [--repeat R] [--no-ingest]

``--limit N`` renders the national page and the first N pemda pages only (the full run renders 542 pages).
The prepared store starts cold (a temporary cache folder), so the run's prepare step is timed as well.
Prints ``name: value`` lines: ``national_pages``, ``national_failed``, ``national_prepare_s`` (the runner's
prepare step: the national measures per level), ``national_s_per_page`` (wall time less the prepare step,
per page), ``floor_s_per_report`` (papermill of an import-only notebook plus an HTML export per page, in as
many workers, measured in the same run), ``national_ratio_vs_floor`` (target <= 1.2),
``national_projected_542_min`` (prepare + 542 pages at that rate; target <= 8),
``national_ingest_ratio_vs_pyarrow`` (target <= 1.5; median of paired, alternating runs),
``national_ingest_peak_rss_mb`` (peak resident memory of a child process that only loads the folder) and
``national_rows``.
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
from _ingestbench import peak_rss_kb, vs_pyarrow  # noqa: E402

from kinerja_analysis.ingest import national  # noqa: E402
from kinerja_analysis.run import plan, runner  # noqa: E402

#: the pages of the whole national folder: the national page and one per pemda with a code (34 provinces and
#: 507 of the 508 kab/kota: one is planted without a code, ingest.national_files.code_tables)
ALL_PAGES = 542


def ingest(folder: Path, repeat: int) -> dict:
    """The ingest figures of the national folder (``_ingestbench.vs_pyarrow`` and ``peak_rss_kb``)."""
    got = vs_pyarrow(folder, repeat)
    return {
        "national_rows": got["rows"],
        "national_bare_pyarrow_s": round(got["bare_s"], 3),
        "national_djpk_load_s": round(got["load_s"], 3),
        "national_ingest_ratio_vs_pyarrow": round(got["ratio"], 2),
        "national_ingest_peak_rss_mb": round(peak_rss_kb(folder) / 1024, 1),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--limit", type=int, default=0, help="render the national page and the first N pemda pages"
    )
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument(
        "--fresh-kernels", action="store_true", help="a new kernel per page (default: warm kernels)"
    )
    ap.add_argument("--repeat", type=int, default=7, help="paired ingest runs")
    ap.add_argument("--no-ingest", action="store_true", help="skip the ingest figures")
    args = ap.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    with tempfile.TemporaryDirectory(prefix="kinerja-national-") as tmp:
        os.environ["KINERJA_CACHE"] = str(Path(tmp) / "cache")  # a cold prepared store: prepare is timed too
        folder = Path(tmp) / "national"
        t0 = time.perf_counter()
        national.write(folder)
        print(f"national_write_s: {time.perf_counter() - t0:.1f}")
        print(f"load_average_1min: {os.getloadavg()[0]:.2f}")
        if not args.no_ingest:
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
            engine="fresh" if args.fresh_kernels else "warm",
        )
        wall = time.perf_counter() - t0
        n = max(len(manifest["reports"]), 1)
        prepare_s = sum(p["seconds"] for p in manifest["run"]["prepared"])
        per_page = (wall - prepare_s) / n
        floor = floor_time(n, args.jobs) / n
        failed = [r["name"] for r in manifest["reports"] if r["status"] != "ok"]
        print(f"national_pages: {n}")
        print(f"national_failed: {len(failed)}")
        print(f"national_wall_s: {wall:.1f}")
        print(f"national_prepare_s: {prepare_s:.1f}")
        print(f"national_s_per_page: {per_page:.2f}")
        print(f"floor_s_per_report: {floor:.2f}")
        print(f"national_ratio_vs_floor: {per_page / floor:.2f}")
        print(f"national_projected_542_min: {(prepare_s + per_page * ALL_PAGES) / 60:.1f}")
        print(f"load_average_1min_end: {os.getloadavg()[0]:.2f}")
        if failed:
            print(f"national_failed_pages: {', '.join(failed[:10])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
