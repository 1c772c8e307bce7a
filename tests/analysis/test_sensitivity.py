"""Sensitivity of the impact estimate: robustness rows, randomisation inference and the pre-trend bound.

Every method is checked on synthetic panels with a planted effect it must recover and a null it must not
find; the permutation p-value against a hand enumeration; every edge case ends in a status.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja_analysis.analysis import impact
from kinerja_analysis.analysis import panel as P
from kinerja_analysis.analysis import randomisation as R
from kinerja_analysis.analysis import robustness as RB
from kinerja_analysis.analysis import sensitivity as S


def synthetic(
    *,
    effect=-2.0,
    effect_increase=None,
    regions=8,
    opds=10,
    indicators=3,
    years=range(2018, 2024),
    dose_range=(-0.1, 0.4),
    noise=1.0,
    seed=0,
    health=True,
):
    """A kinerja-like table with a dose column: capaian = 100 + unit + year effects + effect × dose10 in the
    refocusing years (+ effect_increase × increase10 for topped-up OPDs when given) + noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(regions):
        for o in range(opds):
            name = "Dinas Kesehatan" if health and o == 0 else f"Dinas {o}"
            dose = rng.uniform(*dose_range)
            for i in range(indicators):
                base = rng.normal(0, 3)
                for y in years:
                    d10 = dose * 10
                    eff = 0.0
                    if 2020 <= y <= 2021:
                        if effect_increase is not None and d10 < 0:
                            eff = effect_increase * (-d10)
                        else:
                            eff = effect * d10
                    value = 100 + base + (y - 2018) * 0.3 + eff + rng.normal(0, noise)
                    rows.append((f"r{r}", name, f"i{i}", y, dose, value))
    return pd.DataFrame(rows, columns=["region_code", "opd", "indicator_id", "year", "dose", "achievement"])


def rows_of(table):
    return table.set_index("name")


# ---------------------------------------------------------------- randomisation inference
def test_permutation_p_value_matches_hand_enumeration():
    """Four OPDs, doses 0, 10, 20, 30 % and capaian changes 0, -1, -3, -2 pp. Centred dose10 c = (-1.5, -0.5,
    0.5, 1.5), centred change e = (1.5, 0.5, -1.5, -0.5): the observed slope is Σce/Σc² = -4/5. Of the 24
    reshuffles, |Σc_π e| >= 4 for 8 (by hand: the pairings {c1, c3} = {-1.5, 0.5} or {-0.5, 1.5} with both
    differences of one sign, and {c1, c3} = {-1.5, 1.5}), so p = 8/24."""
    change = [0.0, -1.0, -3.0, -2.0]
    rows = []
    for j, ch in enumerate(change):
        rows += [("r", f"o{j}", "i", 2019, j / 10, 100.0), ("r", f"o{j}", "i", 2020, j / 10, 100.0 + ch)]
    k = pd.DataFrame(rows, columns=["region_code", "opd", "indicator_id", "year", "dose", "achievement"])
    pan = P.build(k)
    table, dists = S.randomisation(pan, draws=999)
    row = table.iloc[0]
    assert row["exact"] and row["draws"] == 24
    assert row["observed"] == pytest.approx(-0.8)
    assert row["p_value"] == pytest.approx(8 / 24)
    assert len(dists["region"]) == 24


def test_fwl_matches_pyfixest():
    import pyfixest as pf

    pan = P.build(synthetic(regions=3, opds=6, indicators=2))
    frame, how = P.estimation_frame(pan, "achievement", method="unit")
    P.add_terms(frame, "did")
    fit = pf.feols("achievement ~ treat_refocusing + treat_post | unit_id + year", data=frame)
    resid = R.Residualiser(frame["unit_id"].to_numpy(), frame["year"].to_numpy(), np.ones(len(frame)))
    y = resid(frame[["achievement"]].to_numpy())[:, 0]
    per = frame["period"].astype(str).to_numpy()
    ind = np.column_stack([per == "refocusing", per == "post"]).astype(float)
    b = R.fwl_estimates(resid, y, frame[["dose10"]].to_numpy(), ind)[0]
    assert b == pytest.approx(fit.coef().to_numpy(), abs=1e-9)


