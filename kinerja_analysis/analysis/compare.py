"""Before / during / after comparisons of capaian (DESIGN.md section 5), and the facts of a region's reading."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..config import DEFAULT_SEED, Periods
from . import anggaran as ag
from .inference import MIN_CLUSTERS, cluster_inference, cv3_se

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
    out = (
        d.groupby(keys, observed=True)
        .agg(
            mean=("achievement", "mean"),
            median=("achievement", "median"),
            met_share=("met_f", "mean"),
            n=("achievement", "size"),
        )
        .reset_index()
    )
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


def opd_cuts(kinerja: pd.DataFrame, dose: pd.DataFrame) -> pd.DataFrame:
    """Each OPD's dose (cut share over the refocusing years) beside its mean capaian per period and change.

    >>> k = pd.DataFrame({"region_code": ["a"] * 2, "opd": ["x"] * 2, "period": ["pre", "refocusing"],
    ...                   "achievement": [100.0, 94.0], "met": [True, False]})
    >>> d = pd.DataFrame({"region_code": ["a"], "opd": ["x"], "dose": [0.3]})
    >>> opd_cuts(k, d)[["dose", "pre", "refocusing", "change_refocusing"]].values.tolist()
    [[0.3, 100.0, 94.0, -6.0]]
    """
    change = opd_period_change(kinerja, dose)
    return dose.merge(
        change[["region_code", "opd", "pre", "refocusing", "post", "change_refocusing"]],
        on=["region_code", "opd"],
        how="left",
    )


def share_at_ceiling(
    kinerja: pd.DataFrame, by: Sequence[str] = ("year",), *, tol: float = 1e-9
) -> pd.DataFrame:
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


# ---------------------------------------------------------------- differences with honest uncertainty
def cluster_ids(d: pd.DataFrame, cluster: str) -> np.ndarray:
    """Integer cluster ids: ``region`` (across regions) or ``opd`` (OPDs within their region).

    >>> cluster_ids(pd.DataFrame({"region_code": ["a", "a", "b"], "opd": ["x", "y", "x"]}), "opd").tolist()
    [0, 1, 2]
    """
    if cluster == "region":
        return pd.factorize(d["region_code"])[0]
    if cluster == "opd":
        return pd.factorize(pd.MultiIndex.from_arrays([d["region_code"], d["opd"]]))[0]
    raise ValueError(f"cluster must be 'region' or 'opd', found {cluster!r}")


def outcome_values(d: pd.DataFrame, outcome: str) -> np.ndarray:
    """The outcome as floats; ``met`` as 0/100 so that differences of shares read in pp.

    >>> outcome_values(pd.DataFrame({"met": [True, False, None]}), "met").tolist()
    [100.0, 0.0, nan]
    """
    if outcome == "met":
        return d["met"].astype("Float64").to_numpy(dtype=float, na_value=np.nan) * 100.0
    return d[outcome].to_numpy(dtype=float)


def _regression_frame(kinerja: pd.DataFrame, cluster: str, outcome: str) -> pd.DataFrame:
    """Rows with a period and the outcome: ``y, period, unit`` (region × OPD × indicator) and ``cluster``."""
    d = kinerja[kinerja["period"].isin(PERIOD_ORDER)]
    keys = [c for c in ("region_code", "opd", "indicator_id") if c in d.columns]
    f = pd.DataFrame(
        {
            "y": outcome_values(d, outcome),
            "period": d["period"].astype(str).to_numpy(),
            "unit": pd.factorize(pd.MultiIndex.from_frame(d[keys].astype(str)))[0] if len(d) else [],
            "cluster": cluster_ids(d, cluster),
        }
    )
    for per in PERIOD_ORDER[1:]:
        f[f"d_{per}"] = (f["period"] == per).astype(float)
    return f[f["y"].notna()].reset_index(drop=True)


def mean_cv3(y: np.ndarray, cluster: np.ndarray, *, level: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``y`` with its cluster-jackknife (CV3) interval and t(G − 1); NaN interval below
    :data:`~kinerja_analysis.analysis.inference.MIN_CLUSTERS` clusters.

    >>> m, lo, hi = mean_cv3(np.array([1.0, 2, 3, 4, 5, 6]), np.arange(6))
    >>> m, round(hi - m, 4)  # se = sd / sqrt(n) = 0.7638, t(5) = 2.5706
    (3.5, 1.9633)
    """
    from scipy import stats

    y, cluster = np.asarray(y, dtype=float), pd.factorize(np.asarray(cluster))[0]
    g = int(cluster.max()) + 1 if len(cluster) else 0
    m = float(y.mean()) if len(y) else np.nan
    if g < MIN_CLUSTERS:
        return m, np.nan, np.nan
    s, n = np.bincount(cluster, weights=y, minlength=g), np.bincount(cluster, minlength=g)
    jack = (s.sum() - s) / (n.sum() - n)
    se = float(cv3_se(np.array([m]), jack[:, None])[0])
    half = float(stats.t.ppf(0.5 + level / 2, g - 1)) * se
    return m, m - half, m + half


