"""The malformed and hostile input corpus (tests/fixtures/input): every fixture produces exactly the
problems EXPECTED.toml declares, never crashes, and accounts for every row it holds.

Expected values below are worked out by hand from the fixture texts in make_fixtures.py.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from kinerja_analysis.ingest import quarterly, template, validate

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "input"
EXPECTED = tomllib.loads((HERE / "EXPECTED.toml").read_text(encoding="utf-8"))
KINERJA = Path(sys.executable).with_name("kinerja")


def _codes(issues, severity):
    sel = issues[issues["severity"] == severity]
    return sorted(f"{r.rule}@{int(r.row)}" if str(r.row) != "<NA>" else r.rule for r in sel.itertuples())


def _matches(have: list[str], want: str) -> bool:
    return want in have or ("@" not in want and any(h.split("@")[0] == want for h in have))


def test_corpus_is_complete():
    files = {
        p.name for p in HERE.iterdir() if p.name not in ("EXPECTED.toml", "make_fixtures.py", "__pycache__")
    }
    assert files == set(EXPECTED), "every fixture needs an entry in EXPECTED.toml, and every entry a fixture"
    assert len(EXPECTED) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_behaves_as_declared(name):
    exp = EXPECTED[name]
    issues = validate.validate_path(HERE / name)
    errors, warnings, info = (_codes(issues, s) for s in ("error", "warning", "info"))
    # "rule" without a row matches that rule on any row or none
    assert len(errors) == len(exp["errors"]) and all(_matches(errors, w) for w in exp["errors"]), errors
    assert len(warnings) == len(exp["warnings"]) and all(_matches(warnings, w) for w in exp["warnings"]), (
        warnings
    )
    assert all(_matches(info, w) for w in exp.get("info", [])), info
    # every issue says where: the file, and for row-level rules a spreadsheet row >= 2
    assert issues["file"].str.len().gt(0).all()
    assert (issues["row"].dropna() >= 1).all()


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if EXPECTED[n]["table"] != "folder"))
def test_every_row_is_accounted_for(name):
    exp = EXPECTED[name]
    issues, acc = template.Issues(), {}
    df = template.read_table(HERE / name, exp["table"], issues, accounting=acc)
    assert acc["data_rows"] == exp["rows"]
    assert acc["skipped"] == exp.get("skipped", 0)
    assert acc["kept"] == len(df) == acc["data_rows"] - acc["skipped"]
    if "blank" in exp:
        assert acc["blank"] == exp["blank"]
    # kept rows are distinct spreadsheet rows; skipped rows each have an issue naming the row
    assert df["source_row"].is_unique
    frame = issues.frame()
    skipped_rows = set(frame.loc[frame["rule"] == "summary_row_skipped", "row"].astype(int))
    assert len(skipped_rows) == acc["skipped"] and not skipped_rows & set(df["source_row"])
    if exp.get("sheet"):
        assert acc["sheet"] == exp["sheet"]
    if "annual_rows" in exp:  # quarterly rows: every input row ends up in exactly one annual row
        annual = quarterly.to_annual(df)
        assert len(annual) == exp["annual_rows"]
        used = [int(r) for rows in annual["source_rows"] for r in str(rows).split()]
        assert sorted(used) == sorted(df["source_row"])


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if EXPECTED[n]["table"] == "folder"))
def test_folder_rows_accounted_for(name):
    ds = template.load_folder(HERE / name)
    acc = ds.accounting
    assert (
        sum(a["data_rows"] for a in acc.values() if a["file"].split(".")[0] in ("kinerja", "anggaran"))
        == EXPECTED[name]["rows"]
    )
    assert len(ds.kinerja) + len(ds.anggaran) == EXPECTED[name]["rows"]


def _read(name, table="kinerja"):
    return template.read_table(HERE / name, table)


def test_parsed_values_by_hand():
    a = _read("anggaran_magnitudes.csv", "anggaran")
    assert a["budget_original"].tolist() == [1.2e9, 2e9]
    assert a["budget_revised"].tolist() == [500e6, 750e3]
    assert a["spent"].tolist() == [450e6, 1500.0]
    assert a["spent_raw"].tolist() == ["Rp 450.000.000,-", "Rp1.500"]  # raw text kept beside
    s = _read("kinerja_semicolon.csv")
    assert s["target"].tolist() == [45.4, 50.0] and s["actual"].tolist() == [38.59, 51.2]
    e = _read("kinerja_english_headers.csv")
    assert e["target"].tolist() == [100.0, 1200.5] and e["actual"].tolist() == [98.5, 1320.25]
    assert e["polarity"].tolist() == ["positive", "negative"]
    m = _read("kinerja_missing_markers.csv")
    assert [math.isnan(x) for x in m["actual"]] == [True, True, False, True]
    assert math.isnan(m["target"].iloc[2]) and m["actual"].iloc[2] == 38.0
    r = _read("kinerja_range_targets.csv")
    assert list(zip(r["target"], r["target_upper"])) == [(80.0, 90.0), (7.0, 8.0), (80.0, 90.0)]
    c = _read("kinerja_cp1252.csv")
    assert c["opd"].iloc[0] == "Dinas Pariwisata – Kebudayaan" and "café" in c["indicator"].iloc[0]
    u = _read("kinerja_utf16.csv")
    assert u["actual"].tolist() == [98.5]


def test_xlsx_quirks_by_hand():
    t = _read("kinerja_title_merged.xlsx")  # "Target" merged over Murni | Perubahan
    assert t["target"].tolist() == [90.0, 95.0] and t["target_original"].tolist() == [100.0, 95.0]
    assert t["actual"].tolist() == [88.0, 96.0] and t["source_row"].tolist() == [4, 5]
    n = _read("kinerja_numbers_as_text.xlsx")
    assert n["region_code"].tolist() == ["71.10", "71.73"]  # 71.1 typed as a number is 71.10
    assert n["indicator_id"].tolist() == ["K1", "2"] and n["year"].tolist() == [2020, 2020]
    assert n["target"].tolist() == [100.0, 95.0]  # 0.95 shown as 95% is 95
    assert n["actual"].tolist() == [98.5, 96.0]
    o = _read("kinerja_merged_opd.xlsx")
    assert o["opd"].tolist() == ["Dinas Kesehatan"] * 3
    h = _read("kinerja_hidden_sheet.xlsx")
    assert "Dinas Lama" not in set(h["opd"])


def test_quarterly_fixture_by_hand():
    k = quarterly.to_annual(_read("kinerja_quarterly.csv")).set_index("indicator_id")
    # K1 cumulative: targets 4 x 25 = 100, realisasi 20 + 30 + 25 + 15 = 90
    assert (k.at["K1", "target"], k.at["K1", "actual"], k.at["K1", "aggregation"]) == (
        100.0,
        90.0,
        "cumulative",
    )
    # K2 last: TW3 is the last quarter reported: target 90, realisasi 85
    assert (k.at["K2", "target"], k.at["K2", "actual"], k.at["K2", "aggregation"]) == (90.0, 85.0, "last")
    # K3 mean: (6 + 4 + 5 + 3) / 4 = 4.5 against a target of 5
    assert (k.at["K3", "target"], k.at["K3", "actual"], k.at["K3", "aggregation"]) == (5.0, 4.5, "mean")
    assert k.at["K1", "actual_raw"] == "TW1=20 | TW2=30 | TW3=25 | TW4=15"


def test_hostile_files_do_nothing(tmp_path):
    marker = Path("/tmp/kinerja_pickle_was_loaded")
    marker.unlink(missing_ok=True)
    validate.validate_path(HERE / "kinerja_pickle.csv")
    assert not marker.exists(), "a data file was unpickled"
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "\0"
    issues = validate.validate_path(HERE / "kinerja_xxe.xlsx")
    assert hostname not in " ".join(issues["message"]) + " ".join(issues["value"])


@pytest.mark.parametrize(
    "name, code, words",
    [
        ("kinerja_empty.csv", 1, "the file is empty"),
        ("kinerja_pickle.csv", 1, "binary data"),
        ("kinerja_not_really.xlsx", 1, "cannot read the file as xlsx"),
        ("kinerja_date_in_number.xlsx", 1, "found a date"),
    ],
)
def test_cli_shows_a_clear_message(name, code, words):
    out = subprocess.run(
        [str(KINERJA), "validate", str(HERE / name)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    text = out.stdout + out.stderr
    assert out.returncode == code, text
    assert words in text and "Traceback" not in text
    assert name in text  # the file is named


def test_cli_usage_error_exits_2():
    out = subprocess.run([str(KINERJA), "validate"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_cli_capaian_on_hostile_file_exits_1(tmp_path):
    out = subprocess.run(
        [str(KINERJA), "capaian", str(HERE / "kinerja_bad_number.csv"), "-o", str(tmp_path / "c.csv")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1 and "row 2" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "c.csv").exists()
