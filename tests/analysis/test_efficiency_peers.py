"""Efficiency (capaian against serapan) and the peer comparison: hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja_analysis.analysis import efficiency, peers


def test_efficiency_hand_values():
    k = pd.DataFrame(
        {
            "region_code": ["r"] * 4,
            "opd": ["A", "A", "B", "B"],
            "year": [2020, 2021, 2020, 2019],
            "achievement": [80.0, 100.0, 105.0, 50.0],
        }
    )
    a = pd.DataFrame(
        {
            "region_code": ["r"] * 4,
            "opd": ["A", "A", "B", ""],
            "year": [2020, 2021, 2020, 2020],
            "budget_revised": [100.0, 100.0, 40.0, 999.0],
            "spent": [90.0, 90.0, 30.0, 1.0],
        }
    )
    e = efficiency.opd_efficiency(k, a, years=[2020, 2021]).set_index("opd")
    assert e.loc["A", "capaian"] == 90.0 and e.loc["A", "serapan"] == pytest.approx(0.9)
    assert e.loc["A", "efficiency_ratio"] == pytest.approx(1.0)
    assert np.isnan(e.loc["A", "unspent_if_met"])  # targets missed: unspent money is not a saving
    assert e.loc["B", "serapan"] == pytest.approx(0.75) and e.loc["B", "unspent_if_met"] == pytest.approx(
        0.25
    )
    assert e.loc["B", "efficiency_ratio"] == pytest.approx(105 / 75)
    assert "" not in e.index  # pemda-level rows are not an OPD


def test_quadrants_with_fixed_thresholds():
    e = pd.DataFrame(
        {"capaian": [101.0, 101.0, 95.0, 95.0, np.nan], "serapan": [0.85, 0.95, 0.95, 0.85, 0.9]}
    )
    q, c, s = efficiency.quadrants(e, capaian_threshold=100, serapan_threshold=0.9)
    assert (c, s) == (100.0, 0.9)
    assert q["quadrant"].iloc[:4].tolist() == [
        "high_capaian_low_serapan",
        "high_capaian_high_serapan",
        "low_capaian_high_serapan",
        "low_capaian_low_serapan",
    ]
    assert pd.isna(q["quadrant"].iloc[4])


def test_peer_table_hand_values():
    m = pd.DataFrame({"x": [1.0, 3.0, 5.0, np.nan]}, index=pd.Index(["a", "b", "c", "d"], name="region_code"))
    t = peers.peer_table(m, "b", national=pd.Series({"x": 2.5})).iloc[0]
    assert (t["value"], t["peer_mean"], t["peer_min"], t["peer_max"], t["national"]) == (
        3.0,
        3.0,
        1.0,
        5.0,
        2.5,
    )
    assert (t["rank"], t["n_regions"]) == (2, 3)
    with pytest.raises(KeyError, match="zz"):
        peers.peer_table(m, "zz")


def test_region_measures_on_demo(demo_prepared):
    p = demo_prepared
    m = peers.region_measures(p.kinerja, p.anggaran, p.dose, periods=p.settings.periods)
    assert list(m.index) == sorted(p.kinerja["region_code"].unique())
    one = p.kinerja[p.kinerja["region_code"] == "99.03"]
    pre = one[one["period"] == "pre"]["achievement"].mean()
    ref = one[one["period"] == "refocusing"]["achievement"].mean()
    assert m.loc["99.03", "change_refocusing"] == pytest.approx(ref - pre)
    assert m["did_refocusing_per_10pp"].lt(0).all()  # the planted effect shows within every region
    assert peers.national_row(p.dataset.regions) == []
