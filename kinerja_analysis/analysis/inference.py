"""Cluster-robust inference that holds with few, unequal clusters: WCR bootstrap, CV3 jackknife, Bonferroni band.

For a model ``outcome ~ terms | fe`` (weighted, clustered), :func:`cluster_inference` gives one
coefficient's estimate with two intervals:

- **Wild-cluster restricted bootstrap (WCR)** with Webb's six-point weights (:mod:`.wild`): the null is
  imposed, each cluster's residuals are multiplied by one random weight, and the t-statistic (CR1
  standard error) of the observed data is compared with the draws. The interval is the set of values the
  test does not reject. It keeps its level with a handful of unequal clusters, where CR1 with t(G − 1)
  rejects a true null too often.
- **CV3**, the standard cluster jackknife: ``(G − 1)/G · Σ_g (b_(g) − b)²`` over exact leave-one-cluster-out
  re-fits (fixed effects re-estimated without the cluster), with t(G − 1) critical values. pyfixest's
  ``"CRV3"`` is larger: its standard error is :func:`cv3_scale_note` = G/(G − 1) times this one (and
  ``sqrt((N − 1)/(N − k))``), i.e. 1.2 times with 6 clusters: conservative, not wrong.

"Strong" evidence (:attr:`ClusterInference.strong`) needs both intervals to exclude zero on the same
side: they fail in different ways (the bootstrap when one cluster dominates the regressor, the
jackknife when a cluster is pivotal), so agreement is the safer verdict. With fewer than
:data:`MIN_CLUSTERS` clusters no cluster-robust inference is possible: the estimate alone is returned.

Weights are frequency weights (the ``n`` of the OPD-year shortcut of :mod:`.panel`), so the shortcut
gives the unit-level answer exactly: every statistic here is built from per-cluster sums.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from . import wild

#: fewer clusters than this: no cluster-robust inference, the estimate only
MIN_CLUSTERS = 5
#: a regressor whose partialled variance is below this share of its raw variance is not identified
_COLLINEAR = 1e-9


@dataclass(frozen=True)
class ClusterInference:
    """One coefficient with its WCR bootstrap and CV3 intervals (see the module docstring)."""

    coef: str
    estimate: float
    n_obs: int
    n_clusters: int
    se_cv3: float
    ci_cv3: tuple[float, float]
    p_cv3: float
    ci_wild: tuple[float, float]
    p_wild: float
    draws: int
    #: "ok", "few_clusters" (G < 5: estimate only) or "no_variation" (coefficient not identified)
    status: str
    level: float = 0.95
    #: CR1 standard error (pyfixest "CRV1"), for comparison only: too small with few clusters
    se_cr1: float = math.nan

    @property
    def strong(self) -> bool:
        """Status ok and both the wild and the CV3 interval exclude 0 on the same side."""
        if self.status != "ok":
            return False
        (wl, wh), (cl, ch) = self.ci_wild, self.ci_cv3
        return bool((wl > 0 and cl > 0) or (wh < 0 and ch < 0))

    def as_dict(self, prefix: str = "") -> dict:
        """A flat, json-safe dict (NaN and infinities as None) with ``prefix`` before every key.

        >>> r = ClusterInference("d", 1.0, 10, 3, math.nan, (math.nan, math.nan), math.nan,
        ...                      (math.nan, math.nan), math.nan, 0, "few_clusters")
        >>> r.as_dict("x_")["x_ci_wild_low"], r.as_dict()["status"], r.as_dict()["strong"]
        (None, 'few_clusters', False)
        """
        raw = {
            "coef": self.coef,
            "estimate": self.estimate,
            "n_obs": int(self.n_obs),
            "n_clusters": int(self.n_clusters),
            "se_cv3": self.se_cv3,
            "ci_cv3_low": self.ci_cv3[0],
            "ci_cv3_high": self.ci_cv3[1],
            "p_cv3": self.p_cv3,
            "ci_wild_low": self.ci_wild[0],
            "ci_wild_high": self.ci_wild[1],
            "p_wild": self.p_wild,
            "draws": int(self.draws),
            "se_cr1": self.se_cr1,
            "status": self.status,
            "level": self.level,
            "strong": self.strong,
        }
        clean = {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in raw.items()}
        return {f"{prefix}{k}": v for k, v in clean.items()}


def cv3_scale_note(n_clusters: int, n_obs: float | None = None, n_params: int | None = None) -> float:
    """pyfixest ``"CRV3"`` standard error / standard CV3 standard error: ``G / (G − 1)``.

    pyfixest sums ``(b_(g) − b)²`` and multiplies by its CR1 factor ``G/(G − 1) · (N − 1)/(N − k)``;
    the standard CV3 multiplies the same sum by ``(G − 1)/G``. The variance ratio is therefore
    ``(G/(G − 1))² · (N − 1)/(N − k)``, and the standard-error ratio ``G/(G − 1)`` (times
    ``sqrt((N − 1)/(N − k))``, which is included when ``n_obs`` and ``n_params`` are given, with ``k``
    counted as pyfixest counts it).

    >>> cv3_scale_note(6)
    1.2
    """
    if n_clusters < 2:
        return math.nan
    ratio = n_clusters / (n_clusters - 1.0)
    if n_obs is not None and n_params is not None:
        ratio *= math.sqrt((n_obs - 1.0) / (n_obs - n_params))
    return ratio


@dataclass(frozen=True)
class _Design:
    y: np.ndarray
    x: np.ndarray  # N × k terms
    fe: np.ndarray  # N × n_fe integer codes (a zero column for an intercept when there are no fe)
    w: np.ndarray
    cluster: np.ndarray  # integer codes 0..G-1
    n_fe: int  # fixed-effect columns given (0: intercept only)

    @property
    def n_clusters(self) -> int:
        return int(self.cluster.max()) + 1 if len(self.cluster) else 0

    def subset(self, keep: np.ndarray) -> _Design:
        fe = np.column_stack([pd.factorize(c)[0] for c in self.fe[keep].T])
        return _Design(
            self.y[keep], self.x[keep], fe, self.w[keep], pd.factorize(self.cluster[keep])[0], self.n_fe
        )

    def df_k(self) -> int:
        """pyfixest's k in (N − 1)/(N − k): terms plus fixed-effect levels not nested in the clusters."""
        if self.n_fe == 0:
            return self.x.shape[1] + 1  # the intercept
        levels = [int(c.max()) + 1 for c in self.fe.T]
        nested = [bool(_nested(c, self.cluster)) for c in self.fe.T]
        k_fe = sum(levels) - (len(levels) - 1)
        return self.x.shape[1] + k_fe - sum(n for n, f in zip(levels, nested) if f) + sum(nested)


