"""Writer benchmark for the synthetic national folder (:mod:`kinerja_analysis.ingest.national`).

    .venv/bin/python benchmarks/bench_national_write.py [--provinces 60 --kabkota 5880 --first-year 1995]

Draws the values and writes the scraper's account CSVs of a folder of about 10 million rows (60 provinces x 98
kab/kota each, 1995-2025, in a temporary folder that is removed afterwards), then the default national folder
(34 provinces, 508 kab/kota, 2019-2025, with truth.json). Prints ``name: value`` lines.
Target: ``national_write_10m_s`` well under 60 s. ``national_write_10m_cpu_s`` is the CPU time of all threads
(the files are written two at a time): on a shared machine it says what the run costs when wall time does not.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from kinerja_analysis.ingest import national, national_catalogue, national_files


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--provinces", type=int, default=60)
    ap.add_argument("--kabkota", type=int, default=60 * 98)
    ap.add_argument("--first-year", type=int, default=1995)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="kinerja-national-"))
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        years = tuple(range(args.first_year, 2026))
        data = national.generate(provinces=args.provinces, kabkota=args.kabkota, years=years)
        t1 = time.perf_counter()
        national_files.write_all(tmp / "big", data, national_catalogue.labels, None)
        t2, c2 = time.perf_counter(), time.process_time()
        rows = national.expected_rows(data)
        size = sum(p.stat().st_size for p in (tmp / "big").rglob("*") if p.is_file())
        shutil.rmtree(tmp / "big")
        t3 = time.perf_counter()
        national.write(tmp / "national")
        t4 = time.perf_counter()
        print(f"national_write_10m_rows: {rows}")
        print(f"national_write_10m_bytes: {size}")
        print(f"national_write_10m_draw_s: {t1 - t0:.2f}")
        print(f"national_write_10m_files_s: {t2 - t1:.2f}")
        print(f"national_write_10m_s: {t2 - t0:.2f}")
        print(f"national_write_10m_cpu_s: {c2 - c0:.2f}")
        print(f"national_write_rows_per_s: {rows / (t2 - t0):.0f}")
        print(f"national_default_write_s: {t4 - t3:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
