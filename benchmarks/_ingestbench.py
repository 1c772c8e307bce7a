"""Shared piece of bench_ingest.py and bench_national.py: ``djpk.load`` against a bare pyarrow read of the
same files, and the peak memory of a process that only loads them."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from kinerja_analysis.ingest import djpk

_PEAK = """
import resource, sys
from kinerja_analysis.ingest import djpk
djpk.load(sys.argv[1])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def vs_pyarrow(folder: Path, repeat: int) -> dict:
    """``djpk.load`` of the DJPK files in ``folder`` against ``pd.read_csv(f, engine="pyarrow")`` of the
    same files, run alternately ``repeat`` times in this process after one warm-up of each (imports, file
    cache). Keys: ``files``, ``rows``, ``bare_s`` and ``load_s`` (best of the runs), ``ratio`` (median of
    the paired ratios: background load hits both sides of a pair alike) and ``ratio_best_of``."""
    files = djpk.files(folder)
    rows = sum(len(pd.read_csv(f, engine="pyarrow")) for f in files)
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
    return {
        "files": len(files),
        "rows": rows,
        "bare_s": min(t_bare),
        "load_s": min(t_ours),
        "ratio": statistics.median(o / b for o, b in zip(t_ours, t_bare)),
        "ratio_best_of": min(t_ours) / min(t_bare),
    }


def peak_rss_kb(folder: Path) -> int:
    """Peak resident memory (ru_maxrss, KiB on Linux) of a fresh Python process that imports the package
    and runs ``djpk.load(folder)``: the import's own memory is in it."""
    out = subprocess.run(
        [sys.executable, "-c", _PEAK, str(folder)], capture_output=True, text=True, check=True
    ).stdout
    return int(out.split()[-1])