def _nested(fe: np.ndarray, cluster: np.ndarray) -> bool:
    pairs = pd.DataFrame({"f": fe, "c": cluster}).drop_duplicates()
    return bool(pairs["f"].is_unique)


def _design(frame, outcome, terms, fe, cluster, weights) -> _Design:
    terms, fe = list(terms), list(fe)
    if not terms:
        raise ValueError("terms must name at least one regressor")
    wanted = [outcome, *terms, *fe, cluster] + ([weights] if weights else [])
    missing = [c for c in dict.fromkeys(wanted) if c not in frame.columns]
    if missing:
        raise ValueError(
            f"columns {missing} are not in the frame; it has: {', '.join(map(str, frame.columns))}"
        )
    numeric = [outcome, *terms] + ([weights] if weights else [])
    values = frame[numeric].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(values).all(axis=1) & frame[[*fe, cluster]].notna().all(axis=1).to_numpy()
    w = values[:, -1] if weights else np.ones(len(frame))
    if weights and (w[ok] < 0).any():
        raise ValueError(f"weights column {weights!r} has negative values; frequency weights are >= 0")
    ok &= w > 0
    d = frame.loc[ok]
    codes = [pd.factorize(d[c])[0] for c in fe] or [np.zeros(int(ok.sum()), dtype=np.int64)]
    return _Design(
        y=values[ok, 0],
        x=values[ok, 1 : 1 + len(terms)],
        fe=np.column_stack(codes),
        w=w[ok],
        cluster=pd.factorize(d[cluster])[0],
        n_fe=len(fe),
    )


def _demean(values: np.ndarray, d: _Design) -> np.ndarray:
    from pyfixest.core import demean

    out, converged = demean(
        np.ascontiguousarray(values, dtype=float), d.fe.astype(np.uint64), d.w, tol=1e-11, maxiter=100_000
    )
    if not converged:
        warnings.warn("fixed-effect demeaning did not converge; estimates may be inexact", stacklevel=3)
    return out


