"""Charts of the province report (real DJPK and BPS data), in the style of :mod:`kinerja_analysis.report.charts.base`."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ... import labels as L
from .base import PALETTE, STYLE, TightInto, finish, fit_width, localise, new_figure

#: the order of the APBD's belanja (operasi, modal, transfers, tidak terduga); tables and stacks follow it
APBD_ORDER = [
    "pegawai",
    "barang_jasa",
    "modal",
    "bunga",
    "subsidi",
    "hibah",
    "bansos",
    "bagi_hasil",
    "bantuan_keuangan",
    "btt",
    "lainnya",
]
#: spending types drawn separately (in APBD order); the rest is grouped as "other"
MAIN_TYPES = ["pegawai", "barang_jasa", "modal", "hibah", "bansos", "bantuan_keuangan", "btt"]
#: PEFA bands A-D (fill, hatch, hatch colour): lightness falls from A to D and the hatching thickens, so print in greyscale keeps them apart
PEFA_STYLE = {
    "A": ("#e8f1e4", "", "#333333"),
    "B": ("#9cc69b", "..", "#333333"),
    "C": ("#c07a20", "//", "#333333"),
    "D": ("#4a1515", "xx", "#d9d9d9"),
}
TYPE_COLOURS = {
    "pegawai": "#1b3a5c",
    "barang_jasa": "#4f7cac",
    "modal": "#a3c4e0",
    "btt": "#c8553d",
    "bansos": "#f2a65a",
    "hibah": "#6b8f71",
    "bantuan_keuangan": "#b9b9b9",
    "other": "#e8e8e8",
}


def _tn(x):
    return np.asarray(x, dtype=float) / 1e12


def budget_vs_spent(yearly: pd.DataFrame, *, lang="en", source="", partial=()) -> Figure:
    """Bars of total belanja Anggaran and Realisasi per year (Rp trillion); partial years hatched."""
    with matplotlib.rc_context(STYLE):
        fig, ax = new_figure(8, 3.8)
        years = yearly["year"].astype(int).to_numpy()
        x = np.arange(len(years))
        ax.bar(x - 0.2, _tn(yearly["budget_revised"]), 0.4, color=PALETTE[0], label=L.t("pv_anggaran", lang))
        ax.bar(
            x + 0.2,
            _tn(yearly["spent"]),
            0.4,
            color=PALETTE[2],
            label=L.t("pv_realisasi", lang),
            hatch=["//" if y in partial else "" for y in years],
            edgecolor="white",
        )
        ax.set_xticks(x, [f"{y}*" if y in partial else str(y) for y in years])
        ax.set_xlabel(
            L.t("year", lang) + (" (* " + L.t("pv_partial_short", lang) + ")" if len(partial) else "")
        )
        ax.set_ylabel(L.t("pv_rp_trillion", lang))
        ax.legend(ncols=2, loc="upper left", bbox_to_anchor=(0, -0.2), fontsize=8)
        return finish(fig, ax, L.t("pv_fig_totals", lang), source, lang)


def btt_ratio(df: pd.DataFrame, *, lang="en", source="") -> Figure:
    """BTT realised as a multiple of its "Anggaran" per year as a dot plot on a linear scale, each dot
    labelled with its multiple and a line at 1 (realised = Anggaran): the 2020 caveat in one picture."""
    with matplotlib.rc_context(STYLE):
        fig, ax = new_figure(8, 0.38 * len(df) + 1.6)
        ratio = (df["btt_spent"] / df["btt_budget"]).to_numpy(dtype=float)
        y = np.arange(len(ratio))
        over = ratio > 1
        ax.hlines(y, 0, ratio, color="#bbbbbb", lw=1)
        ax.scatter(ratio[~over], y[~over], s=40, color=PALETTE[1], zorder=3)
        ax.scatter(ratio[over], y[over], s=60, marker="D", color=PALETTE[3], edgecolor="black", zorder=3)
        ax.axvline(1, color="black", lw=0.8, ls="--", label=L.t("rc_btt_equal", lang))
        finite = ratio[np.isfinite(ratio)]
        top = float(finite.max()) if len(finite) else 1.0
        for yi, r in zip(y, ratio):
            ok = bool(np.isfinite(r))
            text = L.fmt_num(r, lang, 2) + "×" if ok else "–"
            ax.annotate(
                text,
                (r if ok else 0.0, yi),
                xytext=(7, -3),
                textcoords="offset points",
                fontsize=8,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
            )
        ax.set_xlim(0, max(top, 1.0) * 1.12)
        ax.set_yticks(y, [str(int(v)) for v in df["year"]])
        ax.invert_yaxis()
        ax.set_ylabel(L.t("year", lang))
        ax.set_xlabel(L.t("pv_btt_ratio_axis", lang))
        ax.legend(loc="lower right", fontsize=8)
        return finish(fig, ax, L.t("pv_fig_btt", lang), source, lang)


def composition(comp: pd.DataFrame, *, lang="en", source="", title_key="pv_fig_composition") -> Figure:
    """Stacked 100 % bars of each spending type's share of realised belanja per year.
    ``comp``: year, spending_type, share (0-1)."""
    with matplotlib.rc_context(STYLE):
        d = comp.assign(group=comp["spending_type"].where(comp["spending_type"].isin(MAIN_TYPES), "other"))
        piv = d.pivot_table(index="year", columns="group", values="share", aggfunc="sum").fillna(0) * 100
        order = [t for t in MAIN_TYPES + ["other"] if t in piv.columns]
        fig, ax = new_figure(8, 5.2)
        bottom = np.zeros(len(piv))
        x = [str(y) for y in piv.index]
        for t in order:
            label = L.t("pv_other_types", lang) if t == "other" else L.spending_label(t, lang)
            ax.bar(
                x,
                piv[t].to_numpy(),
                bottom=bottom,
                color=TYPE_COLOURS[t],
                label=label,
                edgecolor="white",
                lw=0.5,
            )
            for xi, (b, v) in enumerate(zip(bottom, piv[t].to_numpy())):
                if v >= 6:
                    ax.text(
                        xi,
                        b + v / 2,
                        L.fmt_num(v, lang, 0),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if t in ("pegawai", "btt", "barang_jasa", "hibah") else "black",
                    )
            bottom += piv[t].to_numpy()
        ax.set_ylim(0, 100)
        ax.set_xlabel(L.t("year", lang))
        ax.set_ylabel(L.t("share_pct", lang))
        # the legend under the bars, so that on a phone the bars keep the figure's width
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.14), ncols=3, fontsize=8)
        return finish(fig, ax, L.t(title_key, lang), source, lang)


def cut_intensity(df: pd.DataFrame, *, lang="en", source="") -> Figure:
    """Ranked horizontal bars of each province's cut intensity (pp). ``df``: name, cut_intensity_pp.
    A negative value (the share rose: increased, not cut) is light and hatched, and the legend says so."""
    with matplotlib.rc_context(STYLE):
        d = df.sort_values("cut_intensity_pp")
        fig, ax = new_figure(8, 0.24 * len(d) + 1.6)
        v = d["cut_intensity_pp"].to_numpy(dtype=float)
        names = d["name"].astype(str).to_numpy()
        y = np.arange(len(names))  # positions, not categories: the two bar sets share one axis order
        ax.barh(y[v > 0], v[v > 0], color=PALETTE[3], label=L.t("pv_cut_axis_short", lang))
        if (v <= 0).any():
            ax.barh(
                y[v <= 0],
                v[v <= 0],
                color=PALETTE[2],
                hatch="//",
                edgecolor="white",
                label=L.t("rc_increased", lang),
            )
        ax.set_yticks(y, names)
        ax.axvline(0, color="black", lw=0.8)
        ax.axvline(float(np.median(v)), color="#555555", lw=0.8, ls="--")
        ax.tick_params(axis="y", labelsize=7.5)
        ax.set_xlabel(L.t("pv_cut_axis", lang))
        ax.legend(loc="lower right", fontsize=8)
        return finish(fig, ax, L.t("pv_fig_cut", lang), source, lang)


def scatter_fits(panels: list[dict], *, lang="en", source="", title="") -> Figure:
    """Small multiples: x = cut intensity, y = outcome change, OLS line with its 95 % CI band.

    Each panel: {"x", "y", "labels", "grid", "fit", "lo", "hi", "title", "ylabel", "r", "r_lo", "r_hi"}.
    """
    with matplotlib.rc_context(STYLE):
        n = len(panels)
        cols = 3 if n > 4 else max(n, 1)
        rows = int(np.ceil(n / cols))
        fig, axes = new_figure(3.4 * cols, 3.1 * rows + 0.6, nrows=rows, ncols=cols)
        for ax, p in zip(axes.ravel(), panels):
            ax.fill_between(p["grid"], p["lo"], p["hi"], color=PALETTE[2], alpha=0.35, lw=0)
            ax.plot(p["grid"], p["fit"], color=PALETTE[0], lw=1.4)
            ax.scatter(p["x"], p["y"], s=14, color=PALETTE[3], zorder=3)
            ax.axhline(0, color="#777777", lw=0.6)
            ax.set_title(p["title"], loc="left", fontsize=9.5)
            ax.set_ylabel(p["ylabel"], fontsize=8)
            ax.set_xlabel(L.t("pv_cut_axis_short", lang), fontsize=8)
            ax.text(
                0.02,
                0.97,
                f"r = {L.fmt_num(p['r'], lang, 2)} [{L.fmt_num(p['r_lo'], lang, 2)}; "
                f"{L.fmt_num(p['r_hi'], lang, 2)}]",
                transform=ax.transAxes,
                va="top",
                fontsize=7.5,
                bbox={"facecolor": "white", "alpha": 0.8, "lw": 0},
            )
            ax.tick_params(labelsize=7.5)
            ax.grid(True, alpha=0.3)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        for ax in axes.ravel()[n:]:
            ax.set_visible(False)
        localise(fig, lang)
        fit_width(
            fig,
            fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=11),
            0.97 * fig.get_figwidth(),
        )
        fig.text(0.01, 0.005, L.t("source_line", lang, source=source), fontsize=8, color="#555555", ha="left")
        fig.set_layout_engine(TightInto((0, 0.03, 1, 0.97)))
        return fig


def pefa_counts(counts: pd.DataFrame, *, lang="en", source="", title_key="pv_fig_pefa") -> Figure:
    """Stacked bars: number of provinces per PEFA band (A-D) and year. ``counts``: year x A..D.
    Bands differ in lightness and hatching (:data:`PEFA_STYLE`), so A and D stay apart in greyscale."""
    with matplotlib.rc_context(STYLE):
        fig, ax = new_figure(8, 3.6)
        bottom = np.zeros(len(counts))
        x = [str(y) for y in counts.index]
        for band in ("A", "B", "C", "D"):
            if band in counts.columns:
                v = counts[band].to_numpy(dtype=float)
                colour, hatch, edge = PEFA_STYLE[band]
                ax.bar(x, v, bottom=bottom, color=colour, hatch=hatch, label=band, edgecolor=edge, lw=0.5)
                bottom += v
        ax.set_xlabel(L.t("year", lang))
        ax.set_ylabel(L.t("pv_n_provinces", lang))
        ax.legend(ncols=4, loc="upper left", bbox_to_anchor=(0, -0.18), fontsize=8)
        return finish(fig, ax, L.t(title_key, lang), source, lang)
