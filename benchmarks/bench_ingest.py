"""Ingest benchmark: DJPK CSVs through ``djpk.load`` against a bare ``pandas.read_csv(engine="pyarrow")``
of the same files, in the same process; the peak memory of a process that only loads them; and (real data)
a second load from the Parquet cache (paths.cache_dir(): $KINERJA_CACHE, else ~/.cache/kinerja).

    .venv/bin/python benchmarks/bench_ingest.py [REALDATA_FOLDER] [--repeat N]
    .venv/bin/python benchmarks/bench_ingest.py --national [--repeat N]

``--national`` writes the synthetic national folder (34 provinces and 508 kab/kota, 2019-2025, every trap
planted; ``kinerja_analysis.ingest.national``) to a temporary folder and measures its files instead of the
real province files.

Prints ``name: value`` lines. Targets: ingest_ratio_vs_pyarrow <= 1.5 (real and national files),
cached_reload_s <= 0.2; ingest_peak_rss_gb is printed. The two loads run alternately N times; the ratio is
the median of the paired ratios (background load hits both sides alike), and the best-of-N times are
printed too.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from kinerja_analysis import paths
from kinerja_analysis.ingest import djpk, national

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _ingestbench import peak_rss_kb, vs_pyarrow  # noqa: E402


def _report(folder: Path, repeat: int) -> None:
    got = vs_pyarrow(folder, repeat)
    print(f"files: {got['files']}")
    print(f"rows: {got['rows']}")
    print(f"bare_pyarrow_read_csv_s: {got['bare_s']:.4f}")
    print(f"djpk_load_s: {got['load_s']:.4f}")
    # headline: median of the paired (alternating) ratios, robust to load from other processes on the machine
    print(f"ingest_ratio_vs_pyarrow: {got['ratio']:.2f}")
    print(f"ingest_ratio_best_of: {got['ratio_best_of']:.2f}")
    print(f"ingest_peak_rss_gb: {peak_rss_kb(folder) / 1024**2:.3f}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "folder",
        nargs="?",
        default=os.environ.get("KINERJA_REALDATA", str(paths.ROOT.parent / "shared" / "realdata")),
    )
    ap.add_argument("--repeat", type=int, default=31)
    ap.add_argument(
        "--national", action="store_true", help="the synthetic national folder instead of the real files"
    )
    args = ap.parse_args(argv)
    if args.national:
        with tempfile.TemporaryDirectory(prefix="kinerja-national-") as tmp:
            national.write(Path(tmp))
            print("data: synthetic national folder")
            _report(Path(tmp) / "djpk-apbd-jaga", args.repeat)
        return 0
    folder = Path(args.folder)
    folder = folder / "djpk-apbd-jaga" if (folder / "djpk-apbd-jaga").is_dir() else folder
    print(f"data: {paths.display_path(folder)}")
    _report(folder, args.repeat)
    files = djpk.files(folder)
    cache_dir = paths.cache_dir()  # the user cache folder ($KINERJA_CACHE), never the checkout
    djpk.read_accounts(files, cache=True)  # writes the Parquet cache once
    t_cache = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        djpk.load(files, cache=True)
        t_cache.append(time.perf_counter() - t0)
    print(f"cached_reload_s: {min(t_cache):.4f}")
    print(f"cache_dir: {paths.display_path(cache_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