def _residualise(target: np.ndarray, basis: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted least-squares residuals of ``target`` (N or N×m) on ``basis`` (N×p, may be empty)."""
    if basis.shape[1] == 0:
        return target
    sw = np.sqrt(w)
    coef = np.linalg.lstsq(basis * sw[:, None], (target.T * sw).T, rcond=None)[0]
    return target - basis @ coef


def _fit(d: _Design) -> np.ndarray:
    """All coefficients of ``y ~ x | fe`` (weighted); NaN for a term that is not identified."""
    yx = _demean(np.column_stack([d.y, d.x]), d)
    y_t, x_t = yx[:, 0], yx[:, 1:]
    k = x_t.shape[1]
    beta = np.full(k, np.nan)
    raw = ((d.x - np.average(d.x, axis=0, weights=d.w)) ** 2 * d.w[:, None]).sum(axis=0)
    for j in range(k):
        xj = _residualise(x_t[:, j], np.delete(x_t, j, axis=1), d.w)
        denom = float(np.sum(d.w * xj * xj))
        if raw[j] > 0 and denom > _COLLINEAR * raw[j]:
            beta[j] = float(np.sum(d.w * xj * y_t)) / denom
    return beta


def _jackknife(d: _Design) -> np.ndarray:
    """Coefficients of exact leave-one-cluster-out re-fits: G × k."""
    return np.array([_fit(d.subset(d.cluster != g)) for g in range(d.n_clusters)])


def cv3_se(beta: np.ndarray, jack: np.ndarray) -> np.ndarray:
    """Standard CV3 standard errors ``sqrt((G − 1)/G · Σ_g (b_(g) − b)²)`` from jackknife estimates.

    >>> cv3_se(np.array([1.0]), np.array([[0.0], [2.0]])).tolist()
    [1.0]
    """
    g = jack.shape[0]
    return np.sqrt((g - 1.0) / g * np.sum((jack - beta) ** 2, axis=0))


def _n_obs(d: _Design) -> int:
    return int(round(float(d.w.sum())))


def _nan_result(coef, estimate, d, status, level, draws=0) -> ClusterInference:
    nan2 = (math.nan, math.nan)
    return ClusterInference(
        coef,
        estimate,
        _n_obs(d),
        d.n_clusters,
        math.nan,
        nan2,
        math.nan,
        nan2,
        math.nan,
        draws,
        status,
        level,
    )


def cluster_inference(
    frame: pd.DataFrame,
    *,
    outcome: str,
    terms: Sequence[str],
    coef: str,
    fe: Sequence[str],
    cluster: str,
    weights: str | None = None,
    draws: int = 9999,
    seed: int,
    level: float = 0.95,
) -> ClusterInference:
    """WCR-bootstrap and CV3 inference on ``coef`` in ``outcome ~ terms | fe``, clustered by ``cluster``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per observation (or per OPD-year cell with frequency ``weights``). Rows with a missing
        outcome, term, fixed effect, cluster or weight, or a zero weight, are left out.
    outcome, terms, coef : str
        The model ``outcome ~ terms``; ``coef`` is one of ``terms``.
    fe : sequence of str
        Columns absorbed as fixed effects; an interaction (sector × year) is passed as one pre-built
        column. Empty: an intercept only.
    cluster : str
        Cluster column (region across regions, OPD within one region).
    weights : str, optional
        Frequency weights (the ``n`` of the OPD-year shortcut).
    draws, seed : int
        Bootstrap draws (all 6^G Webb sign vectors when that is fewer) and the seed: same seed, same result.
    level : float
        Confidence level of both intervals.

    Returns
    -------
    ClusterInference
        ``status`` "ok"; "few_clusters" (fewer than 5 clusters: the estimate only, intervals NaN);
        "no_variation" (``coef`` not identified once the fixed effects and other terms are partialled
        out: estimate NaN).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = pd.DataFrame({"g": np.repeat(np.arange(8), 10), "x": rng.normal(size=80)})
    >>> f["y"] = 2.0 * f["x"] + rng.normal(size=80)
    >>> r = cluster_inference(f, outcome="y", terms=["x"], coef="x", fe=[], cluster="g", draws=999, seed=1)
    >>> r.status, r.ci_wild[0] < 2.0 < r.ci_wild[1], r.strong
    ('ok', True, True)
    """
    terms = list(terms)
    if coef not in terms:
        raise ValueError(f"coef {coef!r} must be one of terms {terms}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, found {level!r}")
    d = _design(frame, outcome, terms, fe, cluster, weights)
    j = terms.index(coef)
    if len(d.y) == 0:
        return _nan_result(coef, math.nan, d, "no_variation", level)
    yx = _demean(np.column_stack([d.y, d.x]), d)
    others = np.delete(yx[:, 1:], j, axis=1)
    x_dot = _residualise(yx[:, 1 + j], others, d.w)
    y_dot = _residualise(yx[:, 0], others, d.w)
    raw = float(np.sum(d.w * (d.x[:, j] - np.average(d.x[:, j], weights=d.w)) ** 2))
    denom = float(np.sum(d.w * x_dot * x_dot))
    if not (raw > 0 and denom > _COLLINEAR * raw):
        return _nan_result(coef, math.nan, d, "no_variation", level)
    estimate = float(np.sum(d.w * x_dot * y_dot)) / denom
    g = d.n_clusters
    if g < MIN_CLUSTERS:
        return _nan_result(coef, estimate, d, "few_clusters", level)
    basis = np.column_stack([others, x_dot])

    def annihilate(e: np.ndarray) -> np.ndarray:
        return _residualise(_demean(e, d), basis, d.w)

    kappa = wild.cr1_kappa(float(d.w.sum()), d.df_k(), g)
    boot = wild.wild_draws(x_dot, y_dot, d.w, d.cluster, annihilate, kappa=kappa, draws=draws, seed=seed)
    se3 = float(cv3_se(np.array([estimate]), _jackknife(d)[:, [j]])[0])
    crit = float(stats.t.ppf(0.5 + level / 2.0, g - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        p3 = float(2.0 * stats.t.sf(abs(estimate) / se3, g - 1)) if se3 > 0 else math.nan
    return ClusterInference(
        coef=coef,
        estimate=estimate,
        n_obs=_n_obs(d),
        n_clusters=g,
        se_cv3=se3,
        ci_cv3=(estimate - crit * se3, estimate + crit * se3),
        p_cv3=p3,
        ci_wild=boot.interval(level),
        p_wild=boot.p_value(0.0),
        draws=boot.draws,
        status="ok",
        level=level,
        se_cr1=boot.se_cr1,
    )


def bonferroni_band(
    frame: pd.DataFrame,
    *,
    outcome: str,
    terms: Sequence[str],
    fe: Sequence[str],
    cluster: str,
    weights: str | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """A joint band over all ``terms`` (an event study): CV3 errors with Bonferroni t(G − 1) critical values.

    Each of the k intervals has level ``1 − (1 − level)/k``, so all k cover together with probability at
    least ``level``. With fewer than 5 clusters the band is NaN (``attrs["status"] = "few_clusters"``).

    Returns
    -------
    pandas.DataFrame
        One row per term: ``term, estimate, se_cv3, crit, low, high``; ``attrs``: ``kind``
        ("bonferroni_cv3"), ``level``, ``n_clusters``, ``status``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = pd.DataFrame({"g": np.repeat(np.arange(6), 10), "a": rng.normal(size=60), "b": rng.normal(size=60)})
    >>> f["y"] = f["a"] + rng.normal(size=60)
    >>> band = bonferroni_band(f, outcome="y", terms=["a", "b"], fe=[], cluster="g")
    >>> band.attrs["kind"], bool(band["crit"].iloc[0] > stats.t.ppf(0.975, 5))
    ('bonferroni_cv3', True)
    """
    terms = list(terms)
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, found {level!r}")
    d = _design(frame, outcome, terms, fe, cluster, weights)
    g, k = d.n_clusters, len(terms)
    beta = _fit(d) if len(d.y) else np.full(k, np.nan)
    status = "ok" if g >= MIN_CLUSTERS else "few_clusters"
    if status == "ok":
        se = cv3_se(beta, _jackknife(d))
        crit = float(stats.t.ppf(1.0 - (1.0 - level) / (2.0 * k), g - 1))
    else:
        se, crit = np.full(k, np.nan), math.nan
    out = pd.DataFrame(
        {
            "term": terms,
            "estimate": beta,
            "se_cv3": se,
            "crit": crit,
            "low": beta - crit * se,
            "high": beta + crit * se,
        }
    )
    out.attrs.update(kind="bonferroni_cv3", level=level, n_clusters=g, status=status)
    return out
