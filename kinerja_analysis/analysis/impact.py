"""Did the agencies that were cut more do worse? Dose–response, continuous-dose DiD, event study, checks.

The models (DESIGN.md section 5), estimated with pyfixest (nothing here re-implements an estimator):

- DiD: ``y ~ dose10 × refocusing + dose10 × post | unit + year``; the unit is region × OPD × indicator,
  ``dose10`` is the OPD's cut share over the refocusing years × 10, so a coefficient is the change in
  capaian (pp) per 10 pp of cut, relative to the pre years.
- Event study: ``y ~ Σ_{y ≠ 2019} dose10 × 1[year = y] | unit + year``, reference year from settings.

Standard errors are clustered (CR1) by region across regions, by OPD within one region, with t(G − 1)
critical values. Few clusters make CR1 too optimistic, so every estimate also carries the cluster
jackknife (CR3) interval, which is the safer one with a handful of regions; the event study also gives
simultaneous (sup-t) bands. On a balanced panel the OPD-year shortcut of :mod:`.panel` gives the same
estimates and standard errors with frequency weights; elsewhere the units are used.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..config import DEFAULT_SEED, Periods
from . import panel as P
from .compare import dose_terciles

Cluster = Literal["region", "opd"]
#: below this many clusters CR1 is unreliable and the cluster jackknife (CR3) is computed beside it
FEW_CLUSTERS = 30
Method = Literal["auto", "unit", "aggregate"]


@dataclass
class Model:
    """A model's tidy rows and the pyfixest fits behind them, for ``.summary()``, ``.tidy()`` or ``.coef()``."""

    table: pd.DataFrame
    #: the pyfixest ``Feols`` fit with CR1 (cluster-robust) standard errors
    cr1: Any
    #: the same model with CR3 (cluster jackknife) standard errors, or None when not computed
    cr3: Any = None


