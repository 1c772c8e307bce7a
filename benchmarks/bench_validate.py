"""Validation benchmark: a workbook whose used range claims a million rows, and the demo data folder.

    .venv/bin/python benchmarks/bench_validate.py [--repeat N]

Prints ``name: value`` lines:

- ``validate_bigrange_s``: ``kinerja validate`` (``validate.validate_path``) on a generated 5-row xlsx with
  one formatted empty cell at A1048576 (its used range is A1:I1048576), best of N, each in a fresh child
  process after the imports (so no cache of a previous run helps);
- ``validate_bigrange_cli_s``: the whole ``python -m kinerja_analysis.cli validate FILE`` command, best of N;
- ``validate_bigrange_peak_rss_gb``: the child's peak RSS (``resource.getrusage``), imports included;
- ``validate_demo_s``: ``validate.validate_path(data/demo)`` in this process, best of N after a warm-up.

Targets: bigrange about a second and well under 0.5 GB (it took about a minute and 2.5 GB when the reader
walked the whole used range); demo no slower than before.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kinerja_analysis import paths
from kinerja_analysis.ingest import validate

HEADER = [
    "kode_wilayah",
    "tahun",
    "opd",
    "kode_indikator",
    "indikator",
    "satuan",
    "polaritas",
    "target",
    "realisasi",
]


def make_bigrange(folder: Path) -> Path:
    """A 5-row kinerja workbook (header and 4 data rows) with a formatted empty cell at A1048576."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "kinerja"
    ws.append(HEADER)
    for i in range(1, 5):
        ws.append(
            [
                "71.73",
                2020 + i // 3,
                "Dinas Kesehatan",
                f"K{i}",
                f"Indikator {i}",
                "%",
                "positif",
                100,
                90 + i,
            ]
        )
    ws.cell(row=1_048_576, column=1).number_format = "0.00"
    path = folder / "kinerja_bigrange.xlsx"
    wb.save(path)
    return path


def child(path: str) -> None:
    """Validate ``path`` once; print the seconds, the peak RSS and the issue counts as JSON."""
    t0 = time.perf_counter()
    issues = validate.validate_path(path)
    seconds = time.perf_counter() - t0
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss_gb": peak_kb / 1024**2,
                "errors": int((issues["severity"] == "error").sum()),
                "warnings": int((issues["severity"] == "warning").sum()),
            }
        )
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-validate-") as tmp:
        path = make_bigrange(Path(tmp))
        runs = []
        for _ in range(args.repeat):
            proc = subprocess.run(
                [sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=True
            )
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        cli = []
        for _ in range(args.repeat):  # the whole command, interpreter start and imports included
            t0 = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "kinerja_analysis.cli", "validate", str(path)],
                capture_output=True,
                text=True,
            )
            cli.append(time.perf_counter() - t0)
            assert proc.returncode == 0, proc.stdout + proc.stderr
    validate.validate_path(paths.DEMO_DATA)  # warm-up: imports and file cache
    t_demo = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        demo = validate.validate_path(paths.DEMO_DATA)
        t_demo.append(time.perf_counter() - t0)
    print(f"validate_bigrange_s: {min(r['seconds'] for r in runs):.3f}")
    print(f"validate_bigrange_cli_s: {min(cli):.3f}")
    print(f"validate_bigrange_peak_rss_gb: {max(r['peak_rss_gb'] for r in runs):.3f}")
    print(f"validate_bigrange_issues: {runs[0]['errors']} error(s), {runs[0]['warnings']} warning(s)")
    print(f"validate_demo_s: {min(t_demo):.3f}")
    print(
        f"validate_demo_issues: {int((demo['severity'] == 'error').sum())} error(s), "
        f"{int((demo['severity'] == 'warning').sum())} warning(s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
