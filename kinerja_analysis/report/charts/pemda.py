"""Charts of the pemda page (notebook 06), in the style of :mod:`kinerja_analysis.report.charts.base`.

Money axes pick their unit from the data (Rp trillion for a province, Rp billion for most kab/kota) so that
a kota's bars do not read 0.3 on a trillion scale.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ... import labels as L
from .base import PALETTE, STYLE, finish, new_figure


def money_scale(values) -> tuple[float, str]:
    """(divisor, message key of the axis unit) for Rupiah values: trillion from Rp 1 T up, else billion.

    >>> money_scale([2e12, 5e11]), money_scale([9e11])
    ((1000000000000.0, 'pd_rp_trillion'), (1000000000.0, 'pd_rp_billion'))
    """
    v = np.nanmax(np.abs(np.asarray(values, float))) if len(values) else 0.0
    return (1e12, "pd_rp_trillion") if v >= 1e12 else (1e9, "pd_rp_billion")


def totals(yearly: pd.DataFrame, *, lang="en", source="", title="") -> Figure:
    """Bars of belanja Anggaran and Realisasi per year with serapan (%) above each pair; a partial year is
    hatched and starred. ``yearly``: :func:`kinerja_analysis.analysis.pemda.yearly_totals`."""
    with matplotlib.rc_context(STYLE):
        fig, ax = new_figure(8, 3.9)
        d = yearly.dropna(subset=["belanja_budget"])
        div, unit = money_scale(d["belanja_budget"])
        years = d["year"].astype(int).to_numpy()
        part = d["partial"].to_numpy(bool)
        x = np.arange(len(years))
        ax.bar(x - 0.2, d["belanja_budget"] / div, 0.4, color=PALETTE[0], label=L.t("pv_anggaran", lang))
        ax.bar(
            x + 0.2,
            d["belanja_spent"] / div,
            0.4,
            color=PALETTE[2],
            label=L.t("pv_realisasi", lang),
            hatch=["//" if p else "" for p in part],
            edgecolor="white",
        )
        top = float(np.nanmax(d[["belanja_budget", "belanja_spent"]].to_numpy() / div)) if len(d) else 1.0
        for xi, s in zip(x, d["serapan_pct"]):
            if pd.notna(s):
                ax.text(
                    xi, top * 1.03, L.fmt_num(s, lang, 0) + " %", ha="center", fontsize=8, color="#333333"
                )
        ax.set_ylim(0, top * 1.15)
        ax.set_xticks(x, [f"{y}*" if p else str(y) for y, p in zip(years, part)])
        ax.set_xlabel(
            L.t("year", lang) + (" (* " + L.t("pv_partial_short", lang) + ")" if part.any() else "")
        )
        ax.set_ylabel(L.t(unit, lang))
        ax.legend(ncols=2, loc="upper left", bbox_to_anchor=(0, -0.2), fontsize=8)
        return finish(fig, ax, title or L.t("pd_fig_totals", lang), source, lang)


def shift(shift_df: pd.DataFrame, *, lang="en", source="", title="") -> Figure:
    """Horizontal bars of the change in realised Rp per spending type, refocusing years against the
    base year (cuts dark, rises light). ``shift_df``: :func:`kinerja_analysis.analysis.pemda.refocusing_shift`."""
    with matplotlib.rc_context(STYLE):
        d = shift_df[shift_df["change_rp"].abs() > 0].sort_values("change_rp", ascending=False)
        fig, ax = new_figure(8, 0.34 * max(len(d), 3) + 1.5)
        div, unit = money_scale(d["change_rp"]) if len(d) else (1e9, "pd_rp_billion")
        colours = [PALETTE[0] if v < 0 else PALETTE[4] for v in d["change_rp"]]
        labels = [L.spending_label(t, lang) for t in d["spending_type"]]
        ax.barh(labels, d["change_rp"] / div, color=colours, edgecolor="#333333", lw=0.4)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel(L.t(unit, lang))
        ax.tick_params(axis="y", labelsize=8.5)
        return finish(fig, ax, title, source, lang)


def peer_strip(
    measures: pd.DataFrame, column: str, code: str, *, lang="en", source="", title="", xlabel=""
) -> Figure:
    """Every pemda of the same kind as a grey tick on one line, the pemda as a dark diamond, the other
    kab/kota of its province as mid-grey dots. ``measures``: :func:`kinerja_analysis.analysis.pemda.national_measures`."""
    with matplotlib.rc_context(STYLE):
        fig, ax = new_figure(8, 2.2)
        m = measures.set_index("region_code")
        me = m.loc[code]
        same = m[m["kind"] == me["kind"]][column].dropna()
        ax.scatter(
            same, np.zeros(len(same)), marker="|", s=300, color="#b0b0b0", label=L.t("pd_peer_national", lang)
        )
        if me["kind"] != "provinsi":
            prov = m[(m["province_code"] == me["province_code"]) & (m["kind"] != "provinsi")][column].dropna()
            prov = prov.drop(index=code, errors="ignore")
            ax.scatter(
                prov,
                np.zeros(len(prov)),
                s=36,
                color="#6b6b6b",
                zorder=3,
                label=L.t("pd_peer_province", lang),
            )
        if pd.notna(me[column]):
            ax.scatter(
                [me[column]],
                [0],
                marker="D",
                s=80,
                color=PALETTE[3],
                edgecolor="black",
                zorder=4,
                label=str(me.get("region_name", code)),
            )
        if len(same):
            ax.axvline(float(same.median()), color="#555555", lw=0.8, ls="--")
        ax.set_yticks([])
        ax.grid(axis="y", visible=False)
        if xlabel:
            ax.set_xlabel(xlabel)
        ax.legend(ncols=3, loc="upper left", bbox_to_anchor=(0, -0.28 - 0.22 * bool(xlabel)), fontsize=8)
        return finish(fig, ax, title, source, lang)
