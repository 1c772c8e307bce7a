"""Did the agencies that were cut more do worse? Dose–response, continuous-dose DiD, event study, checks.

The models (DESIGN.md section 5), estimated with pyfixest through :mod:`.twfe`:

- DiD: ``y ~ dose10 × refocusing + dose10 × post | unit + year``; the unit is region × OPD × indicator,
  ``dose10`` is the OPD's cut share over the refocusing years × 10, so a coefficient is the change in
  capaian (pp) per 10 pp of cut, relative to the pre years.
- The sector-robust DiD (``sector=True``): the same with ``| unit + sector^year``, so that a pandemic shock
  that hit a whole sector (urusan) in a year is absorbed instead of being read as a dose effect.
- Event study: ``y ~ Σ_{y ≠ ref} dose10 × 1[year = y] | unit + year``; the reference year is the settings'
  (2019) or, when the data lacks it, the last pre year present.

Inference clusters by region across regions, by OPD within one region. The headline interval and p-value
of the DiD are the wild-cluster restricted bootstrap with Webb weights, with the CV3 jackknife beside it
(:mod:`.inference`); CR1 (pyfixest, t(G − 1)) stays as a secondary column. The event study gives pointwise
CV3 intervals and a Bonferroni band (t(G − 1) critical value with CV3 errors) that covers all years at once.
With fewer than :data:`MIN_CLUSTERS` clusters only the estimates are given. On a balanced panel the
OPD-year shortcut of :mod:`.panel` gives the same estimates with frequency weights; elsewhere the units.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..config import DEFAULT_SEED, Periods
from . import panel as P
from . import twfe
from .compare import dose_terciles

Cluster = Literal["region", "opd"]
#: below this many clusters no cluster-robust interval is given (re-exported from :mod:`.twfe`)
MIN_CLUSTERS = twfe.MIN_CLUSTERS
#: below this many clusters CR1 is too optimistic: the report flags it and leans on the wild bootstrap
FEW_CLUSTERS = 30
Method = Literal["auto", "unit", "aggregate"]


@dataclass
class Model:
    """A model's tidy rows and what is behind them, for ``.cr1.summary()`` or ``.inference[term]``."""

    table: pd.DataFrame
    #: the pyfixest ``Feols`` fit with CR1 (cluster-robust) standard errors, None when nothing was fitted
    cr1: Any = None
    #: term -> ClusterInference (wild bootstrap and CV3), for the DiD
    inference: dict = dataclasses.field(default_factory=dict)
    #: the event study's reference year (None when the data has no pre year)
    reference_year: int | None = None
    #: ``ok``, or why the model could not be fitted as asked (``no_pre_years``, ``reference_moved``)
    status: str = "ok"


def _check(panel: pd.DataFrame, outcome: str, cluster: str) -> None:
    if cluster not in ("region", "opd"):
        raise ValueError(f"cluster must be 'region' or 'opd', found {cluster!r}")
    if outcome not in panel.columns:
        raise ValueError(f"outcome {outcome!r} is not in the panel; have: {', '.join(P.OUTCOMES)}")


def has_sectors(panel: pd.DataFrame) -> bool:
    """Whether the panel knows the sector (urusan) of at least two OPDs in two different sectors.

    >>> has_sectors(pd.DataFrame({"sector": ["1.02", None]})), has_sectors(pd.DataFrame({"sector": ["1.02", "1.03"]}))
    (False, True)
    """
    if "sector" not in panel.columns:
        return False
    s = panel["sector"].astype("string").fillna("").str.strip()
    return s[s.ne("")].nunique() >= 2


def _frame(panel, kind, *, outcome, method, periods, sector):
    frame, how = P.estimation_frame(panel, outcome, method=method)
    if sector:
        if not has_sectors(panel):
            raise ValueError("the sector model needs a `sector` column with at least two known sectors")
        s = panel["sector"].astype("string").fillna("").str.strip()
        by_opd = pd.Series(s.to_numpy(), index=panel["opd_id"].to_numpy())
        by_opd = by_opd[~by_opd.index.duplicated()]
        code = frame["opd_id"].map(by_opd).fillna("")
        frame = frame[code.ne("").to_numpy()].copy()  # OPDs of unknown sector sit out the sector model
        frame["sector_id"] = pd.factorize(code[code.ne("")])[0]
        frame["sector_year"] = frame["sector_id"].to_numpy() * 10_000 + frame["year"].to_numpy()
    terms = P.add_terms(frame, kind, periods=periods)
    n_obs = float(frame["n"].sum()) if how == "aggregate" else len(frame)
    return frame, how, terms, n_obs


def _describe(table, *, outcome, how, cluster, n_obs, n_clusters, sector, cluster_cr1):
    table["outcome"], table["frame"], table["cluster"] = outcome, how, cluster
    table["cluster_cr1"] = cluster_cr1.replace("_id", "")
    table["n_obs"], table["n_clusters"] = int(n_obs), int(n_clusters)
    table["model"] = "sector" if sector else "baseline"
    return table


