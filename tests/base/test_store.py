"""The prepared store: computed once per key, read back from Parquet identically, keyed by content and
code, switched off by KINERJA_PREPARED=off; the per-process memo hands out copies while files are unchanged."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from kinerja_analysis import store


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KINERJA_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv(store.ENV, raising=False)
    store.forget()
    yield
    store.forget()


def _table():
    return pd.DataFrame(
        {
            "region_code": ["11.01", "11.02", "11"],
            "kind": ["kabupaten", "kota", "provinsi"],
            "value": [1.5, np.nan, -2.25],
            "year": [2020, 2021, 2022],
            "label": ["a", None, "c"],
        }
    )


def test_tables_computed_once_then_read_back_identically(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        t = _table()
        t.attrs["note"] = "kept"
        return {"m": t}

    first = store.tables("demo", {"data": "x"}, compute)["m"]
    again = store.tables("demo", {"data": "x"}, compute)["m"]  # memory
    store.forget()
    disk = store.tables("demo", {"data": "x"}, compute)["m"]  # Parquet copy, as another process sees it
    assert len(calls) == 1
    for t in (again, disk):
        pd.testing.assert_frame_equal(t, first)
    assert disk.attrs == {"note": "kept"}
    # a caller changing its copy does not change the next caller's
    again.loc[0, "value"] = 99.0
    assert store.tables("demo", {"data": "x"}, compute)["m"].loc[0, "value"] == 1.5
    # other parts, another entry
    store.tables("demo", {"data": "y"}, compute)
    assert len(calls) == 2
    assert len(list((tmp_path / "cache" / "prepared").iterdir())) == 2


def test_key_follows_kind_parts_and_package_code(monkeypatch):
    k = store.key("a", {"p": 1})
    assert k == store.key("a", {"p": 1}) != store.key("a", {"p": 2}) != store.key("b", {"p": 1})
    monkeypatch.setattr(store, "code_hash", lambda: "0" * 64)
    assert store.key("a", {"p": 1}) != k


def test_code_hash_changes_with_any_package_file(tmp_path, monkeypatch):
    pkg = tmp_path / "pkg"
    shutil.copytree(store.PACKAGE, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(store, "PACKAGE", pkg)
    store.code_hash.cache_clear()
    try:
        before = store.code_hash()
        msg = pkg / "messages" / "core.json"
        msg.write_text(msg.read_text(encoding="utf-8") + " ", encoding="utf-8")  # a message, not a .py file
        store.code_hash.cache_clear()
        assert store.code_hash() != before
    finally:
        store.code_hash.cache_clear()


def test_off_computes_every_time_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(store.ENV, "off")
    calls = []
    for _ in range(2):
        store.tables("demo", {}, lambda: calls.append(1) or {"m": _table()})
    assert len(calls) == 2 and not (tmp_path / "cache").exists()


def test_unreadable_copy_is_recomputed(tmp_path):
    calls = []
    store.tables("demo", {}, lambda: calls.append(1) or {"m": _table()})
    store.forget()
    (where,) = (tmp_path / "cache" / "prepared").iterdir()
    (where / "m.parquet").write_bytes(b"not parquet")
    out = store.tables("demo", {}, lambda: calls.append(1) or {"m": _table()})["m"]
    assert len(calls) == 2
    pd.testing.assert_frame_equal(out, _table())
    # an index of another layout version is never read
    store.forget()
    index = json.loads((where / "index.json").read_text())
    (where / "index.json").write_text(json.dumps({**index, "version": -1}))
    store.tables("demo", {}, lambda: calls.append(1) or {"m": _table()})
    assert len(calls) == 3


def test_prepared_keys_on_the_content_of_its_arguments():
    calls = []

    @store.prepared("scaled")
    def scaled(t: pd.DataFrame, factor: float, *, by=("region_code",)) -> pd.DataFrame:
        calls.append(1)
        return t.assign(value=t["value"] * factor)

    a = scaled(_table(), 2.0)
    b = scaled(_table().copy(), 2.0)  # another object, the same content
    assert len(calls) == 1
    pd.testing.assert_frame_equal(a, b)
    assert b.loc[2, "value"] == -4.5
    scaled(_table().assign(value=[1.0, 2.0, 3.0]), 2.0)  # other content
    scaled(_table(), 3.0)  # other argument
    scaled(_table(), 2.0, by=("kind",))
    assert len(calls) == 4
    pd.testing.assert_frame_equal(scaled.uncached(_table(), 2.0), a)


def _texts(values, storage="pyarrow"):
    return pd.Series(values, dtype=pd.StringDtype(storage=storage, na_value=np.nan))


def test_frame_hash_tells_apart_what_differs_and_not_what_is_copied():
    t = _table().assign(
        text=_texts(["ab", None, ""]),
        cat=pd.Categorical(["x", "y", "x"]),
        flag=[True, False, True],
        n=pd.array([1, None, 3], dtype="Int64"),
    )
    h = store.frame_hash(t)
    assert store.frame_hash(t.copy()) == h
    assert store.frame_hash(pd.concat([t.iloc[:1], t.iloc[1:]])) == h  # rebuilt from pieces
    changed = {
        "a value": t.assign(value=[1.5, np.nan, -2.0]),
        "missing for empty": t.assign(text=_texts(["ab", "", ""])),
        "characters moved between rows": t.assign(text=_texts(["a", None, "b"])),
        "one string split in two": t.assign(text=_texts(["a", None, "b"])).iloc[[0, 2]],
        "a category": t.assign(cat=pd.Categorical(["x", "x", "x"], categories=["x", "y"])),
        "a flag": t.assign(flag=[True, True, True]),
        "a nullable int": t.assign(n=pd.array([1, 2, 3], dtype="Int64")),
        "an object text": t.assign(kind=["kabupaten", "kota", "kota"]),
        "the index": t.set_axis([0, 1, 5]),
        "the row order": t.iloc[[1, 0, 2]],
        "a column name": t.rename(columns={"year": "tahun"}),
        "a dtype": t.assign(year=t["year"].astype("float64")),
        "fewer rows": t.iloc[:2],
        "a multi-index": t.set_index(["region_code", "kind"]),
    }
    seen = {h}
    for what, other in changed.items():
        got = store.frame_hash(other)
        assert got not in seen, what
        seen.add(got)


def test_frame_hash_reads_a_sliced_or_chunked_text_column_as_its_values():
    pa = pytest.importorskip("pyarrow")
    whole = pd.DataFrame({"t": _texts(["zz", "a", None, "bcd", "e"])})
    part = whole.iloc[1:4].reset_index(drop=True)  # an arrow slice: an offset into the parent's buffers
    fresh = pd.DataFrame({"t": _texts(["a", None, "bcd"])})
    assert store.frame_hash(part) == store.frame_hash(fresh)
    chunked = pa.chunked_array(
        [pa.array(["a", None], pa.large_string()), pa.array(["bcd"], pa.large_string())]
    )
    as_chunks = pd.DataFrame({"t": pd.Series(pd.arrays.ArrowStringArray(chunked), dtype=fresh["t"].dtype)})
    assert store.frame_hash(as_chunks) == store.frame_hash(fresh)
    python_strings = pd.DataFrame({"t": _texts(["a", None, "bcd"], storage="python")})
    assert store.frame_hash(python_strings) == store.frame_hash(python_strings.copy())  # converted by pyarrow


def test_prepared_computes_uncached_what_it_cannot_key(tmp_path):
    calls = []

    @store.prepared("odd")
    def odd(t, thing):
        calls.append(1)
        return t

    odd(_table(), object())
    odd(_table(), object())
    assert len(calls) == 2 and not (tmp_path / "cache").exists()


def test_memo_hands_out_copies_while_files_are_unchanged(tmp_path):
    from dataclasses import dataclass, field

    @dataclass
    class Thing:
        t: pd.DataFrame
        names: list = field(default_factory=list)

    folder = tmp_path / "data"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.csv").write_text("x\n1\n")
    memo = store.Memo()
    memo.put(folder, Thing(_table(), ["a"]), "kabkota")
    got = memo.get(folder, "kabkota")
    got.t.loc[0, "value"] = 0.0
    got.names.append("b")
    again = memo.get(folder, "kabkota")
    assert again.t.loc[0, "value"] == 1.5 and again.names == ["a"]
    assert memo.get(folder, "provinsi") is None  # other options: not remembered
    (folder / "sub" / "a.csv").write_text("x\n1\n2\n")  # a file below the folder changed
    assert memo.get(folder, "kabkota") is None


def test_memo_of_a_file_follows_the_file(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("x\n1\n")
    memo = store.Memo()
    memo.put(f, _table())
    pd.testing.assert_frame_equal(memo.get(f), _table())
    f.write_text("x\n1\n22\n")
    assert memo.get(f) is None


@pytest.mark.parametrize("on", [True, False])
def test_select_returns_only_the_rows_asked_for(monkeypatch, on):
    if not on:
        monkeypatch.setenv(store.ENV, "off")
    for _ in range(2):  # computed, then remembered
        out = store.tables("demo", {}, lambda: {"m": _table()}, select={"kind": "kota"})["m"]
        assert out["region_code"].tolist() == ["11.02"] and out.index.tolist() == [0]
    assert len(store.tables("demo", {}, lambda: {"m": _table()})["m"]) == 3
