"""The OPD's sector (urusan) in the estimation panel, and the demo's planted sector shock: the baseline
model (unit + year effects) is biased in the planted direction, a model with sector × year effects is not.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from kinerja_analysis.analysis import panel as P


def _kinerja(sectors: dict[str, str] | None) -> pd.DataFrame:
    rows = []
    for opd in ("A", "B", "C"):
        for ind in ("i1", "i2"):
            for year in (2019, 2020):
                rows.append(
                    {"region_code": "1", "opd": opd, "indicator_id": ind, "year": year, "achievement": 95.0}
                )
    k = pd.DataFrame(rows)
    if sectors is not None:
        k["sector"] = k["opd"].map(sectors).fillna("")
    return k


DOSE = pd.DataFrame({"region_code": ["1"] * 3, "opd": ["A", "B", "C"], "dose": [0.1, 0.2, 0.3]})


def _by_opd(p: pd.DataFrame) -> dict:
    return {o: (None if pd.isna(s) else s) for o, s in p.drop_duplicates("opd")[["opd", "sector"]].values}


def test_build_carries_each_opds_sector_and_none_where_unknown():
    p = P.build(_kinerja({"A": "1.02", "B": "1.03"}), DOSE)
    assert _by_opd(p) == {
        "A": "1.02",
        "B": "1.03",
        "C": None,
    }
    assert p["sector"].isna().tolist() == [False] * 8 + [True] * 4
    # a dose table with a sector column (prepare.load's) is used before the kinerja rows
    p = P.build(_kinerja({"A": "1.02"}), DOSE.assign(sector=["5.02", None, "1.06"]))
    assert _by_opd(p) == {
        "A": "5.02",
        "B": None,
        "C": "1.06",
    }


def test_build_without_a_sector_column():
    p = P.build(_kinerja(None), DOSE)
    assert "sector" in p.columns and p["sector"].isna().all()


def test_aggregate_carries_the_sector():
    p = P.build(_kinerja({"A": "1.02", "B": "1.03", "C": "1.03"}), DOSE)
    frame, how = P.estimation_frame(p, "achievement")
    assert how == "aggregate"
    assert frame["sector"].tolist() == ["1.02", "1.02", "1.03", "1.03", "1.03", "1.03"]


def test_opd_sectors_latest_year_and_majority():
    k = pd.DataFrame(
        {
            "region_code": ["1"] * 6,
            "opd": ["M", "M", "M", "N", "N", "N"],
            "year": [2020, 2020, 2022, 2022, 2022, 2022],
            # M: merged in 2022, its parts had 2.22 and 3.26: the merged OPD's (latest) urusan
            # N: one year with two codes: the more frequent one
            "sector": ["2.22", "3.26", "3.26", "1.02", "1.02", "1.03"],
        }
    )
    assert P.opd_sectors(k)["sector"].tolist() == ["3.26", "1.02"]


def _refocusing(pan: pd.DataFrame, fe: str) -> dict:
    """The continuous-dose DiD as analysis/impact.py builds it (estimation_frame, add_terms, CR1 by
    region), with the fixed effects ``fe`` after the unit (or OPD, on the exact shortcut)."""
    import pyfixest as pf

    frame, how = P.estimation_frame(pan, "achievement")
    terms = P.add_terms(frame, "did")
    unit = "unit_id" if how == "unit" else "opd_id"
    kw = {} if how == "unit" else {"weights": "n", "weights_type": "fweights"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.feols(
            f"achievement ~ {' + '.join(terms)} | {unit} + {fe}", data=frame, vcov={"CRV1": "region_id"}, **kw
        )
        t = fit.tidy()
    return {
        term: {
            "estimate": float(t.at[term, "Estimate"]),
            "lo": float(t.at[term, "2.5%"]),
            "hi": float(t.at[term, "97.5%"]),
        }
        for term in terms
    }


def test_demo_sector_shock_biases_the_baseline_and_sector_year_effects_recover_the_truth(
    demo_prepared, demo_dir
):
    truth = json.loads((demo_dir / "truth.json").read_text(encoding="utf-8"))
    shock = truth["sector_shock"]
    assert shock["planted"] and shock["bias_direction_baseline"].startswith("negative")
    true = truth["did_refocusing_per_10pp"]
    bias = shock["expected_bias_baseline_refocusing_per_10pp"]
    assert bias < -0.5  # the planted direction: the shocks follow the dose, so the loss looks larger
    p = demo_prepared
    pan = P.build(p.kinerja, p.dose, periods=p.settings.periods)
    assert pan["sector"].notna().all() and pan["sector"].nunique() == shock["n_sectors"]

    base = _refocusing(pan, "year")
    ref = base["treat_refocusing"]
    # biased in the planted direction, by about the planted amount, and beyond its own interval
    assert ref["estimate"] < true and ref["hi"] < true
    assert ref["estimate"] - true == pytest.approx(bias, abs=0.4)
    # the shocks stop after 2021: the post term is not biased
    assert base["treat_post"]["lo"] <= truth["did_post_per_10pp"] <= base["treat_post"]["hi"]

    sector = _refocusing(pan, "sector^year")
    s = sector["treat_refocusing"]
    assert s["lo"] <= true <= s["hi"]
    assert abs(s["estimate"] - true) < abs(ref["estimate"] - true)
    assert s["hi"] < 0  # and the dose effect is still found
    assert np.isfinite([v["estimate"] for v in sector.values()]).all()