def test_permutations_stay_within_strata_and_are_seeded():
    strata = np.array([0] * 5 + [1] * 5)
    idx, exact = R.permutations(strata, draws=50, seed=3)
    assert not exact and idx.shape == (50, 10)
    assert (idx[:, :5] < 5).all() and (idx[:, 5:] >= 5).all()
    again, _ = R.permutations(strata, draws=50, seed=3)
    assert (idx == again).all()


def test_randomisation_rejects_planted_effect_not_null():
    planted = S.randomisation(P.build(synthetic(effect=-2.0, regions=4, opds=8)), draws=199, seed=1)[0]
    null = S.randomisation(P.build(synthetic(effect=0.0, regions=4, opds=8)), draws=199, seed=1)[0]
    assert planted["p_value"].iloc[0] <= 0.01
    assert null["p_value"].iloc[0] > 0.05


def test_randomisation_within_sector_when_sectors_known():
    k = synthetic(regions=4, opds=6)
    k["sector"] = np.where(k["opd"].str.contains("Kesehatan"), "kesehatan", "pekerjaan umum")
    pan = P.build(k)
    if "sector" not in pan.columns:  # the panel carries sector once the data model has it
        pan["sector"] = k["sector"].to_numpy()
    table, _ = S.randomisation(pan, draws=99)
    assert table["strata"].tolist() == ["region", "sector"]
    assert table.set_index("strata").loc["sector", "n_strata"] == 2


# ---------------------------------------------------------------- robustness rows
def test_robustness_rows_recover_planted_effect():
    pan = P.build(synthetic(effect=-2.0))
    t = rows_of(RB.dose_robustness(pan, draws=199))
    for name in ("baseline", "cuts", "no_health", "spline_low", "spline_high"):
        r = t.loc[name]
        assert r["status"] == "ok", name
        assert r["estimate"] == pytest.approx(-2.0, abs=0.4), name
        assert r["ci_low"] < -2.0 < r["ci_high"] or abs(r["estimate"] + 2) < 0.2, name
        assert r["ci_high"] < 0, name
    # one common slope: 10 pp more increase is 10 pp less cut, so the increase slope is +2
    assert t.loc["increases", "estimate"] == pytest.approx(2.0, abs=1.0)
    assert t.loc["no_health", "detail"] == "names"
    assert t.loc["no_health", "n_obs"] < t.loc["baseline", "n_obs"]
    assert t.loc["programme", "status"] == "no_data"  # no budget table given


def test_robustness_rows_find_no_effect_under_null():
    t = rows_of(RB.dose_robustness(P.build(synthetic(effect=0.0, seed=5)), draws=199))
    for name in ("baseline", "cuts", "no_health", "spline_low", "spline_high"):
        assert t.loc[name, "ci_low"] < 0 < t.loc[name, "ci_high"], name
        assert not t.loc[name, "strong"], name


def test_separate_slopes_recover_different_planted_slopes():
    k = synthetic(effect=-3.0, effect_increase=1.0, dose_range=(-0.3, 0.4), noise=0.5)
    t = rows_of(RB.dose_robustness(P.build(k), draws=199))
    assert t.loc["cuts", "estimate"] == pytest.approx(-3.0, abs=0.3)
    assert t.loc["increases", "estimate"] == pytest.approx(1.0, abs=0.5)


