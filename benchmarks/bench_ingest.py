"""Ingest benchmark: every real DJPK CSV through ``djpk.load`` against a bare ``pandas.read_csv(engine="pyarrow")``
of the same files, in the same process, and a second load from the Parquet cache (paths.cache_dir(): $KINERJA_CACHE, else ~/.cache/kinerja).

    .venv/bin/python benchmarks/bench_ingest.py [REALDATA_FOLDER] [--repeat N]

Prints ``name: value`` lines. Targets: ingest_ratio_vs_pyarrow <= 1.5, cached_reload_s <= 0.2.
The two loads run alternately N times; the ratio is the median of the paired ratios (background load
hits both sides alike), and the best-of-N times are printed too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

from kinerja_analysis import paths
from kinerja_analysis.ingest import djpk


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "folder",
        nargs="?",
        default=os.environ.get("KINERJA_REALDATA", str(paths.ROOT.parent / "shared" / "realdata")),
    )
    ap.add_argument("--repeat", type=int, default=31)
    args = ap.parse_args(argv)
    folder = Path(args.folder)
    folder = folder / "djpk-apbd-jaga" if (folder / "djpk-apbd-jaga").is_dir() else folder
    files = djpk.files(folder)
    n_rows = sum(len(pd.read_csv(f, engine="pyarrow")) for f in files)  # warm-up: imports and file cache

    def bare():
        return [pd.read_csv(f, engine="pyarrow") for f in files]

    def ours():
        return djpk.load(files)

    ours()
    t_bare, t_ours = [], []
    for _ in range(args.repeat):
        for fn, acc in ((bare, t_bare), (ours, t_ours)):
            t0 = time.perf_counter()
            fn()
            acc.append(time.perf_counter() - t0)
    cache_dir = paths.cache_dir()  # the user cache folder ($KINERJA_CACHE), never the checkout
    djpk.read_accounts(files, cache=True)  # writes the Parquet cache once
    t_cache = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        djpk.load(files, cache=True)
        t_cache.append(time.perf_counter() - t0)
    print(f"files: {len(files)}")
    print(f"rows: {n_rows}")
    print(f"bare_pyarrow_read_csv_s: {min(t_bare):.4f}")
    print(f"djpk_load_s: {min(t_ours):.4f}")
    # headline: median of the paired (alternating) ratios, robust to load from other processes on the machine
    print(f"ingest_ratio_vs_pyarrow: {statistics.median(o / b for o, b in zip(t_ours, t_bare)):.2f}")
    print(f"ingest_ratio_best_of: {min(t_ours) / min(t_bare):.2f}")
    print(f"cached_reload_s: {min(t_cache):.4f}")
    print(f"cache_dir: {paths.display_path(cache_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