def _infer_row(f: pd.DataFrame, terms: list[str], coef: str, *, draws: int, seed: int, level: float) -> dict:
    """``coef`` of ``y ~ terms | unit``, clustered: wild-bootstrap interval, CV3 beside it."""
    if f[coef].sum() == 0:
        nan = np.nan
        return dict(
            estimate=nan,
            ci_low=nan,
            ci_high=nan,
            ci_low_cv3=nan,
            ci_high_cv3=nan,
            p_value=nan,
            status="no_data",
        )
    terms = [t for t in terms if t == coef or f[t].sum() > 0]
    r = cluster_inference(
        f,
        outcome="y",
        terms=terms,
        coef=coef,
        fe=["unit"],
        cluster="cluster",
        draws=draws,
        seed=seed,
        level=level,
    )
    return {
        "estimate": r.estimate,
        "ci_low": r.ci_wild[0],
        "ci_high": r.ci_wild[1],
        "ci_low_cv3": r.ci_cv3[0],
        "ci_high_cv3": r.ci_cv3[1],
        "p_value": r.p_wild,
        "status": r.status,
    }


def _mean_row(f: pd.DataFrame, keep, level: float) -> dict:
    m, lo, hi = mean_cv3(f.loc[keep, "y"].to_numpy(), f.loc[keep, "cluster"].to_numpy(), level=level)
    status = "no_data" if not keep.any() else ("ok" if np.isfinite(lo) else "few_clusters")
    return dict(
        estimate=m, ci_low=lo, ci_high=hi, ci_low_cv3=lo, ci_high_cv3=hi, p_value=np.nan, status=status
    )


