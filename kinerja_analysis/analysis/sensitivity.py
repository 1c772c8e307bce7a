"""How much the impact estimate depends on its assumptions: dose robustness rows, randomisation inference
and a bound for pre-trends, computed once by :func:`run`.

- **Robustness rows** (:mod:`.robustness`): the baseline DiD with separate slopes for cuts and increases,
  without health OPDs, with a programme-only dose and with a spline in the dose.
- **Randomisation inference** (:mod:`.randomisation`): the doses reshuffled within region, and within
  sector across regions when the data has sectors; p is the share of reshuffles whose estimate is at
  least as far from 0 as the observed one.
- **A bound for pre-trends** (:func:`trend_bound`), in the spirit of the "relative magnitudes"
  restriction of Rambachan & Roth (2023, *Review of Economic Studies*): if the difference in trends
  between more- and less-cut OPDs after 2019 changes by at most M times the largest year-to-year change
  seen before 2019, the effect in the years t after the reference year can be biased by at most
  ``(t − reference) · M · max pre change``; the interval is widened by that much. The HonestDiD package
  is R; the computation is short enough to do by hand, and it treats the pre-period change as known
  (HonestDiD also allows for its sampling error), so the bound is a guide, not a test. With only the
  reference year before 2020 there is no pre-period change and no bound.

Every edge case (no dose variation, few clusters, no pre-years, no sectors) ends in a status, never an
error; :mod:`kinerja_analysis.report.sections.sensitivity` turns the statuses into sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..config import Periods, Settings
from . import panel as P
from . import randomisation as R
from .impact import has_sectors, model_frame
from .inference import cluster_inference
from .robustness import dose_robustness

#: the M values of the pre-trend bound: the post-2019 trend difference may change by half / as much as
#: the largest pre-2019 change
BOUND_M = (0.5, 1.0)


@dataclass
class SensitivityResults:
    """Everything the sensitivity section shows; see the module docstring."""

    cluster: str
    #: :func:`.robustness.dose_robustness`
    robustness: pd.DataFrame
    #: one row per test: ``strata, observed, p_value, draws, exact, n_strata, n_units, status``
    randomisation: pd.DataFrame
    #: :func:`trend_bound`
    bound: pd.DataFrame
    #: "ok", "no_pre_years" (only the reference year before the refocusing), "no_reference_year",
    #: "no_variation" or "few_clusters"
    bound_status: str
    sectors_known: bool
    #: "sector" (unit + sector × year effects, used whenever sectors are known) or "baseline" (unit + year)
    model: str = "baseline"
    #: the permuted estimates of each test, for a histogram
    distributions: dict = field(default_factory=dict)


def _reference_frame(panel, outcome, periods, method, sector):
    """The frame of ``y ~ Σ_pre dose10 × 1[year] + dose10 × refocusing + dose10 × post | FE``, with
    every coefficient relative to the reference year only."""
    frame, how, fe = model_frame(panel, outcome, sector=sector, method=method)
    d = frame["dose10"].to_numpy(dtype=float)
    year = frame["year"].to_numpy()
    per = frame["period"].astype(str).to_numpy()
    ref = periods.reference_year
    pre_years = sorted(int(y) for y in pd.unique(year[per == "pre"]) if int(y) != ref)
    terms = []
    for y in pre_years:
        frame[f"pre_{y}"] = d * (year == y)
        terms.append(f"pre_{y}")
    for p in ("refocusing", "post"):
        if (per == p).any():
            frame[f"ref_{p}"] = d * (per == p)
            terms.append(f"ref_{p}")
    return frame, how, fe, terms, pre_years


def trend_bound(
    panel: pd.DataFrame,
    *,
    periods: Periods | None = None,
    outcome: str = "achievement",
    cluster: str = "region",
    method: str = "auto",
    ms: Sequence[float] = BOUND_M,
    draws: int = 999,
    seed: int = 0,
    level: float = 0.95,
    sector: bool = False,
) -> tuple[pd.DataFrame, str]:
    """The relative-magnitudes bound of the module docstring for the refocusing and post effects.

    The effects are re-estimated against the reference year alone (one term per pre year, one per later
    period), so that they and the pre-year coefficients share a baseline. The largest pre-period change
    ``delta`` is the largest absolute difference between consecutive pre-year coefficients (the
    reference year at 0). For each period and M, the wild-bootstrap interval (CV3 where there is none) is
    widened by ``k · M · delta``, where ``k`` is the mean number of years after the reference year;
    ``breakdown_m`` is the M at which the widened interval first reaches 0 (0 when it already holds 0).

    Returns
    -------
    (table, status)
        ``period, estimate, ci_low, ci_high, delta, k, m, bound_low, bound_high, breakdown_m``, with the
        pre-year coefficients (``year, estimate, ci_low, ci_high``) in ``attrs["pre"]``; status as
        :attr:`SensitivityResults.bound_status`.
    """
    periods = periods or Periods()
    cols = [
        "period",
        "estimate",
        "ci_low",
        "ci_high",
        "delta",
        "k",
        "m",
        "bound_low",
        "bound_high",
        "breakdown_m",
    ]
    empty = pd.DataFrame(columns=cols)
    if periods.reference_year not in set(panel["year"].astype(int)):
        return empty, "no_reference_year"
    frame, how, fe, terms, pre_years = _reference_frame(panel, outcome, periods, method, sector)
    if not pre_years:
        return empty, "no_pre_years"
    kw = dict(
        outcome=outcome,
        terms=terms,
        fe=fe,
        cluster=f"{cluster}_id",
        weights=None if how == "unit" else "n",
        draws=draws,
        seed=seed,
        level=level,
    )
    fits = {t: cluster_inference(frame, coef=t, **kw) for t in terms}
    statuses = {f.status for f in fits.values()}
    if "no_variation" in statuses:
        return empty, "no_variation"
    pre = [fits[f"pre_{y}"].estimate for y in pre_years] + [0.0]
    delta = float(np.max(np.abs(np.diff(pre))))
    rows = []
    ref = periods.reference_year
    for p in ("refocusing", "post"):
        f = fits.get(f"ref_{p}")
        if f is None:
            continue
        years = sorted(y for y in periods.years(p) if y in set(frame["year"].astype(int)))
        k = float(np.mean([y - ref for y in years]))
        lo, hi = f.ci_wild if np.isfinite(f.ci_wild[0]) else f.ci_cv3
        gap = max(lo, -hi, 0.0)  # distance from 0 to the interval, 0 when it holds 0
        breakdown = gap / (k * delta) if delta > 0 else (np.inf if gap > 0 else 0.0)
        if not (np.isfinite(lo) and np.isfinite(hi)):  # few clusters: no interval to widen
            breakdown = np.nan
        for m in ms:
            rows.append(
                {
                    "period": p,
                    "estimate": f.estimate,
                    "ci_low": lo,
                    "ci_high": hi,
                    "delta": delta,
                    "k": k,
                    "m": float(m),
                    "bound_low": lo - k * m * delta,
                    "bound_high": hi + k * m * delta,
                    "breakdown_m": breakdown,
                }
            )
    status = "few_clusters" if "few_clusters" in statuses else "ok"
    out = pd.DataFrame(rows, columns=cols)
    # the pre-year coefficients behind delta, with their intervals: delta is an estimate too
    out.attrs["pre"] = [
        {"year": y, "estimate": fits[f"pre_{y}"].estimate, "ci_low": lo, "ci_high": hi}
        for y in pre_years
        for lo, hi in [
            fits[f"pre_{y}"].ci_wild if np.isfinite(fits[f"pre_{y}"].ci_wild[0]) else fits[f"pre_{y}"].ci_cv3
        ]
    ]
    return out, status


def opd_strata(frame: pd.DataFrame, panel: pd.DataFrame, by: str) -> pd.Series:
    """Each OPD's stratum for the permutations, indexed by ``opd_id``: its region, or its sector (OPDs
    without a sector form a stratum per region, so they are never mixed with known sectors)."""
    ids = panel.drop_duplicates("opd_id").set_index("opd_id")
    if by == "region":
        return ids["region_code"].astype(str)
    sector = ids["sector"].astype("string").str.strip().str.lower()
    return sector.fillna("?" + ids["region_code"].astype(str))


def randomisation(
    panel: pd.DataFrame,
    *,
    periods: Periods | None = None,
    outcome: str = "achievement",
    method: str = "auto",
    draws: int = 999,
    seed: int = 0,
    sector: bool = False,
) -> tuple[pd.DataFrame, dict]:
    """Randomisation tests of the refocusing coefficient: within region, and within sector when the panel
    has sectors; ``sector`` uses sector × year instead of year effects. Returns the table (one row per
    test) and the permuted estimates by test."""
    periods = periods or Periods()
    frame, how, fe = model_frame(panel, outcome, sector=sector, method=method)
    terms = [t for t in P.add_terms(frame, "did", periods=periods) if frame[t].abs().sum() > 0]
    tests = ["region"] + (["sector"] if has_sectors(panel) else [])
    rows, dists = [], {}
    for by in tests:
        res = R.permutation_test(
            frame,
            outcome=outcome,
            terms=terms,
            group=fe[0],
            time=fe[1],
            strata=opd_strata(frame, panel, by),
            label=by,
            weights=None if how == "unit" else "n",
            draws=draws,
            seed=seed,
        )
        rows.append(
            {
                k: getattr(res, k)
                for k in ("strata", "observed", "p_value", "draws", "exact", "n_strata", "n_units", "status")
            }
        )
        dists[by] = res.distribution
    return pd.DataFrame(rows), dists


def run(
    prepared,
    settings: Settings | None = None,
    *,
    cluster: str | None = None,
    draws: int | None = None,
    sector: bool | None = None,
) -> SensitivityResults:
    """Every sensitivity analysis of notebook 03 on a :class:`~kinerja_analysis.analysis.prepare.Prepared`.

    Parameters
    ----------
    prepared : Prepared
        The loaded data folder (``kinerja``, ``anggaran``, ``dose``).
    settings : Settings, optional
        Periods, seed, and ``n_bootstrap`` as the number of permutations and bootstrap draws;
        ``prepared.settings`` by default.
    cluster : {"region", "opd"}, optional
        Regions across regions, OPDs within one region (by default from the number of regions).
    draws : int, optional
        Permutations and wild-bootstrap draws, ``settings.n_bootstrap`` by default.
    sector : bool, optional
        Fit every model with sector × year effects (unit + urusan × year), as the page's headline model
        does; by default whenever the data knows at least two sectors.
    """
    s = settings or prepared.settings
    k = prepared.kinerja
    cluster = cluster or ("opd" if k["region_code"].nunique() < 2 else "region")
    draws = draws or s.n_bootstrap
    pan = P.build(k, prepared.dose, periods=s.periods)
    known = has_sectors(pan)
    sector = known if sector is None else sector
    kw = dict(periods=s.periods, draws=draws, seed=s.seed, sector=sector)
    rob = dose_robustness(pan, kinerja=k, anggaran=prepared.anggaran, cluster=cluster, **kw)
    ri, dists = randomisation(pan, **kw)
    bound, status = trend_bound(pan, cluster=cluster, **kw)
    return SensitivityResults(
        cluster=cluster,
        robustness=rob,
        randomisation=ri,
        bound=bound,
        bound_status=status,
        sectors_known=known,
        model="sector" if sector else "baseline",
        distributions=dists,
    )
