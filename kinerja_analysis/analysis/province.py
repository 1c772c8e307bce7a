"""Measures of the province report (notebook 05) on real public data: budget shifts of the provinces in
2020-21, what DJPK "Anggaran" means per year, PEFA-style counts, and BPS outcomes against cut intensity.

Pure functions, frames in and frames out, tested on synthetic data with planted effects; no language
text (codes only). :mod:`kinerja_analysis.report.sections.province` shows what they compute.

Cut intensity is measured on **realised** belanja, because DJPK "Anggaran" for 2020 is largely the budget
set before refocusing: ``cut_intensity_pp`` = share of (goods/services + capital) in realised belanja in
the last pre year minus its mean share over the refocusing years, in percentage points (positive = cut
more). The outcome comparisons are descriptive: few provinces (34), one common shock, no control group.
Without data for the last pre year and the refocusing years there is no cut intensity: the functions
return empty frames with their columns, and the report says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm

from ..config import DEFAULT_SEED, Periods
from . import anggaran as ag
from . import pefa

CUT_TYPES = ("barang_jasa", "modal")
COVID_TYPES = ("btt", "bansos", "hibah")
STATS_COLUMNS = ["measure", "window", "n", "r", "r_lo", "r_hi", "slope", "slope_lo", "slope_hi"]
MEASURES = ("poverty_rate", "unemployment_rate", "grdp_growth", "ipm", "gini", "inflation")


# ---------------------------------------------------------------- data checks
def identity_failures(identity: pd.DataFrame) -> pd.DataFrame:
    """The pemda-years whose budget identity does not hold (rows of ``identity`` with ``ok`` false)."""
    return identity[~identity["ok"]]


def repaired_by_dedup(identity: pd.DataFrame, *, tolerance: float = 1e6) -> pd.DataFrame:
    """The pemda-years whose identity holds only because a repeated transfer row is counted once:
    counting it twice would leave a gap above ``tolerance`` Rupiah.

    >>> idt = pd.DataFrame({"ok": [True, True, False], "gap_budget_if_double_counted": [5e9, 0.0, 5e9]})
    >>> repaired_by_dedup(idt).index.tolist()
    [0]
    """
    return identity[(identity["gap_budget_if_double_counted"].abs() > tolerance) & identity["ok"]]


def complete_years(anggaran: pd.DataFrame) -> pd.DataFrame:
    """The anggaran rows of years whose realisation is complete (``partial_year`` false): comparisons
    leave a partly realised year out."""
    return anggaran[~anggaran["partial_year"]]


# ---------------------------------------------------------------- budget
def yearly_totals(anggaran: pd.DataFrame) -> pd.DataFrame:
    """National (all pemda) total belanja Anggaran and Realisasi per year, with absorption."""
    return ag.summarise(anggaran, ["year"])[["year", "budget_revised", "spent", "absorption"]]


def btt_by_year(anggaran: pd.DataFrame) -> pd.DataFrame:
    """BTT "Anggaran" and Realisasi per year (all pemda): btt_budget, btt_spent.

    >>> a = pd.DataFrame({"year": [2020, 2020], "spending_type": ["btt", "modal"], "budget_revised": [1.0, 9.0],
    ...                   "spent": [20.0, 5.0]})
    >>> btt_by_year(a)[["btt_budget", "btt_spent"]].values.tolist()
    [[1.0, 20.0]]
    """
    b = anggaran[anggaran["spending_type"] == "btt"].groupby("year")[["budget_revised", "spent"]].sum()
    return b.rename(columns={"budget_revised": "btt_budget", "spent": "btt_spent"}).reset_index()


def anggaran_by_year(anggaran: pd.DataFrame) -> pd.DataFrame:
    """Per year: total Anggaran, Realisasi and absorption, BTT Anggaran and Realisasi, and ``btt_ratio``
    (BTT realised as a multiple of its "Anggaran": far above 1 where "Anggaran" is the pre-refocusing budget)."""
    y = yearly_totals(anggaran).merge(btt_by_year(anggaran), on="year", how="left")
    y["btt_ratio"] = y["btt_spent"] / y["btt_budget"]
    return y


def anggaran_kind(years: Sequence[int], periods: Periods, partial_years: Sequence[int] = ()) -> list[str]:
    """What DJPK "Anggaran" is in each year, as a code: "partial" (realisation incomplete), "pre" (before
    refocusing), "first_refocusing" (largely the budget set before refocusing) or "later" (often revised).

    >>> anggaran_kind([2019, 2020, 2021, 2025], Periods(), [2025])
    ['pre', 'first_refocusing', 'later', 'partial']
    """
    first = periods.refocusing[0]

    def kind(year: int) -> str:
        if year in partial_years:
            return "partial"
        if year < first:
            return "pre"
        return "first_refocusing" if year == first else "later"

    return [kind(int(y)) for y in years]


def province_totals(anggaran: pd.DataFrame) -> pd.DataFrame:
    """Total belanja Anggaran, Realisasi and absorption per region and year."""
    return ag.summarise(anggaran, ["region_code", "year"])


def shares(anggaran: pd.DataFrame, *, value: str = "spent", by=("region_code", "year")) -> pd.DataFrame:
    """Each spending type's share (0-1) of total belanja within ``by`` (realisation by default)."""
    return ag.composition(anggaran, value=value, by=by)


