"""PEFA 2016 PI-1 (aggregate expenditure outturn) and PI-2 dimension 2.2 (expenditure composition outturn
by economic type) scores per pemda-year, on the tidy ``anggaran`` table.

The formulas are :func:`kinerja_analysis.analysis.anggaran.pefa_pi1` and :func:`~kinerja_analysis.analysis.anggaran.pefa_pi2`
(the scalar references). The tables compute them for all groups and years at once (one groupby, numpy on
the aggregated frame), with the same operations in the same order as those functions, so with the same bits.
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


#: ``numpy.sum`` adds up to this many values in one pairwise block (more would be split recursively)
_PAIRWISE_BLOCK = 128
#: score labels by rank; rank -1 (no score) gives None
_LABELS = np.array([*SCORES, None], dtype=object)


def _numpy_row_sums(m: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Per row i, the sum of ``m[i, :n[i]]`` added up exactly as ``numpy.sum`` adds a 1-D array (pairwise
    summation: one running sum for fewer than 8 values, else 8 running sums over blocks of 8, combined in
    pairs, then the rest one by one). The tables below thus give the same bits as the scalar reference
    functions (:func:`~kinerja_analysis.analysis.anggaran.pefa_pi2` sums each group's array with numpy).

    >>> x = np.array([1e16, 1.0, -1e16, 1.0, 3.0, 1e-3, 7.0, 2.5, 1.0, 9.0])
    >>> m = np.vstack([x, np.r_[x[:5], np.zeros(5)]])
    >>> _numpy_row_sums(m, np.array([10, 5])).tolist() == [x.sum(), x[:5].sum()]
    True
    """
    rows, width = m.shape
    if width > _PAIRWISE_BLOCK:  # numpy splits longer arrays recursively: never that many types
        raise ValueError(f"at most {_PAIRWISE_BLOCK} values per group can be summed here, found {width}")
    out = np.zeros(rows)
    small = n < 8
    for j in range(min(width, 7)):
        take = small & (j < n)
        out[take] += m[take, j]
    big = ~small
    if big.any():
        mb, nb = m[big], n[big]
        full = nb - nb % 8
        r = mb[:, :8].copy()
        for i in range(8, width - 7, 8):
            take = i + 8 <= full
            r[take] += mb[take, i : i + 8]
        res = ((r[:, 0] + r[:, 1]) + (r[:, 2] + r[:, 3])) + ((r[:, 4] + r[:, 5]) + (r[:, 6] + r[:, 7]))
        for k in range(7):
            take = full + k < nb
            res[take] += mb[take, (full + k)[take]]
        out[big] = res
    return out + 0.0


def _group_years(table: pd.DataFrame, keys: list[str], group_col: str):
    """The (group, full year) index and, per group, its ``budget_revised`` and ``spent`` summed by
    ``group_col`` (spending type or revenue group; missing as 0) in sorted order, as ``(n, budget, spent,
    econ)``: ``n`` values per group, left-aligned in the rows of the two matrices, and the same without
    :data:`CONTINGENCY`. Years flagged ``partial_year`` are left out. One groupby over the whole table."""
    d = table
    if "partial_year" in d.columns:
        d = d[~d["partial_year"].astype(bool)]
    by_year = keys + ["year"]
    groups = d.groupby(by_year, observed=True, sort=True).size().index
    sums = d.groupby(by_year + [group_col], observed=True, sort=True)[["budget_revised", "spent"]]
    sums = sums.sum(min_count=1).fillna(0.0)
    gid = groups.get_indexer(sums.index.droplevel(group_col))
    values = sums.to_numpy(dtype=float)
    econ = ~sums.index.get_level_values(group_col).isin(CONTINGENCY)
    return groups, _matrices(gid, values, len(groups)), _matrices(gid[econ], values[econ], len(groups))


def _matrices(gid: np.ndarray, values: np.ndarray, n_groups: int):
    """(n per group, budget matrix, spent matrix): the rows of ``values`` (budget, spent) of group ``gid``
    left-aligned in row ``gid``, in their order, zeros after them."""
    order = np.argsort(gid, kind="stable")
    g = gid[order]
    n = np.bincount(g, minlength=n_groups)
    pos = np.arange(len(g)) - (np.cumsum(n) - n)[g]
    width = max(int(n.max(initial=0)), 1)
    mats = []
    for col in values[order].T:
        m = np.zeros((n_groups, width))
        m[g, pos] = col
        mats.append(m)
    return n, mats[0], mats[1]


