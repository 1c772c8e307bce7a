"""The tables of the province page (notebook 05) built from the analysis frames: PEFA bands per province
and year, the outcome correlations and the RKP targets, each with headers in the page's language and every
measure at its own precision (:mod:`kinerja_analysis.report.sections.real_cells`). Nothing computed here.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ... import labels as L
from . import real_cells as cells


def _measure(m: str, lang: str) -> str:
    return L.t(f"pv_m_{m}", lang)


def pefa(
    scores: pd.DataFrame, ind: str, pct: str, name: Callable[[str], str], three_year: list[int], lang: str
) -> pd.DataFrame:
    """Band and value (one decimal, :func:`~kinerja_analysis.report.sections.real_cells.pefa_cell`) per
    province and year, with the three-year scores of the years ``three_year``. ``ind``: "pi1" or "pi2";
    ``pct``: its value column in ``scores`` (:func:`kinerja_analysis.analysis.pefa.yearly`); ``name``: a
    province's short name by code."""
    cell = pd.Series(
        [cells.pefa_cell(v, b, lang, unit=False) for v, b in zip(scores[pct], scores[f"{ind}_band"])],
        index=scores.index,
    )
    wide = scores.assign(cell=cell).pivot_table(
        index="region_code", columns="year", values="cell", aggfunc="first"
    )
    for y3 in three_year:
        wide[L.t("pv_three_year", lang, y0=y3 - 2, y1=y3)] = scores[scores["year"] == y3].set_index(
            "region_code"
        )[f"{ind}_score_3y"]
    wide.columns = [str(c) for c in wide.columns]
    wide.insert(0, L.t("pv_province", lang), wide.index.map(name))
    return wide.sort_values(L.t("pv_province", lang)).reset_index(drop=True).fillna("–")


def outcomes(stats: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The correlation table of :func:`kinerja_analysis.analysis.province.outcome_vs_cut` with headers in
    the page's language (never the code names ``r_lo``, ``slope_hi``), each interval in one cell and the
    slope at its measure's precision plus one decimal."""

    def interval(lo, hi):
        return [f"[{a}; {b}]" for a, b in zip(lo, hi)]

    def at_precision(col):
        return cells.measure_cells(stats[col], stats["measure"], lang, extra=1)

    return pd.DataFrame(
        {
            L.t("pv_measure", lang): stats["measure"].map(lambda m: _measure(m, lang)),
            L.t("period", lang): stats["window"].map(lambda w: L.t(f"pv_{w}", lang)),
            L.t("rc_n", lang): [L.fmt_num(v, lang, 0) for v in stats["n"]],
            L.t("rc_r", lang): [L.fmt_num(v, lang, 2) for v in stats["r"]],
            L.t("rc_r_ci", lang): interval(
                [L.fmt_num(v, lang, 2) for v in stats["r_lo"]], [L.fmt_num(v, lang, 2) for v in stats["r_hi"]]
            ),
            L.t("rc_slope", lang): at_precision("slope"),
            L.t("rc_slope_ci", lang): interval(at_precision("slope_lo"), at_precision("slope_hi")),
        }
    )


def rkp(d: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, dict]:
    """The RKP target table (``d``: :func:`kinerja_analysis.analysis.province.rkp_since`) with targets and
    actuals at their measure's precision (Gini to three decimals), and the numbers those text columns sort by."""
    note = {"": "", "mean_of_provinces": L.t("pv_rkp_mean", lang), "no_actual": L.t("pv_rkp_none", lang)}
    cols = {"pv_target_low": "target_lower", "pv_target_high": "target_upper", "pv_actual": "actual"}
    show = pd.DataFrame(
        {
            L.t("pv_measure", lang): d["measure"].map(lambda m: _measure(m, lang)),
            L.t("year", lang): d["year"],
            **{L.t(k, lang): cells.measure_cells(d[c], d["measure"], lang) for k, c in cols.items()},
            L.t("achievement", lang): d["achievement"],
            L.t("pv_note", lang): d["note"].map(note),
        }
    )
    return show, {L.t(k, lang): d[c].tolist() for k, c in cols.items()}
