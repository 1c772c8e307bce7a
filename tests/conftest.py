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
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip(f"real data folder {REALDATA} is absent (set KINERJA_REALDATA or place ../shared/realdata)")
    return REALDATA
