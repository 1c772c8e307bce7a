"""Efficiency per OPD (LKjIP "analisis efisiensi", DESIGN.md section 4): capaian against serapan.

Two measures, both options and labelled as such in the reports:

- ``efficiency_ratio`` = mean capaian (%) / serapan (%). Above 1: more achievement than money spent.
- ``unspent_if_met`` = 1 − serapan, counted only where the OPD met its targets on average (mean capaian
  ≥ 100); elsewhere NaN, because money left unspent while targets were missed is not a saving.

The quadrant chart splits OPDs at thresholds (by default the medians of the OPDs shown, so the split is
relative to the peers in the chart; pass fixed thresholds such as 100 % capaian and 90 % serapan instead).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

QUADRANTS = (
    "high_capaian_low_serapan",
    "high_capaian_high_serapan",
    "low_capaian_high_serapan",
    "low_capaian_low_serapan",
)


def opd_efficiency(
    kinerja: pd.DataFrame, anggaran: pd.DataFrame, *, years: Sequence[int] | None = None
) -> pd.DataFrame:
    """Mean capaian, serapan and the two efficiency measures per region and OPD over ``years``.

    Parameters
    ----------
    kinerja, anggaran : pandas.DataFrame
        Prepared tables (OPD names after the crosswalk). Pemda-level budget rows (empty OPD) are left out.
    years : sequence of int, optional
        Years to pool; all years when None.

    Returns
    -------
    pandas.DataFrame
        ``region_code, opd, capaian, n_indicators, budget_revised, spent, serapan, efficiency_ratio,
        unspent_if_met``; serapan is a 0-1 share, capaian in %.

    Examples
    --------
    OPD A: capaian 95 with serapan 80 % (ratio 95 / 80); OPD B: capaian 102 with serapan 90 %, so its 10 %
    unspent counts:

    >>> k = pd.DataFrame({"region_code": ["r"] * 3, "opd": ["A", "A", "B"], "year": [2020] * 3,
    ...                   "achievement": [90.0, 100.0, 102.0]})
    >>> a = pd.DataFrame({"region_code": ["r"] * 3, "opd": ["A", "B", ""], "year": [2020] * 3,
    ...                   "budget_revised": [100.0, 50.0, 10.0], "spent": [80.0, 45.0, 9.0]})
    >>> e = opd_efficiency(k, a)
    >>> e[["opd", "serapan", "efficiency_ratio", "unspent_if_met"]].round(4).values.tolist()
    [['A', 0.8, 1.1875, nan], ['B', 0.9, 1.1333, 0.1]]
    """
    k = kinerja if years is None else kinerja[kinerja["year"].isin(list(years))]
    a = anggaran if years is None else anggaran[anggaran["year"].isin(list(years))]
    a = a[a["opd"].fillna("").astype(str).ne("")]
    cap = (
        k[k["achievement"].notna()]
        .groupby(["region_code", "opd"])["achievement"]
        .agg(capaian="mean", n_indicators="size")
    )
    money = a.groupby(["region_code", "opd"])[["budget_revised", "spent"]].sum(min_count=1)
    out = cap.join(money, how="inner").reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["serapan"] = (out["spent"] / out["budget_revised"]).where(out["budget_revised"] > 0)
        out["efficiency_ratio"] = out["capaian"] / (out["serapan"] * 100)
    out["unspent_if_met"] = (1 - out["serapan"]).where(out["capaian"] >= 100)
    return out


def quadrants(
    eff: pd.DataFrame, *, capaian_threshold: float | None = None, serapan_threshold: float | None = None
) -> tuple[pd.DataFrame, float, float]:
    """Label each OPD high/low capaian × high/low serapan; thresholds default to the medians.

    Returns the frame with a ``quadrant`` column (one of :data:`QUADRANTS`) and the two thresholds used
    (capaian in %, serapan as a 0-1 share). A value equal to the threshold counts as high.

    >>> e = pd.DataFrame({"capaian": [90.0, 105.0, 100.0], "serapan": [0.95, 0.80, 0.90]})
    >>> q, c, s = quadrants(e)
    >>> q["quadrant"].tolist(), c, s
    (['low_capaian_high_serapan', 'high_capaian_low_serapan', 'high_capaian_high_serapan'], 100.0, 0.9)
    """
    c = float(eff["capaian"].median()) if capaian_threshold is None else float(capaian_threshold)
    s = float(eff["serapan"].median()) if serapan_threshold is None else float(serapan_threshold)
    hi_c = eff["capaian"] >= c
    hi_s = eff["serapan"] >= s
    q = np.select([hi_c & ~hi_s, hi_c & hi_s, ~hi_c & hi_s], list(QUADRANTS[:3]), QUADRANTS[3])
    out = eff.copy()
    out["quadrant"] = np.where(eff["capaian"].isna() | eff["serapan"].isna(), None, q)
    return out, c, s
