"""Wild-cluster restricted bootstrap (WCR) with Webb's six-point weights, for one coefficient.

The bootstrap works on a design already reduced by Frisch–Waugh–Lovell (:mod:`.inference` does that):
``x`` is the coefficient's regressor and ``y`` the outcome, both with the fixed effects and the other
terms partialled out (weighted). Under H0: beta = b0 the restricted residuals are ``y - b0 x``; a draw
multiplies each cluster's residuals by one Webb weight, refits, and forms the t-statistic with a CR1
(cluster-robust) standard error. Because every quantity of a draw is linear in ``b0``, the draws are
summarised once by three numbers per draw, and then a p-value for any ``b0`` costs O(draws): the
confidence interval is the set of ``b0`` the test does not reject, found by bisection.

The bootstrap residuals have to be re-projected on the full model (fixed effects that are not nested in
the clusters, such as years, spread a cluster's residuals over other clusters). The caller passes that
projection as ``annihilate``; it is applied once to 2G columns, not once per draw.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

#: Webb's six-point distribution: ±sqrt(1/2), ±1, ±sqrt(3/2), each with probability 1/6
WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])


def webb_draws(n_clusters: int, draws: int, seed: int) -> np.ndarray:
    """Webb weights, one row per bootstrap draw and one column per cluster.

    When ``6**G <= draws`` every sign vector is enumerated once (the exact bootstrap distribution, the
    seed is not used); otherwise ``draws`` rows are drawn with ``numpy.random.default_rng(seed)``.

    >>> webb_draws(2, 99, seed=1).shape, webb_draws(3, 99, seed=1).shape
    ((36, 2), (99, 3))
    """
    if n_clusters < 1 or draws < 1:
        raise ValueError(f"need at least one cluster and one draw, found {n_clusters} and {draws}")
    if n_clusters * np.log(6.0) <= np.log(draws) + 1e-12:
        return np.array(list(itertools.product(WEBB, repeat=n_clusters)))
    rng = np.random.default_rng(seed)
    return WEBB[rng.integers(0, 6, size=(draws, n_clusters))]


def cluster_sums(values: np.ndarray, cluster: np.ndarray, n_clusters: int) -> np.ndarray:
    """Column sums of ``values`` (N or N×m) within each cluster: shape G (or G×m).

    >>> cluster_sums(np.array([1.0, 2.0, 4.0]), np.array([0, 0, 1]), 2).tolist()
    [3.0, 4.0]
    """
    if values.ndim == 1:
        return np.bincount(cluster, weights=values, minlength=n_clusters)
    out = np.zeros((n_clusters, values.shape[1]))
    np.add.at(out, cluster, values)
    return out


@dataclass(frozen=True)
class WildDraws:
    """Everything the WCR test needs, for any null value ``b0``.

    For draw ``j`` the bootstrap t-statistic is ``(cy[j] - b0 cx[j]) / sqrt(kappa (pp[j] - 2 b0 pq[j] + b0² qq[j]))``.
    """

    estimate: float
    se_cr1: float
    cy: np.ndarray
    cx: np.ndarray
    pp: np.ndarray
    pq: np.ndarray
    qq: np.ndarray
    kappa: float

    @property
    def draws(self) -> int:
        return len(self.cy)

    def t_stat(self, b0: float) -> float:
        """The observed t-statistic for H0: beta = b0, with the CR1 standard error of the unrestricted fit."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.float64(self.estimate - b0) / self.se_cr1)

    def t_draws(self, b0: float) -> np.ndarray:
        """The bootstrap t-statistics under H0: beta = b0, one per draw."""
        var = self.kappa * np.maximum(self.pp - 2.0 * b0 * self.pq + b0 * b0 * self.qq, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (self.cy - b0 * self.cx) / np.sqrt(var)

    def p_value(self, b0: float = 0.0) -> float:
        """Symmetric bootstrap p-value: the share of draws with ``|t*| >= |t|`` (ties count as rejections' complement)."""
        if not self.se_cr1 > 0:  # a perfect fit: no sampling noise to test against
            return float(b0 == self.estimate)
        t = abs(self.t_stat(b0))
        t_star = np.abs(self.t_draws(b0))
        return float(np.mean(t_star >= t * (1.0 - 1e-10) - 1e-12))

    def interval(self, level: float) -> tuple[float, float]:
        """The b0 values not rejected at ``1 - level``: bisection on each side of the estimate."""
        alpha = 1.0 - level
        return self._bound(alpha, -1.0), self._bound(alpha, 1.0)

    def _bound(self, alpha: float, side: float) -> float:
        b, step = self.estimate, self.se_cr1
        if step == 0:  # a perfect fit: only the estimate itself is not rejected
            return b
        if not np.isfinite(step):
            return np.nan
        inside, outside = b, np.nan
        for k in range(64):  # expand until the test rejects
            trial = b + side * step * 2.0**k
            if self.p_value(trial) < alpha:
                outside = trial
                break
            inside = trial
        if np.isnan(outside):
            return side * np.inf
        for _ in range(200):
            if abs(outside - inside) <= 1e-9 * step:
                break
            mid = 0.5 * (inside + outside)
            if self.p_value(mid) < alpha:
                outside = mid
            else:
                inside = mid
        return float(0.5 * (inside + outside))


def cr1_kappa(n_obs: float, df_k: int, n_clusters: int) -> float:
    """The CR1 small-sample factor ``(N - 1) / (N - k) * G / (G - 1)`` (pyfixest's and Stata's).

    >>> round(cr1_kappa(100, 3, 6), 6)  # 99/97 * 6/5
    1.224742
    """
    return (n_obs - 1.0) / (n_obs - df_k) * n_clusters / (n_clusters - 1.0)


def wild_draws(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    cluster: np.ndarray,
    annihilate: Callable[[np.ndarray], np.ndarray],
    *,
    kappa: float,
    draws: int,
    seed: int,
) -> WildDraws:
    """Summarise the WCR bootstrap of the coefficient of ``x`` (partialled regressor) in ``y`` (partialled).

    Parameters
    ----------
    x, y, w : numpy.ndarray
        Partialled regressor, partialled outcome and (frequency) weights, one value per row.
    cluster : numpy.ndarray
        Integer cluster codes 0..G-1.
    annihilate : callable
        ``E (N×m) -> residuals of E`` on the full model (fixed effects, other terms and ``x``), weighted.
    kappa : float
        CR1 small-sample factor (it cancels in the p-value; it sets :attr:`WildDraws.se_cr1`).
    draws, seed : int
        Bootstrap draws (all 6^G sign vectors when that is fewer) and the seed.
    """
    n_clusters = int(cluster.max()) + 1
    denom = float(np.sum(w * x * x))
    estimate = float(np.sum(w * x * y)) / denom
    # scores of the observed fit: residual of y on everything, times w x, summed by cluster
    resid = y - estimate * x
    score = cluster_sums(w * x * resid, cluster, n_clusters)
    se_cr1 = float(np.sqrt(kappa * np.sum(score**2)) / denom)
    # restricted residuals u_r = y - b0 x; draw h's residuals 1_h * u_r, re-projected, give cluster g's
    # score A[g, h] = sum_{i in g} w x (M 1_h u_r)_i = A_y - b0 A_x
    onehot = np.zeros((len(x), n_clusters))
    onehot[np.arange(len(x)), cluster] = 1.0
    projected = annihilate(np.hstack([onehot * y[:, None], onehot * x[:, None]]))
    a_all = cluster_sums((w * x)[:, None] * projected, cluster, n_clusters)
    a_y, a_x = a_all[:, :n_clusters], a_all[:, n_clusters:]
    v = webb_draws(n_clusters, draws, seed)
    p, q = v @ a_y.T, v @ a_x.T
    return WildDraws(
        estimate=estimate,
        se_cr1=se_cr1,
        cy=v @ cluster_sums(w * x * y, cluster, n_clusters),
        cx=v @ cluster_sums(w * x * x, cluster, n_clusters),
        pp=np.einsum("ij,ij->i", p, p),
        pq=np.einsum("ij,ij->i", p, q),
        qq=np.einsum("ij,ij->i", q, q),
        kappa=kappa,
    )