def group_share(comp: pd.DataFrame, types, *, by=("region_code", "year")) -> pd.DataFrame:
    """Summed share of ``types`` within ``by`` (0 where none of them occurs).

    >>> c = pd.DataFrame({"year": [2019] * 3, "spending_type": ["modal", "barang_jasa", "pegawai"],
    ...                   "share": [0.2, 0.3, 0.5]})
    >>> group_share(c, ("modal", "barang_jasa"), by=("year",))["share"].tolist()
    [0.5]
    """
    keys = list(by)
    base = comp[keys].drop_duplicates()
    part = comp[comp["spending_type"].isin(types)].groupby(keys)["share"].sum().reset_index()
    return (
        base.merge(part, on=keys, how="left").fillna({"share": 0.0}).sort_values(keys).reset_index(drop=True)
    )


def group_shift(
    comp: pd.DataFrame, base_year: int, *, cut_types=CUT_TYPES, covid_types=COVID_TYPES
) -> pd.DataFrame:
    """Per year (``comp`` by year, from :func:`shares`): the share (%) of the types cut most
    (``cut_share_pct``) and of the COVID types (``covid_share_pct``) in belanja, each with its change
    from ``base_year`` in pp (NaN when ``base_year`` is missing).

    >>> c = pd.DataFrame({"year": [2019, 2019, 2020, 2020], "spending_type": ["modal", "btt"] * 2,
    ...                   "share": [0.4, 0.1, 0.3, 0.2]})
    >>> group_shift(c, 2019)[["cut_change_pp", "covid_change_pp"]].round(9).values.tolist()
    [[0.0, 0.0], [-10.0, 10.0]]
    """
    cut = group_share(comp, cut_types, by=("year",)).set_index("year")["share"] * 100
    cov = group_share(comp, covid_types, by=("year",)).set_index("year")["share"] * 100
    return pd.DataFrame(
        {
            "year": cut.index,
            "cut_share_pct": cut.to_numpy(),
            "cut_change_pp": (cut - cut.get(base_year, np.nan)).to_numpy(),
            "covid_share_pct": cov.reindex(cut.index).to_numpy(),
            "covid_change_pp": (cov - cov.get(base_year, np.nan)).reindex(cut.index).to_numpy(),
        }
    )


