"""Measures of one pemda page (notebook 06) on real DJPK data, the same for a province, a kabupaten or a
kota: belanja by type per year in Rupiah and shares, what moved in the refocusing years against the last
pre year, serapan, revenue, PEFA-style PI-1/2/3, the pemda beside its peers, GRDP per capita growth and
the data caveats that apply to it.

Pure functions, frames in and frames out, codes only (no language text); the page's sections
(:mod:`kinerja_analysis.report.sections.pemda`) show what they compute. Every comparison is descriptive.

Conventions: money in Rupiah; shares and rates in % (0-100); changes of shares in percentage points.
Serapan = belanja Realisasi / DJPK "Anggaran" x 100. A year flagged ``partial_year`` is never a full year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import store
from ..config import Periods
from . import pefa, province

#: peer measures -> which direction reads better ("higher", "lower" or None: neither)
PEER_MEASURES = {
    "cut_intensity_pp": None,
    "serapan_refocusing_pct": "higher",
    "serapan_last_pct": "higher",
    "pi1_gap_last_pp": "lower",
    "pi2_variance_last_pct": "lower",
    "pi3_gap_last_pp": "lower",
    "grdp_growth_refocusing_pct": "higher",
}
#: refocusing status codes: what the data allow to say about the 2020-21 cut
STATUS = ("ok", "no_base_year", "no_refocusing_years")


def _pct(num, den):
    num, den = np.asarray(num, float), np.asarray(den, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, num / den * 100, np.nan)


def full_years(anggaran: pd.DataFrame) -> list[int]:
    """The years whose realisation is complete (not flagged ``partial_year``), sorted.

    >>> full_years(pd.DataFrame({"year": [2021, 2022, 2021], "partial_year": [False, True, False]}))
    [2021]
    """
    d = (
        anggaran
        if "partial_year" not in anggaran.columns
        else anggaran[~anggaran["partial_year"].astype(bool)]
    )
    return sorted(int(y) for y in d["year"].unique())


def of_region(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    """The rows of one pemda (``region_code`` equal to ``code``)."""
    return frame[frame["region_code"].astype(str) == str(code)]


def yearly_totals(anggaran: pd.DataFrame, revenue: pd.DataFrame, code: str) -> pd.DataFrame:
    """Per year of one pemda: belanja and pendapatan Anggaran and Realisasi (Rp), serapan and revenue
    outturn (%), and ``partial`` (the year's realisation is incomplete).

    >>> a = pd.DataFrame({"region_code": ["k"] * 2, "year": [2021] * 2, "spending_type": ["pegawai", "modal"],
    ...                   "budget_revised": [600.0, 400.0], "spent": [570.0, 330.0], "partial_year": [False] * 2})
    >>> r = pd.DataFrame({"region_code": ["k"], "year": [2021], "revenue_group": ["pad"],
    ...                   "budget_revised": [1000.0], "spent": [1050.0]})
    >>> yearly_totals(a, r, "k")[["belanja_spent", "serapan_pct", "pendapatan_pct"]].values.tolist()
    [[900.0, 90.0, 105.0]]
    """
    a, r = of_region(anggaran, code), of_region(revenue, code)
    b = a.groupby("year")[["budget_revised", "spent"]].sum(min_count=1)
    b.columns = ["belanja_budget", "belanja_spent"]
    p = r.groupby("year")[["budget_revised", "spent"]].sum(min_count=1)
    p.columns = ["pendapatan_budget", "pendapatan_spent"]
    out = b.join(p, how="outer").sort_index()
    out["serapan_pct"] = _pct(out["belanja_spent"], out["belanja_budget"])
    out["pendapatan_pct"] = _pct(out["pendapatan_spent"], out["pendapatan_budget"])
    partial = set(a.loc[a["partial_year"].astype(bool), "year"]) if "partial_year" in a.columns else set()
    out["partial"] = out.index.isin(partial)
    return out.reset_index()


def by_type(anggaran: pd.DataFrame, code: str) -> pd.DataFrame:
    """Per year and spending type of one pemda: Anggaran and Realisasi (Rp) and the type's share of
    realised belanja (%).

    >>> a = pd.DataFrame({"region_code": ["k"] * 2, "year": [2019] * 2, "spending_type": ["modal", "btt"],
    ...                   "budget_revised": [80.0, 20.0], "spent": [75.0, 25.0]})
    >>> by_type(a, "k")[["spending_type", "share_pct"]].values.tolist()
    [['btt', 25.0], ['modal', 75.0]]
    """
    a = of_region(anggaran, code)
    t = a.groupby(["year", "spending_type"], observed=True)[["budget_revised", "spent"]].sum(min_count=1)
    t = t.reset_index().rename(columns={"budget_revised": "budget"})
    t["share_pct"] = _pct(t["spent"], t.groupby("year")["spent"].transform("sum"))
    return t.sort_values(["year", "spending_type"]).reset_index(drop=True)


def refocusing_shift(types: pd.DataFrame, periods: Periods) -> tuple[str, pd.DataFrame]:
    """What moved in the refocusing years against the last pre year, per spending type (``types`` from
    :func:`by_type`, full years only): realised Rp in the base year and the mean over the refocusing
    years present, the change in Rp and in share (pp). Sorted by the change in Rp, biggest cut first.

    The status says what can be measured: "ok", "no_base_year" (the last pre year is missing: the cut
    cannot be measured) or "no_refocusing_years" (no refocusing year in the data); the frame is empty
    unless "ok".

    Hand check: modal 75 -> mean(50, 60) = 55 (-20 Rp), share 75 % -> mean(50 %, 60 %) = 55 % (-20 pp).

    >>> t = pd.DataFrame({"year": [2019, 2019, 2020, 2020, 2021, 2021], "spending_type": ["modal", "btt"] * 3,
    ...                   "spent": [75.0, 25.0, 50.0, 50.0, 60.0, 40.0], "share_pct": [75.0, 25.0, 50.0, 50.0, 60.0, 40.0]})
    >>> status, s = refocusing_shift(t, Periods())
    >>> status, s[["spending_type", "change_rp", "change_pp"]].values.tolist()
    ('ok', [['modal', -20.0, -20.0], ['btt', 20.0, 20.0]])
    """
    base = periods.pre[1]
    ref = [y for y in periods.years("refocusing") if y in set(types["year"])]
    cols = [
        "spending_type",
        "base_rp",
        "during_rp",
        "change_rp",
        "share_base_pct",
        "share_during_pct",
        "change_pp",
    ]
    if base not in set(types["year"]):
        return "no_base_year", pd.DataFrame(columns=cols)
    if not ref:
        return "no_refocusing_years", pd.DataFrame(columns=cols)
    w = types.pivot_table(index="spending_type", columns="year", values=["spent", "share_pct"], aggfunc="sum")
    w = w.fillna(0.0)
    out = pd.DataFrame(
        {
            "base_rp": w[("spent", base)],
            "during_rp": w["spent"][ref].mean(axis=1),
            "share_base_pct": w[("share_pct", base)],
            "share_during_pct": w["share_pct"][ref].mean(axis=1),
        }
    )
    out["change_rp"] = out["during_rp"] - out["base_rp"]
    out["change_pp"] = out["share_during_pct"] - out["share_base_pct"]
    out = out[(out["base_rp"] != 0) | (out["during_rp"] != 0)]  # types this pemda never used
    out = out.reset_index().sort_values("change_rp", kind="stable").reset_index(drop=True)
    return "ok", out[cols]


def pefa_scores(anggaran: pd.DataFrame, revenue: pd.DataFrame, code: str | None = None) -> pd.DataFrame:
    """PEFA-style PI-1, PI-2 (:func:`kinerja_analysis.analysis.pefa.yearly`) and PI-3
    (:func:`~kinerja_analysis.analysis.pefa.pi3_yearly`) per pemda and full year; one pemda with ``code``.
    A year without a budget has no score (NaN), never an error."""
    a = anggaran if code is None else of_region(anggaran, code)
    r = revenue if code is None else of_region(revenue, code)
    partial = set(a.loc[a["partial_year"].astype(bool), "year"]) if "partial_year" in a.columns else set()
    r = r.assign(partial_year=r["year"].isin(partial))
    with np.errstate(invalid="ignore", divide="ignore"):  # a year with nothing realised: NaN, no warning
        s12 = pefa.yearly(a) if len(a) else pd.DataFrame(columns=["region_code", "year"])
        s3 = pefa.pi3_yearly(r)
    if s12.empty:
        return s3
    if s3.empty:
        return s12
    return s12.merge(s3, on=["region_code", "year"], how="outer").sort_values(["region_code", "year"])


@store.prepared("national_measures")
def national_measures(
    anggaran: pd.DataFrame,
    revenue: pd.DataFrame,
    regions: pd.DataFrame,
    periods: Periods,
    *,
    grdp: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per pemda with data: ``kind``, ``province_code``, ``bps_code`` and the measures of
    :data:`PEER_MEASURES`. "last" is the latest full year of each pemda; a PEFA gap is
    |outturn - 100| in pp; ``grdp_growth_refocusing_pct`` is the mean yearly GRDP per capita growth over
    the refocusing years (``grdp``: bps_code, year, grdp_pc), NaN where not known.

    The same for every page of a data folder: computed once per content of the arguments and package code,
    then read from the prepared store (:func:`kinerja_analysis.store.prepared`; ``.uncached`` computes)."""
    complete = anggaran[~anggaran["partial_year"].astype(bool)] if "partial_year" in anggaran else anggaran
    cuts = province.cut_intensity(complete, periods).set_index("region_code")
    tot = (
        complete.groupby(["region_code", "year"])[["budget_revised", "spent"]].sum(min_count=1).reset_index()
    )
    tot["serapan"] = _pct(tot["spent"], tot["budget_revised"])
    ref = tot[tot["year"].isin(periods.years("refocusing"))].groupby("region_code")["serapan"].mean()
    last = tot.sort_values("year").groupby("region_code").tail(1).set_index("region_code")
    sc = pefa_scores(complete, revenue)
    sc = sc[sc["year"].isin(complete["year"].unique())] if len(sc) else sc
    out = regions.drop_duplicates("region_code").set_index("region_code")
    out = out.loc[out.index.isin(complete["region_code"].unique())]  # not set(): iterating is slow
    keep = [c for c in ("region_name", "kind", "province_code", "bps_code") if c in out.columns]
    out = out[keep].copy()
    out["cut_intensity_pp"] = cuts["cut_intensity_pp"].reindex(out.index)
    out["serapan_refocusing_pct"] = ref.reindex(out.index)
    out["serapan_last_pct"] = last["serapan"].reindex(out.index)
    out["last_year"] = last["year"].reindex(out.index)
    for col, src, dev in (
        ("pi1_gap_last_pp", "pi1_outturn_pct", True),
        ("pi2_variance_last_pct", "pi2_variance_pct", False),
        ("pi3_gap_last_pp", "pi3_outturn_pct", True),
    ):
        if src in sc.columns:
            v = sc.dropna(subset=[src]).sort_values("year").groupby("region_code")[src].last()
            out[col] = ((v - 100).abs() if dev else v).reindex(out.index)
        else:
            out[col] = np.nan
    out["grdp_growth_refocusing_pct"] = np.nan
    if grdp is not None and len(grdp) and "bps_code" in out.columns:
        g = grdp_growth(grdp)
        g = g[g["year"].isin(periods.years("refocusing"))].groupby("bps_code")["growth_pct"].mean()
        out["grdp_growth_refocusing_pct"] = out["bps_code"].astype(str).map(g).to_numpy()
    return out.reset_index()


def peers(measures: pd.DataFrame, code: str) -> pd.DataFrame:
    """The pemda beside its peers, per measure of :data:`PEER_MEASURES`: its value, and for each peer
    group ("province": the other kab/kota of its province; "national": all pemda of the same kind) the
    number with a value, its rank (1 = highest value), the median, minimum and maximum. The pemda itself
    counts in both groups. A province has no province group.

    >>> m = pd.DataFrame({"region_code": ["a", "b", "c"], "kind": ["kota"] * 3, "province_code": ["1", "1", "2"],
    ...                   "cut_intensity_pp": [5.0, 1.0, 3.0]})
    >>> p = peers(m, "a").set_index(["measure", "group"])
    >>> p.loc[("cut_intensity_pp", "province"), ["n", "rank", "median"]].astype(float).tolist()
    [2.0, 1.0, 3.0]
    >>> p.loc[("cut_intensity_pp", "national"), ["n", "rank", "median", "min", "max"]].astype(float).tolist()
    [3.0, 1.0, 3.0, 1.0, 5.0]
    """
    m = measures.set_index("region_code")
    if code not in m.index:
        return pd.DataFrame(columns=["measure", "group", "value", "n", "rank", "median", "min", "max"])
    me = m.loc[code]
    groups = {"national": m[m["kind"] == me["kind"]]}
    if me["kind"] != "provinsi":
        groups = {
            "province": m[(m["province_code"] == me["province_code"]) & (m["kind"] != "provinsi")],
            **groups,
        }
    rows = []
    for measure in [c for c in PEER_MEASURES if c in m.columns]:
        value = me[measure]
        for group, g in groups.items():
            v = g[measure].dropna()
            if v.empty and pd.isna(value):  # a measure nobody in the group has (GRDP for provinces)
                continue
            rank = int((v > value).sum() + 1) if pd.notna(value) else None
            rows.append(
                {
                    "measure": measure,
                    "group": group,
                    "value": value,
                    "n": len(v),
                    "rank": rank,
                    "median": float(v.median()) if len(v) else np.nan,
                    "min": float(v.min()) if len(v) else np.nan,
                    "max": float(v.max()) if len(v) else np.nan,
                }
            )
    return pd.DataFrame(rows)


def grdp_growth(grdp: pd.DataFrame) -> pd.DataFrame:
    """Yearly GRDP per capita growth (%) per district (``grdp``: bps_code, year, grdp_pc); the growth of
    a year needs the year before (else NaN).

    >>> g = pd.DataFrame({"bps_code": ["7571"] * 3, "year": [2019, 2020, 2022], "grdp_pc": [100.0, 95.0, 99.0]})
    >>> grdp_growth(g)["growth_pct"].round(6).tolist()
    [nan, -5.0, nan]
    """
    g = grdp[["bps_code", "year", "grdp_pc"]].copy()
    g["bps_code"] = g["bps_code"].astype(str)
    g = g.sort_values(["bps_code", "year"]).reset_index(drop=True)
    prev = g.assign(year=g["year"] + 1).rename(columns={"grdp_pc": "prev"})
    g = g.merge(prev, on=["bps_code", "year"], how="left")
    g["growth_pct"] = _pct(g["grdp_pc"] - g["prev"], g["prev"])
    return g.drop(columns="prev")


def growth_by_period(growth: pd.DataFrame, periods: Periods) -> dict:
    """Mean yearly growth (%) per period of one district's :func:`grdp_growth` rows (NaN when none).

    >>> g = pd.DataFrame({"year": [2019, 2020, 2021], "growth_pct": [5.0, -2.0, 3.0]})
    >>> growth_by_period(g, Periods())
    {'pre': 5.0, 'refocusing': 0.5, 'post': nan}
    """
    out = {}
    for p in periods.names:
        v = growth.loc[growth["year"].isin(periods.years(p)), "growth_pct"].dropna()
        out[p] = float(v.mean()) if len(v) else float("nan")
    return out


def missing_years(anggaran: pd.DataFrame, code: str, level_codes: set | None = None) -> list[int]:
    """Years in the data of the pemda's level (provinces, or kab/kota) without any row for this pemda.

    >>> a = pd.DataFrame({"region_code": ["11", "75.71", "75.71"], "year": [2019, 2020, 2021]})
    >>> missing_years(a, "75.71"), missing_years(a, "11")
    ([], [])
    >>> a = pd.DataFrame({"region_code": ["75.01", "75.71"], "year": [2019, 2020]})
    >>> missing_years(a, "75.71")
    [2019]
    """
    level = len(str(code)) == 2
    same = anggaran[(anggaran["region_code"].astype(str).str.len() == 2) == level]
    have = set(of_region(same, code)["year"])
    return sorted(int(y) for y in set(same["year"]) - have)


def unclassified(table: pd.DataFrame, region_name: str) -> pd.DataFrame:
    """The pemda's years with blank-label rows (all three account labels blank: they cannot be classified
    and stay out of every typed total), from the loader's per pemda-year table
    (:func:`kinerja_analysis.ingest.djpk_checks.unclassified`): year, n_rows, budget, spent (Rp).

    >>> t = pd.DataFrame({"region_name": ["K", "K", "L"], "year": [2022, 2023, 2023], "n_rows": [0, 2, 1],
    ...                   "budget": [0.0, 100.0, 9.0], "spent": [0.0, 65.0, 9.0]})
    >>> unclassified(t, "K").to_dict("records")
    [{'year': 2023, 'n_rows': 2, 'budget': 100.0, 'spent': 65.0}]
    """
    cols = ["year", "n_rows", "budget", "spent"]
    if table is None or table.empty:
        return pd.DataFrame(columns=cols)
    t = table[(table["region_name"].astype(str) == region_name) & (table["n_rows"] > 0)]
    return t[cols].sort_values("year").reset_index(drop=True).astype({"year": int, "n_rows": int})
