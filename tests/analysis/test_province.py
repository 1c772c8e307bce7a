"""Province measures (notebook 05) without real data: PEFA scoring by hand, the budget and data-check
frames by hand, and cut intensity and outcome estimates recovering planted effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja_analysis.analysis import pefa, province
from kinerja_analysis.config import Periods


# ---------------------------------------------------------------- PEFA, by hand
def test_pefa_bands_by_hand():
    assert [pefa.pi1_band(x) for x in (95.0, 105.0, 89.99, 115.0, 115.01)] == ["A", "A", "C", "C", "D"]
    assert [pefa.pi2_band(x) for x in (0.0, 5.0, 10.0, 14.9, 20.0)] == ["A", "B", "C", "C", "D"]
    assert pefa.score_two_of_three(["A", "A", "D"]) == "A"
    assert pefa.score_two_of_three(["A", "C", "D"]) == "C"
    assert pefa.score_two_of_three(["D", "D", "A"]) == "D"


def test_pefa_yearly_excludes_btt_from_pi2():
    rows = []
    for year, (peg_b, peg_s, btt_b, btt_s) in {
        2018: (60, 57, 40, 40),
        2019: (60, 60, 40, 10),
        2020: (60, 30, 40, 80),
    }.items():
        rows += [
            {
                "region_code": "x",
                "year": year,
                "spending_type": "pegawai",
                "budget_revised": peg_b,
                "spent": peg_s,
            },
            {
                "region_code": "x",
                "year": year,
                "spending_type": "modal",
                "budget_revised": 40.0,
                "spent": 40.0,
            },
            {
                "region_code": "x",
                "year": year,
                "spending_type": "btt",
                "budget_revised": btt_b,
                "spent": btt_s,
            },
        ]
    s = pefa.yearly(pd.DataFrame(rows)).set_index("year")
    # 2018: outturn (57 + 40 + 40) / 140 = 97.86 % -> A
    assert s.loc[2018, "pi1_outturn_pct"] == pytest.approx(137 / 140 * 100)
    # 2018 PI-2 without BTT: b = (60, 40), a = (57, 40); A/B = 0.97; adjusted (58.2, 38.8);
    # |57 - 58.2| + |40 - 38.8| = 2.4; 2.4 / 97 = 2.474 % -> A
    assert s.loc[2018, "pi2_variance_pct"] == pytest.approx(2.4 / 97 * 100)
    # 2020: (30 + 40 + 80) / 140 = 107.1 % -> B; PI-2: b = (60, 40), a = (30, 40), A/B = 0.7 -> (42, 28): 24/70
    assert s.loc[2020, "pi1_band"] == "B"
    assert s.loc[2020, "pi2_variance_pct"] == pytest.approx(24 / 70 * 100)
    # three-year PI-1 window 2018-2020: A (97.9), B (2019: 110/140 = 78.6 -> D), B -> B
    assert s.loc[2019, "pi1_band"] == "D" and s.loc[2020, "pi1_score_3y"] == "B"
    counts = province.pefa_counts(s.reset_index(), "pi1_band")
    assert list(counts.columns) == ["A", "B", "D"] and counts.loc[2019].to_dict() == {"A": 0, "B": 0, "D": 1}


# ---------------------------------------------------------------- data checks and budget, by hand
def _anggaran():
    # two provinces, 2019-2020 complete, 2025 partial; BTT 2020 "Anggaran" 10, realised 200
    rows = []
    for code in ("11", "12"):
        for year, partial, (peg, bj, modal, btt_b, btt_s) in (
            (2019, False, (50, 30, 20, 0, 0)),
            (2020, False, (50, 20, 10, 10, 100)),
            (2025, True, (50, 10, 5, 5, 1)),
        ):
            for t, b, s in (
                ("pegawai", peg, peg),
                ("barang_jasa", bj, bj),
                ("modal", modal, modal),
                ("btt", btt_b, btt_s),
            ):
                rows.append(
                    {
                        "region_code": code,
                        "year": year,
                        "spending_type": t,
                        "budget_original": float(b),
                        "budget_revised": float(b),
                        "spent": float(s),
                        "partial_year": partial,
                    }
                )
    return pd.DataFrame(rows)


def test_identity_checks_by_hand():
    idt = pd.DataFrame(
        {
            "region_name": ["a", "b", "c"],
            "ok": [True, False, True],
            "gap_budget_if_double_counted": [3e9, 3e9, 5e5],
        }
    )
    assert province.identity_failures(idt)["region_name"].tolist() == ["b"]
    # only a holds because the repeat is counted once; c's would-be gap is below the tolerance
    assert province.repaired_by_dedup(idt)["region_name"].tolist() == ["a"]
    assert province.repaired_by_dedup(idt, tolerance=1e5)["region_name"].tolist() == ["a", "c"]


def test_anggaran_by_year_and_kind_by_hand():
    a = _anggaran()
    y = province.anggaran_by_year(a).set_index("year")
    assert (
        y.loc[2020, "btt_budget"] == 20 and y.loc[2020, "btt_spent"] == 200 and y.loc[2020, "btt_ratio"] == 10
    )
    assert np.isnan(y.loc[2019, "btt_ratio"])  # 0 / 0: no BTT, no ratio
    assert y.loc[2020, "budget_revised"] == 2 * 90 and y.loc[2020, "spent"] == 2 * 180
    assert province.anggaran_kind(y.index, Periods(), [2025]) == ["pre", "first_refocusing", "partial"]
    assert province.anggaran_kind([2021, 2022], Periods()) == ["later", "later"]
    assert set(province.complete_years(a)["year"]) == {2019, 2020}
    t = province.province_totals(a)
    assert len(t) == 6 and t.loc[(t["region_code"] == "11") & (t["year"] == 2019), "spent"].item() == 100


def test_group_shift_by_hand():
    comp = province.shares(province.complete_years(_anggaran()), by=("year",))
    g = province.group_shift(comp, 2019).set_index("year")
    # 2019: (30 + 20) / 100 = 50 %; 2020: (20 + 10) / 180 = 16.7 %; BTT 0 -> 100 / 180 = 55.6 %
    assert g.loc[2019, "cut_share_pct"] == pytest.approx(50.0) and g.loc[2019, "cut_change_pp"] == 0
    assert g.loc[2020, "cut_change_pp"] == pytest.approx(30 / 180 * 100 - 50)
    assert g.loc[2020, "covid_change_pp"] == pytest.approx(100 / 180 * 100)
    assert province.group_shift(comp, 2018)["cut_change_pp"].isna().all()  # no base year: NaN, never 0


def test_rkp_since():
    rkp = pd.DataFrame({"measure": ["ipm"] * 3, "year": [2017, 2018, 2019]})
    assert province.rkp_since(rkp, 2018)["year"].tolist() == [2018, 2019]


# ---------------------------------------------------------------- outcomes, planted effects
def _synthetic(n=30, slope=-0.4, seed=3):
    rng = np.random.default_rng(seed)
    cut = rng.uniform(-5, 15, n)  # planted cut intensity in pp
    rows, outs = [], []
    for i in range(n):
        code = f"{10 + i:02d}"
        base = 0.40
        for year, share in (
            (2019, base),
            (2020, base - cut[i] / 100 * 0.8),
            (2021, base - cut[i] / 100 * 1.2),
        ):
            rows += [
                {"region_code": code, "year": year, "spending_type": "modal", "spent": share * 1000},
                {"region_code": code, "year": year, "spending_type": "pegawai", "spent": (1 - share) * 1000},
            ]
        for year in (2018, 2019):
            outs.append({"region_code": code, "year": year, "measure": "poverty_rate", "value": 10.0})
        for year in (2020, 2021):
            outs.append(
                {
                    "region_code": code,
                    "year": year,
                    "measure": "poverty_rate",
                    "value": 10.0 + slope * cut[i] + rng.normal(0, 0.3),
                }
            )
    return pd.DataFrame(rows), pd.DataFrame(outs), cut


def test_cut_intensity_recovers_planted_cut():
    ang, _, cut = _synthetic()
    got = province.cut_intensity(ang, Periods()).set_index("region_code")["cut_intensity_pp"]
    assert np.allclose(got.to_numpy(), cut, atol=1e-9)  # mean of 0.8 and 1.2 times the cut = the cut


def test_outcome_vs_cut_recovers_planted_slope():
    ang, out, _ = _synthetic(slope=-0.4)
    cuts = province.cut_intensity(ang, Periods())
    stats = province.outcome_vs_cut(out, cuts, Periods(), n_boot=400).set_index("window")
    row = stats.loc["change_refocusing"]
    assert row["slope_lo"] < -0.4 < row["slope_hi"] and row["slope"] == pytest.approx(-0.4, abs=0.05)
    assert row["r_hi"] < -0.8 and row["n"] == 30
    assert stats.loc["change_post", "n"] == 0  # no post data planted: no estimate, never a 0


def test_outcome_fits_one_panel_per_estimate():
    ang, out, _ = _synthetic(slope=-0.4)
    cuts = province.cut_intensity(ang, Periods())
    stats = province.outcome_vs_cut(out, cuts, Periods(), n_boot=200)
    fits = province.outcome_fits(out, cuts, Periods(), stats)
    assert [(f["window"], f["measure"]) for f in fits] == [("change_refocusing", "poverty_rate")]
    f = fits[0]
    assert len(f["x"]) == len(f["y"]) == f["n"] == 30 and len(f["grid"]) == len(f["lo"]) == 50
    assert f["slope"] == pytest.approx(stats.loc[0, "slope"]) and f["r"] == stats.loc[0, "r"]
    assert (f["lo"] <= f["fit"]).all() and (f["fit"] <= f["hi"]).all()
    assert (
        province.outcome_fits(
            out, cuts, Periods(), pd.DataFrame({"measure": ["x"], "window": ["change_post"], "n": [2]})
        )
        == []
    )


def test_bootstrap_ci_covers_zero_without_effect():
    rng = np.random.default_rng(7)
    r, lo, hi = province.bootstrap_corr(rng.normal(size=34), rng.normal(size=34), n_boot=500)
    assert lo < 0 < hi and lo < r < hi
