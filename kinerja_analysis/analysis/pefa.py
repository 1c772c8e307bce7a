"""PEFA 2016 PI-1 (aggregate expenditure outturn) and PI-2 dimension 2.2 (expenditure composition outturn
by economic type) scores per pemda-year, on the tidy ``anggaran`` table.

The raw figures come from :func:`kinerja_analysis.analysis.anggaran.pefa_pi1` and :func:`~kinerja_analysis.analysis.anggaran.pefa_pi2`.
Thresholds (PEFA Secretariat, *Framework for assessing public financial management*, February 2016,
Pillar I "Budget reliability"):

- **PI-1, dimension 1.1** (M1): A = aggregate expenditure outturn between 95 % and 105 % of the approved
  aggregate budgeted expenditure in at least two of the last three years; B = between 90 % and 110 %;
  C = between 85 % and 115 %; D = less than required for C.
- **PI-2, dimension 2.2**: A = variance in expenditure composition by economic classification less than
  5 % in at least two of the last three years; B = less than 10 %; C = less than 15 %; D otherwise.
  The calculation includes interest on debt and **excludes contingency items** (framework guidance 2.2:1),
  so BTT (belanja tidak terduga) is left out here.

Source check: the PI-2 scoring table and the 2.2:1 contingency rule were read in the framework text as
published at https://www.pefa.org/node/4627 (PI-2, "Dimensions and scoring") and
https://www.pefa.org/node/4871 (dimension 2.2 guidance, PEFA Handbook Vol. II field guide). The PI-1
bands are those of the framework's PI-1 table (https://www.pefa.org/node/4762 is the PI-1 guidance page);
the printed page numbers of the February 2016 PDF could not be checked from here, so the framework is
cited by indicator and dimension number, which are stable across its editions.

PEFA compares the outturn with the **originally approved** budget. DJPK "Anggaran" is not that: for
2020 it is largely the pre-refocusing budget, later often the revised budget. Scores here are therefore
"PEFA-style" and every report that shows them says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import anggaran as ag

#: (score, lower %, upper %), inclusive bounds: "between 95 % and 105 %"
PI1_BANDS = [("A", 95.0, 105.0), ("B", 90.0, 110.0), ("C", 85.0, 115.0)]
#: (score, variance strictly below %)
PI2_BANDS = [("A", 5.0), ("B", 10.0), ("C", 15.0)]
CONTINGENCY = ("btt",)
SCORES = ("A", "B", "C", "D")


def pi1_band(outturn_pct: float) -> str | None:
    """The best PI-1 band one year's outturn meets (A-D); None when missing.

    >>> [pi1_band(x) for x in (95.0, 105.0, 94.9, 110.0, 84.9, float("nan"))]
    ['A', 'A', 'B', 'B', 'D', None]
    """
    if outturn_pct is None or np.isnan(outturn_pct):
        return None
    for score, lo, hi in PI1_BANDS:
        if lo <= outturn_pct <= hi:
            return score
    return "D"


def pi2_band(variance_pct: float) -> str | None:
    """The best PI-2 (2.2) band one year's composition variance meets (A-D); None when missing.

    >>> [pi2_band(x) for x in (4.99, 5.0, 9.9, 14.99, 15.0)]
    ['A', 'B', 'B', 'C', 'D']
    """
    if variance_pct is None or np.isnan(variance_pct):
        return None
    for score, below in PI2_BANDS:
        if variance_pct < below:
            return score
    return "D"


def score_two_of_three(bands: Sequence[str | None]) -> str | None:
    """PEFA's M1 rule over the last three years: the best score met in at least two of them.

    A year meeting A also meets B and C. Needs three years with a score, else None (a missing band may be
    None or NaN, as pandas stores it).

    >>> score_two_of_three(["A", "C", "B"]), score_two_of_three(["A", "D", "D"]), score_two_of_three(["A", None, "A"])
    ('B', 'D', None)
    >>> score_two_of_three(["A", float("nan"), "A"]) is None
    True
    """
    if len(bands) != 3 or any(b not in SCORES for b in bands):  # None or NaN: a year without a score
        return None
    for score in SCORES[:3]:
        if sum(SCORES.index(b) <= SCORES.index(score) for b in bands) >= 2:
            return score
    return "D"


#: the columns of :func:`yearly` after the group keys and year (then pi1_score_3y, pi2_score_3y)
YEARLY_COLUMNS = ["pi1_outturn_pct", "pi2_variance_pct", "pi1_band", "pi2_band", "no_score"]


def no_score_reason(budget_total: float, spent_total: float) -> str:
    """Why a pemda-year gets no PI-1/PI-2 score, as a code ("" when it gets one): "no_realisasi" when
    nothing is realised (0 or missing: an unreported year, not an outturn of 0 %), "no_anggaran" when
    there is no budget to compare with.

    >>> no_score_reason(100.0, 92.0), no_score_reason(100.0, 0.0), no_score_reason(0.0, 5.0)
    ('', 'no_realisasi', 'no_anggaran')
    """
    if not (spent_total > 0):
        return "no_realisasi"
    if not (budget_total > 0):
        return "no_anggaran"
    return ""


def _group_years(table: pd.DataFrame, by: Sequence[str], group_col: str):
    """(key values, totals) per group and full year: ``budget_revised`` and ``spent`` summed by ``group_col``
    (spending type or revenue group), missing as 0; years flagged ``partial_year`` left out."""
    d = table
    if "partial_year" in d.columns:
        d = d[~d["partial_year"].astype(bool)]
    for key, g in d.groupby(list(by) + ["year"], observed=True, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        yield (
            key,
            g.groupby(group_col, observed=True)[["budget_revised", "spent"]].sum(min_count=1).fillna(0.0),
        )


def _scores_3y(out: pd.DataFrame, keys: list[str], band_col: str) -> list:
    """The two-of-three-years score of ``band_col`` for the window ending in each row's year (rows sorted
    by ``keys`` and year)."""
    scores = []
    for _, g in out.groupby(keys, sort=False):
        bands = {y: b if isinstance(b, str) else None for y, b in zip(g["year"], g[band_col])}
        scores += [score_two_of_three([bands.get(y - 2), bands.get(y - 1), bands.get(y)]) for y in g["year"]]
    return scores


def yearly(anggaran: pd.DataFrame, *, by: Sequence[str] = ("region_code",)) -> pd.DataFrame:
    """Per group and year: PI-1 outturn (%), PI-2 composition variance (%, BTT excluded) and their
    one-year bands, plus the three-year score for the window ending in that year.
    A pemda-year with nothing realised or no Anggaran gets no score (NaN, band None) and says why in
    ``no_score`` (:func:`no_score_reason`); the three-year scores that need it are None. Always returns
    these columns, empty when no year is left.

    ``anggaran`` is the tidy table with ``budget_revised`` as the budget and ``spent`` as the outturn.
    Years flagged ``partial_year`` are left out (an incomplete realisation is not an outturn).
    """
    keys = list(by)
    rows = []
    for key, t in _group_years(anggaran, keys, "spending_type"):
        why = no_score_reason(t["budget_revised"].sum(), t["spent"].sum())
        pi1 = pi2 = float("nan")
        if not why:
            pi1 = ag.pefa_pi1(t["spent"].sum(), t["budget_revised"].sum())
            econ = t.drop(index=[c for c in CONTINGENCY if c in t.index])
            pi2 = ag.pefa_pi2(econ["budget_revised"].to_numpy(), econ["spent"].to_numpy())
        rows.append(
            dict(
                zip(keys + ["year"], key),
                pi1_outturn_pct=pi1,
                pi2_variance_pct=pi2,
                pi1_band=pi1_band(pi1),
                pi2_band=pi2_band(pi2),
                no_score=why,
            )
        )
    out = pd.DataFrame(rows, columns=keys + ["year", *YEARLY_COLUMNS])
    if out.empty:
        return out.assign(pi1_score_3y=None, pi2_score_3y=None)
    out = out.sort_values(keys + ["year"]).reset_index(drop=True)
    for ind in ("pi1", "pi2"):
        scores = _scores_3y(out, keys, f"{ind}_band")
        out[f"{ind}_score_3y"] = scores
    return out


# ---------------------------------------------------------------- PI-3 (revenue outturn)
#: PI-3.1 aggregate revenue outturn: (score, lower %, upper %), inclusive bounds
PI3_BANDS = [("A", 97.0, 106.0), ("B", 94.0, 112.0), ("C", 92.0, 116.0)]


def pi3_band(outturn_pct: float) -> str | None:
    """The best PI-3.1 band one year's aggregate revenue outturn meets (A-D); None when missing.

    PEFA 2016 PI-3.1: A = actual revenue between 97 % and 106 % of budgeted revenue (in at least two of
    the last three years), B = 94-112 %, C = 92-116 %, D otherwise.

    >>> [pi3_band(x) for x in (97.0, 106.0, 96.9, 112.0, 91.9, float("nan"))]
    ['A', 'A', 'B', 'B', 'D', None]
    """
    if outturn_pct is None or np.isnan(outturn_pct):
        return None
    for score, lo, hi in PI3_BANDS:
        if lo <= outturn_pct <= hi:
            return score
    return "D"


def pi3_yearly(revenue: pd.DataFrame, *, by: Sequence[str] = ("region_code",)) -> pd.DataFrame:
    """PEFA-style PI-3 per group and year on the tidy revenue table (``revenue_group`` pad / tkdd / other,
    ``budget_revised``, ``spent``): ``pi3_outturn_pct`` (3.1, actual / budget x 100), its band,
    ``pi3_variance_pct`` (3.2, composition variance over the revenue groups, bands as PI-2.2) and the
    three-year score of each. Years flagged ``partial_year`` are left out; a year without a budget gets
    no score (NaN, band None), never an error.

    Hand check: PAD 100 -> 90, transfers 900 -> 900: outturn 990 / 1000 = 99 % (A); adjusted budget
    (99, 891), deviations 9 + 9 = 18, 18 / 990 = 1.82 % (A).

    >>> rev = pd.DataFrame({"region_code": ["x", "x"], "year": [2021, 2021], "revenue_group": ["pad", "tkdd"],
    ...                     "budget_revised": [100.0, 900.0], "spent": [90.0, 900.0]})
    >>> r = pi3_yearly(rev).iloc[0]
    >>> float(round(r.pi3_outturn_pct, 6)), float(round(r.pi3_variance_pct, 4)), r.pi3_band, r.pi3_comp_band
    (99.0, 1.8182, 'A', 'A')
    """
    keys = list(by)
    rows = []
    for key, t in _group_years(revenue, keys, "revenue_group"):
        out_pct = ag.pefa_pi1(t["spent"].sum(), t["budget_revised"].sum())
        var_pct = ag.pefa_pi2(t["budget_revised"].to_numpy(), t["spent"].to_numpy())
        rows.append(
            dict(
                zip(keys + ["year"], key),
                pi3_outturn_pct=out_pct,
                pi3_variance_pct=var_pct,
                pi3_band=pi3_band(out_pct),
                pi3_comp_band=pi2_band(var_pct),
            )
        )
    out = pd.DataFrame(
        rows, columns=keys + ["year", "pi3_outturn_pct", "pi3_variance_pct", "pi3_band", "pi3_comp_band"]
    )
    if out.empty:
        return out
    out = out.sort_values(keys + ["year"]).reset_index(drop=True)
    for col in ("pi3_band", "pi3_comp_band"):
        scores = _scores_3y(out, keys, col)
        out[col.replace("_band", "") + "_score_3y"] = scores
    return out