def cut_intensity(anggaran: pd.DataFrame, periods: Periods) -> pd.DataFrame:
    """Per region: share of goods/services + capital in realised belanja in the last pre year minus its
    mean over the refocusing years, in pp (positive = cut more), and the matching COVID-type rise.

    Hand check: shares 0.50 (2019), 0.40 (2020), 0.30 (2021) give 50 - 35 = 15 pp.

    >>> a = pd.DataFrame({"region_code": ["x"] * 6, "year": [2019, 2019, 2020, 2020, 2021, 2021],
    ...     "spending_type": ["modal", "pegawai"] * 3, "spent": [50.0, 50.0, 40.0, 60.0, 30.0, 70.0]})
    >>> cut_intensity(a, Periods())["cut_intensity_pp"].round(9).tolist()
    [15.0]
    """
    base_year = periods.pre[1]
    ref = periods.years("refocusing")
    cols = ["region_code", "cut_intensity_pp", "covid_rise_pp"]
    have = set(anggaran["year"])
    if base_year not in have or not have.intersection(ref):
        return pd.DataFrame(columns=cols)
    comp = shares(anggaran[anggaran["year"].isin([base_year, *ref])])
    out = {}
    for name, types, sign in (("cut_intensity_pp", CUT_TYPES, 1.0), ("covid_rise_pp", COVID_TYPES, -1.0)):
        g = group_share(comp, types)
        base = g[g["year"] == base_year].set_index("region_code")["share"]
        during = g[g["year"].isin(ref)].groupby("region_code")["share"].mean()
        out[name] = sign * (base - during) * 100
    return pd.DataFrame(out).dropna().reset_index()


# ---------------------------------------------------------------- outcomes
def outcome_changes(outcomes: pd.DataFrame, periods: Periods) -> pd.DataFrame:
    """Per region and measure: mean value per period and the change pre -> refocusing and pre -> post.
    A period without data gives NaN (never 0)."""
    d = outcomes.assign(period=outcomes["year"].map(lambda y: periods.of(int(y))))
    d = d[d["period"].notna() & d["value"].notna()]
    m = d.pivot_table(index=["region_code", "measure"], columns="period", values="value", aggfunc="mean")
    for p in ("pre", "refocusing", "post"):
        if p not in m.columns:
            m[p] = np.nan
    m.columns.name = None
    m["change_refocusing"] = m["refocusing"] - m["pre"]
    m["change_post"] = m["post"] - m["pre"]
    return m.reset_index()


def bootstrap_corr(
    x, y, *, n_boot: int = 2000, seed: int = DEFAULT_SEED, level: float = 0.95
) -> tuple[float, float, float]:
    """Pearson r with a percentile bootstrap CI that resamples the units (provinces), not rows of a panel.

    >>> rng = np.random.default_rng(1); x = rng.normal(size=200)
    >>> r, lo, hi = bootstrap_corr(x, 2 * x + rng.normal(size=200), n_boot=300)
    >>> round(r, 1), lo < r < hi       # population r = 2 / sqrt(5) = 0.894
    (0.9, True)
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    if len(x) < 4:
        return (np.nan, np.nan, np.nan)
    r = float(np.corrcoef(x, y)[0, 1])
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(x), size=(n_boot, len(x)))
    xb, yb = x[idx], y[idx]
    xc, yc = xb - xb.mean(1, keepdims=True), yb - yb.mean(1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        rb = (xc * yc).sum(1) / np.sqrt((xc**2).sum(1) * (yc**2).sum(1))
    rb = rb[~np.isnan(rb)]
    a = (1 - level) / 2
    return r, float(np.quantile(rb, a)), float(np.quantile(rb, 1 - a))


def fit_line(x, y, *, n_grid: int = 50, level: float = 0.95) -> dict:
    """OLS fit y = a + b x (statsmodels) with the CI of the mean line on a grid."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = ~(np.isnan(x) | np.isnan(y))
    res = sm.OLS(y[ok], sm.add_constant(x[ok])).fit()
    grid = np.linspace(x[ok].min(), x[ok].max(), n_grid)
    pred = res.get_prediction(sm.add_constant(grid)).summary_frame(alpha=1 - level)
    return {
        "grid": grid,
        "fit": pred["mean"].to_numpy(),
        "lo": pred["mean_ci_lower"].to_numpy(),
        "hi": pred["mean_ci_upper"].to_numpy(),
        "slope": float(res.params[1]),
        "slope_lo": float(res.conf_int(alpha=1 - level)[1][0]),
        "slope_hi": float(res.conf_int(alpha=1 - level)[1][1]),
        "n": int(ok.sum()),
    }


