"""How an estimate reads on a page: intervals and p-values in the report language, the row of one model
term, a recorded estimate with its intervals, and the reading under the dose–response figure. Shared by the
impact (03) and region (04) sections.
"""

from __future__ import annotations

import pandas as pd

from .. import labels as L
from ..analysis.estimates import ImpactResults
from . import page as report


def ci_text(lo, hi, lang) -> str:
    """An interval in pp, "[lo; hi]" in the report language."""
    return L.t("imp_ci_range", lang, lo=L.fmt_pp(lo, lang), hi=L.fmt_pp(hi, lang))


def est_ci_text(est, lo, hi, lang) -> str:
    """An estimate with its interval in pp."""
    return L.t("imp_est_ci", lang, est=L.fmt_pp(est, lang), lo=L.fmt_pp(lo, lang), hi=L.fmt_pp(hi, lang))


def term_row(df: pd.DataFrame, term: str, outcome: str = "achievement") -> pd.Series:
    """The row of one term (and outcome) of a model table of :mod:`kinerja_analysis.analysis.impact`."""
    return df[(df["term"] == term) & (df["outcome"] == outcome)].iloc[0]


def record_estimate(key: str, row: pd.Series) -> None:
    """Record a model term with its CR1 and CR3 intervals, standard error and number of clusters."""
    report.record(
        key,
        row["estimate"],
        ci_low=row["ci_low"],
        ci_high=row["ci_high"],
        se=row.get("se"),
        ci_low_cr3=row.get("ci_low_cr3"),
        ci_high_cr3=row.get("ci_high_cr3"),
        n_clusters=row.get("n_clusters"),
    )


def p_text(v, lang) -> str:
    """A p-value, "< 0.001" below 0.001."""
    return "< " + L.fmt_num(0.001, lang, 3) if v < 0.001 else L.fmt_num(v, lang, 3)


def cluster_word(r: ImpactResults, lang: str) -> str:
    """What the estimates cluster on, as a word: regions or OPDs."""
    return L.t("imp_cluster_region" if r.cluster == "region" else "imp_cluster_opd", lang)


def dose_reading(bins: pd.DataFrame, lang: str) -> str:
    """The reading under the dose–response figure: the change of the least- and the most-cut bin."""
    b = bins[bins["period"] == "refocusing"].sort_values("bin")
    lo, hi = b.iloc[0], b.iloc[-1]
    return L.t(
        "imp_read_dose",
        lang,
        c1=L.fmt_pp(lo["change"], lang),
        d1=L.fmt_num(lo["dose_mean"], lang, 0),
        c5=L.fmt_pp(hi["change"], lang),
        d5=L.fmt_num(hi["dose_mean"], lang, 0),
    )
