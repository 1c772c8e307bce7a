"""Charts of the impact, peer and efficiency sections, in the style of :mod:`kinerja_analysis.report.charts.base`."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ... import labels as L
from .base import PALETTE, STYLE, finish, new_figure


def dose_response(bins: pd.DataFrame, points: pd.DataFrame, *, lang="en", source="") -> Figure:
    """OPDs (light dots) and dose bins (mean change with 95 % CI) of change in capaian against cut share.

    ``bins``/``points`` from :func:`kinerja_analysis.analysis.impact.dose_response` (dose in % in bins, 0-1 in points).
    """
    with matplotlib.rc_context(STYLE):
        fig, ax = new_figure(8, 4.6)
        ax.scatter(
            points["dose"] * 100,
            points["change_refocusing"],
            s=10,
            color=PALETTE[2],
            alpha=0.6,
            label=L.t("imp_lbl_opd", lang),
            zorder=1,
        )
        styles = {"refocusing": (PALETTE[0], "o", "-"), "post": (PALETTE[3], "s", "--")}
        for per, (colour, marker, ls) in styles.items():
            b = bins[bins["period"] == per].sort_values("dose_mean")
            if b.empty:
                continue
            err = np.vstack([b["change"] - b["ci_low"], b["ci_high"] - b["change"]])
            ax.errorbar(
                b["dose_mean"],
                b["change"],
                yerr=err,
                color=colour,
                marker=marker,
                ls=ls,
                capsize=3,
                lw=1.5,
                ms=6,
                label=L.t(f"imp_lbl_bins_{per}", lang),
                zorder=3,
            )
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xlabel(L.t("imp_ax_dose", lang))
        ax.set_ylabel(L.t("imp_ax_change", lang))
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(0, -0.14), ncols=2)
        return finish(fig, ax, L.t("imp_fig_dose_response", lang), source, lang)


def event_study(es: pd.DataFrame, *, lang="en", source="", refocusing=(2020, 2021)) -> Figure:
    """Per-year effect per 10 pp of cut: pointwise 95 % CV3 intervals (bars) and the Bonferroni band
    (wide light bars: all years covered at once with at least 95 % probability), when there are enough
    clusters for either."""
    with matplotlib.rc_context(STYLE):
        fig, ax = new_figure(8, 4.2)
        e = es.sort_values("year")
        years = e["year"].to_numpy()
        ax.axvspan(refocusing[0] - 0.5, refocusing[1] + 0.5, color="#999999", alpha=0.12, lw=0)
        est = e[~e["reference"]]
        if est["band_low"].notna().any():  # the joint band: a wide light bar behind each point
            ax.vlines(
                est["year"],
                est["band_low"],
                est["band_high"],
                color=PALETTE[2],
                lw=12,
                alpha=0.6,
                label=L.t("imp_lbl_band", lang),
            )
        if est["ci_low"].notna().any():
            err = np.vstack([est["estimate"] - est["ci_low"], est["ci_high"] - est["estimate"]])
            ax.errorbar(
                est["year"],
                est["estimate"],
                yerr=err,
                fmt="o",
                color=PALETTE[0],
                capsize=4,
                lw=1.5,
                label=L.t("imp_lbl_pointwise", lang),
            )
        else:  # too few clusters for any interval: the estimates alone
            ax.plot(est["year"], est["estimate"], "o", color=PALETTE[0], label=L.t("imp_lbl_estimate", lang))
        ref = e[e["reference"]]
        ax.plot(
            ref["year"],
            ref["estimate"],
            marker="D",
            ls="none",
            color=PALETTE[3],
            ms=7,
            label=L.t("imp_lbl_reference", lang),
        )
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xticks(years)
        ax.set_xlabel(L.t("year", lang))
        ax.set_ylabel(L.t("imp_ax_effect", lang))
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(0, -0.14), ncols=2)  # below: never over a bar
        return finish(fig, ax, L.t("imp_fig_event_study", lang), source, lang)


def tercile_years(yearly: pd.DataFrame, *, lang="en", source="", refocusing=(2020, 2021)) -> Figure:
    """Mean capaian per year for the least-, middle- and most-cut thirds of OPDs. ``yearly``: tercile, year, mean."""
    with matplotlib.rc_context(STYLE):
        fig, ax = new_figure(8, 4.0)
        ax.axvspan(refocusing[0] - 0.5, refocusing[1] + 0.5, color="#999999", alpha=0.15, lw=0)
        for terc, marker, colour in zip(
            ("T1", "T2", "T3"), ("o", "s", "^"), (PALETTE[2], PALETTE[1], PALETTE[0])
        ):
            g = yearly[yearly["tercile"] == terc].sort_values("year")
            ax.plot(
                g["year"],
                g["mean"],
                marker=marker,
                color=colour,
                lw=2 if terc != "T2" else 1.2,
                ls="-" if terc != "T2" else ":",
                label=L.t(f"imp_lbl_{terc.lower()}", lang),
            )
        ax.set_xticks(sorted(yearly["year"].unique()))
        ax.set_xlabel(L.t("year", lang))
        ax.set_ylabel(L.t("mean_achievement", lang))
        ax.legend(fontsize=8)
        return finish(fig, ax, L.t("imp_fig_terciles", lang), source, lang)


def ceiling_terciles(df: pd.DataFrame, *, lang="en", source="") -> Figure:
    """Grouped bars: share of unit-years at exactly 100 % per year and dose tercile (``share`` 0-1)."""
    with matplotlib.rc_context(STYLE):
        fig, ax = new_figure(8, 3.6)
        years = sorted(df["year"].unique())
        x = np.arange(len(years))
        for i, (terc, colour, hatch) in enumerate(
            zip(("T1", "T2", "T3"), (PALETTE[2], PALETTE[1], PALETTE[0]), ("", "..", "//"))
        ):
            g = df[df["tercile"] == terc].set_index("year").reindex(years)
            ax.bar(
                x + (i - 1) * 0.27,
                g["share"].to_numpy() * 100,
                width=0.27,
                color=colour,
                hatch=hatch,
                edgecolor="white",
                label=L.t(f"imp_lbl_{terc.lower()}", lang),
            )
        ax.set_xticks(x, [str(y) for y in years])
        ax.set_xlabel(L.t("year", lang))
        ax.set_ylabel(L.t("share_pct", lang))
        ax.legend(fontsize=8, ncols=3, loc="upper left", bbox_to_anchor=(0, -0.15))
        return finish(fig, ax, L.t("imp_fig_ceiling_terciles", lang), source, lang)


def efficiency_quadrants(
    q: pd.DataFrame, c: float, s: float, *, lang="en", source="", label_col="opd", n_labels: int = 6
) -> Figure:
    """Capaian (%) against serapan (%) per OPD, split into four quadrants at the thresholds (dashed)."""
    with matplotlib.rc_context(STYLE):
        fig, ax = new_figure(8, 5.2)
        colours = {
            "high_capaian_low_serapan": PALETTE[0],
            "high_capaian_high_serapan": PALETTE[1],
            "low_capaian_high_serapan": PALETTE[3],
            "low_capaian_low_serapan": PALETTE[4],
        }
        markers = {
            "high_capaian_low_serapan": "o",
            "high_capaian_high_serapan": "s",
            "low_capaian_high_serapan": "^",
            "low_capaian_low_serapan": "v",
        }
        for quad, g in q.dropna(subset=["quadrant"]).groupby("quadrant"):
            ax.scatter(
                g["serapan"] * 100,
                g["capaian"],
                s=28,
                color=colours[quad],
                marker=markers[quad],
                label=L.t(f"imp_q_{quad}", lang),
            )
        ax.axvline(s * 100, color="#555555", ls="--", lw=0.9)
        ax.axhline(c, color="#555555", ls="--", lw=0.9)
        # name the OPDs furthest from the centre, so the reader can find the extremes
        dist = ((q["capaian"] - c) / q["capaian"].std()) ** 2 + ((q["serapan"] - s) / q["serapan"].std()) ** 2
        for _, r in q.loc[dist.nlargest(n_labels).index].iterrows():
            ax.annotate(
                str(r[label_col])[:36],
                (r["serapan"] * 100, r["capaian"]),
                fontsize=7,
                xytext=(4, 3),
                textcoords="offset points",
                color="#333333",
            )
        ax.set_xlabel(L.t("imp_ax_serapan", lang))
        ax.set_ylabel(L.t("mean_achievement", lang))
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(0, -0.12), ncols=2)
        return finish(fig, ax, L.t("imp_fig_efficiency", lang), source, lang)


def peer_years(
    region: pd.DataFrame,
    peers: pd.DataFrame,
    *,
    region_label: str,
    lang="en",
    source="",
    refocusing=(2020, 2021),
) -> Figure:
    """The region's mean capaian per year (line) within the range of its peers (band) and their mean (dashed).

    ``region``: year, mean. ``peers``: year, mean, min, max (of the other regions' yearly means).
    """
    with matplotlib.rc_context(STYLE):
        fig, ax = new_figure(8, 4.0)
        ax.axvspan(refocusing[0] - 0.5, refocusing[1] + 0.5, color="#999999", alpha=0.12, lw=0)
        p = peers.sort_values("year")
        ax.fill_between(
            p["year"],
            p["min"],
            p["max"],
            color=PALETTE[2],
            alpha=0.45,
            lw=0,
            label=L.t("imp_lbl_peer_range", lang),
        )
        ax.plot(p["year"], p["mean"], color=PALETTE[1], ls="--", lw=1.2, label=L.t("imp_lbl_peer_mean", lang))
        r = region.sort_values("year")
        ax.plot(r["year"], r["mean"], color=PALETTE[0], marker="o", lw=2.2, label=region_label)
        ax.set_xticks(sorted(set(p["year"]) | set(r["year"])))
        ax.set_xlabel(L.t("year", lang))
        ax.set_ylabel(L.t("mean_achievement", lang))
        ax.legend(fontsize=8)
        return finish(fig, ax, L.t("imp_fig_peers", lang), source, lang)
