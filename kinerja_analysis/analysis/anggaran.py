"""Refocusing measures on the tidy ``anggaran`` table: cut share, absorption, composition, PEFA.

Pure functions: DataFrames in, DataFrames out. Values are full Rupiah.

- cut share  = (budget_original - budget_revised) / budget_original  (positive = cut)
- absorption = spent / budget_revised  (serapan)
- composition share = a spending type's share of total belanja; its shift is in percentage points
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..config import Periods

MONEY = ["budget_original", "budget_revised", "spent"]


def _ratio(num, den) -> pd.Series:
    num = pd.Series(num, dtype=float)
    den = pd.Series(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    return out.where(den.ne(0) & den.notna())


def cut_share(budget_original, budget_revised) -> pd.Series:
    """Share of the murni budget removed by the revision (positive = cut, negative = increase).

    >>> cut_share([100.0, 50.0, 0.0], [60.0, 75.0, 10.0]).round(2).tolist()
    [0.4, -0.5, nan]
    """
    o = pd.Series(budget_original, dtype=float)
    r = pd.Series(budget_revised, dtype=float)
    return _ratio(o - r, o)


def absorption(spent, budget_revised) -> pd.Series:
    """Serapan: spent / revised budget.

    >>> absorption([90.0, 5.0], [100.0, 0.0]).tolist()
    [0.9, nan]
    """
    return _ratio(spent, budget_revised)


def summarise(anggaran: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Sum the three budget columns over ``by`` and add ``cut_share`` and ``absorption``.

    Sums keep NaN when every value in a group is missing (DJPK data has no murni budget).

    >>> df = pd.DataFrame({"year": [2020, 2020], "budget_original": [100.0, 100.0],
    ...                    "budget_revised": [50.0, 70.0], "spent": [45.0, 70.0]})
    >>> summarise(df, ["year"])[["cut_share", "absorption"]].round(3).values.tolist()
    [[0.4, 0.958]]
    """
    g = anggaran.groupby(list(by), dropna=False, observed=True)[MONEY]
    out = g.sum(min_count=1).reset_index()
    out["cut_share"] = cut_share(out["budget_original"], out["budget_revised"]).to_numpy()
    out["absorption"] = absorption(out["spent"], out["budget_revised"]).to_numpy()
    return out


def period_total(anggaran: pd.DataFrame, period: str = "refocusing") -> pd.DataFrame:
    """The three budget sums of one period (its ``period`` column) in one row, with cut share and absorption;
    no row when the period has no budget lines.

    >>> df = pd.DataFrame({"period": ["pre", "refocusing", "refocusing"], "budget_original": [9.0, 100.0, 100.0],
    ...                    "budget_revised": [9.0, 50.0, 70.0], "spent": [9.0, 45.0, 70.0]})
    >>> period_total(df)[["budget_original", "cut_share"]].values.tolist()
    [[200.0, 0.4]]
    """
    return summarise(anggaran[anggaran["period"] == period].assign(_all=1), ["_all"])