def did(panel: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """Continuous-dose two-way fixed-effects DiD: effect per 10 pp of cut in the refocusing and post years.

    Takes the arguments of :func:`did_model` and returns its table: one row per term
    (``treat_refocusing``, ``treat_post``) with ``estimate``, the headline ``ci_low, ci_high, p_value``
    (named in ``interval``: ``wild``, ``cr1`` or ``none``), the CR1 (``se, ci_low_cr1, ci_high_cr1,
    p_cr1``), CV3 (``se_cv3, ci_low_cv3, ci_high_cv3, p_cv3``) and wild-bootstrap (``ci_low_wild,
    ci_high_wild, p_wild, draws``) columns, ``strong``, ``status`` (see :mod:`.twfe`), ``outcome, frame,
    cluster, cluster_cr1, n_obs, n_clusters, model``.

    Examples
    --------
    A planted effect of -2 pp per 10 pp in the refocusing years, no noise:

    >>> rows = [(r, o, "i", y, 0.1 * (o + 1) * r) for r in (1, 2, 3) for o in range(3) for y in range(2018, 2024)]
    >>> k = pd.DataFrame(rows, columns=["region_code", "opd", "indicator_id", "year", "dose"])
    >>> k["achievement"] = 100 + k["year"] % 3 - 20 * k["dose"] * k["year"].isin([2020, 2021])
    >>> t = did(P.build(k.astype({"region_code": str, "opd": str})))
    >>> (t["estimate"].round(6) + 0.0).tolist(), t["status"].tolist()
    ([-2.0, 0.0], ['few_clusters', 'few_clusters'])
    """
    return did_model(panel, **kwargs).table


def did_model(
    panel: pd.DataFrame,
    *,
    outcome: str = "achievement",
    cluster: Cluster = "region",
    method: Method = "auto",
    periods: Periods | None = None,
    sector: bool = False,
    inference: bool = True,
    jackknife: bool | None = None,
    draws: int = twfe.DRAWS,
    seed: int = DEFAULT_SEED,
) -> Model:
    """:func:`did` with the pyfixest fit and the per-term inference kept: ``did_model(panel).cr1.summary()``.

    Parameters
    ----------
    panel : pandas.DataFrame
        From :func:`kinerja_analysis.analysis.panel.build` (with a ``sector`` column for ``sector=True``).
    outcome : str
        One of :data:`kinerja_analysis.analysis.panel.OUTCOMES`.
    cluster : {"region", "opd"}
        Cluster of the inference: region across regions, OPD within one region.
    method : {"auto", "unit", "aggregate"}
        ``auto`` uses the exact OPD-year shortcut on a balanced panel, the units otherwise.
    sector : bool
        Sector × year fixed effects instead of year effects (OPDs of unknown sector are left out), and
        CR1 clustered two-way by region and sector when both have enough clusters (:data:`.twfe.TWOWAY_MIN`).
    inference : bool
        The wild-cluster bootstrap and CV3 (:mod:`.inference`); False gives CR1 only (faster).
    jackknife : bool, optional
        Older name of ``inference``; when given it wins.
    draws, seed : int
        Wild-bootstrap draws and seed.
    """
    _check(panel, outcome, cluster)
    inference = inference if jackknife is None else bool(jackknife)
    frame, how, terms, n_obs = _frame(
        panel, "did", outcome=outcome, method=method, periods=periods, sector=sector
    )
    col = f"{cluster}_id"
    f = twfe.fit(
        frame,
        how=how,
        outcome=outcome,
        terms=terms,
        cluster_col=col,
        sector=sector,
        inference=inference,
        draws=draws,
        seed=seed,
    )
    table = _describe(
        f.table,
        outcome=outcome,
        how=how,
        cluster=cluster,
        n_obs=n_obs,
        n_clusters=frame[col].nunique(),
        sector=sector,
        cluster_cr1=twfe.cr1_cluster(frame, col, sector=sector)[1],
    )
    return Model(table, f.cr1, f.inference)


def reference_year(years: Sequence[int], periods: Periods) -> tuple[int | None, str]:
    """The event study's reference year: the settings' when present, else the last pre year present.

    >>> p = Periods()
    >>> reference_year([2018, 2019, 2020], p), reference_year([2018, 2020], p), reference_year([2020, 2021], p)
    ((2019, 'ok'), (2018, 'reference_moved'), (None, 'no_pre_years'))
    """
    pre = sorted(int(y) for y in years if periods.of(int(y)) == "pre")
    if periods.reference_year in pre:
        return periods.reference_year, "ok"
    return (pre[-1], "reference_moved") if pre else (None, "no_pre_years")


def event_study(panel: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """Event study with the reference year at 0: per-year effect per 10 pp of cut.

    Takes the arguments of :func:`event_study_model` and returns its table: one row per year, the
    reference year included (estimate 0, no interval), with ``estimate``, pointwise CV3 intervals
    ``ci_low, ci_high`` (t(G − 1)), CR1 ``ci_low_cr1, ci_high_cr1``, the Bonferroni band ``band_low,
    band_high`` with its critical value ``band_crit``, ``status``, ``year`` and ``reference``. Empty when
    the data has no pre year.

    Examples
    --------
    >>> rows = [(r, o, "i", y, 0.1 * (o + 1) * r) for r in (1, 2, 3) for o in range(3) for y in range(2018, 2024)]
    >>> k = pd.DataFrame(rows, columns=["region_code", "opd", "indicator_id", "year", "dose"])
    >>> k["achievement"] = 100 - 10 * k["dose"] * (k["year"] == 2020)
    >>> es = event_study(P.build(k.astype({"region_code": str, "opd": str})))
    >>> (es.set_index("year")["estimate"].round(6) + 0.0).tolist()
    [0.0, 0.0, -1.0, 0.0, 0.0, 0.0]
    """
    return event_study_model(panel, **kwargs).table


EVENT_COLUMNS = (
    "term",
    "year",
    "estimate",
    "ci_low",
    "ci_high",
    "se",
    "ci_low_cr1",
    "ci_high_cr1",
    "se_cv3",
    "band_low",
    "band_high",
    "band_crit",
    "status",
    "reference",
)


def event_study_model(
    panel: pd.DataFrame,
    *,
    outcome: str = "achievement",
    cluster: Cluster = "region",
    method: Method = "auto",
    periods: Periods | None = None,
    sector: bool = False,
    level: float = 0.95,
    jackknife: bool | None = None,
    seed: int | None = None,
    reps: int | None = None,
) -> Model:
    """:func:`event_study` with the pyfixest fit kept: ``event_study_model(panel).cr1.tidy()``.

    ``sector=True`` uses sector × year effects, as :func:`did_model`. The older keywords ``jackknife``,
    ``seed`` and ``reps`` are accepted and have no effect: the CV3 intervals and the Bonferroni band are
    always computed (with enough clusters) and involve no random draws.
    """
    del jackknife, seed, reps
    from scipy import stats

    from . import inference

    _check(panel, outcome, cluster)
    periods = periods or Periods()
    years = pd.unique(panel.loc[panel[outcome].notna(), "year"])
    ref, status = reference_year(years, periods)
    if ref is None:
        return Model(pd.DataFrame(columns=list(EVENT_COLUMNS)), status=status)
    frame, how, terms, n_obs = _frame(
        panel,
        "event",
        outcome=outcome,
        method=method,
        periods=dataclasses.replace(periods, reference_year=ref),
        sector=sector,
    )
    col = f"{cluster}_id"
    g = int(frame[col].nunique())
    f = twfe.fit(
        frame, how=how, outcome=outcome, terms=terms, cluster_col=col, sector=sector, inference=False
    )
    out = f.table.set_index("term")
    for c in ("se_cv3", "band_low", "band_high", "band_crit"):
        out[c] = np.nan
    ok = [t for t in terms if out.at[t, "status"] == "ok"]
    if ok and g >= MIN_CLUSTERS:
        band = inference.bonferroni_band(
            frame,
            outcome=outcome,
            terms=ok,
            fe=twfe.fe_columns(how, sector=sector),
            cluster=col,
            weights="n" if how == "aggregate" else None,
            level=level,
        ).set_index("term")
        out.loc[ok, "se_cv3"] = band["se_cv3"]
        out.loc[ok, ["band_low", "band_high", "band_crit"]] = band[["low", "high", "crit"]].to_numpy()
    half = stats.t.ppf(0.5 + level / 2, max(g - 1, 1)) * out["se_cv3"]
    out["ci_low"], out["ci_high"] = out["estimate"] - half, out["estimate"] + half
    out = out.reset_index()
    out["year"] = [int(t.split("_")[1]) for t in out["term"]]
    ref_row = {"term": f"es_{ref}", "year": ref, "estimate": 0.0, "status": "reference"}
    out = pd.concat([out, pd.DataFrame([ref_row])], ignore_index=True).sort_values("year")
    out["reference"] = out["year"] == ref
    out = out.reindex(columns=list(EVENT_COLUMNS)).reset_index(drop=True)
    out["year"] = out["year"].astype(int)
    out = _describe(
        out,
        outcome=outcome,
        how=how,
        cluster=cluster,
        n_obs=n_obs,
        n_clusters=g,
        sector=sector,
        cluster_cr1=twfe.cr1_cluster(frame, col, sector=sector)[1],
    )
    return Model(out, f.cr1, reference_year=ref, status=status)


def robustness(
    panel: pd.DataFrame,
    *,
    outcomes: Sequence[str] = ("achievement", "capped", "met", "achievement_original"),
    cluster: Cluster = "region",
    method: Method = "auto",
    periods: Periods | None = None,
    sector: bool = False,
    draws: int = 999,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """The DiD re-run on other outcomes: capped at 100, share met (pp), against the murni target.

    Returns the rows of :func:`did` for every outcome that the panel has with data (the wild bootstrap
    with fewer draws than the headline: these rows are checks).
    """
    frames = [
        did(
            panel,
            outcome=o,
            cluster=cluster,
            method=method,
            periods=periods,
            sector=sector,
            draws=draws,
            seed=seed,
        )
        for o in outcomes
        if o in panel.columns and panel[o].notna().any()
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(twfe.COLUMNS))


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
