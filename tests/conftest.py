"""Shared fixtures. Real-data tests skip cleanly when ../shared/realdata is absent."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from kinerja_analysis import paths

REALDATA = Path(os.environ.get("KINERJA_REALDATA", paths.ROOT.parent / "shared" / "realdata"))

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    if not (paths.DEMO_DATA / "kinerja.csv").exists():
        pytest.fail("data/demo is missing: run `kinerja demo` (the demo data is committed)")
    return paths.DEMO_DATA


@pytest.fixture(scope="session")
def demo_prepared(demo_dir):
    from kinerja_analysis import data

    return data.load(demo_dir)


@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory, demo_dir):
    """Render the demo report set once per language (through the real CLI) and share it between tests.

    Returns a function ``lang -> (out_dir, completed_process)``.
    """
    import subprocess
    import sys

    cache: dict = {}

    def get(lang: str = "en"):
        if lang not in cache:
            out = tmp_path_factory.mktemp(f"reports-{lang}") / "demo"
            proc = subprocess.run([sys.executable, "-m", "kinerja_analysis.cli", "report", "--data", str(demo_dir),
                                   "--out", str(out), "--jobs", "2", "--lang", lang],
                                  capture_output=True, text=True, timeout=1200)
            assert proc.returncode == 0, proc.stdout + proc.stderr
            cache[lang] = (out, proc)
        return cache[lang]

    return get


@pytest.fixture(scope="session")
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip(f"real data folder {REALDATA} is absent (set KINERJA_REALDATA or place ../shared/realdata)")
    return REALDATA
