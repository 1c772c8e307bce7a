"""The estimation panel and the exact OPD-year shortcut (against the full unit-level model)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja_analysis.analysis import impact
from kinerja_analysis.analysis import panel as P


def synthetic(seed=0, *, regions=6, opds=8, indicators=4, effect=(-3.0, -1.0), drop=0.0):
    """A balanced panel (unless ``drop`` > 0) with a planted effect per 10 pp of dose (refocusing, post)."""
    rng = np.random.default_rng(seed)
    years = np.arange(2018, 2024)
    r, o, i, y = np.meshgrid(np.arange(regions), np.arange(opds), np.arange(indicators), years, indexing="ij")
    r, o, i, y = r.ravel(), o.ravel(), i.ravel(), y.ravel()
    dose = rng.uniform(-0.1, 0.5, (regions, opds))[r, o]
    unit_fx = rng.normal(0, 6, (regions, opds, indicators))[r, o, i]
    year_fx = dict(zip(years, rng.normal(0, 2, len(years))))
    eff = np.where((y >= 2020) & (y <= 2021), effect[0], np.where(y >= 2022, effect[1], 0.0))
    ach = 100 + unit_fx + np.vectorize(year_fx.get)(y) + eff * dose * 10 + rng.normal(0, 5, len(y))
    k = pd.DataFrame(
        {
            "region_code": [f"r{x}" for x in r],
            "opd": [f"o{x}" for x in o],
            "indicator_id": [f"i{x}" for x in i],
            "year": y,
            "dose": dose,
            "achievement": ach,
        }
    )
    if drop:
        k.loc[rng.random(len(k)) < drop, "achievement"] = np.nan
    return k


def test_build_columns_hand_values():
    k = pd.DataFrame(
        {
            "region_code": ["a", "a"],
            "opd": ["x", "x"],
            "indicator_id": ["i", "i"],
            "year": [2019, 2020],
            "achievement": [104.0, 96.0],
            "met": [True, False],
            "target": [10.0, 9.0],
            "target_original": [np.nan, 10.0],
            "achievement_original": [104.0, 86.4],
        }
    )
    d = pd.DataFrame({"region_code": ["a"], "opd": ["x"], "dose": [0.25]})
    p = P.build(k, d)
    assert p["capped"].tolist() == [100.0, 96.0]
    assert p["met"].tolist() == [100.0, 0.0]
    assert p["revised"].tolist() == [0.0, 100.0]
    assert p["dose10"].tolist() == [2.5, 2.5]
    assert p["period"].tolist() == ["pre", "refocusing"]


def test_build_drops_opd_without_dose_and_years_outside_periods():
    k = pd.DataFrame(
        {
            "region_code": ["a"] * 3,
            "opd": ["x", "y", "x"],
            "indicator_id": ["i"] * 3,
            "year": [2019, 2019, 2017],
            "achievement": [1.0, 2.0, 3.0],
        }
    )
    d = pd.DataFrame({"region_code": ["a"], "opd": ["x"], "dose": [0.1]})
    assert P.build(k, d)["opd"].tolist() == ["x"]


def test_balance_detection():
    k = synthetic(indicators=2, opds=3, regions=2)
    p = P.build(k)
    assert P.is_balanced(p)
    p.loc[0, "achievement"] = np.nan
    assert not P.is_balanced(p)
    dup = pd.concat([P.build(k), P.build(k).iloc[[0]]], ignore_index=True)
    assert not P.is_balanced(dup)


@pytest.mark.parametrize("kind", ["did", "event"])
def test_shortcut_equals_unit_model_on_balanced_panel(kind):
    p = P.build(synthetic(3))
    fn = impact.did if kind == "did" else impact.event_study
    kw = {} if kind == "did" else {"seed": 1}
    unit = fn(p, method="unit", **kw)
    agg = fn(p, method="aggregate", **kw)
    assert set(unit["frame"].dropna()) == {"unit"} and set(agg["frame"].dropna()) == {"aggregate"}
    np.testing.assert_allclose(agg["estimate"], unit["estimate"], atol=1e-9)
    # frequency weights make the cluster-robust standard errors identical too (CR1 and CV3)
    np.testing.assert_allclose(agg["se"].dropna(), unit["se"].dropna(), rtol=1e-9)
    np.testing.assert_allclose(agg["se_cv3"].dropna(), unit["se_cv3"].dropna(), rtol=1e-9)
    assert agg["se_cv3"].notna().sum() == len(agg) - (kind == "event")  # the reference year has none
    assert agg["n_obs"].iloc[0] == unit["n_obs"].iloc[0] == len(p)


def test_auto_falls_back_to_units_when_unbalanced_and_shortcut_would_be_wrong():
    p = P.build(synthetic(4, drop=0.15))
    auto = impact.did(p, jackknife=False)
    unit = impact.did(p, method="unit", jackknife=False)
    forced = impact.did(p, method="aggregate", jackknife=False)
    assert auto["frame"].iloc[0] == "unit"
    np.testing.assert_allclose(auto["estimate"], unit["estimate"], atol=1e-12)
    assert np.abs(forced["estimate"] - unit["estimate"]).max() > 1e-6  # not exact: that is why it falls back


def test_aggregate_hand_values():
    p = pd.DataFrame(
        {
            "region_id": [0, 0, 0, 1],
            "opd_id": [0, 0, 0, 1],
            "year": [2019, 2019, 2020, 2019],
            "y": [90.0, 100.0, np.nan, 70.0],
            "dose10": [1.5, 1.5, 1.5, 0.0],
        }
    )
    a = P.aggregate(p, "y")
    assert a[["opd_id", "year", "y", "n", "region_id", "dose10"]].values.tolist() == [
        [0, 2019, 95.0, 2.0, 0, 1.5],
        [1, 2019, 70.0, 1.0, 1, 0.0],
    ]
