"""The loader's new checks on the real province files (skipped when ../shared/realdata is absent): every row
is a province, no blank-label rows, the 422/434 decisions and their evidence, the suspect years found by
looking at the files, and the province-only RealData."""

from __future__ import annotations

import pytest

from kinerja_analysis.ingest import djpk, djpk_checks
from kinerja_analysis.ingest import realdata as rdm


@pytest.fixture(scope="module")
def acc(realdata):
    return djpk.read_accounts(realdata / "djpk-apbd-jaga")


def test_every_real_row_is_a_province(acc):
    assert set(acc["level"].astype(str)) == {"provinsi"}
    assert not djpk_checks.unclassified(acc)["n_rows"].any()
    assert (djpk_checks.issues(acc)["rule"] != "level_inferred").all()


def test_real_repeat_decisions(acc):
    d = djpk_checks.repeat_decisions(acc).set_index(["region_name", "year"])
    assert len(d) == 14 and set(d["kept_code"]) == {"434"}
    assert d["agrees"].all()  # in the province files the evidence never points to 422
    # where the Realisasi differs it is on 434, and 422 shows 0
    on_434 = sorted(d.index[d["evidence_code"] == "434"])
    assert on_434 == [
        ("Provinsi Nusa Tenggara Barat", 2023),
        ("Provinsi Nusa Tenggara Barat", 2024),
        ("Provinsi Papua", 2024),
    ]
    assert (d.loc[on_434, "dropped_spent"] == 0).all()
    assert d.loc[("Provinsi Papua", 2024), "kept_spent"] == pytest.approx(130.388e9, rel=1e-4)
    dropped = djpk_checks.issues(acc)
    dropped = dropped[dropped["rule"] == "duplicate_label"]["label"].astype(str)
    assert len(dropped) == 14 and dropped.str.startswith("422").all()


def test_real_suspect_years(acc):
    s = djpk_checks.suspect_years(acc)
    got = {
        (r.region_name, r.year, r.reason)
        for r in s.itertuples()
        if r.reason not in ("partial", "provisional")
    }
    assert got == {
        ("Provinsi Maluku", 2021, "copied_realisasi"),  # 2020's Realisasi, 17 accounts exact, one off by Rp 1
        ("Provinsi Kalimantan Selatan", 2024, "serapan_low"),
        ("Provinsi Maluku Utara", 2024, "serapan_low"),
        ("Provinsi Papua", 2023, "serapan_high"),
        ("Provinsi Sumatera Selatan", 2018, "serapan_high"),
    }
    assert set(s.loc[s["reason"] == "partial", "year"]) == {2025}
    assert set(s.loc[s["reason"] == "provisional", "year"]) == {2024}
    assert (s["reason"] == "partial").sum() == 34


def test_province_realdata_has_the_new_tables(realdata):
    rd = rdm.load(realdata, cache=False, level="provinsi")
    assert rd.level == "provinsi" and len(rd.repeat_decisions) == 14
    assert rd.anggaran["region_code"].nunique() == 34 and set(rd.anggaran["level"].astype(str)) == {
        "provinsi"
    }
