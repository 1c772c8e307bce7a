"""Shared fixtures. Real-data tests skip cleanly when ../shared/realdata is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kinerja_analysis import paths

REALDATA = Path(os.environ.get("KINERJA_REALDATA", paths.ROOT.parent / "shared" / "realdata"))

os.environ.setdefault("MPLBACKEND", "Agg")
# every laid-out figure of every page a test renders must draw inside its edges (report.page.check_inside)
os.environ.setdefault("KINERJA_CHECK_FIGURES", "1")


@pytest.fixture(scope="session", autouse=True)
def _cache_in_a_temp_folder(tmp_path_factory):
    """Parsed-data caches of a test run go to a temporary folder, never to the user's ~/.cache/kinerja
    (kernels and CLI subprocesses inherit the variable)."""
    old = os.environ.get("KINERJA_CACHE")
    os.environ["KINERJA_CACHE"] = str(tmp_path_factory.mktemp("kinerja-cache"))
    yield
    if old is None:
        os.environ.pop("KINERJA_CACHE", None)
    else:
        os.environ["KINERJA_CACHE"] = old


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    if not (paths.DEMO_DATA / "kinerja.csv").exists():
        pytest.fail("data/demo is missing: run `kinerja demo` (the demo data is committed)")
    return paths.DEMO_DATA


@pytest.fixture(scope="session")
def demo_prepared(demo_dir):
    from kinerja_analysis.analysis import prepare as data

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
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "kinerja_analysis.cli",
                    "report",
                    "--data",
                    str(demo_dir),
                    "--out",
                    str(out),
                    "--jobs",
                    "2",
                    "--lang",
                    lang,
                ],
                capture_output=True,
                text=True,
                timeout=1200,
            )
            assert proc.returncode == 0, proc.stdout + proc.stderr
            cache[lang] = (out, proc)
        return cache[lang]

    return get


@pytest.fixture(scope="session")
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip(
            f"real data folder {REALDATA} is absent (set KINERJA_REALDATA or place ../shared/realdata)"
        )
    return REALDATA


def _realdata_available() -> bool:
    from kinerja_analysis.ingest import realdata as rd

    return any(c.is_dir() and rd.is_realdata_folder(c) for c in rd.candidates())


def pytest_collection_modifyitems(config, items):
    """Notebooks 05-07 run on the real public data: skip their nbval cells in a fresh clone without it."""
    real = ("05_province_outcomes.ipynb", "06_pemda.ipynb", "07_national.ipynb")
    nb_items = [i for i in items if str(getattr(i, "fspath", "")).endswith(real)]
    if nb_items and not _realdata_available():
        skip = pytest.mark.skip(
            reason="notebooks 05-07 need the real data: run `kinerja data fetch` (data/raw/), "
            "or set KINERJA_REALDATA, or place ../shared/realdata"
        )
        for item in nb_items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def pemda_pages(tmp_path_factory):
    """Pemda pages (06) of two kab/kota of the invented fixture, the national page (07) and a page for an
    unknown code: a function ``lang -> (out folder, manifest)`` that renders each language once. Shared by the
    e2e and browser tests."""
    cache: dict = {}

    def get(lang: str = "id"):
        if lang not in cache:
            cache[lang] = _render_pemda_pages(tmp_path_factory, lang)
        return cache[lang]

    return get


def _render_pemda_pages(tmp_path_factory, lang: str):
    from kabkota_fixture import pemda_jobs, realdata_folder

    from kinerja_analysis.run import runner

    root = tmp_path_factory.mktemp(f"pemda-e2e-{lang}")
    data = realdata_folder(root)
    out = root / "out"
    manifest = runner.run(pemda_jobs(data, lang), out, n_jobs=2, lang=lang)
    return out, manifest


@pytest.fixture(scope="session")
def province_pages(realdata, tmp_path_factory):
    """The province report (05) on the real files: a function ``lang -> (out folder, manifest)`` that renders
    each language once."""
    from kinerja_analysis.run import plan, runner

    cache: dict = {}

    def get(lang: str = "en"):
        if lang not in cache:
            out = tmp_path_factory.mktemp(f"province-e2e-{lang}")
            cache[lang] = out, runner.run(plan.for_folder(realdata, lang=lang), out, n_jobs=1)
        return cache[lang]

    return get
