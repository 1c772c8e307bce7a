"""Per-pemda measures (analysis.pemda) and PEFA-style PI-3 (analysis.pefa.pi3_yearly): hand-computed values
on small invented frames, a planted cut each measure must recover and a null it must not find, and the
measures on the invented kab/kota fixture read by the real loader."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kinerja_analysis.analysis import pefa, pemda
from kinerja_analysis.config import Periods


def _anggaran(rows):
    """rows: (region_code, year, spending_type, budget, spent)."""
    d = pd.DataFrame(rows, columns=["region_code", "year", "spending_type", "budget_revised", "spent"])
    d["partial_year"] = False
    return d


def _panel(cut_modal: float = 0.0, cut_code: str = "99.01") -> pd.DataFrame:
    """Four kab/kota, 2019-2022. Every pemda realises pegawai 500, barang_jasa 300, modal 200 each year;
    in 2020 and 2021 ``cut_code`` moves ``cut_modal`` from modal to btt (planted cut)."""
    rows = []
    for code in ("99.01", "99.02", "99.71", "98.01"):
        for y in (2019, 2020, 2021, 2022):
            move = cut_modal if (code == cut_code and y in (2020, 2021)) else 0.0
            for t, v in (("pegawai", 500.0), ("barang_jasa", 300.0), ("modal", 200.0 - move), ("btt", move)):
                rows.append((code, y, t, v * 1.1, v))
    return _anggaran(rows)


def _revenue(anggaran: pd.DataFrame) -> pd.DataFrame:
    tot = anggaran.groupby(["region_code", "year"], as_index=False)[["budget_revised", "spent"]].sum()
    pad = tot.assign(
        revenue_group="pad", budget_revised=tot["budget_revised"] * 0.2, spent=tot["spent"] * 0.2
    )
    tkdd = tot.assign(
        revenue_group="tkdd", budget_revised=tot["budget_revised"] * 0.8, spent=tot["spent"] * 0.8
    )
    return pd.concat([pad, tkdd], ignore_index=True)


REGIONS = pd.DataFrame(
    {
        "region_code": ["99.01", "99.02", "99.71", "98.01"],
        "region_name": ["Kab. A", "Kab. B", "Kota C", "Kab. D"],
        "kind": ["kabupaten", "kabupaten", "kota", "kabupaten"],
        "province_code": ["99", "99", "99", "98"],
        "bps_code": ["9901", "9902", "9971", "9801"],
    }
)


def test_yearly_totals_by_hand():
    a = _anggaran([("k", 2021, "pegawai", 600.0, 580.0), ("k", 2021, "modal", 250.0, 200.0)])
    a.loc[:, "partial_year"] = False
    r = pd.DataFrame(
        {
            "region_code": ["k", "k"],
            "year": [2021, 2021],
            "revenue_group": ["pad", "tkdd"],
            "budget_revised": [100.0, 1000.0],
            "spent": [90.0, 980.0],
        }
    )
    t = pemda.yearly_totals(a, r, "k").iloc[0]
    assert t["belanja_budget"] == 850.0 and t["belanja_spent"] == 780.0
    assert t["serapan_pct"] == pytest.approx(780 / 850 * 100)
    assert t["pendapatan_budget"] == 1100.0 and t["pendapatan_spent"] == 1070.0
    assert t["pendapatan_pct"] == pytest.approx(1070 / 1100 * 100) and not t["partial"]


def test_refocusing_shift_recovers_a_planted_cut_and_finds_none_without_one():
    p = Periods()
    status, s = pemda.refocusing_shift(pemda.by_type(_panel(cut_modal=80.0), "99.01"), p)
    s = s.set_index("spending_type")
    assert status == "ok"
    # modal 200 -> 120 in both refocusing years: -80 Rp, 20 % -> 12 % of 1 000: -8 pp; btt 0 -> 80: +80 Rp, +8 pp
    assert s.loc["modal", "change_rp"] == pytest.approx(-80.0) and s.loc[
        "modal", "change_pp"
    ] == pytest.approx(-8.0)
    assert s.loc["btt", "change_rp"] == pytest.approx(80.0) and s.loc["btt", "change_pp"] == pytest.approx(
        8.0
    )
    assert s.index[0] == "modal"  # biggest cut first
    _, null = pemda.refocusing_shift(pemda.by_type(_panel(cut_modal=80.0), "99.02"), p)
    assert np.allclose(null["change_rp"], 0.0) and "btt" not in set(null["spending_type"])


def test_refocusing_shift_says_when_the_cut_cannot_be_measured():
    types = pemda.by_type(_panel()[lambda d: d["year"] >= 2020], "99.01")
    status, s = pemda.refocusing_shift(types, Periods())
    assert status == "no_base_year" and s.empty
    types = pemda.by_type(_panel()[lambda d: d["year"].isin([2019, 2022])], "99.01")
    assert pemda.refocusing_shift(types, Periods())[0] == "no_refocusing_years"


def test_national_measures_and_peers_recover_the_planted_cut():
    a = _panel(cut_modal=80.0)
    m = pemda.national_measures(a, _revenue(a), REGIONS, Periods()).set_index("region_code")
    # share of barang_jasa + modal: 50 % in 2019, 42 % in 2020-21: cut intensity 8 pp; the others 0
    assert m.loc["99.01", "cut_intensity_pp"] == pytest.approx(8.0)
    assert np.allclose(m.drop(index="99.01")["cut_intensity_pp"], 0.0)
    # serapan 1 000 / 1 100 everywhere; PEFA-style PI-1 outturn 90.9 %: gap 9.09 pp
    assert m["serapan_last_pct"].tolist() == pytest.approx([100 / 1.1] * 4)
    assert m.loc["99.01", "pi1_gap_last_pp"] == pytest.approx(100 - 100 / 1.1)
    p = pemda.peers(m.reset_index(), "99.01").set_index(["measure", "group"])
    prov = p.loc[("cut_intensity_pp", "province")]
    assert (prov["n"], prov["rank"], prov["median"], prov["max"]) == (3, 1, 0.0, pytest.approx(8.0))
    nat = p.loc[("cut_intensity_pp", "national")]  # same kind: the three kabupaten, not the kota
    assert (nat["n"], nat["rank"]) == (3, 1)
    assert ("grdp_growth_refocusing_pct", "national") not in p.index  # nobody has it: not shown


def test_pi3_yearly_by_hand_partial_years_out_and_no_budget_no_error():
    rev = pd.DataFrame(
        {
            "region_code": ["x"] * 7,
            "year": [2021, 2021, 2022, 2022, 2023, 2023, 2024],
            "revenue_group": ["pad", "tkdd"] * 3 + ["pad"],
            "budget_revised": [100.0, 900.0, 200.0, 800.0, 100.0, 900.0, 0.0],
            "spent": [90.0, 900.0, 100.0, 820.0, 130.0, 900.0, 5.0],
        }
    )
    s = pefa.pi3_yearly(rev).set_index("year")
    assert s.loc[2021, "pi3_outturn_pct"] == pytest.approx(99.0) and s.loc[2021, "pi3_band"] == "A"
    # 2022: 920 / 1 000 = 92 % (C); adjusted budget (184, 736): |100-184| + |820-736| = 168, 168 / 920
    assert s.loc[2022, "pi3_band"] == "C"
    assert s.loc[2022, "pi3_variance_pct"] == pytest.approx(168 / 920 * 100)
    # 2023: 103 %: A; three-year score 2021-2023: A, C, A -> A
    assert s.loc[2023, "pi3_band"] == "A" and s.loc[2023, "pi3_score_3y"] == "A"
    assert math.isnan(s.loc[2024, "pi3_outturn_pct"]) and pd.isna(s.loc[2024, "pi3_band"])
    part = rev.assign(partial_year=rev["year"] == 2023)
    assert 2023 not in set(pefa.pi3_yearly(part)["year"])
    assert [pefa.pi3_band(x) for x in (97.0, 106.01, 93.9, 116.0, 116.1)] == ["A", "B", "C", "C", "D"]


def test_grdp_growth_and_period_means_by_hand():
    g = pd.DataFrame(
        {
            "bps_code": ["7571"] * 5,
            "year": [2018, 2019, 2020, 2021, 2022],
            "grdp_pc": [100.0, 105.0, 99.75, 104.7375, 110.0],
        }
    )
    growth = pemda.grdp_growth(g)
    assert growth["growth_pct"].round(9).tolist()[1:4] == [5.0, -5.0, 5.0]
    means = pemda.growth_by_period(growth, Periods())
    assert means["pre"] == pytest.approx(5.0) and means["refocusing"] == pytest.approx(0.0)


def test_missing_years_and_unclassified():
    a = pd.DataFrame({"region_code": ["75.71", "75.72", "75.72", "75"], "year": [2021, 2020, 2021, 2019]})
    assert pemda.missing_years(a, "75.71") == [2020] and pemda.missing_years(a, "75") == []
    t = pd.DataFrame(
        {
            "region_name": ["K"] * 2,
            "year": [2022, 2023],
            "n_rows": [0, 2],
            "budget": [0.0, 1e11],
            "spent": [0.0, 6.5e10],
        }
    )
    assert pemda.unclassified(t, "K")["spent"].tolist() == [6.5e10]
    assert pemda.unclassified(t, "nobody").empty


def test_pemda_measures_on_the_invented_kabkota_fixture():
    """Kab. Contoh Satu (99.01) through the real loader: hand totals from tests/fixtures/kabkota/README.md."""
    from kabkota_fixture import TRAPS

    from kinerja_analysis.ingest import realdata

    rd = realdata.load(TRAPS, cache=False, level="kabkota")
    t = pemda.yearly_totals(rd.anggaran, rd.revenue, "99.01").set_index("year")
    # 2023: belanja A 500+300+200 = 1 000 bn, R 480+270+150 = 900 bn; blank-label rows in no typed total
    assert t.loc[2023, "belanja_budget"] == pytest.approx(1000e9)
    assert t.loc[2023, "belanja_spent"] == pytest.approx(900e9)
    assert t.loc[2023, "serapan_pct"] == pytest.approx(90.0)
    u = pemda.unclassified(rd.unclassified, "Kab. Contoh Satu")
    assert u.to_dict("records") == [{"year": 2023, "n_rows": 2, "budget": 100e9, "spent": 65e9}]
    assert pemda.refocusing_shift(pemda.by_type(rd.anggaran, "99.01"), Periods())[0] == "no_base_year"
    assert 2025 not in pemda.full_years(rd.anggaran)
