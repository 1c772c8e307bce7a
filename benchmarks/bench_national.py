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
import sys
import tempfile
import time
from pathlib import Path

from kinerja_analysis.ingest import national
from kinerja_analysis.run import plan, runner

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _ingestbench import peak_rss_kb, vs_pyarrow  # noqa: E402


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
