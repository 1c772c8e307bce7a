"""BPS outcome and RKP target spreadsheets: synthetic workbooks with known answers, then the real files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja_analysis.errors import DataError
from kinerja_analysis.ingest import bps


def _wide(path, rows, years):
    df = pd.DataFrame([["Tahun", *years], *rows])
    df.to_excel(path, header=False, index=False)


@pytest.fixture()
def bridge():
    return pd.DataFrame(
        {
            "region_code": ["11", "91"],
            "bps_code": ["11", "94"],
            "bps_name": ["ACEH", "PAPUA"],
            "dagri_name": ["ACEH", "PAPUA"],
        }
    )


def test_outcomes_tidy_codes_and_ipm_break(tmp_path, bridge):
    _wide(
        tmp_path / "Indeks Pembangunan Manusia.xlsx",
        [["ACEH", 71.0, 68.0, 69.0], ["PAPUA", 65.0, 56.0, 57.0], ["INDONESIA", 72.0, 68.5, 69.5]],
        [2012, 2013, 2014],
    )
    _wide(tmp_path / "persentasemiskin.xlsx", [["ACEH", 15.5, 15.0], ["Papua", 27.0, 26.5]], [2019, 2020])
    out = bps.load_outcomes(tmp_path, bridge=bridge)
    ipm = out[out["measure"] == "ipm"]
    assert ipm["year"].unique().tolist() == [2014]  # before 2014: another IPM method
    assert sorted(ipm["region_code"]) == ["11", "91"]  # PAPUA is Kemendagri 91 (BPS 94)
    pov = out[out["measure"] == "poverty_rate"].set_index(["region_code", "year"])["value"]
    assert (
        pov[("91", 2020)] == 26.5 and (out["polarity"][out["measure"] == "poverty_rate"] == "negative").all()
    )


def test_unknown_province_name_raises(tmp_path, bridge):
    _wide(tmp_path / "pengangguran.xlsx", [["ATLANTIS", 5.0]], [2020])
    with pytest.raises(DataError, match="ATLANTIS"):
        bps.load_outcomes(tmp_path, bridge=bridge)


def test_header_checked(tmp_path, bridge):
    pd.DataFrame([["Year", 2020], ["ACEH", 1.0]]).to_excel(
        tmp_path / "Inflasi.xlsx", header=False, index=False
    )
    with pytest.raises(DataError, match="row 1, column 1: expected 'Tahun'"):
        bps.load_outcomes(tmp_path, bridge=bridge)


def test_national_row_mean_of_provinces_detected(tmp_path):
    # 2020: INDONESIA = (4.11 + 5.02) / 2 = 4.565 exactly the mean; 2021: 3.69 is an official-looking figure
    _wide(
        tmp_path / "Laju PDRB.xlsx",
        [["ACEH", 4.11, 3.0], ["PAPUA", 5.02, 5.0], ["INDONESIA", 4.565, 3.69]],
        [2020, 2021],
    )
    nat = bps.load_national(tmp_path).set_index("year")["kind"]
    assert nat.to_dict() == {2020: "mean_of_provinces", 2021: "official"}


def test_rkp_range_rule_by_hand(tmp_path):
    pd.DataFrame([["tahun", "batas_bawah", "batas_atas"], [2020, 4.8, 5.1], [2021, 7.7, 9.1]]).to_excel(
        tmp_path / "TPT.xlsx", header=False, index=False
    )
    pd.DataFrame([["tahun", "batas_bawah", "batas_atas"], [2020, 72.5, None]]).to_excel(
        tmp_path / "IPM.xlsx", header=False, index=False
    )
    t = bps.load_rkp_targets(tmp_path)
    nat = pd.DataFrame(
        {
            "measure": ["unemployment_rate", "unemployment_rate", "ipm"],
            "year": [2020, 2021, 2020],
            "value": [7.07, 8.0, 71.94],
            "kind": ["official"] * 3,
        }
    )
    d = bps.rkp_capaian(t, nat).set_index(["measure", "year"])["achievement"]
    # TPT lower is better, above the range: (2 x 5.1 - 7.07) / 5.1 x 100 = 61.37; inside [7.7, 9.1]: 100
    assert d[("unemployment_rate", 2020)] == pytest.approx(61.3725, abs=1e-3)
    assert d[("unemployment_rate", 2021)] == 100.0
    # IPM point target, higher is better: 71.94 / 72.5 x 100 = 99.228
    assert d[("ipm", 2020)] == pytest.approx(99.2276, abs=1e-3)


def test_real_files(realdata):
    out = bps.load_outcomes(realdata / "bps-provinsi-indikator-rkp")
    assert out.groupby("measure")["region_code"].nunique().eq(34).all()
    assert out.loc[out["measure"] == "ipm", "year"].min() == bps.IPM_FIRST_YEAR
    nat = bps.load_national(realdata / "bps-provinsi-indikator-rkp")
    growth = nat[nat["measure"] == "grdp_growth"].set_index("year")["kind"]
    assert (growth.loc[2013:] == "mean_of_provinces").all()
    assert (nat.loc[nat["measure"] == "poverty_rate", "kind"] == "official").all()
    rkp = bps.rkp_capaian(bps.load_rkp_targets(realdata / "bps-provinsi-indikator-rkp"), nat)
    assert rkp.loc[rkp["measure"] == "grdp_growth", "actual"].isna().all() or (
        rkp.loc[(rkp["measure"] == "grdp_growth") & (rkp["year"] >= 2013), "actual"].isna().all()
    )
    assert np.isfinite(rkp.loc[rkp["measure"] == "poverty_rate", "achievement"]).any()
