"""The sector objection: a pandemic shock that hits whole sectors whose OPDs were cut harder biases the
baseline DiD in the planted direction, and the sector × year model recovers the planted dose effect.
Also the verdict rule, the sector share of dose variation and the dropped-OPD list, by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja_analysis.analysis import diagnostics, estimates, impact
from kinerja_analysis.analysis import panel as P

TRUE_EFFECT = -1.0  # pp per 10 pp of cut, 2020-21
SECTOR_DOSE = (0.05, 0.15, 0.30, 0.45)  # sector means of the cut share: cuts follow sectors


def sector_panel(seed=3, *, regions=8, opds=12, indicators=3, shock=-1.0, effect=TRUE_EFFECT):
    """A balanced panel where sector explains most of the dose and sector s falls by ``shock`` pp per 10 pp
    of its mean dose in 2020-21 (the pandemic), beside a dose effect of ``effect`` per 10 pp of the OPD's own
    dose: the baseline should find about ``effect + shock``."""
    rng = np.random.default_rng(seed)
    years = np.arange(2018, 2024)
    r, o, i, y = np.meshgrid(np.arange(regions), np.arange(opds), np.arange(indicators), years, indexing="ij")
    r, o, i, y = r.ravel(), o.ravel(), i.ravel(), y.ravel()
    sector = o % len(SECTOR_DOSE)
    dose_ro = np.array(SECTOR_DOSE)[np.arange(opds) % len(SECTOR_DOSE)] + rng.normal(0, 0.06, (regions, opds))
    dose = dose_ro[r, o]
    refocusing = (y >= 2020) & (y <= 2021)
    sector_shock = shock * np.array(SECTOR_DOSE)[sector] * 10 * refocusing
    ach = (
        100
        + rng.normal(0, 5, (regions, opds, indicators))[r, o, i]
        + np.vectorize(dict(zip(years, rng.normal(0, 2, len(years)))).get)(y)
        + effect * dose * 10 * refocusing
        + sector_shock
        + rng.normal(0, 3, len(y))
    )
    return pd.DataFrame(
        {
            "region_code": [f"r{x}" for x in r],
            "opd": [f"o{x}" for x in o],
            "indicator_id": [f"i{x}" for x in i],
            "year": y,
            "dose": dose,
            "sector": [f"1.0{x + 1}" for x in sector],
            "achievement": ach,
        }
    )


def _panel(k):
    pan = P.build(k)
    return pan.assign(
        sector=k.set_index(["region_code", "opd"])["sector"]
        .groupby(level=[0, 1])
        .first()
        .reindex(pd.MultiIndex.from_arrays([pan["region_code"], pan["opd"]]))
        .to_numpy()
    )


def test_sector_model_answers_the_sector_objection():
    pan = _panel(sector_panel())
    base = impact.did(pan, draws=999).set_index("term").loc["treat_refocusing"]
    sec = impact.did(pan, sector=True, draws=999).set_index("term").loc["treat_refocusing"]
    # the planted sector shock is negative where cuts are deep: the baseline overstates the fall
    assert base["estimate"] < TRUE_EFFECT - 0.5
    assert not base["ci_low"] <= TRUE_EFFECT <= base["ci_high"]
    assert sec["ci_low"] <= TRUE_EFFECT <= sec["ci_high"] and sec["interval"] == "wild"
    assert sec["ci_low_cv3"] <= TRUE_EFFECT <= sec["ci_high_cv3"]
    assert sec["model"] == "sector" and base["model"] == "baseline"
    assert sec["cluster_cr1"] == "region"  # 8 regions, 4 sectors: too few for two-way clustering


def test_sector_model_null_is_not_found():
    """No dose effect, only the sector shock: the sector model rarely calls it strong, the baseline does."""
    strong_sector, strong_base = 0, 0
    for seed in range(5, 17):  # 12 fixed seeds: about 0.6 false "strong" expected at 5 %
        pan = _panel(sector_panel(seed, effect=0.0))
        strong_sector += bool(impact.did(pan, sector=True, draws=199)["strong"].iloc[0])
        strong_base += bool(impact.did(pan, draws=199)["strong"].iloc[0])
    assert strong_sector <= 2 and strong_base >= 10


def test_two_way_clustering_only_with_enough_of_each():
    f = pd.DataFrame({"region_id": np.arange(40) % 12, "sector_id": np.arange(40) % 10})
    assert impact.twfe.cr1_cluster(f, "region_id", sector=True)[0] == "region_id+sector_id"
    assert (
        impact.twfe.cr1_cluster(f.assign(sector_id=f["sector_id"] % 9), "region_id", sector=True)[0]
        == "region_id"
    )
    assert impact.twfe.cr1_cluster(f, "opd_id", sector=True)[0] == "opd_id"
    assert impact.twfe.cr1_cluster(f, "region_id", sector=False)[0] == "region_id"


def test_sector_model_without_sectors_is_refused():
    pan = P.build(sector_panel(1, regions=5, opds=4, indicators=1).drop(columns="sector"))
    with pytest.raises(ValueError, match="sector"):
        impact.did(pan, sector=True)


def test_estimate_uses_the_sector_model_for_the_verdict():
    k = sector_panel(7, regions=6, opds=8, indicators=2)
    k["period"] = k["year"].map(lambda y: "pre" if y < 2020 else ("refocusing" if y < 2022 else "post"))
    dose = k.groupby(["region_code", "opd"], as_index=False)[["dose", "sector"]].first()
    r = estimates.estimate(k.drop(columns=["dose"]), dose, full=False, draws=199)
    assert r.sectors_known and r.verdict["model"] == "sector" and len(r.did_sector) == 2
    assert r.headline is r.did_sector
    assert 0.5 < r.sector_share < 1.0


@pytest.mark.parametrize(
    ("wild", "cv3", "status", "expected"),
    [
        ((-2.0, -0.5), (-2.1, -0.1), "ok", "strong"),
        ((0.5, 2.0), (0.1, 2.1), "ok", "strong"),
        ((-2.0, -0.5), (-2.1, 0.2), "ok", "intervals_disagree"),
        ((-2.0, 0.5), (-2.1, -0.1), "ok", "intervals_disagree"),
        ((-2.0, -0.5), (0.1, 2.0), "ok", "intervals_disagree"),  # opposite sides never make "strong"
        ((-2.0, 0.5), (-2.1, 0.2), "ok", "no_evidence"),
        ((np.nan, np.nan), (np.nan, np.nan), "few_clusters", "no_inference"),
        ((np.nan, np.nan), (np.nan, np.nan), "no_dose_variation", "not_estimable"),
        ((np.nan, np.nan), (np.nan, np.nan), "no_pre_years", "not_estimable"),
    ],
)
def test_verdict_rule_table(wild, cv3, status, expected):
    row = pd.Series(
        {
            "estimate": -1.0,
            "status": status,
            "ci_low_wild": wild[0],
            "ci_high_wild": wild[1],
            "ci_low_cv3": cv3[0],
            "ci_high_cv3": cv3[1],
        }
    )
    assert estimates.verdict(row) == expected


def test_sector_share_of_dose_hand_values():
    # sector A: 0.1, 0.2, 0.3 (mean 0.2); B: 0.6 (mean 0.6); grand mean 0.3
    # total SS = 0.04 + 0.01 + 0 + 0.09 = 0.14; within SS = 0.01 + 0 + 0.01 + 0 = 0.02; R² = 1 - 0.02/0.14
    d = pd.DataFrame({"dose": [0.1, 0.2, 0.3, 0.6, 0.9], "sector": ["A", "A", "A", "B", ""]})
    assert diagnostics.sector_share_of_dose(d) == pytest.approx(1 - 0.02 / 0.14)
    assert np.isnan(diagnostics.sector_share_of_dose(d.assign(sector="A")))
    assert diagnostics.sector_share_of_dose(d.assign(dose=[0.1, 0.1, 0.1, 0.5, 0.0])) == pytest.approx(1.0)


def test_sector_shock_demo_baseline_biased_sector_model_recovers_truth(demo_prepared, demo_dir):
    """The committed demo plants sector-specific pandemic shocks that follow the dose (truth.json)."""
    import json

    truth = json.loads((demo_dir / "truth.json").read_text())
    planted = truth["did_refocusing_per_10pp"]
    bias = truth["sector_shock"]["expected_bias_baseline_refocusing_per_10pp"]
    p = demo_prepared
    r = estimates.estimate(p.kinerja, p.dose, p.settings, full=False, draws=999)
    base = r.did.set_index("term").loc["treat_refocusing"]
    sec = r.did_sector.set_index("term").loc["treat_refocusing"]
    assert bias < 0 and base["estimate"] < planted + bias / 2  # biased in the planted direction
    assert not base["ci_low"] <= planted <= base["ci_high"]  # and confidently wrong
    assert sec["ci_low"] <= planted <= sec["ci_high"] and sec["ci_low_cv3"] <= planted <= sec["ci_high_cv3"]
    assert r.verdict["model"] == "sector" and r.sector_share > 0.9
