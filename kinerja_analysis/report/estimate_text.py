"""How an estimate reads on a page: intervals and p-values in the report language, the row of one model
term, a recorded estimate with its intervals, the effect in words that follow the numbers ("fell by 1.2 pp
per 10 pp of cut"), the verdict and the sentences for thin data, and the reading under the dose–response
figure. Shared by the impact (03) and region (04) sections.
"""

from __future__ import annotations

import math

import pandas as pd

from .. import labels as L
from ..analysis import twfe
from ..analysis.estimates import ImpactResults
from . import page as report

#: an effect smaller than this (pp per 10 pp) reads as "no change" once rounded to one decimal
FLAT_PP = 0.05
#: the columns of a model row recorded beside value, ci_low and ci_high (when the row has them): the model
#: table's inference columns (:data:`~kinerja_analysis.analysis.twfe.COLUMNS`; the wild interval is already
#: ``ci_low``/``ci_high``), then what the row says about its model
RECORDED = tuple(
    c
    for c in twfe.COLUMNS
    if c not in ("term", "estimate", "ci_low", "ci_high", "ci_low_wild", "ci_high_wild")
) + ("n_clusters", "model", "cluster_cr1")


def ci_text(lo, hi, lang) -> str:
    """An interval in pp, "lo to hi" in the report language."""
    return L.t("imp_ci_range", lang, lo=L.fmt_pp(lo, lang), hi=L.fmt_pp(hi, lang))


def est_ci_text(est, lo, hi, lang) -> str:
    """An estimate with its interval in pp (the estimate alone when there is no interval)."""
    if _nan(lo) or _nan(hi):
        return L.t("imp_est_only", lang, est=L.fmt_pp(est, lang))
    return L.t("imp_est_ci", lang, est=L.fmt_pp(est, lang), lo=L.fmt_pp(lo, lang), hi=L.fmt_pp(hi, lang))


def _nan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or bool(pd.isna(x))


def term_row(df: pd.DataFrame, term: str, outcome: str = "achievement") -> pd.Series:
    """The row of one term (and outcome) of a model table of :mod:`kinerja_analysis.analysis.impact`."""
    return df[(df["term"] == term) & (df["outcome"] == outcome)].iloc[0]


def record_estimate(key: str, row: pd.Series) -> None:
    """Record a model term: the headline interval (wild bootstrap) in ``ci_low``/``ci_high``, with the CV3
    and CR1 intervals, p-values, status and number of clusters beside it."""
    report.record(
        key,
        row["estimate"],
        ci_low=row["ci_low"],
        ci_high=row["ci_high"],
        **{c: (bool(row[c]) if c == "strong" else row[c]) for c in RECORDED if c in row.index},
    )


def p_text(v, lang) -> str:
    """A p-value, "< 0.001" below 0.001, "–" when missing."""
    if _nan(v):
        return "–"
    return "< " + L.fmt_num(0.001, lang, 3) if v < 0.001 else L.fmt_num(v, lang, 3)


def cluster_word(r: ImpactResults, lang: str) -> str:
    """What the estimates cluster on, as a word: regions or OPDs."""
    return L.t("imp_cluster_region" if r.cluster == "region" else "imp_cluster_opd", lang)


def effect_words(est: float, lang: str, dose_kind: str = "cuts") -> str:
    """An effect per 10 pp of cut in words that follow the number: "fell by 1.2 pp per 10 pp of cut".

    Where the data has only budget increases (``dose_kind == "increases"``) the same slope reads per
    10 pp of budget added, with the sign turned, and never speaks of a loss.

    >>> effect_words(-1.23, "en"), effect_words(0.01, "en"), effect_words(1.2, "en", "increases")
    ('fell by 1.2 pp per 10 pp of cut', 'did not change (0.0 pp per 10 pp of cut)', 'fell by 1.2 pp per 10 pp of budget added')
    """
    if _nan(est):
        return L.t("imp_eff_none", lang)
    inc = dose_kind == "increases"
    x = -est if inc else est
    unit = L.t("imp_per_added" if inc else "imp_per_cut", lang)
    if abs(x) < FLAT_PP:
        return L.t("imp_eff_flat", lang, unit=unit, x=L.fmt_num(0.0, lang, 1))
    return L.t("imp_eff_fell" if x < 0 else "imp_eff_rose", lang, x=L.fmt_num(abs(x), lang, 1), unit=unit)


def verdict_text(r: ImpactResults, lang: str) -> list[str]:
    """The verdict in words (by :func:`kinerja_analysis.analysis.estimates.verdict`), then which model it
    judges and why."""
    head = term_row(r.headline, "treat_refocusing")
    code = r.verdict.get("code", "not_estimable")
    sign = -1 if r.dose_kind == "increases" else 1  # the page reads per 10 pp of budget added then
    out = [
        L.t(
            f"imp_v_{code}",
            lang,
            g=int(head["n_clusters"]),
            cluster=cluster_word(r, lang),
            wild=ci_text(*sorted((sign * head["ci_low_wild"], sign * head["ci_high_wild"])), lang),
            cv3=ci_text(*sorted((sign * head["ci_low_cv3"], sign * head["ci_high_cv3"])), lang),
            reason=status_text(head["status"], r, lang),
        )
    ]
    if r.sectors_known:
        out.append(L.t("imp_v_model_sector", lang, share=L.fmt_pct(r.sector_share, lang, 0, ratio=True)))
    else:
        out.append(L.t("imp_v_model_baseline", lang))
    return out


def status_text(code: str, r: ImpactResults, lang: str) -> str:
    """One sentence for an edge of the data (a ``status`` of :mod:`kinerja_analysis.analysis.twfe`, of the
    event study or of :attr:`ImpactResults.statuses`)."""
    d = r.dropped
    g = int(r.did["n_clusters"].iloc[0]) if len(r.did) else 0
    return L.t(
        f"imp_status_{code}",
        lang,
        g=g,
        cluster=cluster_word(r, lang),
        ref=r.event_reference if r.event_reference is not None else "–",
        n=len(d),
        rows=int(d["n_rows"].sum()) if len(d) else 0,
        regions=", ".join(sorted(d["region_code"].astype(str).unique())) if len(d) else "–",
        reasons=", ".join(
            f"{L.t(f'imp_drop_{k}', lang)} ({v})" for k, v in d["reason"].value_counts().items()
        )
        if len(d)
        else "–",
    )


def dose_reading(bins: pd.DataFrame, lang: str) -> str:
    """The reading under the dose–response figure: the change of the least- and the most-cut bin."""
    b = bins[bins["period"] == "refocusing"].sort_values("bin")
    if b.empty:
        return ""
    lo, hi = b.iloc[0], b.iloc[-1]
    return L.t(
        "imp_read_dose",
        lang,
        c1=L.fmt_pp(lo["change"], lang),
        d1=L.fmt_num(lo["dose_mean"], lang, 0),
        c5=L.fmt_pp(hi["change"], lang),
        d5=L.fmt_num(hi["dose_mean"], lang, 0),
    )