def _outturn_pct(spent_total: np.ndarray, budget_total: np.ndarray) -> np.ndarray:
    """:func:`~kinerja_analysis.analysis.anggaran.pefa_pi1` per element: actual / budget x 100, NaN
    where the budget is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(budget_total != 0, spent_total / budget_total * 100, np.nan)


def _composition_variance(n: np.ndarray, budget: np.ndarray, spent: np.ndarray) -> np.ndarray:
    """:func:`~kinerja_analysis.analysis.anggaran.pefa_pi2` per row of the matrices of :func:`_matrices`,
    with the same operations in the same order (so the same bits); NaN where the budget sums to 0."""
    b_total, a_total = _numpy_row_sums(budget, n), _numpy_row_sums(spent, n)
    inside = np.arange(budget.shape[1]) < n[:, None]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        adjusted = np.where(inside, budget * (a_total / b_total)[:, None], 0.0)
        deviation = np.where(inside, np.abs(spent - adjusted), 0.0)
        out = _numpy_row_sums(deviation, n) / _numpy_row_sums(adjusted, n) * 100
    return np.where(b_total == 0, np.nan, out)


def _in_range(values, band):
    return (band[1] <= values) & (values <= band[2])


def _below(values, band):
    return values < band[1]


def _band_labels(values: np.ndarray, bands: list, test) -> list:
    """The band per value (A-D, None when missing), as :func:`pi1_band` / :func:`pi2_band` give it."""
    rank = np.full(len(values), SCORES.index("D"))
    for band in reversed(bands):  # the best band that holds wins, as in the scalar loop
        rank = np.where(test(values, band), SCORES.index(band[0]), rank)
    return _LABELS[np.where(np.isnan(values), -1, rank)].tolist()


def _key_columns(groups: pd.Index) -> dict:
    """The group keys as plain Python values per column, so that their dtypes are inferred as from rows."""
    return {name: groups.get_level_values(i).tolist() for i, name in enumerate(groups.names)}


def _scores_3y(out: pd.DataFrame, keys: list[str], band_col: str) -> list:
    """The two-of-three-years score of ``band_col`` for the window ending in each row's year (rows sorted
    by ``keys`` and year, one row per year): :func:`score_two_of_three` is the middle of the three ranks."""
    rank = pd.Categorical(out[band_col], categories=SCORES).codes.astype(int)  # -1: no score
    gid = out.groupby(keys, sort=False).ngroup().to_numpy()
    year = out["year"].to_numpy()
    row = np.arange(len(out))
    window = [rank]
    for lag in (1, 2):  # the year ``lag`` before is at most ``lag`` rows up in the same group
        found = np.full(len(out), -1)
        for up in range(1, lag + 1):
            j = row - up
            ok = j >= 0
            ok[ok] = (gid[j[ok]] == gid[ok]) & (year[j[ok]] == year[ok] - lag)
            found[ok] = rank[j[ok]]
        window.append(found)
    w = np.vstack(window)
    middle = np.sort(w, axis=0)[1]
    return _LABELS[np.where((w >= 0).all(axis=0), middle, -1)].tolist()


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
    cols = keys + ["year", *YEARLY_COLUMNS]
    groups, (n, budget, spent), (n_econ, budget_econ, spent_econ) = _group_years(
        anggaran, keys, "spending_type"
    )
    if not len(groups):
        return pd.DataFrame([], columns=cols).assign(pi1_score_3y=None, pi2_score_3y=None)
    budget_total, spent_total = _numpy_row_sums(budget, n), _numpy_row_sums(spent, n)
    why = np.where(~(spent_total > 0), "no_realisasi", np.where(~(budget_total > 0), "no_anggaran", ""))
    scored = why == ""
    pi1 = np.where(scored, _outturn_pct(spent_total, budget_total), np.nan)
    pi2 = np.where(scored, _composition_variance(n_econ, budget_econ, spent_econ), np.nan)
    out = pd.DataFrame(
        {
            **_key_columns(groups),
            "pi1_outturn_pct": pi1,
            "pi2_variance_pct": pi2,
            "pi1_band": _band_labels(pi1, PI1_BANDS, _in_range),
            "pi2_band": _band_labels(pi2, PI2_BANDS, _below),
            "no_score": why.tolist(),
        },
        columns=cols,
    )
    out = out.sort_values(keys + ["year"]).reset_index(drop=True)
    for ind in ("pi1", "pi2"):
        out[f"{ind}_score_3y"] = _scores_3y(out, keys, f"{ind}_band")
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
    cols = keys + ["year", "pi3_outturn_pct", "pi3_variance_pct", "pi3_band", "pi3_comp_band"]
    groups, (n, budget, spent), _ = _group_years(revenue, keys, "revenue_group")
    if not len(groups):
        return pd.DataFrame([], columns=cols)
    out_pct = _outturn_pct(_numpy_row_sums(spent, n), _numpy_row_sums(budget, n))
    var_pct = _composition_variance(n, budget, spent)
    out = pd.DataFrame(
        {
            **_key_columns(groups),
            "pi3_outturn_pct": out_pct,
            "pi3_variance_pct": var_pct,
            "pi3_band": _band_labels(out_pct, PI3_BANDS, _in_range),
            "pi3_comp_band": _band_labels(var_pct, PI2_BANDS, _below),
        },
        columns=cols,
    )
    out = out.sort_values(keys + ["year"]).reset_index(drop=True)
    for col in ("pi3_band", "pi3_comp_band"):
        out[col.replace("_band", "") + "_score_3y"] = _scores_3y(out, keys, col)
    return out
