"""One two-way fixed-effects fit of the impact models, with its edges handled and its inference attached.

:func:`fit` takes an estimation frame (units or the exact OPD-year shortcut of :mod:`.panel`) and the
treatment terms, decides what the data can identify, fits what it can with pyfixest (CR1 standard errors,
one-way or two-way clustered) and adds the few-cluster inference of :mod:`.inference` (wild-cluster
restricted bootstrap with Webb weights, and CV3) for every identified term. It never raises on thin data:
each term carries a ``status`` that says why it has no estimate or no interval.

Statuses (one per term; the report shows a sentence for each):

- ``ok``: estimate and intervals;
- ``few_clusters``: fewer than :data:`MIN_CLUSTERS` clusters, estimate only (no cluster-robust inference);
- ``no_dose_variation``: every OPD has the same dose, so no dose effect can be told from the year effects;
- ``no_dose_variation_within_sector``: with sector × year effects, no OPD differs in dose from the other
  OPDs of its sector;
- ``no_pre_years``: no year before the cuts, so there is nothing to compare with;
- ``no_years``: the data has no year of this term's period (for example no post years when it ends in 2021);
- ``not_identified``: pyfixest found the term collinear with the fixed effects.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: below this many clusters no cluster-robust interval is given, only the estimate (issue 14)
MIN_CLUSTERS = 5
#: two-way (region and sector) CR1 clustering only when both dimensions have at least this many clusters;
#: two-way variance estimates rest on the smaller dimension, and below about ten clusters they are unstable
TWOWAY_MIN = 10
#: wild-bootstrap draws of the headline models
DRAWS = 9999

COLUMNS = (
    "term",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "interval",
    "se",
    "ci_low_cr1",
    "ci_high_cr1",
    "p_cr1",
    "se_cv3",
    "ci_low_cv3",
    "ci_high_cv3",
    "p_cv3",
    "ci_low_wild",
    "ci_high_wild",
    "p_wild",
    "draws",
    "strong",
    "status",
)


@dataclass
class Fit:
    """The tidy rows of one model, the pyfixest fit behind them and the inference per term."""

    table: pd.DataFrame
    #: the pyfixest ``Feols`` fit with CR1 standard errors, or None when nothing could be fitted
    cr1: Any = None
    #: term -> :class:`kinerja_analysis.analysis.inference.ClusterInference`
    inference: dict = field(default_factory=dict)


def fe_columns(how: str, *, sector: bool) -> list[str]:
    """The fixed-effect columns: the unit (or OPD on the OPD-year shortcut) and the year or sector-year.

    >>> fe_columns("unit", sector=False), fe_columns("aggregate", sector=True)
    (['unit_id', 'year'], ['opd_id', 'sector_year'])
    """
    return ["unit_id" if how == "unit" else "opd_id", "sector_year" if sector else "year"]


def cr1_cluster(frame: pd.DataFrame, cluster_col: str, *, sector: bool) -> tuple[str, str]:
    """The CR1 cluster spec for pyfixest and its label: two-way by region and sector when both have at least
    :data:`TWOWAY_MIN` clusters, otherwise one-way by ``cluster_col``.

    >>> f = pd.DataFrame({"region_id": range(12), "sector_id": [0, 1] * 6})
    >>> cr1_cluster(f, "region_id", sector=True), cr1_cluster(f.assign(sector_id=range(12)), "region_id", sector=True)
    (('region_id', 'region_id'), ('region_id+sector_id', 'region_id+sector_id'))
    """
    if (
        sector
        and cluster_col == "region_id"
        and "sector_id" in frame.columns
        and frame["region_id"].nunique() >= TWOWAY_MIN
        and frame["sector_id"].nunique() >= TWOWAY_MIN
    ):
        return "region_id+sector_id", "region_id+sector_id"
    return cluster_col, cluster_col


def term_status(frame: pd.DataFrame, terms: Sequence[str], *, sector: bool) -> dict[str, str]:
    """Why a term cannot be estimated, from the data alone (``ok`` when nothing stands in the way).

    >>> f = pd.DataFrame({"dose10": [1.0, 1.0, 2.0, 2.0], "period": ["pre", "refocusing"] * 2,
    ...                   "treat_refocusing": [0, 1.0, 0, 2.0], "treat_post": [0.0] * 4, "opd_id": [0, 0, 1, 1]})
    >>> term_status(f, ["treat_refocusing", "treat_post"], sector=False)
    {'treat_refocusing': 'ok', 'treat_post': 'no_years'}
    >>> term_status(f.assign(dose10=1.0), ["treat_refocusing"], sector=False)
    {'treat_refocusing': 'no_dose_variation'}
    """
    dose = frame.groupby("opd_id")["dose10"].first()
    out = {}
    for term in terms:
        if dose.nunique() < 2:
            out[term] = "no_dose_variation"
        elif "period" in frame.columns and not (frame["period"].astype(str) == "pre").any():
            out[term] = "no_pre_years"
        elif not np.any(frame[term].to_numpy(dtype=float) != 0):
            out[term] = "no_years"
        elif sector and _no_within_sector_variation(frame):
            out[term] = "no_dose_variation_within_sector"
        else:
            out[term] = "ok"
    return out


def _no_within_sector_variation(frame: pd.DataFrame) -> bool:
    opd = frame.groupby("opd_id")[["dose10", "sector_id"]].first()
    spread = opd.groupby("sector_id")["dose10"].agg(lambda x: x.max() - x.min())
    return not (spread > 0).any()


def fit(
    frame: pd.DataFrame,
    *,
    how: str,
    outcome: str,
    terms: Sequence[str],
    cluster_col: str,
    sector: bool = False,
    inference: bool = True,
    draws: int = DRAWS,
    seed: int = 0,
    level: float = 0.95,
) -> Fit:
    """Fit ``outcome ~ terms | fixed effects`` on ``frame`` and attach CR1, CV3 and wild-bootstrap inference.

    ``ci_low``/``ci_high``/``p_value`` hold the headline interval, named in ``interval``: ``wild`` (the
    wild-cluster restricted bootstrap, Webb weights) when ``inference``, ``cr1`` when not, ``none`` with
    fewer than :data:`MIN_CLUSTERS` clusters or no estimate. ``strong`` is True only when the wild
    bootstrap and the CV3 interval both exclude zero on the same side.
    """
    status = term_status(frame, terms, sector=sector)
    fitted = [t for t in terms if status[t] == "ok"]
    rows = {t: {"term": t, "status": status[t], "interval": "none", "strong": False} for t in terms}
    g = int(frame[cluster_col].nunique())
    fe = fe_columns(how, sector=sector)
    weights = "n" if how == "aggregate" else None
    cr1 = None
    if fitted:
        spec, _ = cr1_cluster(frame, cluster_col, sector=sector)
        cr1 = _pyfixest(frame, outcome, fitted, fe, spec, weights)
        tidy = _tidy(cr1) if cr1 is not None else pd.DataFrame()
        for t in fitted:
            if t not in tidy.index:
                rows[t]["status"] = "not_identified"
                continue
            x = tidy.loc[t]
            rows[t].update(estimate=float(x["Estimate"]), se=float(x["Std. Error"]))
            if g < MIN_CLUSTERS:
                rows[t].update(status="few_clusters", se=np.nan)
                continue
            rows[t].update(
                ci_low_cr1=float(x["2.5%"]),
                ci_high_cr1=float(x["97.5%"]),
                p_cr1=float(x["Pr(>|t|)"]),
                interval="cr1",
            )
    found = {}
    if inference:
        for t in fitted:
            if rows[t]["status"] != "ok":
                continue
            inf = _cluster_inference(
                frame, outcome, fitted, t, fe, cluster_col, weights, draws=draws, seed=seed, level=level
            )
            found[t] = inf
            rows[t].update(
                se_cv3=inf.se_cv3,
                ci_low_cv3=inf.ci_cv3[0],
                ci_high_cv3=inf.ci_cv3[1],
                p_cv3=inf.p_cv3,
                ci_low_wild=inf.ci_wild[0],
                ci_high_wild=inf.ci_wild[1],
                p_wild=inf.p_wild,
                draws=inf.draws,
                strong=bool(inf.strong),
                interval="wild",
            )
            if inf.status != "ok":
                rows[t]["status"] = inf.status
    table = pd.DataFrame([rows[t] for t in terms]).reindex(columns=list(COLUMNS))
    head = {"wild": "wild", "cr1": "cr1"}
    for i, r in table.iterrows():
        src = head.get(r["interval"])
        if src:
            table.loc[i, ["ci_low", "ci_high", "p_value"]] = [
                r[f"ci_low_{src}"],
                r[f"ci_high_{src}"],
                r[f"p_{src}"],
            ]
    table["strong"] = table["strong"].fillna(False).astype(bool)
    return Fit(table, cr1, found)


def _tidy(fit) -> pd.DataFrame:
    with warnings.catch_warnings():  # a zero-variance toy model warns in sqrt; real data does not
        warnings.simplefilter("ignore")
        return fit.tidy()


def _pyfixest(frame, outcome, terms, fe, cluster_spec, weights):
    import pyfixest as pf

    kw = {"weights": weights, "weights_type": "fweights"} if weights else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return pf.feols(
                f"{outcome} ~ {' + '.join(terms)} | {' + '.join(fe)}",
                data=frame,
                vcov={"CRV1": cluster_spec},
                **kw,
            )
        except ValueError as e:  # every term collinear with the fixed effects: nothing to estimate
            if "collinear" in str(e):
                return None
            raise


def _cluster_inference(frame, outcome, terms, coef, fe, cluster, weights, *, draws, seed, level):
    from . import inference

    return inference.cluster_inference(
        frame,
        outcome=outcome,
        terms=list(terms),
        coef=coef,
        fe=fe,
        cluster=cluster,
        weights=weights,
        draws=draws,
        seed=seed,
        level=level,
    )
