"""Data-quality measures of a prepared kinerja table: coverage, flags, polarity and formula mix, the share
of capaian at exactly 100 %, the share of targets revised in APBD-P, and the OPD crosswalk in use.

Pure functions, frames in and frames (or one number) out; notebook 00 shows them.
"""

from __future__ import annotations

import pandas as pd

from . import compare

#: capaian this close to 100 counts as "exactly 100 %"
AT_100_TOL = 1e-9


def coverage(kinerja: pd.DataFrame) -> pd.DataFrame:
    """Indicator rows per region (rows) and year (columns, as text), with each region's number of OPDs.

    >>> k = pd.DataFrame({"region_code": ["a", "a", "a", "b"], "year": [2019, 2020, 2020, 2020],
    ...                   "opd": ["x", "x", "y", "z"], "indicator_id": ["1", "1", "2", "3"]})
    >>> coverage(k).values.tolist()
    [['a', 2, 1.0, 2.0], ['b', 1, nan, 1.0]]
    """
    cov = kinerja.groupby(["region_code", "year"]).agg(indicators=("indicator_id", "size")).reset_index()
    wide = cov.pivot_table(
        index="region_code", columns="year", values="indicators", aggfunc="sum"
    ).reset_index()
    wide.columns = [str(c) for c in wide.columns]
    wide.insert(1, "n_opd", wide["region_code"].map(kinerja.groupby("region_code")["opd"].nunique()))
    return wide


def flag_counts(kinerja: pd.DataFrame) -> pd.DataFrame:
    """How often each flag (``;``-separated in ``flag``) occurs, and its share of all rows.

    >>> flag_counts(pd.DataFrame({"flag": ["a;b", "a", "", None]})).values.tolist()
    [['a', 2, 0.5], ['b', 1, 0.25]]
    """
    f = kinerja["flag"].fillna("").str.split(";").explode()
    f = f[f.ne("")]
    counts = f.value_counts().rename_axis("flag").reset_index(name="n")
    counts["share"] = counts["n"] / len(kinerja)
    return counts


def share_missing(kinerja: pd.DataFrame) -> float:
    """Share of rows without capaian.

    >>> share_missing(pd.DataFrame({"achievement": [100.0, float("nan"), 90.0, float("nan")]}))
    0.5
    """
    return float(kinerja["achievement"].isna().mean())


def polarity_mix(kinerja: pd.DataFrame) -> pd.DataFrame:
    """Rows per polarity and formula used (blank formula: no capaian), and their share.

    >>> k = pd.DataFrame({"polarity": ["positive", "negative", "negative"], "formula_used": ["R/T", "(2T-R)/T", None]})
    >>> polarity_mix(k)[["polarity", "n"]].values.tolist()
    [['negative', 1], ['negative', 1], ['positive', 1]]
    """
    mix = kinerja.groupby(["polarity", "formula_used"], dropna=False).size().rename("n").reset_index()
    mix["share"] = mix["n"] / mix["n"].sum()
    return mix


def share_at_100(kinerja: pd.DataFrame, *, tol: float = AT_100_TOL) -> float:
    """Share of rows with capaian whose capaian is exactly 100 % (the reporting ceiling), over all years.

    >>> share_at_100(pd.DataFrame({"achievement": [100.0, 100.0, 95.0, float("nan")]}))
    0.6666666666666666
    """
    a = kinerja["achievement"]
    return float(((a - 100).abs() <= tol)[a.notna()].mean())


def share_revised_in(kinerja: pd.DataFrame, period: str = "refocusing") -> float:
    """Share of a period's rows whose target differs from the murni target (NaN when the period is empty).

    >>> k = pd.DataFrame({"period": ["refocusing"] * 2 + ["pre"], "target": [80.0, 90.0, 1.0],
    ...                   "target_original": [90.0, 90.0, 2.0]})
    >>> share_revised_in(k)
    0.5
    """
    ref = kinerja[kinerja["period"] == period]
    if not len(ref):
        return float("nan")
    return float(compare.share_revised(ref.assign(_all=1), by=["_all"])["share"].iloc[0])


def crosswalk_rows(crosswalk: pd.DataFrame, region: str = "") -> pd.DataFrame:
    """The renamed and merged OPDs of the crosswalk (one region's, when ``region`` is given).

    >>> cw = pd.DataFrame({"region_code": ["a", "b"], "opd_old": ["X", "Y"], "opd_new": ["Z", "Z"], "extra": [1, 2]})
    >>> crosswalk_rows(cw, "b").values.tolist()
    [['b', 'Y', 'Z']]
    """
    if region:
        crosswalk = crosswalk[crosswalk["region_code"] == region]
    cols = [
        c for c in ("region_code", "opd_old", "opd_new", "year_effective", "note") if c in crosswalk.columns
    ]
    return crosswalk[cols]
