"""Cluster bootstrap building blocks: cluster ids, per-cluster cell sums and percentile intervals.

The bootstrap resamples the independent unit, never rows: whole regions or whole OPDs. The statistics
are built from per-cluster sums (:func:`cell_sums`), so one resample is a sum over drawn clusters.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd


def cluster_ids(d: pd.DataFrame, cluster: str) -> np.ndarray:
    """Integer cluster ids: ``region`` resamples regions; ``opd`` resamples OPDs (within their region)."""
    if cluster == "region":
        return pd.factorize(d["region_code"])[0]
    if cluster == "opd":
        return pd.factorize(pd.MultiIndex.from_arrays([d["region_code"], d["opd"]]))[0]
    raise ValueError(f"cluster must be 'region' or 'opd', found {cluster!r}")


def outcome_values(d: pd.DataFrame, outcome: str) -> np.ndarray:
    """The outcome as floats; ``met`` as 0/100 so that differences of shares read in pp."""
    if outcome == "met":  # share of targets met, in % so that differences read in pp
        return d["met"].astype("Float64").to_numpy(dtype=float, na_value=np.nan) * 100.0
    return d[outcome].to_numpy(dtype=float)


def cell_sums(g: np.ndarray, cell: np.ndarray, y: np.ndarray, n_clusters: int, n_cells: int):
    """Per cluster × cell: sum of ``y`` and number of rows (rows with NaN ``y`` left out)."""
    ok = ~np.isnan(y) & (cell >= 0)
    idx = g[ok] * n_cells + cell[ok]
    s = np.bincount(idx, weights=y[ok], minlength=n_clusters * n_cells).reshape(n_clusters, n_cells)
    n = np.bincount(idx, minlength=n_clusters * n_cells).reshape(n_clusters, n_cells).astype(float)
    return s, n


def percentile_ci(stat, n_clusters: int, *, n_resamples: int, seed: int, confidence: float):
    """Percentile CI of ``stat(cluster_index_array)`` over clusters resampled with replacement.

    >>> y = np.array([1.0, 2.0, 3.0, 4.0])
    >>> lo, hi = percentile_ci(lambda i: y[i].mean(axis=-1), 4, n_resamples=199, seed=1, confidence=0.95)
    >>> 1.0 <= lo <= 2.5 <= hi <= 4.0
    True
    """
    from scipy import stats

    if n_clusters < 2:
        return np.nan, np.nan
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        # a statistic that every resample gives alike (no spread) is a valid, if degenerate, answer
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        res = stats.bootstrap(
            (np.arange(n_clusters),),
            lambda i, axis=-1: stat(i),
            vectorized=True,
            n_resamples=n_resamples,
            confidence_level=confidence,
            method="percentile",
            rng=np.random.default_rng(seed),
        )
    return float(res.confidence_interval.low), float(res.confidence_interval.high)