def cuts_by_type(anggaran: pd.DataFrame, years: Sequence[int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Budget sums, cut share and absorption per spending type over ``years``: per year and type, and pooled
    over the years per type.

    >>> df = pd.DataFrame({"year": [2020, 2021, 2021], "spending_type": ["modal"] * 3,
    ...                    "budget_original": [100.0, 100.0, 50.0], "budget_revised": [50.0, 100.0, 50.0], "spent": [1.0] * 3})
    >>> per_year, pooled = cuts_by_type(df, [2020, 2021])
    >>> per_year["cut_share"].tolist(), pooled["cut_share"].tolist()
    ([0.5, 0.0], [0.2])
    """
    sub = anggaran[anggaran["year"].isin(list(years))]
    return summarise(sub, ["year", "spending_type"]), summarise(sub, ["spending_type"])


def by_type(anggaran: pd.DataFrame) -> pd.DataFrame:
    """Region x year x spending type totals with cut share and absorption."""
    return summarise(anggaran, ["region_code", "year", "spending_type"])


def by_opd(anggaran: pd.DataFrame) -> pd.DataFrame:
    """Region x year x OPD totals (pemda-level rows with an empty OPD are left out)."""
    return summarise(anggaran[anggaran["opd"].fillna("").ne("")], ["region_code", "year", "opd"])


def opd_dose(anggaran: pd.DataFrame, periods: Periods | None = None) -> pd.DataFrame:
    """Each OPD's refocusing dose: its cut share of total budget summed over the refocusing years.

    This is the treatment intensity of the impact models (DESIGN.md section 8). OPDs should already
    be mapped through the crosswalk, so a merged OPD has one dose.

    >>> df = pd.DataFrame({"region_code": ["99.01"] * 3, "opd": ["A", "A", "A"], "year": [2019, 2020, 2021],
    ...                    "budget_original": [100.0, 100.0, 100.0], "budget_revised": [100.0, 70.0, 90.0],
    ...                    "spent": [95.0, 60.0, 80.0]})
    >>> opd_dose(df)["dose"].round(3).tolist()
    [0.2]
    """
    periods = periods or Periods()
    years = periods.years("refocusing")
    sub = anggaran[anggaran["year"].isin(years) & anggaran["opd"].fillna("").ne("")]
    out = summarise(sub, ["region_code", "opd"])
    return out.rename(columns={"cut_share": "dose"})[
        ["region_code", "opd", "budget_original", "budget_revised", "dose"]
    ]


def composition(
    anggaran: pd.DataFrame, *, value: str = "budget_revised", by: Sequence[str] = ("region_code", "year")
) -> pd.DataFrame:
    """Each spending type's share of total belanja (0-1) within ``by``.

    >>> df = pd.DataFrame({"region_code": ["x"] * 2, "year": [2020] * 2, "spending_type": ["modal", "btt"],
    ...                    "budget_revised": [75.0, 25.0]})
    >>> composition(df)["share"].tolist()
    [0.25, 0.75]
    """
    keys = list(by)
    totals = anggaran.groupby(keys + ["spending_type"], observed=True)[value].sum(min_count=1).reset_index()
    totals["share"] = totals[value] / totals.groupby(keys)[value].transform("sum")
    return totals.sort_values(keys + ["spending_type"]).reset_index(drop=True)


def composition_shift(
    comp: pd.DataFrame,
    from_year: int,
    to_year: int,
    by: Sequence[str] = ("region_code",),
    *,
    value: str = "budget_revised",
) -> pd.DataFrame:
    """Change of each spending type's share between two years, in percentage points, beside the change in
    Rupiah of the amount the shares are of (``value``, a column of :func:`composition`; kept when present as
    ``rp_from``, ``rp_to`` and ``change_rp``). A share can grow while its Rupiah fall, when the total falls more.

    >>> comp = pd.DataFrame({"region_code": ["x"] * 4, "year": [2019, 2019, 2020, 2020],
    ...                      "spending_type": ["modal", "pegawai"] * 2, "budget_revised": [30.0, 70.0, 12.0, 68.0]})
    >>> comp["share"] = comp["budget_revised"] / comp.groupby("year")["budget_revised"].transform("sum")
    >>> s = composition_shift(comp, 2019, 2020)
    >>> s["shift_pp"].round(1).tolist(), s["change_rp"].tolist()
    ([-15.0, 15.0], [-18.0, -2.0])
    """
    keys = list(by) + ["spending_type"]
    cols = ["share"] + ([value] if value in comp.columns else [])
    a = comp[comp["year"] == from_year].set_index(keys)[cols]
    b = comp[comp["year"] == to_year].set_index(keys)[cols]
    out = pd.concat({"from": a, "to": b}, axis=1).fillna(0.0)
    out.columns = [f"{c}_{w}" for w, c in out.columns]
    out["shift_pp"] = (out["share_to"] - out["share_from"]) * 100
    if value in comp.columns:
        out = out.rename(columns={f"{value}_from": "rp_from", f"{value}_to": "rp_to"})
        out["change_rp"] = out["rp_to"] - out["rp_from"]
    return out.reset_index()


def pefa_pi1(actual_total: float, budget_total: float) -> float:
    """PEFA 2016 PI-1 aggregate expenditure outturn: actual / budget x 100.

    >>> pefa_pi1(92.0, 100.0)
    92.0
    """
    return float(actual_total) / float(budget_total) * 100 if budget_total else float("nan")


def pefa_pi2(budget: Sequence[float], actual: Sequence[float]) -> float:
    """PEFA 2016 PI-2 composition variance (%): sum |a_i - b_i * A/B| / sum(b_i * A/B) x 100.

    Hand check: b = (60, 40), a = (45, 45): A/B = 0.9, adjusted = (54, 36), deviations 9 + 9 = 18, 18/90 = 20 %.

    >>> round(pefa_pi2([60, 40], [45, 45]), 6)
    20.0
    """
    b = np.asarray(budget, dtype=float)
    a = np.asarray(actual, dtype=float)
    if b.sum() == 0:
        return float("nan")
    adjusted = b * (a.sum() / b.sum())
    return float(np.abs(a - adjusted).sum() / adjusted.sum() * 100)