def outcome_vs_cut(
    outcomes: pd.DataFrame,
    cuts: pd.DataFrame,
    periods: Periods,
    *,
    n_boot: int = 2000,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Per measure and window: n, r with bootstrap CI, OLS slope (outcome units per pp of cut intensity).
    Always has the columns of :data:`STATS_COLUMNS`; no rows when there is no cut intensity or no outcome."""
    if cuts.empty or outcomes.empty:
        return pd.DataFrame(columns=STATS_COLUMNS)
    ch = outcome_changes(outcomes, periods).merge(cuts, on="region_code", how="inner")
    rows = []
    for measure in [m for m in MEASURES if m in set(ch["measure"])]:
        g = ch[ch["measure"] == measure]
        for window in ("change_refocusing", "change_post"):
            ok = g[window].notna()
            if ok.sum() < 4:
                rows.append({"measure": measure, "window": window, "n": int(ok.sum())})
                continue
            r, lo, hi = bootstrap_corr(
                g.loc[ok, "cut_intensity_pp"], g.loc[ok, window], n_boot=n_boot, seed=seed
            )
            f = fit_line(g.loc[ok, "cut_intensity_pp"], g.loc[ok, window])
            rows.append(
                {
                    "measure": measure,
                    "window": window,
                    "n": f["n"],
                    "r": r,
                    "r_lo": lo,
                    "r_hi": hi,
                    "slope": f["slope"],
                    "slope_lo": f["slope_lo"],
                    "slope_hi": f["slope_hi"],
                }
            )
    return pd.DataFrame(rows, columns=STATS_COLUMNS)


def outcome_fits(
    outcomes: pd.DataFrame,
    cuts: pd.DataFrame,
    periods: Periods,
    stats: pd.DataFrame,
    *,
    windows=("change_refocusing", "change_post"),
) -> list[dict]:
    """The scatter behind each estimate of ``stats`` (from :func:`outcome_vs_cut`) that has an r: per window
    and measure, x = cut intensity, y = outcome change, and the OLS line of :func:`fit_line` with its CI.

    Each item: window, measure, x, y, r, r_lo, r_hi and the keys of :func:`fit_line`.
    """
    if "r" not in stats.columns or stats["r"].isna().all():
        return []
    ch = outcome_changes(outcomes, periods).merge(cuts, on="region_code")
    out = []
    for window in windows:
        for row in stats[(stats["window"] == window) & stats["r"].notna()].itertuples():
            g = ch[(ch["measure"] == row.measure) & ch[window].notna()]
            f = fit_line(g["cut_intensity_pp"], g[window])
            out.append(
                {
                    "window": window,
                    "measure": row.measure,
                    "x": g["cut_intensity_pp"],
                    "y": g[window],
                    **f,
                    "r": row.r,
                    "r_lo": row.r_lo,
                    "r_hi": row.r_hi,
                }
            )
    return out


# ---------------------------------------------------------------- PEFA and RKP
def pefa_counts(scores: pd.DataFrame, column: str = "pi1_band") -> pd.DataFrame:
    """Number of regions per band (A-D) and year."""
    c = scores.dropna(subset=[column]).groupby(["year", column]).size().unstack(fill_value=0)
    return c.reindex(columns=[b for b in pefa.SCORES if b in c.columns])


def rkp_since(rkp: pd.DataFrame, first_year: int) -> pd.DataFrame:
    """The national RKP targets with their capaian from ``first_year`` on."""
    return rkp[rkp["year"] >= first_year]
