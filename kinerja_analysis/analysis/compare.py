"""Before / during / after comparisons of capaian (DESIGN.md section 5)."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..config import DEFAULT_SEED

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


# ---------------------------------------------------------------- differences with honest uncertainty
def _cluster_ids(d: pd.DataFrame, cluster: str) -> np.ndarray:
    """Integer cluster ids: ``region`` resamples regions; ``opd`` resamples OPDs (within their region)."""
    if cluster == "region":
        return pd.factorize(d["region_code"])[0]
    if cluster == "opd":
        return pd.factorize(pd.MultiIndex.from_arrays([d["region_code"], d["opd"]]))[0]
    raise ValueError(f"cluster must be 'region' or 'opd', found {cluster!r}")


def _outcome_values(d: pd.DataFrame, outcome: str) -> np.ndarray:
    if outcome == "met":  # share of targets met, in % so that differences read in pp
        return d["met"].astype("Float64").to_numpy(dtype=float, na_value=np.nan) * 100.0
    return d[outcome].to_numpy(dtype=float)


def _cell_sums(g: np.ndarray, cell: np.ndarray, y: np.ndarray, n_clusters: int, n_cells: int):
    """Per cluster × cell: sum of ``y`` and number of rows (rows with NaN ``y`` left out)."""
    ok = ~np.isnan(y) & (cell >= 0)
    idx = g[ok] * n_cells + cell[ok]
    s = np.bincount(idx, weights=y[ok], minlength=n_clusters * n_cells).reshape(n_clusters, n_cells)
    n = np.bincount(idx, minlength=n_clusters * n_cells).reshape(n_clusters, n_cells).astype(float)
    return s, n


def _bootstrap(stat, n_clusters: int, *, n_resamples: int, seed: int, confidence: float):
    """Percentile CI of ``stat(cluster_index_array)`` over clusters resampled with replacement."""
    import warnings

    from scipy import stats

    if n_clusters < 2:
        return np.nan, np.nan
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        # a statistic that every resample gives alike (no spread) is a valid, if degenerate, answer
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        res = stats.bootstrap((np.arange(n_clusters),), lambda i, axis=-1: stat(i), vectorized=True,
                              n_resamples=n_resamples, confidence_level=confidence, method="percentile",
                              rng=np.random.default_rng(seed))
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def period_differences(kinerja: pd.DataFrame, *, cluster: str = "region", outcomes: Sequence[str] = ("achievement", "met"),
                       n_resamples: int = 999, seed: int = DEFAULT_SEED, confidence: float = 0.95) -> pd.DataFrame:
    """Mean per period and the differences refocusing − pre and post − pre, with cluster-bootstrap CIs.

    The bootstrap resamples the independent unit, never rows: whole regions (``cluster="region"``,
    across regions) or whole OPDs (``cluster="opd"``, within one region), with
    :func:`scipy.stats.bootstrap` (percentile intervals, fixed seed). Means are over indicator-years, as in
    :func:`period_means`. ``met`` is the share of targets met in %, so its differences are in pp.

    Returns
    -------
    pandas.DataFrame
        ``outcome, quantity`` (``mean_pre``, ``mean_refocusing``, ``mean_post``, ``diff_refocusing``,
        ``diff_post``), ``estimate, ci_low, ci_high, n_clusters``.

    Examples
    --------
    Two regions; the refocusing mean falls by 5 in both, so every resample gives -5:

    >>> k = pd.DataFrame({"region_code": ["a", "a", "b", "b"], "period": ["pre", "refocusing"] * 2,
    ...                   "achievement": [100.0, 95.0, 90.0, 85.0], "met": [True, False, False, False]})
    >>> r = period_differences(k, outcomes=["achievement"], n_resamples=99).set_index("quantity")
    >>> r.loc["diff_refocusing", ["estimate", "ci_low", "ci_high"]].round(6).tolist()
    [-5.0, -5.0, -5.0]
    """
    d = kinerja[kinerja["period"].notna()]
    g = _cluster_ids(d, cluster)
    n_g = int(g.max()) + 1 if len(g) else 0
    cell = pd.Categorical(d["period"], PERIOD_ORDER).codes.astype(np.int64)
    rows = []
    for outcome in outcomes:
        s, n = _cell_sums(g, cell, _outcome_values(d, outcome), n_g, len(PERIOD_ORDER))

        def means(i, s=s, n=n):
            with np.errstate(invalid="ignore", divide="ignore"):
                return s[i].sum(axis=-2) / n[i].sum(axis=-2)  # (..., 3)

        full = means(np.arange(n_g))
        quantities = {f"mean_{p}": (lambda m, j=j: m[..., j]) for j, p in enumerate(PERIOD_ORDER)}
        quantities["diff_refocusing"] = lambda m: m[..., 1] - m[..., 0]
        quantities["diff_post"] = lambda m: m[..., 2] - m[..., 0]
        for q, f in quantities.items():
            lo, hi = _bootstrap(lambda i, f=f: f(means(i)), n_g, n_resamples=n_resamples, seed=seed,
                                confidence=confidence)
            rows.append({"outcome": outcome, "quantity": q, "estimate": float(f(full)), "ci_low": lo,
                         "ci_high": hi, "n_clusters": n_g})
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


def tercile_comparison(kinerja: pd.DataFrame, dose: pd.DataFrame, *, cluster: str = "region",
                       outcome: str = "achievement", n_resamples: int = 999, seed: int = DEFAULT_SEED,
                       confidence: float = 0.95) -> pd.DataFrame:
    """Mean capaian per dose tercile and period, and the crude difference-in-differences T3 − T1.

    ``crude_did_<period>`` = (T3 mean in the period − T3 pre mean) − (T1 period mean − T1 pre mean): how
    much more the most-cut third changed than the least-cut third. CIs resample whole clusters (see
    :func:`period_differences`); terciles are fixed on the full data.

    Returns
    -------
    pandas.DataFrame
        ``tercile`` (T1, T2, T3 or ``T3-T1``), ``quantity`` (``mean_<period>``, ``change_<period>``,
        ``crude_did_<period>``), ``estimate, ci_low, ci_high, dose_mean, n_opd``.

    Examples
    --------
    >>> k = pd.DataFrame({"region_code": ["a"] * 6, "opd": ["x", "x", "y", "y", "z", "z"],
    ...                   "period": ["pre", "refocusing"] * 3, "achievement": [100.0, 99, 100, 97, 100, 90],
    ...                   "met": [True] * 6})
    >>> d = pd.DataFrame({"region_code": ["a"] * 3, "opd": ["x", "y", "z"], "dose": [0.0, 0.2, 0.4]})
    >>> r = tercile_comparison(k, d, n_resamples=99).set_index(["tercile", "quantity"])
    >>> float(r.loc[("T3-T1", "crude_did_refocusing"), "estimate"])  # (90 - 100) - (99 - 100)
    -9.0
    """
    terc = dose_terciles(dose)
    d = kinerja[kinerja["period"].notna()].merge(terc[["region_code", "opd", "tercile"]],
                                                  on=["region_code", "opd"], how="inner")
    g = _cluster_ids(d, cluster)
    n_g = int(g.max()) + 1 if len(g) else 0
    t = pd.Categorical(d["tercile"], ["T1", "T2", "T3"]).codes.astype(np.int64)
    p = pd.Categorical(d["period"], PERIOD_ORDER).codes.astype(np.int64)
    cell = np.where((t >= 0) & (p >= 0), t * 3 + p, -1)
    s, n = _cell_sums(g, cell, _outcome_values(d, outcome), n_g, 9)

    def means(i):
        with np.errstate(invalid="ignore", divide="ignore"):
            m = s[i].sum(axis=-2) / n[i].sum(axis=-2)
        return m.reshape(m.shape[:-1] + (3, 3))  # (..., tercile, period)

    def q(name, per, terc_j):
        j = PERIOD_ORDER.index(per)
        if name == "mean":
            return lambda m: m[..., terc_j, j]
        if name == "change":
            return lambda m: m[..., terc_j, j] - m[..., terc_j, 0]
        return lambda m: (m[..., 2, j] - m[..., 2, 0]) - (m[..., 0, j] - m[..., 0, 0])

    full = means(np.arange(n_g))
    info = terc.groupby("tercile")["dose"].agg(dose_mean="mean", n_opd="size")
    rows = []
    specs = [(f"T{j + 1}", "mean", per, j) for j in range(3) for per in PERIOD_ORDER]
    specs += [(f"T{j + 1}", "change", per, j) for j in range(3) for per in PERIOD_ORDER[1:]]
    specs += [("T3-T1", "crude_did", per, None) for per in PERIOD_ORDER[1:]]
    for label, name, per, j in specs:
        f = q(name, per, j)
        lo, hi = _bootstrap(lambda i, f=f: f(means(i)), n_g, n_resamples=n_resamples, seed=seed,
                            confidence=confidence)
        rows.append({"tercile": label, "quantity": f"{name}_{per}", "estimate": float(f(full)), "ci_low": lo,
                     "ci_high": hi,
                     "dose_mean": float(info.at[label, "dose_mean"]) if label in info.index else np.nan,
                     "n_opd": int(info.at[label, "n_opd"]) if label in info.index else int(len(terc))})
    return pd.DataFrame(rows)


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
    for col, uniques in zip(reversed(list(by)), reversed(levels)):
        out[col] = np.asarray(uniques)[rest % (len(uniques) + 1) - 1]
        rest = rest // (len(uniques) + 1)
    frame = pd.DataFrame({c: out[c] for c in by})
    frame["mean"] = np.bincount(inv, weights=y[ok], minlength=len(cells)) / n
    if "met" in kinerja.columns:
        m = kinerja["met"]
        met = (m.to_numpy(dtype=float) if m.dtype == bool else
               m.astype("Float64").to_numpy(dtype=float, na_value=np.nan))[ok]
        frame["met_share"] = np.bincount(inv, weights=np.nan_to_num(met), minlength=len(cells)) / np.bincount(
            inv, weights=~np.isnan(met), minlength=len(cells))
    frame["n"] = n
    return frame
