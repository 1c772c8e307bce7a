"""The DJPK loader on the extended kab/kota fixture (tests/fixtures/kabkota/README.md: every trap, worked by
hand in Rp bn): blank-label rows, the 422/434 decision and its evidence, suspect years, both levels in one
folder, the level of a file, and the cache folder."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pandas as pd
import pytest
from kabkota_fixture import TRAPS

from kinerja_analysis import paths
from kinerja_analysis.errors import DataError
from kinerja_analysis.ingest import djpk, djpk_checks, realdata

BN = 1_000_000_000
HEADER = ",".join(djpk.COLUMNS)


@pytest.fixture(scope="module")
def acc():
    return djpk.read_accounts(TRAPS)


@pytest.fixture(scope="module")
def ang():
    return djpk.load(TRAPS)


def test_level_from_file_names(acc):
    by_file = acc.groupby(acc["source_file"].astype(str))["level"].agg(lambda s: set(s.astype(str)))
    assert by_file["data_apbd_provinsi_level3-2024.csv"] == {"provinsi"}
    assert by_file["data_apbd_kabkota_level3-2023.csv"] == {"kabkota"}
    assert set(acc.loc[acc["level"] == "provinsi", "region_name"].astype(str)) == {"Provinsi Fiktif"}


def test_both_levels_give_separate_totals_to_the_rupiah(ang):
    t = ang.groupby(["level", "year"], observed=True)[["budget_revised", "spent"]].sum()
    # province 2024: 1 000 + 600 + 400 = 2 000 bn; 950 + 560 + 350 = 1 860 bn
    assert t.loc[("provinsi", 2024)].tolist() == [2000 * BN, 1860 * BN]
    assert t.loc[("provinsi", 2025)].tolist() == [2000 * BN, 800 * BN]
    # kab/kota 2024: Satu 600 + 400, Dua 600 + 400, Tiga 350 + 250 = 2 600 bn; 950 + 970 + 650 = 2 570 bn
    assert t.loc[("kabkota", 2024)].tolist() == [2600 * BN, 2570 * BN]
    # 2023: the blank-label rows (A 100 bn, R 65 bn) are in no belanja total
    assert t.loc[("kabkota", 2023)].tolist() == [2500 * BN, 2470 * BN]
    assert set(ang.loc[ang["level"] == "provinsi", "region_code"]) == {"99"}
    rev = djpk.load_revenue(TRAPS)
    r = rev.groupby(["level", "year"], observed=True)["budget_revised"].sum()
    assert r[("provinsi", 2024)] == 2000 * BN and r[("kabkota", 2024)] == (110 + 890 + 975 + 30 + 600) * BN


def test_partial_years_per_level(acc, ang):
    assert djpk_checks.partial_years_by_level(acc) == {"provinsi": [2025], "kabkota": [2025]}
    part = ang.groupby(["level", "year"], observed=True)["partial_year"].agg(["all", "any"])
    assert part.loc[("kabkota", 2025)].tolist() == [True, True]
    assert part.loc[("provinsi", 2024)].tolist() == [False, False]
    assert not part.loc[("kabkota", 2022), "any"]  # 2022 is no longer the last kab/kota year


def test_blank_label_rows_kept_listed_and_in_no_typed_total(acc):
    blank = acc[acc["flag"].astype(str) == "blank_label"]
    assert blank["source_row"].tolist() == [18, 20] and set(blank["section"].astype(str)) == {"unclassified"}
    u = djpk_checks.unclassified(acc).set_index(["level", "region_name", "year"])
    assert u.loc[("kabkota", "Kab. Contoh Satu", 2023)].tolist() == [2, 100 * BN, 65 * BN]
    assert u["n_rows"].sum() == 2 and u.loc[("kabkota", "Kota Contoh Dua", 2023), "budget"] == 0
    iss = djpk_checks.issues(acc)
    iss = iss[iss["rule"] == "blank_label"]
    assert iss[["row", "region_name", "year", "budget", "spent"]].values.tolist() == [
        [18, "Kab. Contoh Satu", 2023, 70.0 * BN, 65.0 * BN],
        [20, "Kab. Contoh Satu", 2023, 30.0 * BN, 0.0],
    ]
    assert set(iss["file"]) == {"data_apbd_kabkota_level3-2023.csv"}
    idt = djpk_checks.budget_identity(acc).set_index(["level", "region_name", "year"])
    assert idt.loc[("kabkota", "Kab. Contoh Satu", 2023), "gap_budget"] == 0.0  # 100 + 800 + 40 - 1 000 + 60


def test_434_is_kept_and_422_dropped(acc):
    rev = djpk.load_revenue(TRAPS)
    other = rev[rev["revenue_group"] == "other"].groupby(["region_name", "year"])[["budget_revised", "spent"]]
    other = other.sum()
    assert other.loc[("Kab. Contoh Satu", 2023)].tolist() == [40 * BN, 38 * BN]
    assert other.loc[("Kota Contoh Dua", 2023)].tolist() == [50 * BN, 45 * BN]
    assert other.loc[("Kota Contoh Dua", 2024)].tolist() == [
        30 * BN,
        0.0,
    ]  # the rule, though evidence says 422
    kept = rev[rev["revenue_type"] == "transfer_antar_daerah"]["label_level3"].astype(str)
    assert kept.str.startswith("434").all()


def test_repeat_decisions_and_evidence(acc):
    d = djpk_checks.repeat_decisions(acc).set_index(["region_name", "year"])
    assert sorted(d.index) == [
        ("Kab. Contoh Satu", 2021),
        ("Kab. Contoh Satu", 2023),
        ("Kota Contoh Dua", 2023),
        ("Kota Contoh Dua", 2024),
    ]
    assert set(d["kept_code"]) == {"434"} and set(d["dropped_code"]) == {"422"}
    assert d.loc[("Kab. Contoh Satu", 2021), ["evidence_code", "agrees"]].tolist() == ["", True]
    assert d.loc[("Kab. Contoh Satu", 2023), ["evidence_code", "agrees"]].tolist() == ["434", True]
    assert "Realisasi is on 434" in d.loc[("Kab. Contoh Satu", 2023), "reason"]
    assert d.loc[("Kota Contoh Dua", 2023), ["evidence_code", "agrees"]].tolist() == ["434", True]
    assert "identity holds with 434 only" in d.loc[("Kota Contoh Dua", 2023), "reason"]
    bad = d.loc[("Kota Contoh Dua", 2024)]
    assert bad[["evidence_code", "agrees"]].tolist() == ["422", False]
    assert bad[["kept_budget", "kept_spent", "dropped_budget", "dropped_spent"]].tolist() == [
        30 * BN,
        0.0,
        25 * BN,
        25 * BN,
    ]
    idt = djpk_checks.budget_identity(acc).set_index(["region_name", "year"])
    assert idt.loc[("Kota Contoh Dua", 2024), "gap_budget"] == 5 * BN  # 975 + 30 - 1 000


def test_repeat_evidence_mixed_and_none():
    # identity says 434, Realisasi says 422: mixed, not agreeing
    acc = pd.DataFrame(
        {
            "level": "kabkota",
            "region_name": "X",
            "year": 2023,
            "level3": ["422. Pendapatan Transfer Antar Daerah", "434. Pendapatan Transfer Antar Daerah", "b"],
            "section": ["pendapatan", "pendapatan", "belanja"],
            "budget": [60e9, 50e9, 50e9],
            "spent": [40e9, 0.0, 40e9],
            "flag": ["duplicate_label", "", ""],
        }
    )
    d = djpk_checks.repeat_decisions(acc)
    assert d[["evidence_code", "agrees"]].values.tolist() == [["mixed", False]]
    assert djpk_checks.repeat_decisions(acc[acc["section"] == "belanja"]).empty


def test_suspect_years(acc):
    s = djpk_checks.suspect_years(acc)
    got = sorted(map(tuple, s[["level", "region_name", "year", "reason"]].values.tolist()))
    want = [
        ("kabkota", "Kab. Contoh Satu", 2022, "serapan_low"),  # 150 / 900 = 16.7 %
        ("kabkota", "Kab. Contoh Satu", 2024, "provisional"),
        ("kabkota", "Kab. Contoh Satu", 2025, "partial"),
        ("kabkota", "Kab. Contoh Tiga", 2023, "serapan_high"),  # 650 / 500 = 130 %
        ("kabkota", "Kab. Contoh Tiga", 2024, "copied_realisasi"),
        ("kabkota", "Kab. Contoh Tiga", 2024, "provisional"),
        ("kabkota", "Kab. Contoh Tiga", 2025, "partial"),
        ("kabkota", "Kota Contoh Dua", 2024, "provisional"),
        ("kabkota", "Kota Contoh Dua", 2025, "partial"),
        ("provinsi", "Provinsi Fiktif", 2024, "provisional"),
        ("provinsi", "Provinsi Fiktif", 2025, "partial"),
    ]
    assert got == want
    detail = s.set_index(["region_name", "year", "reason"])["detail"]
    assert detail[("Kab. Contoh Tiga", 2023, "serapan_high")] == "serapan 130.0%"
    assert detail[("Kab. Contoh Tiga", 2024, "copied_realisasi")].startswith(
        "3 non-zero accounts equal to 2023"
    )


def test_copied_realisasi_needs_every_account():
    def rows(year, spent):
        return pd.DataFrame(
            {
                "level": "kabkota",
                "region_name": "X",
                "year": year,
                "level2": "",
                "level3": ["511. Belanja Pegawai", "520. Belanja Modal"],
                "section": "belanja",
                "budget": 100.0,
                "spent": spent,
                "flag": "",
            }
        )

    same = pd.concat([rows(2021, [80.0, 90.0]), rows(2022, [80.0, 91.0])], ignore_index=True)
    assert "copied_realisasi" in set(djpk_checks.suspect_years(same)["reason"])  # Rp 1 off: a copy
    off = pd.concat([rows(2021, [80.0, 90.0]), rows(2022, [80.0, 95.0])], ignore_index=True)
    assert "copied_realisasi" not in set(djpk_checks.suspect_years(off)["reason"])
    gap = pd.concat([rows(2020, [80.0, 90.0]), rows(2022, [80.0, 90.0])], ignore_index=True)
    assert "copied_realisasi" not in set(djpk_checks.suspect_years(gap)["reason"])  # not consecutive


def _write(path, lines):
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_level_inferred_from_names_and_said(tmp_path):
    p = _write(
        tmp_path / "apbd-export.csv",
        [
            "Kota A,Provinsi X,2021,5. Belanja Daerah,51. Belanja Pegawai,511. Belanja Pegawai,Anggaran,5",
            "Kota A,Provinsi X,2021,5. Belanja Daerah,51. Belanja Pegawai,511. Belanja Pegawai,Realisasi,4",
            "Provinsi X,Provinsi X,2021,5. Belanja Daerah,51. Belanja Pegawai,511. Belanja Pegawai,Anggaran,7",
            "Provinsi X,Provinsi X,2021,5. Belanja Daerah,51. Belanja Pegawai,511. Belanja Pegawai,Realisasi,6",
        ],
    )
    a = djpk.read_accounts(p)
    assert a["level"].astype(str).tolist() == ["kabkota", "provinsi"]
    iss = djpk_checks.issues(a)
    assert iss.loc[iss["rule"] == "level_inferred", ["file", "level"]].values.tolist() == [
        ["apbd-export.csv", "kabkota,provinsi"]
    ]
    q = _write(
        tmp_path / "other.csv",
        ["Entah,Provinsi X,2021,5. Belanja Daerah,51. Belanja Pegawai,511. Belanja Pegawai,Anggaran,5"],
    )
    with pytest.raises(DataError, match=r"other.csv, row 2, column namapemda.*'Entah'"):
        djpk.read_accounts(q)


def test_only_blank_labels_never_crash(tmp_path):
    p = _write(
        tmp_path / "data_apbd_kabkota_level3-2023.csv",
        ["Kab. A,Provinsi X,2023,,,,Anggaran,12", "Kab. A,Provinsi X,2023,,,,Realisasi,"],
    )
    a = djpk.read_accounts(p)
    assert a["flag"].astype(str).tolist() == ["blank_label;blank_value"]
    assert djpk_checks.unclassified(a)[["n_rows", "budget", "spent"]].values.tolist() == [[1, 12.0, 0.0]]
    assert djpk.anggaran_from_accounts(a, pd.DataFrame(columns=["region_code", "djpk_name"])).empty


def test_province_report_data_keeps_province_rows_only():
    rd = realdata.load(TRAPS, cache=False, level="provinsi")
    assert set(rd.accounts["level"].astype(str)) == {"provinsi"}
    assert rd.anggaran["region_name"].astype(str).unique().tolist() == ["Provinsi Fiktif"]
    assert rd.partial_years == [2025]
    assert rd.unmapped_names == []  # "Kab. Tanpa Kode" is a kab/kota: not this page's concern
    both = realdata.load(TRAPS, cache=False)
    assert set(both.anggaran["level"].astype(str)) == {"provinsi", "kabkota"}
    assert (both.repeat_decisions["agrees"] == np.array([True, True, True, False])).all()


def test_province_level_missing_is_a_clear_error(tmp_path):
    only = tmp_path / "kabkota-only"
    shutil.copytree(TRAPS, only, ignore=shutil.ignore_patterns("data_apbd_provinsi_*"))
    with pytest.raises(DataError, match="no provinsi rows"):
        realdata.load(only, cache=False, level="provinsi")


def test_cache_goes_to_the_user_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "envcache"))
    assert paths.cache_dir() == tmp_path / "envcache"
    assert paths.cache_dir(tmp_path / "x") == tmp_path / "x"
    monkeypatch.delenv(paths.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert paths.cache_dir() == tmp_path / "xdg" / "kinerja"
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "envcache"))
    d = tmp_path / "raw"
    shutil.copytree(TRAPS, d)
    before = set(paths.PROCESSED.glob("djpk-*.parquet")) if paths.PROCESSED.is_dir() else set()
    first = djpk.read_accounts(d, cache=True)
    assert len(list((tmp_path / "envcache").glob("djpk-*.parquet"))) == 1
    after = set(paths.PROCESSED.glob("djpk-*.parquet")) if paths.PROCESSED.is_dir() else set()
    assert after == before  # nothing written into the checkout
    again = djpk.read_accounts(d, cache=True)
    pd.testing.assert_frame_equal(first, again, check_categorical=False)
    assert djpk.CACHE_VERSION == "djpk-4"


def test_cli_cache_option_sets_the_environment(tmp_path, monkeypatch):
    from kinerja_analysis import cli

    monkeypatch.setenv(paths.CACHE_ENV, "placeholder")  # restored after the test
    code = cli.main(["report", "--data", str(tmp_path / "absent"), "--cache", str(tmp_path / "c")])
    assert code != 0
    assert os.environ[paths.CACHE_ENV] == str(tmp_path / "c")


def test_check_tables_cached_per_level_beside_the_accounts(tmp_path):
    d = tmp_path / "raw"
    shutil.copytree(TRAPS, d)
    first = realdata.load(d, cache=tmp_path / "c", level="kabkota")
    stem = djpk.cache_file(d, tmp_path / "c").stem
    assert (tmp_path / "c" / f"{stem}-checks-kabkota" / "repeat_decisions.parquet").exists()
    again = realdata.load(d, cache=tmp_path / "c", level="kabkota")
    pd.testing.assert_frame_equal(first.repeat_decisions, again.repeat_decisions)
    pd.testing.assert_frame_equal(first.suspect_years, again.suspect_years)
    (tmp_path / "c" / f"{stem}-checks-kabkota" / "unclassified.parquet").write_bytes(
        b"not parquet"
    )  # damaged
    third = realdata.load(d, cache=tmp_path / "c", level="kabkota")
    pd.testing.assert_frame_equal(first.unclassified, third.unclassified)
    assert realdata.load(d, cache=tmp_path / "c", level="provinsi").partial_years == [2025]
    assert (tmp_path / "c" / f"{stem}-checks-provinsi" / "partial_years.json").exists()
