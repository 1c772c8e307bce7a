"""Before / during / after comparisons of capaian (DESIGN.md section 5)."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

PERIOD_ORDER = ["pre", "refocusing", "post"]


def period_means(kinerja: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Mean capaian, share of targets met and counts per period (rows without capaian are left out).

    >>> k = pd.DataFrame({"period": ["pre", "pre", "refocusing"], "achievement": [100.0, 90.0, 80.0],
    ...                   "met": [True, False, False]})
    >>> period_means(k)[["period", "mean", "met_share", "n"]].values.tolist()
    [['pre', 95.0, 0.5, 2], ['refocusing', 80.0, 0.0, 1]]
    """
    d = kinerja[kinerja["achievement"].notna() & kinerja["period"].notna()].copy()
    d["met_f"] = d["met"].astype(float)
    keys = list(by) + ["period"]
    out = d.groupby(keys, observed=True).agg(mean=("achievement", "mean"), median=("achievement", "median"),
                                             met_share=("met_f", "mean"), n=("achievement", "size")).reset_index()
    out["period"] = pd.Categorical(out["period"], PERIOD_ORDER, ordered=True)
    out = out.sort_values(keys).reset_index(drop=True)
    out["period"] = out["period"].astype(str)
    return out


def yearly_means(kinerja: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Mean capaian per year (and group).

    >>> k = pd.DataFrame({"year": [2019, 2019, 2020], "achievement": [100.0, 80.0, np.nan]})
    >>> yearly_means(k)[["year", "mean"]].values.tolist()
    [[2019.0, 90.0]]
    """
    d = kinerja[kinerja["achievement"].notna()]
    keys = list(by) + ["year"]
    return d.groupby(keys, observed=True)["achievement"].agg(mean="mean", n="size").reset_index()


def band_shares(kinerja: pd.DataFrame, by: Sequence[str] = ("period",)) -> pd.DataFrame:
    """Share of indicator-years in each band within ``by``.

    >>> k = pd.DataFrame({"period": ["pre"] * 4, "band": ["baik", "baik", "cukup", None]})
    >>> band_shares(k)[["band", "share"]].values.tolist()
    [['baik', 0.6666666666666666], ['cukup', 0.3333333333333333]]
    """
    d = kinerja[kinerja["band"].notna()].copy()
    d["band"] = d["band"].astype(str)
    keys = list(by)
    counts = d.groupby(keys + ["band"], observed=True).size().rename("n").reset_index()
    counts["share"] = counts["n"] / counts.groupby(keys)["n"].transform("sum")
    return counts


def opd_period_change(kinerja: pd.DataFrame, dose: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per OPD: mean capaian per period, the change pre → refocusing and pre → post (pp), and its dose."""
    pm = period_means(kinerja, by=["region_code", "opd"])
    wide = pm.pivot_table(index=["region_code", "opd"], columns="period", values="mean").reset_index()
    for p in PERIOD_ORDER:
        if p not in wide.columns:
            wide[p] = np.nan
    wide.columns.name = None
    wide["change_refocusing"] = wide["refocusing"] - wide["pre"]
    wide["change_post"] = wide["post"] - wide["pre"]
    if dose is not None:
        wide = wide.merge(dose[["region_code", "opd", "dose"]], on=["region_code", "opd"], how="left")
    return wide


def share_at_ceiling(kinerja: pd.DataFrame, by: Sequence[str] = ("year",), *, tol: float = 1e-9) -> pd.DataFrame:
    """Share of indicator-years whose capaian is exactly 100 % (the reporting ceiling).

    >>> k = pd.DataFrame({"year": [2019] * 4, "achievement": [100.0, 100.0, 95.0, np.nan]})
    >>> share_at_ceiling(k)["share"].round(4).tolist()
    [0.6667]
    """
    d = kinerja[kinerja["achievement"].notna()].copy()
    d["at100"] = (d["achievement"] - 100).abs() <= tol
    return d.groupby(list(by), observed=True)["at100"].agg(share="mean", n="size").reset_index()


def share_revised(kinerja: pd.DataFrame, by: Sequence[str] = ("year",)) -> pd.DataFrame:
    """Share of indicator-years whose target differs from the original (murni) target.

    >>> k = pd.DataFrame({"year": [2020] * 3, "target": [80.0, 90.0, 70.0], "target_original": [90.0, np.nan, 70.0]})
    >>> share_revised(k)["share"].round(4).tolist()
    [0.3333]
    """
    d = kinerja.copy()
    d["revised"] = d["target_original"].notna() & d["target"].notna() & (d["target_original"] != d["target"])
    return d.groupby(list(by), observed=True)["revised"].agg(share="mean", n="size").reset_index()