def period_differences(
    kinerja: pd.DataFrame,
    *,
    cluster: str = "region",
    outcomes: Sequence[str] = ("achievement", "met"),
    n_resamples: int = 999,
    seed: int = DEFAULT_SEED,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Mean per period and the changes refocusing − pre and post − pre, with few-cluster inference.

    The changes are regressions of the outcome on period dummies with unit (region × OPD × indicator)
    fixed effects, so they compare each indicator with itself (on a balanced panel: the difference of the
    period means). Their intervals are those of the impact model
    (:func:`~kinerja_analysis.analysis.inference.cluster_inference`): the wild-cluster bootstrap
    (``ci_low``/``ci_high``, ``n_resamples`` draws) with the CV3 jackknife beside it, clustered on regions
    (``cluster="region"``) or OPDs (``"opd"``, within one region). Means carry a CV3 interval. With fewer
    than five clusters the intervals are NaN (``status`` "few_clusters"). ``met`` is in %, so its changes
    are in pp.

    Returns
    -------
    pandas.DataFrame
        ``outcome, quantity`` (``mean_pre``, ``mean_refocusing``, ``mean_post``, ``diff_refocusing``,
        ``diff_post``), ``estimate, ci_low, ci_high, ci_low_cv3, ci_high_cv3, p_value, status,
        n_clusters``.

    Examples
    --------
    >>> k = pd.DataFrame({"region_code": ["a", "a", "b", "b"], "period": ["pre", "refocusing"] * 2,
    ...                   "achievement": [100.0, 95.0, 90.0, 85.0], "met": [True, False, False, False]})
    >>> r = period_differences(k, outcomes=["achievement"]).set_index("quantity")
    >>> float(r.loc["diff_refocusing", "estimate"]), r.loc["diff_refocusing", "status"]
    (-5.0, 'few_clusters')
    """
    rows = []
    for outcome in outcomes:
        f = _regression_frame(kinerja, cluster, outcome)
        g = int(f["cluster"].nunique())
        for per in PERIOD_ORDER:
            rows.append(
                {
                    "outcome": outcome,
                    "quantity": f"mean_{per}",
                    **_mean_row(f, f["period"] == per, confidence),
                }
            )
        terms = [f"d_{p}" for p in PERIOD_ORDER[1:]]
        for per in PERIOD_ORDER[1:]:
            res = _infer_row(f, terms, f"d_{per}", draws=n_resamples, seed=seed, level=confidence)
            rows.append({"outcome": outcome, "quantity": f"diff_{per}", **res})
        for r in rows[-5:]:
            r["n_clusters"] = g
    return pd.DataFrame(rows)


def dose_terciles(dose: pd.DataFrame) -> pd.DataFrame:
    """Split OPDs into thirds by dose: ``T1`` least cut, ``T3`` most cut (equal numbers of OPDs).

    >>> d = pd.DataFrame({"region_code": ["a"] * 6, "opd": list("uvwxyz"), "dose": [0.1, 0.5, 0.2, 0.4, 0.3, 0.0]})
    >>> dose_terciles(d)["tercile"].tolist()
    ['T1', 'T3', 'T2', 'T3', 'T2', 'T1']
    """
    d = dose[dose["dose"].notna()].copy()
    d["tercile"] = pd.qcut(d["dose"].rank(method="first"), 3, labels=["T1", "T2", "T3"]).astype(str)
    return d


def tercile_years(kinerja: pd.DataFrame, dose: pd.DataFrame) -> pd.DataFrame:
    """Mean capaian per year for each dose tercile (:func:`dose_terciles`): ``tercile, year, mean, n``."""
    terc = dose_terciles(dose)
    k = kinerja.merge(terc[["region_code", "opd", "tercile"]], on=["region_code", "opd"], how="inner")
    return yearly_means(k, by=["tercile"])


def tercile_comparison(
    kinerja: pd.DataFrame,
    dose: pd.DataFrame,
    *,
    cluster: str = "region",
    outcome: str = "achievement",
    n_resamples: int = 999,
    seed: int = DEFAULT_SEED,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Mean capaian per dose tercile and period, each tercile's change, and the crude DiD T3 − T1.

    ``change_<period>`` of a tercile is the coefficient of tercile × period dummies with unit fixed effects
    (each indicator against itself); ``crude_did_<period>`` = T3's change − T1's change, from the same
    regression with T1 as the base: how much more the most-cut third changed than the least-cut third.
    Inference as in :func:`period_differences` (wild-cluster bootstrap, CV3 beside it); terciles are fixed
    on the full data, so the interval exists whenever there are enough clusters.

    Returns
    -------
    pandas.DataFrame
        ``tercile`` (T1, T2, T3 or ``T3-T1``), ``quantity`` (``mean_<period>``, ``change_<period>``,
        ``crude_did_<period>``), ``estimate, ci_low, ci_high, ci_low_cv3, ci_high_cv3, p_value, status,
        dose_mean, n_opd``.

    Examples
    --------
    >>> k = pd.DataFrame({"region_code": ["a"] * 6, "opd": ["x", "x", "y", "y", "z", "z"],
    ...                   "period": ["pre", "refocusing"] * 3, "achievement": [100.0, 99, 100, 97, 100, 90],
    ...                   "met": [True] * 6})
    >>> d = pd.DataFrame({"region_code": ["a"] * 3, "opd": ["x", "y", "z"], "dose": [0.0, 0.2, 0.4]})
    >>> r = tercile_comparison(k, d).set_index(["tercile", "quantity"])
    >>> float(r.loc[("T3-T1", "crude_did_refocusing"), "estimate"])  # (90 - 100) - (99 - 100)
    -9.0
    """
    terc = dose_terciles(dose)
    k = kinerja.merge(terc[["region_code", "opd", "tercile"]], on=["region_code", "opd"], how="inner")
    f = _regression_frame(k, cluster, outcome)
    tercile = k.loc[
        k["period"].isin(PERIOD_ORDER) & pd.notna(outcome_values(k, outcome)), "tercile"
    ].to_numpy()
    f["tercile"] = tercile
    later = PERIOD_ORDER[1:]
    for x in ("T1", "T2", "T3"):
        for per in later:
            f[f"{x}_{per}"] = ((f["tercile"] == x) & (f["period"] == per)).astype(float)
    per_tercile = [f"{x}_{per}" for x in ("T1", "T2", "T3") for per in later]
    base_t1 = [f"d_{per}" for per in later] + [f"{x}_{per}" for x in ("T2", "T3") for per in later]
    info = terc.groupby("tercile")["dose"].agg(dose_mean="mean", n_opd="size")
    kw = dict(draws=n_resamples, seed=seed, level=confidence)
    rows = []
    for x in ("T1", "T2", "T3"):
        for per in PERIOD_ORDER:
            rows.append(
                (x, f"mean_{per}", _mean_row(f, (f["tercile"] == x) & (f["period"] == per), confidence))
            )
    for x in ("T1", "T2", "T3"):
        for per in later:
            rows.append((x, f"change_{per}", _infer_row(f, per_tercile, f"{x}_{per}", **kw)))
    for per in later:
        rows.append(("T3-T1", f"crude_did_{per}", _infer_row(f, base_t1, f"T3_{per}", **kw)))
    out = []
    for label, quantity, res in rows:
        has = label in info.index
        out.append(
            {
                "tercile": label,
                "quantity": quantity,
                **res,
                "dose_mean": float(info.at[label, "dose_mean"]) if has else np.nan,
                "n_opd": int(info.at[label, "n_opd"]) if has else int(len(terc)),
            }
        )
    return pd.DataFrame(out)


#: how many of a region's most-cut OPDs its summary compares with the rest and its table lists
MOST_CUT_N = 10


def region_facts(
    kinerja: pd.DataFrame,
    anggaran: pd.DataFrame,
    dose: pd.DataFrame,
    *,
    periods: Periods | None = None,
    n_top: int = MOST_CUT_N,
) -> dict:
    """The numbers a region's plain-language reading is built from: the refocusing cut (all, by spending
    type), BTT murni, perubahan and realisasi in the first refocusing year, mean capaian per period, and the
    change of the ``n_top`` most-cut OPDs against the rest. The most-cut OPDs are the first ``n_top`` rows by
    dose of :func:`opd_cuts`, the rows the region page's most-cut table lists when given ``n=facts["n_top"]``;
    ``n_top`` in the result is how many there are.
    """
    ref_years = (periods or Periods()).years("refocusing")
    a = anggaran
    ref = a[a["year"].isin(ref_years)]
    total = ag.summarise(ref.assign(_all=1), ["_all"])
    by_t = ag.summarise(ref, ["spending_type"]).set_index("spending_type")
    btt = ag.summarise(
        a[(a["year"] == ref_years[0]) & (a["spending_type"] == "btt")].assign(_all=1), ["_all"]
    )
    pm = period_means(kinerja).set_index("period")
    cuts = opd_cuts(kinerja, dose)
    top = cuts.nlargest(max(0, int(n_top)), "dose")
    rest = cuts.drop(top.index)

    def get(frame, key, col):
        return (
            float(frame.at[key, col]) if key in frame.index and pd.notna(frame.at[key, col]) else float("nan")
        )

    def one(frame, col):
        return float(frame[col].iloc[0]) if len(frame) and pd.notna(frame[col].iloc[0]) else float("nan")

    return {
        "cut_share": one(total, "cut_share"),
        "cut_amount": one(total, "budget_original") - one(total, "budget_revised"),
        "cut_years": (int(ref_years[0]), int(ref_years[-1])),
        "cut_barang_jasa": get(by_t, "barang_jasa", "cut_share"),
        "cut_modal": get(by_t, "modal", "cut_share"),
        "btt_year": int(ref_years[0]),
        "btt_original": one(btt, "budget_original"),
        "btt_revised": one(btt, "budget_revised"),
        "btt_spent": one(btt, "spent"),
        "capaian": {per: get(pm, per, "mean") for per in ("pre", "refocusing", "post")},
        "n_top": int(len(top)),
        "top_cut": float(top["dose"].mean()) if len(top) else float("nan"),
        "top_change": float(top["change_refocusing"].mean()) if len(top) else float("nan"),
        "rest_change": float(rest["change_refocusing"].mean()) if len(rest) else float("nan"),
    }


def group_means(kinerja: pd.DataFrame, by: Sequence[str], *, outcome: str = "achievement") -> pd.DataFrame:
    """Mean ``outcome``, share of targets met and row count per group, by counting (for millions of rows).

    The same means as :func:`period_means` without the median, from integer group codes and
    :func:`numpy.bincount` instead of a hash-based groupby; empty groups are left out.

    >>> k = pd.DataFrame({"region_code": ["a", "a", "b"], "period": ["pre", "pre", "pre"],
    ...                   "achievement": [100.0, 90.0, np.nan], "met": [True, False, pd.NA]})
    >>> group_means(k, ["region_code", "period"]).values.tolist()
    [['a', 'pre', 95.0, 0.5, 2]]
    """
    y = kinerja[outcome].to_numpy(dtype=float)
    ok = ~np.isnan(y)
    key = np.zeros(len(kinerja), dtype=np.int64)
    levels = []
    for col in by:
        s = kinerja[col]
        if isinstance(s.dtype, pd.CategoricalDtype):  # the codes are already there: no hashing
            codes, uniques = s.cat.codes.to_numpy().astype(np.int64), s.cat.categories
        else:
            codes, uniques = pd.factorize(s, sort=True)
        key = key * (len(uniques) + 1) + (codes + 1)
        levels.append(uniques)
    key = key[ok]
    counts = np.bincount(key) if len(key) else np.zeros(0, np.int64)
    cells = np.flatnonzero(counts)
    lookup = np.cumsum(counts > 0) - 1
    inv = lookup[key]
    n = counts[cells]
    out = {}
    rest = cells.copy()
    for col, uniques in zip(reversed(list(by)), reversed(levels), strict=False):
        out[col] = np.asarray(uniques)[rest % (len(uniques) + 1) - 1]
        rest = rest // (len(uniques) + 1)
    frame = pd.DataFrame({c: out[c] for c in by})
    frame["mean"] = np.bincount(inv, weights=y[ok], minlength=len(cells)) / n
    if "met" in kinerja.columns:
        m = kinerja["met"]
        met = (
            m.to_numpy(dtype=float)
            if m.dtype == bool
            else m.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        )[ok]
        frame["met_share"] = np.bincount(inv, weights=np.nan_to_num(met), minlength=len(cells)) / np.bincount(
            inv, weights=~np.isnan(met), minlength=len(cells)
        )
    frame["n"] = n
    return frame
