"""Randomisation inference for the continuous-dose DiD: permute the OPDs' doses within strata.

Under the sharp null that the cut changed no OPD's capaian, any reshuffle of the doses among comparable
OPDs was as likely as the one observed. Re-estimating the DiD on every reshuffle gives the null
distribution of the estimate without any assumption on the number or size of clusters. Strata keep the
comparison fair: within region (each region keeps its own doses, so a regional shock cannot pass as an
effect) and, when sectors are known, within sector across regions (each sector keeps its doses, so a
sector-specific pandemic shock cannot either).

The estimate is refitted by the Frisch–Waugh–Lovell theorem: the outcome and the treatment terms are
residualised on the two-way fixed effects once per batch of permutations (exactly: within-group
demeaning, then a least-squares projection on the demeaned year dummies), which makes 999 refits cost
about as much as one pyfixest fit. :func:`fwl_estimates` matches pyfixest to rounding
(``tests/analysis/test_sensitivity.py``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: permutations are drawn in batches of this many, to bound memory on unit-level frames
BATCH = 200


@dataclass
class Residualiser:
    """Residualise columns on ``group`` fixed effects and ``year`` dummies (weighted), exactly, in one pass.

    ``year`` may be any second set of fixed effects (sector × year): its dummies are projected out after
    the within-group demeaning, which is exact however the panel is (un)balanced.

    >>> r = Residualiser(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]), np.ones(4))
    >>> r(np.array([[1.0], [3.0], [2.0], [8.0]])).ravel().round(6).tolist()  # two-way demeaning by hand
    [1.0, -1.0, -1.0, 1.0]
    """

    group: np.ndarray
    year: np.ndarray
    weights: np.ndarray

    def __post_init__(self):
        self.group = np.asarray(self.group, dtype=np.int64)
        self.weights = np.asarray(self.weights, dtype=float)
        self._wsum = np.bincount(self.group, weights=self.weights)
        years = np.unique(self.year)
        dummies = (np.asarray(self.year)[:, None] == years[None, 1:]).astype(float)
        self._d = self._within(dummies)
        sw = np.sqrt(self.weights)[:, None]
        # the pseudo-inverse copes with a year dummy that the group effects absorb (one year only)
        self._proj = np.linalg.pinv(self._d * sw) * sw.T if self._d.shape[1] else None

    def _within(self, x: np.ndarray) -> np.ndarray:
        out = np.empty_like(x)
        for j in range(x.shape[1]):
            s = np.bincount(self.group, weights=self.weights * x[:, j], minlength=len(self._wsum))
            with np.errstate(invalid="ignore", divide="ignore"):
                out[:, j] = x[:, j] - (s / self._wsum)[self.group]
        return out

    def __call__(self, x: np.ndarray) -> np.ndarray:
        xw = self._within(np.asarray(x, dtype=float))
        if self._proj is None:
            return xw
        return xw - self._d @ (self._proj @ xw)


def fwl_estimates(
    resid: Residualiser,
    y_tilde: np.ndarray,
    dose_rows: np.ndarray,
    indicators: np.ndarray,
) -> np.ndarray:
    """Coefficients of ``y ~ Σ_k dose × indicator_k | FE`` for many dose vectors at once.

    Parameters
    ----------
    resid : Residualiser
        The fixed effects and weights of the frame.
    y_tilde : numpy.ndarray
        The residualised outcome, shape (n,).
    dose_rows : numpy.ndarray
        Each row's dose under each draw, shape (n, P).
    indicators : numpy.ndarray
        The period indicators the dose is interacted with, shape (n, K).

    Returns
    -------
    numpy.ndarray
        Shape (P, K): the coefficient of each term under each draw (NaN where the terms are collinear).

    Examples
    --------
    >>> r = Residualiser(np.repeat([0, 1, 2], 2), np.tile([0, 1], 3), np.ones(6))
    >>> d = np.repeat([0.0, 1.0, 2.0], 2)[:, None]
    >>> post = np.tile([0.0, 1.0], 3)[:, None]
    >>> y = 5 + 3 * d[:, 0] * post[:, 0]
    >>> fwl_estimates(r, r(y[:, None])[:, 0], d, post).round(6).tolist()
    [[3.0]]
    """
    w = resid.weights
    n, p = dose_rows.shape
    k = indicators.shape[1]
    x = resid((dose_rows[:, None, :] * indicators[:, :, None]).reshape(n, k * p)).reshape(n, k, p)
    gram = np.einsum("nkp,n,nlp->pkl", x, w, x)
    rhs = np.einsum("nkp,n->pk", x, w * y_tilde)
    out = np.full((p, k), np.nan)
    ok = np.abs(np.linalg.det(gram)) > 1e-12 * np.maximum(1.0, np.abs(gram).max(axis=(1, 2))) ** k
    if ok.any():
        out[ok] = np.linalg.solve(gram[ok], rhs[ok][..., None])[..., 0]
    return out


def n_permutations(strata: Sequence) -> float:
    """How many distinct reshuffles within strata there are: the product of the factorials of their sizes.

    >>> n_permutations(["a", "a", "b", "b", "b"])
    12.0
    >>> n_permutations(["a"] * 25) > 1e25  # no integer overflow
    True
    """
    sizes = pd.Series(list(strata)).value_counts()
    # Python integers: the product overflows int64 from a stratum of 21 OPDs on
    return float(math.prod(math.factorial(int(s)) for s in sizes)) if len(sizes) else 0.0


def permutations(strata: np.ndarray, *, draws: int, seed: int) -> tuple[np.ndarray, bool]:
    """Index arrays that reshuffle items within ``strata``: every permutation when there are at most
    ``draws`` of them (``exact``), else ``draws`` random ones (fixed seed).

    Returns
    -------
    (index, exact)
        ``index`` has shape (P, n): draw p gives item i the dose of item ``index[p, i]``.

    >>> idx, exact = permutations(np.array([0, 0, 1]), draws=10, seed=1)
    >>> exact, sorted(map(tuple, idx.tolist()))
    (True, [(0, 1, 2), (1, 0, 2)])
    """
    strata = np.asarray(strata)
    groups = [np.flatnonzero(strata == s) for s in pd.unique(strata)]
    n = len(strata)
    if n_permutations(strata) <= draws:
        rows = []
        for combo in itertools.product(*(itertools.permutations(g) for g in groups)):
            idx = np.arange(n)
            for g, perm in zip(groups, combo, strict=True):
                idx[g] = perm
            rows.append(idx)
        return np.array(rows, dtype=np.int64).reshape(-1, n), True
    rng = np.random.default_rng(seed)
    idx = np.tile(np.arange(n), (draws, 1))
    for g in groups:
        if len(g) > 1:
            idx[:, g] = rng.permuted(np.tile(g, (draws, 1)), axis=1)
    return idx, False


def permutation_p(observed: float, permuted: np.ndarray, *, exact: bool) -> float:
    """Two-sided p-value: the share of permuted estimates at least as far from 0 as the observed one.

    Over every permutation (``exact``, the observed one among them) it is that share; over random draws
    the observed estimate is counted as one more draw, ``(1 + count) / (1 + draws)``, so p is never 0.

    >>> permutation_p(2.0, np.array([-3.0, 1.0, 2.0, 0.5]), exact=True)
    0.5
    >>> permutation_p(2.0, np.array([-3.0, 1.0, 0.5]), exact=False)
    0.5
    """
    b = permuted[~np.isnan(permuted)]
    if not len(b) or np.isnan(observed):
        return float("nan")
    tol = 1e-9 * max(1.0, abs(observed))
    count = int((np.abs(b) >= abs(observed) - tol).sum())
    return count / len(b) if exact else (1 + count) / (1 + len(b))


@dataclass
class Permutation:
    """A randomisation test of one coefficient."""

    strata: str
    observed: float
    p_value: float
    draws: int
    exact: bool
    n_strata: int
    n_units: int
    #: "ok", or why there is no test: "no_variation" (no stratum with two different doses)
    status: str
    #: the permuted estimates, for a histogram
    distribution: np.ndarray


def permutation_test(
    frame: pd.DataFrame,
    *,
    outcome: str,
    terms: Sequence[str],
    group: str,
    strata: pd.Series,
    label: str,
    weights: str | None = None,
    time: str = "year",
    draws: int = 999,
    seed: int = 0,
) -> Permutation:
    """Permute the OPDs' doses within ``strata`` and re-estimate ``y ~ dose10 × period terms | group + year``.

    Parameters
    ----------
    frame : pandas.DataFrame
        An estimation frame of :func:`kinerja_analysis.analysis.panel.estimation_frame` with ``opd_id``,
        ``year``, ``dose10``, ``period`` and ``group`` (``opd_id`` or ``unit_id``).
    terms : sequence of str
        ``treat_<period>`` names; the first is the coefficient tested, the others are refitted beside it.
    strata : pandas.Series
        The stratum of each OPD, indexed by ``opd_id``.
    time : str
        The second fixed effect: ``year``, or ``sector_year`` for sector × year effects.
    """
    periods = [t.removeprefix("treat_") for t in terms]
    opd = frame["opd_id"].to_numpy()
    opds = np.unique(opd)
    pos = np.searchsorted(opds, opd)
    dose = frame.groupby("opd_id")["dose10"].first().reindex(opds).to_numpy()
    st = strata.reindex(opds).astype(str).fillna("?").to_numpy()
    varies = pd.Series(dose).groupby(st).nunique().gt(1)
    n_strata = int(len(set(st)))
    if not varies.any() or not len(periods):
        return Permutation(
            label, float("nan"), float("nan"), 0, False, n_strata, len(opds), "no_variation", np.array([])
        )
    year = pd.factorize(frame[time])[0]
    w = frame[weights].to_numpy(dtype=float) if weights else np.ones(len(frame))
    resid = Residualiser(pd.factorize(frame[group])[0], year, w)
    y = resid(frame[outcome].to_numpy(dtype=float)[:, None])[:, 0]
    per = frame["period"].astype(str).to_numpy()
    ind = np.column_stack([(per == p).astype(float) for p in periods])
    observed = float(fwl_estimates(resid, y, dose[pos][:, None], ind)[0, 0])
    idx, exact = permutations(st, draws=draws, seed=seed)
    out = np.concatenate(
        [
            fwl_estimates(resid, y, dose[idx[i : i + BATCH]].T[pos], ind)[:, 0]
            for i in range(0, len(idx), BATCH)
        ]
    )
    return Permutation(
        strata=label,
        observed=observed,
        p_value=permutation_p(observed, out, exact=exact),
        draws=int(len(idx)),
        exact=exact,
        n_strata=n_strata,
        n_units=int(len(opds)),
        status="ok",
        distribution=out,
    )
