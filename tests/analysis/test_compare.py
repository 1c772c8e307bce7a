"""Before/after comparisons: hand-computed means and differences, and bootstraps that resample clusters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja_analysis.analysis import compare


def _k(rows):
    return pd.DataFrame(rows, columns=["region_code", "opd", "period", "achievement", "met"])


def test_existing_functions_keep_their_behaviour():
    k = _k(
        [
            ("a", "x", "pre", 100.0, True),
            ("a", "x", "pre", 90.0, False),
            ("a", "x", "refocusing", 80.0, False),
        ]
    )
    pm = compare.period_means(k)
    assert pm["mean"].tolist() == [95.0, 80.0] and pm["met_share"].tolist() == [0.5, 0.0]
    ch = compare.opd_period_change(k, pd.DataFrame({"region_code": ["a"], "opd": ["x"], "dose": [0.3]}))
    assert ch.loc[0, "change_refocusing"] == -15.0 and ch.loc[0, "dose"] == 0.3


def test_period_differences_hand_values():
    # region a: pre 100, 90 and refocusing 96, 86; region b: pre 100, refocusing 94
    k = _k(
        [
            ("a", "x", "pre", 100.0, True),
            ("a", "x", "pre", 90.0, False),
            ("a", "x", "refocusing", 96.0, False),
            ("a", "x", "refocusing", 86.0, False),
            ("b", "y", "pre", 100.0, True),
            ("b", "y", "refocusing", 94.0, False),
        ]
    )
    r = compare.period_differences(k, n_resamples=199).set_index(["outcome", "quantity"])
    assert r.loc[("achievement", "mean_pre"), "estimate"] == pytest.approx(290 / 3)
    # within-unit changes -4 (a) and -6 (b), weighted 1 : 0.5 by their within variance of the dummy
    assert r.loc[("achievement", "diff_refocusing"), "estimate"] == pytest.approx(276 / 3 - 290 / 3)
    assert r.loc[("met", "diff_refocusing"), "estimate"] == pytest.approx(0 - 200 / 3)  # pp
    # two regions: no cluster-robust interval, and the status says so
    row = r.loc[("achievement", "diff_refocusing")]
    assert np.isnan(row["ci_low"]) and row["status"] == "few_clusters"
    assert np.isnan(r.loc[("achievement", "diff_post"), "estimate"])
    assert r.loc[("achievement", "diff_post"), "status"] == "no_data"


def _panel(change, *, regions=8, opds=4, shock=3.0, seed=0):
    """Indicator-years with region shocks in the refocusing period and a planted mean change."""
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(regions):
        s = rng.normal(0, shock)
        for o in range(opds):
            for i in range(3):
                base = rng.normal(100, 5)
                for per in ("pre", "refocusing", "post"):
                    v = base + (change + s if per == "refocusing" else 0) + rng.normal(0, 1)
                    rows.append((f"r{r}", f"o{o}", f"i{i}", per, v, v >= 100))
    return pd.DataFrame(rows, columns=["region_code", "opd", "indicator_id", "period", "achievement", "met"])


def test_period_differences_cover_planted_change_and_null():
    r = compare.period_differences(_panel(-5.0), outcomes=["achievement"]).set_index("quantity")
    row = r.loc["diff_refocusing"]
    assert row["status"] == "ok" and row["n_clusters"] == 8
    assert row["ci_low"] < -5 < row["ci_high"] and row["ci_high"] < 0
    assert row["ci_low_cv3"] < -5 < row["ci_high_cv3"]
    null = compare.period_differences(_panel(0.0, seed=2), outcomes=["achievement"]).set_index("quantity")
    assert null.loc["diff_refocusing", "ci_low"] < 0 < null.loc["diff_refocusing", "ci_high"]
    # the region shocks are in the interval: it is wider than a row-level one would be
    assert row["ci_high"] - row["ci_low"] > 1.0


def test_clusters_are_regions_or_opds():
    rows = _panel(-5.0, regions=1, opds=6)
    one = compare.period_differences(rows, outcomes=["achievement"])
    assert one["ci_low"].isna().all() and one["n_clusters"].iloc[0] == 1
    by_opd = compare.period_differences(rows, cluster="opd", outcomes=["achievement"]).set_index("quantity")
    assert by_opd.loc["diff_refocusing", "n_clusters"] == 6
    assert by_opd.loc["diff_refocusing", "status"] == "ok"


def test_differences_are_reproducible_with_seed(demo_prepared):
    a = compare.period_differences(demo_prepared.kinerja, n_resamples=199, seed=3)
    b = compare.period_differences(demo_prepared.kinerja, n_resamples=199, seed=3)
    pd.testing.assert_frame_equal(a, b)


def test_mean_cv3_hand_values():
    # clusters 0..4 with one value each: jackknife se of a mean = sd / sqrt(n)
    y = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    m, lo, hi = compare.mean_cv3(y, np.arange(5))
    se = y.std(ddof=1) / np.sqrt(5)
    assert m == 4.0 and hi - m == pytest.approx(2.776445105 * se)
    assert np.isnan(compare.mean_cv3(y[:4], np.arange(4))[1])  # 4 clusters: too few


def test_dose_terciles_equal_sizes():
    d = pd.DataFrame(
        {"region_code": ["a"] * 9, "opd": list("abcdefghi"), "dose": np.linspace(0, 0.4, 9)[::-1]}
    )
    t = compare.dose_terciles(d)
    assert t["tercile"].value_counts().tolist() == [3, 3, 3]
    assert t.set_index("opd").loc["a", "tercile"] == "T3" and t.set_index("opd").loc["i", "tercile"] == "T1"


def test_tercile_comparison_hand_values():
    rows = []
    # T1 OPD u (dose 0): 100 -> 98 -> 100; T2 v: 100 -> 95 -> 99; T3 w: 100 -> 90 -> 97; two regions alike
    for reg in ("a", "b"):
        for opd, vals in (("u", (100, 98, 100)), ("v", (100, 95, 99)), ("w", (100, 90, 97))):
            rows += [
                (reg, opd, per, float(v), v >= 100) for per, v in zip(("pre", "refocusing", "post"), vals)
            ]
    dose = pd.DataFrame(
        {
            "region_code": ["a"] * 3 + ["b"] * 3,
            "opd": list("uvw") * 2,
            "dose": [0, 0.2, 0.4, 0.01, 0.21, 0.41],
        }
    )
    r = compare.tercile_comparison(_k(rows), dose, n_resamples=99).set_index(["tercile", "quantity"])
    assert r.loc[("T3-T1", "crude_did_refocusing"), "estimate"] == pytest.approx((90 - 100) - (98 - 100))
    assert r.loc[("T3-T1", "crude_did_post"), "estimate"] == pytest.approx((97 - 100) - (100 - 100))
    assert r.loc[("T2", "change_refocusing"), "estimate"] == pytest.approx(-5)
    assert r.loc[("T3", "mean_pre"), "dose_mean"] == pytest.approx(0.405)


def test_tercile_interval_exists_with_regional_doses():
    """Doses that are mostly regional (each region's OPDs in one tercile) left the percentile bootstrap
    without a tercile in many resamples (a NaN interval); the regression keeps its interval."""
    k = _panel(-4.0, regions=9, opds=3)
    dose = k.drop_duplicates(["region_code", "opd"])[["region_code", "opd"]].copy()
    dose["dose"] = dose["region_code"].str[1:].astype(int) // 3 * 0.1 + np.arange(len(dose)) * 1e-4
    r = compare.tercile_comparison(k, dose).set_index(["tercile", "quantity"])
    c = r.loc[("T3-T1", "crude_did_refocusing")]
    assert c["status"] == "ok" and np.isfinite(c["ci_low"]) and np.isfinite(c["ci_high"])


def test_demo_crude_did_is_negative_with_ci(demo_prepared):
    r = compare.tercile_comparison(demo_prepared.kinerja, demo_prepared.dose, n_resamples=199)
    c = r.set_index(["tercile", "quantity"]).loc[("T3-T1", "crude_did_refocusing")]
    assert c["ci_low"] <= c["estimate"] <= c["ci_high"] < 0
