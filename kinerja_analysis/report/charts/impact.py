"""Charts of the impact, peer and efficiency sections, in the style of :mod:`kinerja_analysis.report.charts.base`."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ... import labels as L
from .base import PALETTE, STYLE, agg_figure, below, finish, new_figure


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
        # one column: two columns of the Indonesian labels are wider than the figure
        ax.legend(fontsize=8, ncols=1, **below(ax))
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
        # below the bars, in one column: two columns of the Indonesian labels are wider than the figure
        ax.legend(fontsize=8, ncols=1, **below(ax))
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
        ax.legend(fontsize=8, ncols=3, **below(ax))
        return finish(fig, ax, L.t("imp_fig_ceiling_terciles", lang), source, lang)


#: offsets (points) tried in turn for a label beside its point
_OFFSETS = [
    (4, 3),
    (4, -10),
    (-10, 3),
    (-10, -10),
    (4, 12),
    (-10, 12),
    (4, -19),
    (-10, -19),
    (12, -4),
    (-18, -4),
]


def place_labels(ax, xs, ys, texts, *, fontsize=7.5) -> list:
    """Write each text beside its point at the first offset where its box overlaps no label written
    before (the last offset when none is free); returns the annotations. Used where labels would collide."""
    placed, out = [], []
    for x, y, text in zip(xs, ys, texts):
        for dx, dy in _OFFSETS:
            a = ax.annotate(
                text,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                fontsize=fontsize,
                fontweight="bold",
                color="#111111",
            )
            box = a.get_window_extent()
            if not any(box.overlaps(b) for b in placed) or (dx, dy) == _OFFSETS[-1]:
                break
            a.remove()
        placed.append(box)
        out.append(a)
    return out


def efficiency_quadrants(
    q: pd.DataFrame, c: float, s: float, *, lang="en", source="", label_col="opd", n_labels: int = 6
) -> Figure:
    """Capaian (%) against serapan (%) per OPD, split into four quadrants at the thresholds (dashed); the
    ``n_labels`` OPDs furthest from the centre are numbered on the chart and named in a key beside it."""
    with matplotlib.rc_context(STYLE):
        fig = agg_figure(figsize=(10, 5.2))
        ax, kax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 1]})
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
        # number the OPDs furthest from the centre, placed where no number overlaps another, and name
        # them in a key beside the chart: long names never collide with each other or with the points
        dist = ((q["capaian"] - c) / q["capaian"].std()) ** 2 + ((q["serapan"] - s) / q["serapan"].std()) ** 2
        top = q.loc[dist.dropna().nlargest(n_labels).index]
        ax.set_xlabel(L.t("imp_ax_serapan", lang))
        ax.set_ylabel(L.t("mean_achievement", lang))
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(0, -0.12), ncols=2)
        # the key of the numbers in a panel of its own, so that the layout makes room for it
        kax.axis("off")
        names = [f"{i}  {str(n)[:40]}" for i, n in enumerate(top[label_col], 1)]
        kax.text(0, 1, "\n".join(names), va="top", ha="left", fontsize=7, wrap=True, linespacing=1.6)
        finish(fig, ax, L.t("imp_fig_efficiency", lang), source, lang)
        # numbers after the layout, so that their places are checked where they end up
        place_labels(
            ax,
            (top["serapan"] * 100).tolist(),
            top["capaian"].tolist(),
            [str(i) for i in range(1, len(top) + 1)],
        )
        return fig


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
