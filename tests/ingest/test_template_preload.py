"""template.preload / forget: a data folder parsed once, handed out as independent copies while unchanged."""

from __future__ import annotations

import os
import shutil

import pytest

from kinerja_analysis import paths
from kinerja_analysis.errors import DataError
from kinerja_analysis.ingest import template


class Parsed(Exception):
    """Raised by the patched reader: the folder was parsed, not taken from the memo."""


@pytest.fixture(autouse=True)
def _clean_memo():
    template.forget()
    yield
    template.forget()


@pytest.fixture()
def folder(tmp_path):
    dest = tmp_path / "demo"
    shutil.copytree(paths.DEMO_DATA, dest)
    return dest


def _no_parsing(monkeypatch):
    def read_table(*args, **kwargs):
        raise Parsed

    monkeypatch.setattr(template, "read_table", read_table)


def test_preloaded_folder_is_not_parsed_again(folder, monkeypatch):
    fresh = template.load_folder(folder)
    template.preload([folder])
    _no_parsing(monkeypatch)
    ds = template.load_folder(folder)
    assert ds.kinerja.equals(fresh.kinerja) and ds.issues.equals(fresh.issues)
    assert ds.files == fresh.files and ds.data_hash == fresh.data_hash
    assert template.load_folder(str(folder)).kinerja.equals(fresh.kinerja)  # the same folder spelled as text
    with pytest.raises(Parsed):  # strict loads always parse (they may raise on errors)
        template.load_folder(folder, strict=True)


def test_copies_share_nothing_mutable(folder):
    template.preload([folder])
    a = template.load_folder(folder)
    a.kinerja.loc[0, "actual"] = -1.0
    a.regions.loc[0, "region_name"] = "changed"
    a.files["added.csv"] = "x"
    a.accounting["kinerja.csv"]["kept"] = -1
    b = template.load_folder(folder)
    assert b.kinerja.loc[0, "actual"] != -1.0 and b.regions.loc[0, "region_name"] != "changed"
    assert "added.csv" not in b.files and b.accounting["kinerja.csv"]["kept"] > 0
    assert a.kinerja is not b.kinerja


def test_changed_folder_is_parsed_again(folder, monkeypatch):
    template.preload([folder])
    regions = folder / "regions.csv"
    regions.write_text(
        regions.read_text(encoding="utf-8").replace("Kota Pelita", "Kota Pelita Baru"), encoding="utf-8"
    )
    st = regions.stat()
    os.utime(regions, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert template.load_folder(folder).region_name("99.71") == "Kota Pelita Baru (fiktif)"
    (folder / "extra.txt").write_text("a new file changes the folder too", encoding="utf-8")
    _no_parsing(monkeypatch)
    with pytest.raises(Parsed):
        template.load_folder(folder)


def test_forget_clears_the_memo(folder, monkeypatch):
    template.preload([folder])
    template.forget()
    _no_parsing(monkeypatch)
    with pytest.raises(Parsed):
        template.load_folder(folder)


def test_a_folder_that_does_not_load_is_left_to_load_folder(tmp_path, folder):
    missing = tmp_path / "missing"
    template.preload([missing, folder])  # no exception: the report shows the error later
    with pytest.raises(DataError, match="data folder not found"):
        template.load_folder(missing)
    assert len(template.load_folder(folder).kinerja) > 0