def test_programme_dose_leaves_out_pegawai():
    k = synthetic(regions=5, opds=6, indicators=1)
    a = []
    for (r, o), g in k.groupby(["region_code", "opd"]):
        cut = float(g["dose"].iloc[0])
        for y in (2020, 2021):  # pegawai untouched, programme money cut by 2 × the dose
            a.append((r, o, y, "pegawai", 100.0, 100.0, 90.0))
            a.append((r, o, y, "barang_jasa", 100.0, 100.0 * (1 - 2 * cut), 50.0))
    ang = pd.DataFrame(
        a,
        columns=["region_code", "opd", "year", "spending_type", "budget_original", "budget_revised", "spent"],
    )
    dose = RB.programme_dose(ang).set_index(["region_code", "opd"])["dose"]
    first = k.groupby(["region_code", "opd"])["dose"].first()
    assert dose.to_numpy() == pytest.approx(2 * first.reindex(dose.index).to_numpy())
    t = rows_of(RB.dose_robustness(P.build(k), kinerja=k.drop(columns="dose"), anggaran=ang, draws=99))
    # the programme dose is twice the total dose, so its slope is half
    assert t.loc["programme", "estimate"] == pytest.approx(t.loc["baseline", "estimate"] / 2, rel=1e-6)


def test_health_by_sector_when_known():
    p = pd.DataFrame({"opd": ["Dinas A", "Dinas B"], "sector": ["1.02", "1.01"]})
    mask, rule = RB.health_rows(p)
    assert mask.tolist() == [True, False] and rule == "sector"


# ---------------------------------------------------------------- pre-trend bound
def test_trend_bound_widens_by_hand_amount():
    k = synthetic(effect=-2.0, regions=6)
    # plant a pre-trend: the 2018 coefficient is 0.5 per 10 pp above 2019
    k.loc[k["year"] == 2018, "achievement"] += 0.5 * k["dose"] * 10
    b, status = S.trend_bound(P.build(k), draws=199)
    assert status == "ok"
    ref = b[(b["period"] == "refocusing") & (b["m"] == 1.0)].iloc[0]
    assert ref["delta"] == pytest.approx(0.5, abs=0.15)
    assert ref["k"] == 1.5  # 2020 and 2021 are 1 and 2 years after 2019
    assert ref["bound_low"] == pytest.approx(ref["ci_low"] - 1.5 * ref["delta"])
    assert ref["bound_high"] == pytest.approx(ref["ci_high"] + 1.5 * ref["delta"])
    gap = -ref["ci_high"]
    assert ref["breakdown_m"] == pytest.approx(gap / (1.5 * ref["delta"]))
    post = b[(b["period"] == "post") & (b["m"] == 0.5)].iloc[0]
    assert post["k"] == 3.5


# ---------------------------------------------------------------- edge cases
def test_no_dose_variation_gives_statuses():
    k = synthetic(regions=6, opds=4).assign(dose=0.2)
    pan = P.build(k)
    t = rows_of(RB.dose_robustness(pan, draws=9))
    assert t.loc["baseline", "status"] == "no_variation"
    ri, _ = S.randomisation(pan, draws=9)
    assert ri["status"].iloc[0] == "no_variation"
    assert S.trend_bound(pan, draws=9)[1] == "no_variation"


def test_data_ending_in_2021_and_no_pre_years():
    k = synthetic(regions=6, opds=5, years=range(2019, 2022))
    pan = P.build(k)
    t = rows_of(RB.dose_robustness(pan, draws=49))
    assert t.loc["baseline", "status"] == "ok"
    b, status = S.trend_bound(pan, draws=49)
    assert status == "no_pre_years" and b.empty
    assert S.randomisation(pan, draws=49)[0]["status"].iloc[0] == "ok"


def test_no_reference_year():
    pan = P.build(synthetic(regions=6, opds=5, years=[2018, 2020, 2021]))
    assert S.trend_bound(pan, draws=9)[1] == "no_reference_year"


def test_two_regions_is_few_clusters():
    t = rows_of(RB.dose_robustness(P.build(synthetic(regions=2, opds=6)), draws=49))
    assert t.loc["baseline", "status"] == "few_clusters"
    assert np.isnan(t.loc["baseline", "ci_low"]) and np.isfinite(t.loc["baseline", "estimate"])


