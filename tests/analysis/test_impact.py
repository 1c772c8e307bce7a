"""Impact models: planted effects recovered, ceiling attenuation shown, null coverage, statsmodels reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_panel import synthetic

from kinerja_analysis.analysis import impact
from kinerja_analysis.analysis import panel as P
from kinerja_analysis.analysis import prepare as data
from kinerja_analysis.ingest import demo


@pytest.fixture(scope="module")
def demo_panel(tmp_path_factory):
    """The demo data without its sector shocks, which bias the baseline model on purpose (see
    tests/analysis/test_panel_sector.py): here the baseline model must recover the planted dose effect."""
    out = tmp_path_factory.mktemp("demo_no_sector_shocks")
    demo.write(out, sector_shocks=False)
    p = data.load(out)
    return P.build(p.kinerja, p.dose, periods=p.settings.periods)


@pytest.fixture(scope="module")
def truth():
    return demo.truth(sector_shocks=False)


def _covers(row, value):
    return row["ci_low"] <= value <= row["ci_high"]


def test_did_recovers_demo_truth(demo_panel, truth):
    est = impact.did(demo_panel).set_index("term")
    assert _covers(est.loc["treat_refocusing"], truth["did_refocusing_per_10pp"])
    assert _covers(est.loc["treat_post"], truth["did_post_per_10pp"])
    assert est.loc["treat_refocusing", "ci_high"] < 0  # and the effect is found, not just covered
    assert est["n_clusters"].iloc[0] == 6


def test_event_study_recovers_demo_truth(demo_panel, truth):
    es = impact.event_study(demo_panel).set_index("year")
    assert es.loc[2019, "estimate"] == 0 and es.loc[2019, "reference"]
    for year, value in truth["event_study_per_10pp"].items():
        if int(year) != 2019:
            assert _covers(es.loc[int(year)], value), (year, es.loc[int(year)].to_dict())
            # the Bonferroni band is wider than the pointwise CV3 interval (a larger t critical value)
            assert es.loc[int(year), "band_low"] < es.loc[int(year), "ci_low"]
            assert es.loc[int(year), "band_high"] > es.loc[int(year), "ci_high"]
    assert es["band_crit"].notna().sum() == len(es) - 1 and es["band_crit"].nunique() == 1


def test_fresh_demo_seed_recovers_truth(tmp_path):
    seed = 7
    demo.write(tmp_path, seed=seed, sector_shocks=False)  # the shocks bias the baseline model on purpose
    t = demo.truth(seed, sector_shocks=False)
    p = data.load(tmp_path)
    # the package's dose is the planted one
    ref = demo.truth_dose(demo.generate(seed, sector_shocks=False)).merge(
        p.dose, on=["region_code", "opd"], suffixes=("_t", "")
    )
    np.testing.assert_allclose(ref["dose"], ref["dose_t"], atol=1e-12)
    pan = P.build(p.kinerja, p.dose)
    est = impact.did(pan, jackknife=False).set_index("term")
    assert _covers(est.loc["treat_refocusing"], t["did_refocusing_per_10pp"])
    assert _covers(est.loc["treat_post"], t["did_post_per_10pp"])
    es = impact.event_study(pan, jackknife=False).set_index("year")
    for year, value in t["event_study_per_10pp"].items():
        assert int(year) == 2019 or _covers(es.loc[int(year)], value)


def test_synthetic_panel_recovers_planted_effect_and_single_region_by_opd():
    p = P.build(synthetic(11, regions=8, opds=12, effect=(-2.0, 1.5)))
    est = impact.did(p).set_index("term")
    assert _covers(est.loc["treat_refocusing"], -2.0) and _covers(est.loc["treat_post"], 1.5)
    one = impact.did(p[p["region_code"] == "r0"], cluster="opd").set_index("term")
    assert one["n_clusters"].iloc[0] == 12
    assert _covers(one.loc["treat_refocusing"], -2.0)


def test_ceiling_attenuates_capped_model():
    """Latent capaian centred just below 100: capping at 100 hides most of the fall, uncapped does not."""
    rng = np.random.default_rng(5)
    k = synthetic(5, regions=10, opds=15, effect=(-3.0, 0.0))
    k["achievement"] = k["achievement"] + 2.0 + rng.normal(0, 0.5, len(k))  # most of the mass above 100
    p = P.build(k)
    rob = (
        impact.robustness(p, outcomes=("achievement", "capped", "met"))
        .query("term == 'treat_refocusing'")
        .set_index("outcome")
    )
    truth = -3.0
    assert _covers(rob.loc["achievement"], truth)
    capped = rob.loc["capped", "estimate"]
    assert truth < capped < 0 and abs(capped) < 0.8 * abs(truth)  # biased toward zero
    assert rob.loc["capped", "ci_high"] < truth * 0.8 or not _covers(rob.loc["capped"], truth)
    assert rob.loc["met", "ci_high"] < 0  # the share met still sees the fall


def test_null_effect_ci_covers_zero_in_about_95_percent_of_seeds():
    hits = []
    for seed in range(60):
        p = P.build(synthetic(100 + seed, regions=12, opds=6, indicators=3, effect=(0.0, 0.0)))
        est = impact.did(p, jackknife=False)
        hits.append(bool(((est["ci_low"] <= 0) & (est["ci_high"] >= 0)).iloc[0]))
    rate = np.mean(hits)
    assert 0.85 <= rate <= 1.0, rate  # expected 0.95; 60 fixed seeds, deterministic


def test_revision_as_outcome_recovers_planted_slope():
    rng = np.random.default_rng(9)
    k = synthetic(9, regions=10, opds=20, indicators=4)
    k["target"] = 10.0
    ref = k["year"].between(2020, 2021)
    p_rev = 0.05 + 0.03 * 10 * k["dose"].clip(lower=0)  # +3 pp per 10 pp of cut
    revised = ref & (rng.random(len(k)) < p_rev)
    k["target_original"] = np.where(revised, 12.0, np.nan)
    k.loc[k["dose"] < 0, "dose"] = 0.0  # keep the planted relation linear
    est = impact.did(P.build(k), outcome="revised").set_index("term")
    assert _covers(est.loc["treat_refocusing"], 3.0) and est.loc["treat_refocusing", "ci_low"] > 0


def test_reference_against_statsmodels():
    import statsmodels.formula.api as smf

    k = synthetic(21, regions=5, opds=4, indicators=2)
    p = P.build(k)
    est = impact.did(p, method="unit", jackknife=False).set_index("term")
    P.add_terms(p, "did")
    ols = smf.ols("achievement ~ treat_refocusing + treat_post + C(unit_id) + C(year)", data=p).fit(
        cov_type="cluster", cov_kwds={"groups": p["region_id"], "use_correction": False}
    )
    for term in ("treat_refocusing", "treat_post"):
        assert est.loc[term, "estimate"] == pytest.approx(ols.params[term], abs=1e-8)
    # CR1 = sandwich x G/(G-1) x (N-1)/(N-k); k differs between the libraries only in how fixed effects
    # nested in clusters are counted, so the ratio must lie between the two small-sample factors
    g, n, k_all = 5, len(p), len(ols.params)
    ratio = (est["se"] / ols.bse[est.index]) ** 2
    assert ((ratio >= g / (g - 1) - 1e-9) & (ratio <= g / (g - 1) * (n - 1) / (n - k_all) + 1e-9)).all()


def test_dose_response_bins_fall_with_dose(demo_panel):
    bins, points = impact.dose_response(demo_panel, n_bins=5)
    ref = bins[bins["period"] == "refocusing"].sort_values("bin")
    assert ref["change"].is_monotonic_decreasing
    assert (ref["ci_low"] <= ref["change"]).all() and (ref["change"] <= ref["ci_high"]).all()
    assert ref["n_opd"].sum() == len(points) == demo_panel.groupby(["region_code", "opd"]).ngroups


def test_dose_response_hand_values():
    k = pd.DataFrame(
        {
            "region_code": ["a"] * 8,
            "opd": list("wwxxyyzz"),
            "indicator_id": ["i"] * 8,
            "year": [2019, 2020] * 4,
            "dose": [0, 0, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3],
            "achievement": [100, 100, 100, 99, 100, 98, 100, 97.0],
        }
    )
    bins, _ = impact.dose_response(P.build(k), n_bins=2)
    b = bins[bins["period"] == "refocusing"].set_index("bin")
    # bin 1: OPDs w (0) and x (-1): mean -0.5, sd 0.7071, t(1) 12.706 -> half-width 12.706 * 0.7071 / 1.4142
    assert b.loc[1, "change"] == pytest.approx(-0.5)
    assert b.loc[1, "ci_high"] - b.loc[1, "change"] == pytest.approx(12.7062047 * 0.5, rel=1e-6)
    assert b.loc[2, "dose_mean"] == pytest.approx(25.0)


def test_ceiling_by_tercile_and_continuity_on_demo(demo_prepared, demo_panel):
    ct = impact.ceiling_by_tercile(demo_panel, demo_prepared.dose)
    assert set(ct["tercile"]) == {"T1", "T2", "T3"} and ct["share"].between(0, 1).all()
    mapped, counts = impact.continuity(demo_prepared.kinerja, demo_prepared.dataset.crosswalk)
    assert len(mapped) == 3 and mapped["mapped"].all()  # one rename and one merger of two OPDs
    assert counts["ended"] == 0 and counts["continuing"] == counts["units_from"]


def test_bad_arguments_are_named():
    p = P.build(synthetic(1, regions=2, opds=3, indicators=1))
    with pytest.raises(ValueError, match="cluster"):
        impact.did(p, cluster="indicator")
    with pytest.raises(ValueError, match="outcome"):
        impact.did(p, outcome="nope")