def _fit(frame: pd.DataFrame, how: str, outcome: str, terms: Sequence[str], cluster: Cluster, vcov: str):
    import pyfixest as pf

    fe = "unit_id + year" if how == "unit" else "opd_id + year"
    kw = {} if how == "unit" else {"weights": "n", "weights_type": "fweights"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pf.feols(
            f"{outcome} ~ {' + '.join(terms)} | {fe}", data=frame, vcov={vcov: f"{cluster}_id"}, **kw
        )


def _tidy(fit, fit3, terms, *, outcome, how, n_obs, n_clusters, cluster) -> pd.DataFrame:
    with warnings.catch_warnings():  # a zero-variance toy model warns in sqrt; real data does not
        warnings.simplefilter("ignore")
        t = fit.tidy()
        t3 = fit3.tidy() if fit3 is not None else None
    out = pd.DataFrame(
        {
            "term": list(terms),
            "estimate": [float(t.at[x, "Estimate"]) for x in terms],
            "se": [float(t.at[x, "Std. Error"]) for x in terms],
            "ci_low": [float(t.at[x, "2.5%"]) for x in terms],
            "ci_high": [float(t.at[x, "97.5%"]) for x in terms],
            "p_value": [float(t.at[x, "Pr(>|t|)"]) for x in terms],
        }
    )
    out["ci_low_cr3"] = [float(t3.at[x, "2.5%"]) for x in terms] if t3 is not None else np.nan
    out["ci_high_cr3"] = [float(t3.at[x, "97.5%"]) for x in terms] if t3 is not None else np.nan
    out["outcome"], out["frame"], out["cluster"] = outcome, how, cluster
    out["n_obs"], out["n_clusters"] = int(n_obs), int(n_clusters)
    return out


def _estimate(
    panel: pd.DataFrame,
    kind: str,
    *,
    outcome: str,
    cluster: Cluster,
    method: Method,
    periods: Periods | None,
    jackknife: bool,
):
    if cluster not in ("region", "opd"):
        raise ValueError(f"cluster must be 'region' or 'opd', found {cluster!r}")
    if outcome not in panel.columns:
        raise ValueError(f"outcome {outcome!r} is not in the panel; have: {', '.join(P.OUTCOMES)}")
    frame, how = P.estimation_frame(panel, outcome, method=method)
    terms = P.add_terms(frame, kind, periods=periods)  # on the (small, new) estimation frame
    n_obs = float(frame["n"].sum()) if how == "aggregate" else len(frame)
    n_clusters = int(frame[f"{cluster}_id"].nunique())
    fit = _fit(frame, how, outcome, terms, cluster, "CRV1")
    if jackknife is None:  # CR3 refits the model once per cluster: worth it, and cheap, only when few
        jackknife = n_clusters < FEW_CLUSTERS
    fit3 = _fit(frame, how, outcome, terms, cluster, "CRV3") if jackknife and n_clusters >= 3 else None
    return fit, fit3, terms, how, n_obs, n_clusters


def did(
    panel: pd.DataFrame,
    *,
    outcome: str = "achievement",
    cluster: Cluster = "region",
    method: Method = "auto",
    periods: Periods | None = None,
    jackknife: bool | None = None,
) -> pd.DataFrame:
    """Continuous-dose two-way fixed-effects DiD: effect per 10 pp of cut in the refocusing and post years.

    Parameters
    ----------
    panel : pandas.DataFrame
        From :func:`kinerja_analysis.analysis.panel.build`.
    outcome : str
        One of :data:`kinerja_analysis.analysis.panel.OUTCOMES`.
    cluster : {"region", "opd"}
        Cluster of the standard errors: region across regions, OPD within one region.
    method : {"auto", "unit", "aggregate"}
        ``auto`` uses the exact OPD-year shortcut on a balanced panel, the units otherwise.
    jackknife : bool, optional
        Also give the CR3 (cluster jackknife) interval, ``ci_low_cr3``/``ci_high_cr3``; by default only
        with fewer than :data:`FEW_CLUSTERS` clusters.

    Returns
    -------
    pandas.DataFrame
        One row per term (``treat_refocusing``, ``treat_post``): ``estimate, se, ci_low, ci_high,
        p_value, ci_low_cr3, ci_high_cr3, outcome, frame, cluster, n_obs, n_clusters``.

    Examples
    --------
    A planted effect of -2 pp per 10 pp in the refocusing years, no noise:

    >>> rows = [(r, o, "i", y, 0.1 * (o + 1) * r) for r in (1, 2, 3) for o in range(3) for y in range(2018, 2024)]
    >>> k = pd.DataFrame(rows, columns=["region_code", "opd", "indicator_id", "year", "dose"])
    >>> k["achievement"] = 100 + k["year"] % 3 - 20 * k["dose"] * k["year"].isin([2020, 2021])
    >>> (did(P.build(k.astype({"region_code": str, "opd": str})))["estimate"].round(6) + 0.0).tolist()
    [-2.0, 0.0]
    """
    return did_model(
        panel, outcome=outcome, cluster=cluster, method=method, periods=periods, jackknife=jackknife
    ).table


def did_model(
    panel: pd.DataFrame,
    *,
    outcome: str = "achievement",
    cluster: Cluster = "region",
    method: Method = "auto",
    periods: Periods | None = None,
    jackknife: bool | None = None,
) -> Model:
    """:func:`did` with the pyfixest fits kept: ``did_model(panel).cr1.summary()``."""
    fit, fit3, terms, how, n_obs, g = _estimate(
        panel, "did", outcome=outcome, cluster=cluster, method=method, periods=periods, jackknife=jackknife
    )
    return Model(
        _tidy(fit, fit3, terms, outcome=outcome, how=how, n_obs=n_obs, n_clusters=g, cluster=cluster),
        fit,
        fit3,
    )


def event_study(
    panel: pd.DataFrame,
    *,
    outcome: str = "achievement",
    cluster: Cluster = "region",
    method: Method = "auto",
    periods: Periods | None = None,
    jackknife: bool | None = None,
    seed: int = DEFAULT_SEED,
    reps: int = 10_000,
) -> pd.DataFrame:
    """Event study with the reference year (2019) at 0: per-year effect per 10 pp of cut.

    Pointwise CIs are CR1 with t(G − 1); ``sim_low``/``sim_high`` are simultaneous (sup-t) bands from
    pyfixest's ``confint(joint=True)``, which cover all years at once with 95 % probability; they are
    widened to the pointwise t(G − 1) interval where the Gaussian sup-t band is narrower (few clusters).

    Returns
    -------
    pandas.DataFrame
        One row per year, the reference year included (estimate 0, no interval), with the columns of
        :func:`did` plus ``year``, ``sim_low``, ``sim_high`` and ``reference``.

    Examples
    --------
    >>> rows = [(r, o, "i", y, 0.1 * (o + 1) * r) for r in (1, 2, 3) for o in range(3) for y in range(2018, 2024)]
    >>> k = pd.DataFrame(rows, columns=["region_code", "opd", "indicator_id", "year", "dose"])
    >>> k["achievement"] = 100 - 10 * k["dose"] * (k["year"] == 2020)
    >>> es = event_study(P.build(k.astype({"region_code": str, "opd": str})), jackknife=False)
    >>> (es.set_index("year")["estimate"].round(6) + 0.0).tolist()
    [0.0, 0.0, -1.0, 0.0, 0.0, 0.0]
    """
    return event_study_model(
        panel,
        outcome=outcome,
        cluster=cluster,
        method=method,
        periods=periods,
        jackknife=jackknife,
        seed=seed,
        reps=reps,
    ).table


def event_study_model(
    panel: pd.DataFrame,
    *,
    outcome: str = "achievement",
    cluster: Cluster = "region",
    method: Method = "auto",
    periods: Periods | None = None,
    jackknife: bool | None = None,
    seed: int = DEFAULT_SEED,
    reps: int = 10_000,
) -> Model:
    """:func:`event_study` with the pyfixest fits kept: ``event_study_model(panel).cr1.tidy()``."""
    periods = periods or Periods()
    fit, fit3, terms, how, n_obs, g = _estimate(
        panel, "event", outcome=outcome, cluster=cluster, method=method, periods=periods, jackknife=jackknife
    )
    out = _tidy(fit, fit3, terms, outcome=outcome, how=how, n_obs=n_obs, n_clusters=g, cluster=cluster)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sim = fit.confint(joint=True, seed=seed, reps=reps)
        # pyfixest's sup-t draws are Gaussian, while the pointwise CIs use t(G - 1); with few clusters the
        # band could come out narrower than a pointwise CI, which a simultaneous band never is
        out["sim_low"] = np.minimum([float(sim.loc[t].iloc[0]) for t in terms], out["ci_low"])
        out["sim_high"] = np.maximum([float(sim.loc[t].iloc[1]) for t in terms], out["ci_high"])
    except Exception:  # noqa: BLE001 - the bands are an extra; without them the pointwise CIs stand
        out["sim_low"] = out["sim_high"] = np.nan
    out["year"] = [int(t.split("_")[1]) for t in terms]
    ref = {c: np.nan for c in out.columns}
    ref.update(
        term=f"es_{periods.reference_year}",
        estimate=0.0,
        year=periods.reference_year,
        outcome=outcome,
        frame=how,
        cluster=cluster,
        n_obs=out["n_obs"].iloc[0],
        n_clusters=g,
    )
    out = pd.concat([out, pd.DataFrame([ref])], ignore_index=True).sort_values("year").reset_index(drop=True)
    out["reference"] = out["year"] == periods.reference_year
    out["year"] = out["year"].astype(int)
    return Model(out, fit, fit3)


def robustness(
    panel: pd.DataFrame,
    *,
    outcomes: Sequence[str] = ("achievement", "capped", "met", "achievement_original"),
    cluster: Cluster = "region",
    method: Method = "auto",
    periods: Periods | None = None,
) -> pd.DataFrame:
    """The DiD re-run on other outcomes: capped at 100, share met (pp), against the murni target.

    Returns the rows of :func:`did` for every outcome that the panel has with data.
    """
    frames = [
        did(panel, outcome=o, cluster=cluster, method=method, periods=periods)
        for o in outcomes
        if o in panel.columns and panel[o].notna().any()
    ]
    return pd.concat(frames, ignore_index=True)


def dose_response(
    panel: pd.DataFrame, *, outcome: str = "achievement", n_bins: int = 5, confidence: float = 0.95
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Binned dose–response: OPDs in quantile bins of dose against their change in mean capaian.

    Each OPD's change is its mean over indicator-years in a period minus its pre mean. Bins hold equal
    numbers of OPDs; the CI of a bin's mean change is a t interval over its OPDs.

    Returns
    -------
    (bins, points)
        ``bins``: ``bin, period, dose_mean, dose_min, dose_max, change, ci_low, ci_high, n_opd`` (dose in
        %); ``points``: one row per OPD with ``region_code, opd, dose, change_refocusing, change_post``.

    Examples
    --------
    >>> k = pd.DataFrame({"region_code": ["a"] * 8, "opd": list("wwxxyyzz"), "indicator_id": ["i"] * 8,
    ...                   "year": [2019, 2020] * 4, "dose": [0, 0, .1, .1, .2, .2, .3, .3],
    ...                   "achievement": [100, 100, 100, 99, 100, 98, 100, 97.0]})
    >>> bins, pts = dose_response(P.build(k), n_bins=2)
    >>> bins[bins["period"] == "refocusing"]["change"].tolist()
    [-0.5, -2.5]
    """
    from scipy import stats

    d = panel[panel[outcome].notna()]
    m = d.groupby(["region_code", "opd", "period"], observed=True)[outcome].mean().unstack("period")
    dose = d.groupby(["region_code", "opd"], observed=True)["dose"].first()
    pts = pd.DataFrame({"dose": dose})
    for per in ("refocusing", "post"):
        pts[f"change_{per}"] = (m[per] - m["pre"]) if {per, "pre"} <= set(m.columns) else np.nan
    pts = pts.reset_index()
    n_bins = max(1, min(n_bins, len(pts)))
    pts["bin"] = pd.qcut(pts["dose"].rank(method="first"), n_bins, labels=False).astype(int) + 1
    rows = []
    for (b, per), g in pts.melt(
        id_vars=["region_code", "opd", "dose", "bin"],
        value_vars=["change_refocusing", "change_post"],
        var_name="period",
        value_name="change",
    ).groupby(["bin", "period"]):
        x = g["change"].dropna().to_numpy()
        mean = float(x.mean()) if len(x) else np.nan
        half = (
            float(stats.t.ppf(0.5 + confidence / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
            if len(x) > 1
            else np.nan
        )
        rows.append(
            {
                "bin": int(b),
                "period": per.replace("change_", ""),
                "dose_mean": float(g["dose"].mean() * 100),
                "dose_min": float(g["dose"].min() * 100),
                "dose_max": float(g["dose"].max() * 100),
                "change": mean,
                "ci_low": mean - half,
                "ci_high": mean + half,
                "n_opd": int(len(x)),
            }
        )
    return pd.DataFrame(rows), pts.drop(columns="bin")


def ceiling_by_tercile(panel: pd.DataFrame, dose: pd.DataFrame, *, tol: float = 1e-9) -> pd.DataFrame:
    """Share of unit-years at exactly 100 % per year and dose tercile (T1 least cut, T3 most cut).

    >>> p = pd.DataFrame({"region_code": ["a"] * 3, "opd": ["x", "y", "z"], "year": [2020] * 3,
    ...                   "achievement": [100.0, 95.0, 100.0]})
    >>> d = pd.DataFrame({"region_code": ["a"] * 3, "opd": ["x", "y", "z"], "dose": [0.1, 0.2, 0.3]})
    >>> ceiling_by_tercile(p, d)["share"].tolist()
    [1.0, 0.0, 1.0]
    """
    terc = dose_terciles(dose)[["region_code", "opd", "tercile"]]
    d = panel[panel["achievement"].notna()].merge(terc, on=["region_code", "opd"], how="inner")
    d["at100"] = (d["achievement"] - 100).abs() <= tol
    return d.groupby(["year", "tercile"])["at100"].agg(share="mean", n="size").reset_index()


def continuity(
    kinerja: pd.DataFrame, crosswalk: pd.DataFrame | None, *, year_from: int = 2020, year_to: int = 2021
) -> tuple[pd.DataFrame, dict]:
    """Nomenclature continuity across the 2021 recoding: which OPD names changed and how they were mapped.

    Returns
    -------
    (mapped, counts)
        ``mapped``: one row per region and raw OPD name of ``year_from`` that is absent in ``year_to``
        (``region_code, opd_from, opd_to, n_indicators, mapped``), where ``opd_to`` is the crosswalk target
        and ``mapped`` says whether its indicators continue under it. ``counts``: units (region × OPD ×
        indicator, after the crosswalk) in each year, continuing, ended and new.

    Examples
    --------
    >>> k = pd.DataFrame({"region_code": ["a"] * 4, "year": [2020, 2021, 2020, 2021],
    ...                   "opd_raw": ["Old", "New", "B", "B"], "opd": ["New", "New", "B", "B"],
    ...                   "indicator_id": ["i1", "i1", "i2", "i3"]})
    >>> cw = pd.DataFrame({"region_code": ["a"], "opd_old": ["Old"], "opd_new": ["New"]})
    >>> m, c = continuity(k, cw)
    >>> m[["opd_from", "opd_to", "mapped"]].values.tolist(), c["continuing"], c["ended"], c["new"]
    ([['Old', 'New', True]], 1, 1, 1)
    """
    raw = "opd_raw" if "opd_raw" in kinerja.columns else "opd"
    a = kinerja[kinerja["year"] == year_from]
    b = kinerja[kinerja["year"] == year_to]
    names_b = set(zip(b["region_code"], b[raw], strict=False))
    gone = a[[(r, o) not in names_b for r, o in zip(a["region_code"], a[raw], strict=False)]]
    target = {}
    if crosswalk is not None and len(crosswalk):
        target = {(r.region_code, r.opd_old): r.opd_new for r in crosswalk.itertuples()}
    units_b = set(zip(b["region_code"], b["opd"], b["indicator_id"], strict=False))
    rows = []
    for (r, o), g in gone.groupby(["region_code", raw], sort=True):
        to = target.get((r, o), "")
        cont = sum((r, m, i) in units_b for m, i in zip(g["opd"], g["indicator_id"], strict=False))
        rows.append(
            {
                "region_code": r,
                "opd_from": o,
                "opd_to": to,
                "n_indicators": int(g["indicator_id"].nunique()),
                "mapped": bool(to) and cont == len(g),
            }
        )
    ua = set(zip(a["region_code"], a["opd"], a["indicator_id"], strict=False))
    counts = {
        "units_from": len(ua),
        "units_to": len(units_b),
        "continuing": len(ua & units_b),
        "ended": len(ua - units_b),
        "new": len(units_b - ua),
    }
    return pd.DataFrame(rows, columns=["region_code", "opd_from", "opd_to", "n_indicators", "mapped"]), counts
