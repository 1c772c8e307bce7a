"""Data-quality measures of a prepared kinerja table: coverage, flags, polarity and formula mix, the share
of capaian at exactly 100 %, the share of targets revised in APBD-P, and the OPD crosswalk in use.

Pure functions, frames in and frames (or one number) out; notebook 00 shows them.
"""

from __future__ import annotations

import numpy as np
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


def opd_sectors(kinerja: pd.DataFrame, dose: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each OPD's sector (urusan): the most frequent non-empty ``sector`` of its rows in ``kinerja`` (or,
    failing that, in ``dose``); empty when unknown. Columns ``region_code, opd, sector``.

    >>> k = pd.DataFrame({"region_code": ["a"] * 4, "opd": ["x", "x", "x", "y"],
    ...                   "sector": ["1.02", "1.02", "", None]})
    >>> opd_sectors(k).values.tolist()
    [['a', 'x', '1.02'], ['a', 'y', '']]
    """
    frames = [f for f in (kinerja, dose) if f is not None and "sector" in f.columns]
    keys = ["region_code", "opd"]
    base = kinerja[keys].drop_duplicates()
    if not frames:
        return base.assign(sector="").reset_index(drop=True)
    rows = pd.concat([f[[*keys, "sector"]] for f in frames], ignore_index=True)
    rows["sector"] = rows["sector"].astype("string").fillna("").str.strip()
    rows = rows[rows["sector"].ne("")]
    mode = rows.groupby(keys)["sector"].agg(lambda s: s.value_counts().index[0]).rename("sector")
    out = base.merge(mode.reset_index(), on=keys, how="left")
    out["sector"] = out["sector"].astype(object).where(out["sector"].notna(), "")
    return out.reset_index(drop=True)


def sector_share_of_dose(dose: pd.DataFrame) -> float:
    """Share of the variation in dose across OPDs that their sector explains: the R² of dose on sector
    dummies, one row per OPD of known sector (NaN with fewer than two sectors or no dose variation).

    Hand example: doses 0.1 and 0.3 in sector A (mean 0.2), 0.5 in B; total sum of squares about the
    mean 0.3 is 0.04 + 0 + 0.04 = 0.08, within-sector 0.01 + 0.01 = 0.02, so R² = 1 − 0.02/0.08 = 0.75.

    >>> d = pd.DataFrame({"dose": [0.1, 0.3, 0.5], "sector": ["A", "A", "B"]})
    >>> round(sector_share_of_dose(d), 12)
    0.75
    """
    s = dose["sector"].astype("string").fillna("").str.strip()
    d = dose.loc[s.ne("") & dose["dose"].notna(), "dose"].astype(float)
    s = s[d.index]
    if s.nunique() < 2:
        return float("nan")
    total = float(((d - d.mean()) ** 2).sum())
    if total <= 0:
        return float("nan")
    within = float(((d - d.groupby(s).transform("mean")) ** 2).sum())
    return 1.0 - within / total


def dose_kind(dose: pd.Series) -> str:
    """What the doses are: ``cuts`` (none below 0), ``increases`` (none above 0, some below), ``mixed``,
    ``none`` (all zero) or ``missing`` (no dose at all).

    >>> [dose_kind(pd.Series(x, dtype=float)) for x in ([0.1, 0.0], [-0.1, 0.0], [-0.1, 0.2], [0.0], [])]
    ['cuts', 'increases', 'mixed', 'none', 'missing']
    """
    d = dose.dropna()
    if d.empty:
        return "missing"
    if (d == 0).all():
        return "none"
    if (d >= 0).all():
        return "cuts"
    return "increases" if (d <= 0).all() else "mixed"


#: why an OPD with capaian sits out the impact models
DROP_REASONS = ("no_budget_region", "no_budget_opd", "zero_murni", "no_dose")


def model_dropouts(kinerja: pd.DataFrame, dose: pd.DataFrame) -> pd.DataFrame:
    """OPDs of ``kinerja`` without a dose, who therefore drop out of the impact models, and why.

    Reasons (:data:`DROP_REASONS`): the region has no anggaran at all (``no_budget_region``); the region
    has anggaran but not for this OPD (``no_budget_opd``); its pagu murni over the refocusing years is zero,
    so no cut share exists (``zero_murni``); any other missing dose (``no_dose``).

    Returns ``region_code, opd, n_rows, reason``, one row per OPD dropped.

    >>> k = pd.DataFrame({"region_code": ["a", "a", "a", "b"], "opd": ["x", "y", "z", "w"]})
    >>> d = pd.DataFrame({"region_code": ["a", "a"], "opd": ["x", "y"], "budget_original": [10.0, 0.0],
    ...                   "dose": [0.1, float("nan")]})
    >>> model_dropouts(k, d)[["opd", "reason"]].values.tolist()
    [['w', 'no_budget_region'], ['z', 'no_budget_opd'], ['y', 'zero_murni']]
    """
    keys = ["region_code", "opd"]
    n = kinerja.groupby(keys, sort=False).size().rename("n_rows").reset_index()
    cols = [c for c in (*keys, "dose", "budget_original") if c in dose.columns]
    m = n.merge(dose[cols].drop_duplicates(keys), on=keys, how="left", indicator=True)
    m = m[m["dose"].isna()]
    with_budget = set(dose["region_code"])
    murni = m["budget_original"] if "budget_original" in m.columns else pd.Series(np.nan, index=m.index)
    reason = np.select(
        [
            ~m["region_code"].isin(with_budget),
            m["_merge"].eq("left_only"),
            murni.fillna(0).eq(0) & m["_merge"].eq("both"),
        ],
        ["no_budget_region", "no_budget_opd", "zero_murni"],
        default="no_dose",
    )
    out = m[[*keys, "n_rows"]].assign(reason=reason)
    order = {r: i for i, r in enumerate(DROP_REASONS)}
    return out.sort_values(
        ["reason", *keys], key=lambda c: c.map(order) if c.name == "reason" else c
    ).reset_index(drop=True)