def test_increases_only_and_cuts_only():
    inc = rows_of(RB.dose_robustness(P.build(synthetic(dose_range=(-0.4, -0.05))), draws=49))
    assert inc.loc["cuts", "status"] == "no_cuts" and inc.loc["increases", "status"] == "ok"
    assert inc.loc["spline_low", "status"] == "too_few_cut"
    cuts = rows_of(RB.dose_robustness(P.build(synthetic(dose_range=(0.05, 0.4))), draws=49))
    assert cuts.loc["increases", "status"] == "no_increases"
    assert cuts.loc["cuts", "estimate"] == pytest.approx(cuts.loc["baseline", "estimate"])


def test_no_health_opds():
    t = rows_of(RB.dose_robustness(P.build(synthetic(health=False, regions=5)), draws=9))
    assert t.loc["no_health", "status"] == "no_health_opds"


def test_run_on_demo(demo_prepared):
    r = S.run(demo_prepared, draws=99)
    assert r.model == "sector" and r.sectors_known  # the demo knows every OPD's urusan
    assert r.randomisation["strata"].tolist() == ["region", "sector"]
    assert list(r.robustness["name"]) == list(RB.ROWS)
    assert r.robustness.set_index("name").loc["baseline", "estimate"] < 0
    assert r.randomisation["p_value"].iloc[0] <= 0.01
    assert r.bound_status == "ok" and set(r.bound["m"]) == {0.5, 1.0}
    assert [x["year"] for x in r.bound.attrs["pre"]] == [2018]
    assert (r.robustness["label_id"] != r.robustness["label_en"]).all()


def test_trend_bound_with_few_clusters_has_no_breakdown():
    b, status = S.trend_bound(P.build(synthetic(regions=2, opds=6)), draws=9)
    assert status == "few_clusters"
    assert b["bound_low"].isna().all() and b["breakdown_m"].isna().all()
    assert np.isfinite(b["estimate"]).all()


def test_large_strata_are_drawn_not_enumerated():
    """25 OPDs in one region: 25! reshuffles overflow 64-bit integers; they must be drawn, not listed."""
    idx, exact = R.permutations(np.zeros(25, dtype=int), draws=30, seed=1)
    assert not exact and idx.shape == (30, 25)


def test_sector_model_removes_a_planted_sector_shock():
    """Health OPDs were topped up and their capaian fell for pandemic reasons: the year-effects model mixes
    the shock into the dose slope, the urusan × year model does not."""
    k = synthetic(effect=-2.0, regions=6, opds=8, noise=0.5, seed=3)
    rng = np.random.default_rng(1)
    sectors = {f"Dinas {o}": ("1.02" if o < 3 else "1.03" if o < 6 else "1.01") for o in range(1, 8)}
    sectors["Dinas Kesehatan"] = "1.02"
    k["sector"] = k["opd"].map(sectors)
    opd_dose = {
        (r, o): rng.uniform(-0.3, 0.0) if sectors[o] == "1.02" else rng.uniform(0.1, 0.4)
        for r, o in k[["region_code", "opd"]].drop_duplicates().itertuples(index=False)
    }
    k["dose"] = [opd_dose[(r, o)] for r, o in zip(k["region_code"], k["opd"])]
    ref = k["year"].between(2020, 2021)
    k["achievement"] = (
        100 + k["year"] * 0 + np.where(ref, -2.0 * k["dose"] * 10, 0.0) + rng.normal(0, 0.5, len(k))
    )
    k.loc[ref & k["sector"].eq("1.02"), "achievement"] -= 6.0  # the pandemic shock to health
    pan = P.build(k)
    assert impact.has_sectors(pan)
    base = rows_of(RB.dose_robustness(pan, draws=99, sector=False)).loc["baseline"]
    sect = rows_of(RB.dose_robustness(pan, draws=99, sector=True)).loc["baseline"]
    assert base["estimate"] > -1.5  # the shock to the topped-up health OPDs flattens the slope
    assert sect["estimate"] == pytest.approx(-2.0, abs=0.2)
    ri, _ = S.randomisation(pan, draws=99, sector=True)
    assert ri.set_index("strata").loc["region", "observed"] == pytest.approx(sect["estimate"], abs=1e-8)
