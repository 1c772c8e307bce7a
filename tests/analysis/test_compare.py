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
    assert r.loc[("achievement", "diff_refocusing"), "estimate"] == pytest.approx(276 / 3 - 290 / 3)
    assert r.loc[("met", "diff_refocusing"), "estimate"] == pytest.approx(0 - 200 / 3)  # pp
    lo, hi = r.loc[("achievement", "diff_refocusing"), ["ci_low", "ci_high"]]
    # any resample of the two regions mixes their differences (-4 and -6): the CI stays inside them
    assert -6 - 1e-9 <= lo <= hi <= -4 + 1e-9
    assert np.isnan(r.loc[("achievement", "diff_post"), "estimate"])


def test_bootstrap_resamples_clusters_not_rows():
    """Two identical regions with wildly varying rows: resampling regions gives no spread at all, while
    resampling rows would. One region alone gives no interval."""
    rows = [
        (reg, "x", per, v, v >= 100)
        for reg in ("a", "b")
        for per, vals in (("pre", [60.0, 140.0, 100.0]), ("refocusing", [50.0, 130.0, 90.0]))
        for v in vals
    ]
    r = compare.period_differences(_k(rows), outcomes=["achievement"], n_resamples=199).set_index("quantity")
    assert r.loc["diff_refocusing", ["estimate", "ci_low", "ci_high"]].tolist() == pytest.approx(
        [-10, -10, -10]
    )
    one = compare.period_differences(_k([x for x in rows if x[0] == "a"]), outcomes=["achievement"])
    assert one["ci_low"].isna().all() and one["n_clusters"].iloc[0] == 1
    by_opd = compare.period_differences(_k(rows), cluster="opd", outcomes=["achievement"])
    assert by_opd["n_clusters"].iloc[0] == 2  # OPD x in region a and OPD x in region b are two OPDs


def test_bootstrap_is_reproducible_with_seed(demo_prepared):
    a = compare.period_differences(demo_prepared.kinerja, n_resamples=199, seed=3)
    b = compare.period_differences(demo_prepared.kinerja, n_resamples=199, seed=3)
    pd.testing.assert_frame_equal(a, b)


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


def test_demo_crude_did_is_negative_with_ci(demo_prepared):
    r = compare.tercile_comparison(demo_prepared.kinerja, demo_prepared.dose, n_resamples=199)
    c = r.set_index(["tercile", "quantity"]).loc[("T3-T1", "crude_did_refocusing")]
    assert c["ci_low"] <= c["estimate"] <= c["ci_high"] < 0
