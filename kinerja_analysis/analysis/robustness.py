"""Dose robustness rows: the baseline continuous-dose DiD re-fitted with the dose measured or shaped otherwise.

Each row is a re-fit of ``capaian ~ dose10 × refocusing + dose10 × post | unit + year`` (on the exact
OPD-year shortcut where the panel is balanced, as in :mod:`.impact`) and reports the refocusing
coefficient with the few-cluster inference of :func:`.inference.cluster_inference` (wild-cluster
bootstrap and CV3 intervals):

- ``baseline``: the model as it is, for reference;
- ``cuts`` / ``increases``: separate slopes for OPDs that were cut (per 10 pp of cut) and OPDs that were
  topped up (per 10 pp of increase). A common effect shows as slopes of opposite sign;
- ``no_health``: without health OPDs, whose indicators COVID-19 hit directly (urusan kesehatan when the
  data has sectors, else OPD names: Dinas Kesehatan, RSUD, rumah sakit, Puskesmas);
- ``programme``: the dose without the pegawai (staff) spending type, i.e. the cut to programme money;
- ``spline_low`` / ``spline_high``: a linear spline in the dose with knots at 0 and the median cut: the
  slope for cuts up to the median and above it (a dose–response that is not a straight line shows here).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import labels as L
from ..config import Periods
from . import anggaran as ag
from . import panel as P
from .impact import has_sectors, model_frame
from .inference import cluster_inference

#: the rows in display order
ROWS = ("baseline", "cuts", "increases", "no_health", "programme", "spline_low", "spline_high")
#: OPD names that are health OPDs when the data has no sector column
HEALTH_NAMES = re.compile(r"dinas\s+kesehatan|\brsud\b|rumah\s+sakit|puskesmas", re.IGNORECASE)
#: sector values (urusan code or name) that mean health
HEALTH_SECTORS = {"1.02", "kesehatan", "health"}
COLUMNS = [
    "name",
    "estimate",
    "ci_low",
    "ci_high",
    "ci_low_cv3",
    "ci_high_cv3",
    "p_wild",
    "p_cv3",
    "n_obs",
    "n_clusters",
    "status",
    "strong",
    "detail",
    "label_en",
    "label_id",
]


def health_rows(panel: pd.DataFrame) -> tuple[np.ndarray, str]:
    """Which panel rows belong to health OPDs, and by which rule: ``"sector"`` or ``"names"``.

    >>> p = pd.DataFrame({"opd": ["Dinas Kesehatan", "RSUD Sehat", "Dinas PUPR"]})
    >>> m, rule = health_rows(p)
    >>> m.tolist(), rule
    ([True, True, False], 'names')
    >>> health_rows(p.assign(sector=["1.02", "Kesehatan", "1.03"]))[0].tolist()
    [True, True, False]
    """
    if "sector" in panel.columns and panel["sector"].notna().any():
        s = panel["sector"].astype(str).str.strip().str.lower()
        return s.isin(HEALTH_SECTORS).to_numpy(), "sector"
    names = pd.Series(panel["opd"].astype(str).unique())
    health = set(names[names.str.contains(HEALTH_NAMES)])
    return panel["opd"].astype(str).isin(health).to_numpy(), "names"


def programme_dose(anggaran: pd.DataFrame, periods: Periods | None = None) -> pd.DataFrame:
    """Each OPD's dose computed without the pegawai (staff) spending type: the cut to programme money.

    >>> a = pd.DataFrame({"region_code": ["r"] * 2, "opd": ["A"] * 2, "year": [2020] * 2,
    ...                   "spending_type": ["pegawai", "modal"], "budget_original": [100.0, 100.0],
    ...                   "budget_revised": [100.0, 50.0], "spent": [90.0, 40.0]})
    >>> programme_dose(a)["dose"].tolist(), ag.opd_dose(a)["dose"].tolist()
    ([0.5], [0.25])
    """
    types = anggaran["spending_type"].astype(str).str.lower()
    return ag.opd_dose(anggaran[types.ne("pegawai")], periods)


def _label(name: str, lang: str, detail: str) -> str:
    if name == "no_health":  # the rule that found the health OPDs, in words
        detail = L.t(f"sens_rule_{detail or 'names'}", lang)
    return L.t(f"sens_row_{name}", lang, detail=detail)


def fit_row(
    frame: pd.DataFrame,
    how: str,
    fe: Sequence[str],
    *,
    name: str,
    outcome: str,
    terms: Sequence[str],
    coef: str,
    cluster: str,
    draws: int,
    seed: int,
    level: float = 0.95,
    detail: str = "",
) -> dict:
    """One robustness row: ``coef`` of ``outcome ~ terms | fe`` with its inference."""
    # a period without data (no post years) gives an all-zero term: leave it out
    terms = [t for t in terms if t == coef or frame[t].abs().sum() > 0]
    r = cluster_inference(
        frame,
        outcome=outcome,
        terms=list(terms),
        coef=coef,
        fe=list(fe),
        cluster=f"{cluster}_id",
        weights=None if how == "unit" else "n",
        draws=draws,
        seed=seed,
        level=level,
    )
    return {
        "name": name,
        "estimate": r.estimate,
        "ci_low": r.ci_wild[0],
        "ci_high": r.ci_wild[1],
        "ci_low_cv3": r.ci_cv3[0],
        "ci_high_cv3": r.ci_cv3[1],
        "p_wild": r.p_wild,
        "p_cv3": r.p_cv3,
        "n_obs": r.n_obs,
        "n_clusters": r.n_clusters,
        "status": r.status,
        "strong": r.strong,
        "detail": detail,
        "label_en": _label(name, "en", detail),
        "label_id": _label(name, "id", detail),
    }


def empty_row(name: str, status: str, *, detail: str = "") -> dict:
    """A row without an estimate, for a variant the data cannot support (``status`` says why)."""
    row = {c: np.nan for c in COLUMNS}
    row.update(name=name, status=status, strong=False, detail=detail, n_obs=0, n_clusters=0)
    row.update(label_en=_label(name, "en", detail), label_id=_label(name, "id", detail))
    return row


def _interact(frame: pd.DataFrame, pieces: dict[str, np.ndarray]) -> list[str]:
    """Add ``piece × refocusing`` and ``piece × post`` columns; return their names, refocusing first."""
    per = frame["period"].astype(str).to_numpy()
    names = []
    for name, x in pieces.items():
        for p in ("refocusing", "post"):
            frame[f"{name}_{p}"] = x * (per == p)
            names.append(f"{name}_{p}")
    return names


def dose_robustness(
    panel: pd.DataFrame,
    *,
    kinerja: pd.DataFrame | None = None,
    anggaran: pd.DataFrame | None = None,
    periods: Periods | None = None,
    outcome: str = "achievement",
    cluster: str = "region",
    method: str = "auto",
    draws: int = 999,
    seed: int = 0,
    level: float = 0.95,
    sector: bool | None = None,
) -> pd.DataFrame:
    """Every robustness row of the module docstring, one row each (``COLUMNS``), in :data:`ROWS` order.

    ``kinerja`` and ``anggaran`` are needed for the programme-only dose (the panel is rebuilt with it);
    without them that row has status ``"no_data"``. ``sector`` fits every row with sector × year instead of
    year effects (:func:`model_frame`); by default whenever the panel knows its sectors, as the page's
    headline model does. A variant the data cannot support (no budget
    increases, no health OPDs, a single dose) gets a status and no estimate, never an error.
    """
    periods = periods or Periods()
    kw = dict(outcome=outcome, cluster=cluster, draws=draws, seed=seed, level=level)
    rows = []

    if sector is None:
        sector = has_sectors(panel)

    def did_frame(pan: pd.DataFrame) -> tuple[pd.DataFrame, str, list[str], list[str]]:
        frame, how, fe = model_frame(pan, outcome, sector=sector, method=method)
        return frame, how, fe, P.add_terms(frame, "did", periods=periods)

    frame, how, fe, terms = did_frame(panel)
    rows.append(fit_row(frame, how, fe, name="baseline", terms=terms, coef=terms[0], **kw))

    d10 = frame["dose10"].to_numpy(dtype=float)
    cut, inc = np.maximum(d10, 0.0), np.maximum(-d10, 0.0)
    pieces = {k: v for k, v in (("cut", cut), ("increase", inc)) if (v > 0).any()}
    f = frame.copy()
    t = _interact(f, pieces)
    for name, piece in (("cuts", "cut"), ("increases", "increase")):
        if piece in pieces:
            rows.append(fit_row(f, how, fe, name=name, terms=t, coef=f"{piece}_refocusing", **kw))
        else:
            rows.append(empty_row(name, f"no_{name}"))

    health, rule = health_rows(panel)
    if health.any() and not health.all():
        f, h, e, t = did_frame(panel[~health])
        rows.append(fit_row(f, h, e, name="no_health", terms=t, coef=t[0], detail=rule, **kw))
    else:
        rows.append(empty_row("no_health", "no_health_opds", detail=rule))

    if kinerja is not None and anggaran is not None and "spending_type" in anggaran.columns:
        dose = programme_dose(anggaran, periods)
        pan = P.build(kinerja.drop(columns=["dose"], errors="ignore"), dose, periods=periods)
        if len(pan) and pan["dose"].nunique() > 1:
            f, h, e, t = did_frame(pan)
            rows.append(fit_row(f, h, e, name="programme", terms=t, coef=t[0], **kw))
        else:
            rows.append(empty_row("programme", "no_variation"))
    else:
        rows.append(empty_row("programme", "no_data"))

    opd_dose = frame.groupby("opd_id")["dose10"].first()
    knot = float(opd_dose[opd_dose > 0].median()) if (opd_dose > 0).sum() >= 4 else np.nan
    if np.isfinite(knot) and (opd_dose > knot).sum() >= 2:
        f = frame.copy()
        pieces = {"low": np.minimum(cut, knot), "high": np.maximum(d10 - knot, 0.0)}
        if (inc > 0).any():
            pieces["increase"] = inc
        t = _interact(f, pieces)
        detail = f"{knot * 10:.0f}"
        rows.append(
            fit_row(f, how, fe, name="spline_low", terms=t, coef="low_refocusing", detail=detail, **kw)
        )
        rows.append(
            fit_row(f, how, fe, name="spline_high", terms=t, coef="high_refocusing", detail=detail, **kw)
        )
    else:
        rows += [empty_row("spline_low", "too_few_cut"), empty_row("spline_high", "too_few_cut")]
    return pd.DataFrame(rows, columns=COLUMNS)
