"""Every chart of the reports, in one consistent style.

Each function takes a tidy frame and the report language and returns a matplotlib Figure with a title,
axis labels with units and a source line. Figures are made with the object API (:func:`new_figure`), never
through pyplot, and importing this module does not switch matplotlib's backend. Colours differ in lightness too, so print in greyscale works.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.layout_engine import TightLayoutEngine

from ... import labels as L

#: dark to light, distinguishable in greyscale
PALETTE = ["#1b3a5c", "#4f7cac", "#a3c4e0", "#c8553d", "#f2a65a", "#6b8f71"]
BAND_COLOURS = {
    "sangat_baik": "#1a6b3c",
    "baik": "#6fb07f",
    "cukup": "#f2d16b",
    "kurang": "#e58a4e",
    "sangat_kurang": "#9e2a2b",
    "buruk": "#5a1010",
}
STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 110,
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "legend.frameon": False,
}


def agg_figure(**kwargs) -> Figure:
    """A Figure (``kwargs`` as for ``Figure``) on its own Agg canvas, made without pyplot.

    A bare ``Figure`` gets a new canvas and renderer for each pass over its text (``tight_layout``, the
    tight bounding box of ``savefig``, the drawing), so each pass measures every label again; on one Agg
    canvas the layout passes share a renderer and matplotlib's cache of text extents. The PNG comes out
    the same, pixel for pixel, in about a tenth less time. The global backend is not touched.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)
    return fig


class TightInto(TightLayoutEngine):
    """matplotlib's tight layout with the axes and their labels fitted into ``rect`` (left, bottom,
    right, top as fractions of the figure), measured once.

    ``TightLayoutEngine(rect=...)`` measures every axes twice, and a chart's layout is about half the time
    it takes to draw. The two measurements are the same: the second pass takes the outer margins from
    the first and only works the spaces between subplots out again for the smaller area. This engine
    measures once (no ``rect``) and does that arithmetic itself (:func:`_into_rect`), so the figure is
    laid out where matplotlib would put it, pixel for pixel: ``tests/report/test_figure_fit.py`` compares
    them. Like matplotlib's own engine it calls the private ``matplotlib._tight_layout``; a change there
    fails that test."""

    def __init__(self, rect):
        super().__init__(rect=None)
        self.into = tuple(rect)

    def execute(self, fig):
        from contextlib import nullcontext

        from matplotlib._tight_layout import get_subplotspec_list, get_tight_layout_figure

        p = self.get()
        renderer = fig._get_renderer()
        with getattr(renderer, "_draw_disabled", nullcontext)():
            specs = get_subplotspec_list(fig.axes)
            kw = get_tight_layout_figure(
                fig, fig.axes, specs, renderer, pad=p["pad"], h_pad=p["h_pad"], w_pad=p["w_pad"]
            )
        if not kw:  # matplotlib gave up (and said why)
            return
        grids = [s.get_gridspec().get_geometry() for s in specs if s is not None]
        into = _into_rect(kw, self.into, max(r for r, _ in grids), max(c for _, c in grids))
        if into:
            fig.subplots_adjust(**into)


def _into_rect(kw: dict, rect, rows: int, cols: int) -> dict | None:
    """The subplot parameters of a tight layout into ``rect`` from those of one into the whole figure
    (``kw``, for a grid of ``rows`` x ``cols``), as matplotlib's ``get_tight_layout_figure`` works them
    out; ``None`` where it would give up (no room left)."""
    left, bottom, right, top = rect
    m_left, m_bottom = left + kw["left"], bottom + kw["bottom"]
    m_right, m_top = 1 - (right - (1 - kw["right"])), 1 - (top - (1 - kw["top"]))
    if m_left + m_right >= 1 or m_bottom + m_top >= 1:
        return None
    out = {"left": m_left, "right": 1 - m_right, "top": 1 - m_top, "bottom": m_bottom}
    if cols > 1:  # the gap between columns (figure fraction) is what the one pass measured
        gap = kw["wspace"] * (kw["right"] - kw["left"]) / (cols + kw["wspace"] * (cols - 1))
        width = (1 - m_right - m_left - gap * (cols - 1)) / cols
        if width < 0:
            return None
        out["wspace"] = gap / width
    if rows > 1:
        gap = kw["hspace"] * (kw["top"] - kw["bottom"]) / (rows + kw["hspace"] * (rows - 1))
        height = (1 - m_top - m_bottom - gap * (rows - 1)) / rows
        if height < 0:
            return None
        out["hspace"] = gap / height
    return out


def below(ax, drop_in: float = 0.5) -> dict:
    """Legend keywords that hang a legend ``drop_in`` inches below the bottom-left corner of ``ax``: under
    its tick labels and x label whatever the height of the axes. An offset in axes fractions is not: the
    same -0.15 that clears the x label of a tall chart lies on it when a two-line title shortens the axes."""
    from matplotlib.transforms import ScaledTranslation

    shift = ScaledTranslation(0, -drop_in, ax.figure.dpi_scale_trans)
    return {"loc": "upper left", "bbox_to_anchor": (0, 0), "bbox_transform": ax.transAxes + shift}


def new_figure(width=8.0, height=4.2, nrows=None, ncols=None):
    """A figure in the report style, made without pyplot: it never touches the global backend or pyplot's
    list of open figures, so an analyst's own ``plt.plot(...)`` in JupyterLab works as usual and no chart
    is shown twice. With ``nrows``/``ncols`` given, the axes come as a 2-d array."""
    with matplotlib.rc_context(STYLE):
        fig = agg_figure(figsize=(width, height))
        if nrows is None and ncols is None:
            return fig, fig.subplots()
        return fig, fig.subplots(nrows or 1, ncols or 1, squeeze=False)


def _decimal_comma(x, _pos=None) -> str:
    """Tick label with a decimal comma and no grouping (years stay '2020').

    >>> _decimal_comma(2.5), _decimal_comma(2020.0), _decimal_comma(-0.25)
    ('2,5', '2020', '-0,25')
    """
    return f"{x:.6g}".replace(".", ",")


def localise(fig, lang: str) -> None:
    """Numeric tick labels in the report language (Indonesian: decimal comma)."""
    if lang != "id":
        return
    from matplotlib.ticker import FuncFormatter, ScalarFormatter

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if isinstance(axis.get_major_formatter(), ScalarFormatter):
                axis.set_major_formatter(FuncFormatter(_decimal_comma))


def fit_width(fig, text, room_in: float) -> None:
    """Break ``text`` (a title or an axis label) into lines when it is longer than ``room_in`` inches.

    The report's figures are saved as laid out, not cropped to what they draw (:func:`report.page.figure`),
    so a title wider than the figure, or a y label taller than its axes, would be cut off; Indonesian
    titles and labels often are that long. Measured with the figure's renderer (one text, no layout)."""
    import textwrap

    label = text.get_text()
    if not label or "\n" in label:
        return
    px, _, _ = fig.canvas.get_renderer().get_text_width_height_descent(
        label, text.get_fontproperties(), ismath=False
    )
    length = px / fig.dpi
    if length > room_in:
        text.set_text(textwrap.fill(label, max(int(len(label) * room_in / length), 20)))


def finish(fig, ax, title, source, lang):
    localise(fig, lang)
    fit_width(fig, ax.set_title(title, loc="left"), 0.8 * fig.get_figwidth())  # it starts where the axes do
    full = fig.subplotpars.top - fig.subplotpars.bottom  # the height one axes alone would get
    for a in fig.axes:  # a y label runs along its axes, which the layout leaves at about 60 % of the height
        fit_width(fig, a.yaxis.label, 0.6 * fig.get_figheight() * a.get_position().height / full)
    fig.text(0.01, 0.01, L.t("source_line", lang, source=source), fontsize=8, color="#555555", ha="left")
    fig.set_layout_engine(TightInto((0, 0.04, 1, 1)))  # laid out as it is drawn: one pass over the text
    return fig


def budget_by_year(df: pd.DataFrame, *, lang="en", source="", refocusing=(2020, 2021)) -> Figure:
    """Grouped bars of murni, perubahan and realisasi per year (Rp billion), the refocusing years shaded.

    ``df``: year + three money columns.
    """
    with matplotlib.rc_context(STYLE):
        fig, ax = new_figure()
        years = df["year"].astype(int).to_numpy()
        x = np.arange(len(years))
        cols = ["budget_original", "budget_revised", "spent"]
        hatches = ["", "//", ".."]
        for i, col in enumerate(cols):
            ax.bar(
                x + (i - 1) * 0.27,
                df[col].to_numpy() / 1e9,
                width=0.27,
                label=L.t(col, lang),
                color=PALETTE[i],
                hatch=hatches[i],
                edgecolor="white",
            )
        ax.set_xticks(x, [str(y) for y in years])
        ax.set_xlabel(L.t("year", lang))
        ax.set_ylabel(L.t("rp_billion", lang))
        ax.legend(ncols=3, **below(ax))
        _shade_refocusing(ax, years, x, refocusing)
        return finish(fig, ax, L.t("fig_budget_years", lang), source, lang)


def _shade_refocusing(ax, years, x, ref=(2020, 2021)):
    idx = [i for i, y in enumerate(years) if ref[0] <= y <= ref[1]]
    if idx:
        ax.axvspan(x[idx[0]] - 0.5, x[idx[-1]] + 0.5, color="#999999", alpha=0.12, lw=0)


def change_by_type(df: pd.DataFrame, *, lang="en", source="") -> Figure:
    """Horizontal bars of perubahan minus murni (Rp billion) per spending type and refocusing year.

    ``df``: year, spending_type, budget_original, budget_revised. Rupiah rather than % keeps a small
    budget line that grew several-fold (BTT) from dwarfing the large cuts.
    """
    with matplotlib.rc_context(STYLE):
        d = df.assign(change=(df["budget_revised"] - df["budget_original"]) / 1e9)
        piv = d.pivot_table(index="spending_type", columns="year", values="change", aggfunc="sum")
        piv = piv.loc[piv.abs().max(axis=1).sort_values().index]
        fig, ax = new_figure(8, 0.45 * len(piv) + 1.8)
        y = np.arange(len(piv))
        h = 0.8 / max(len(piv.columns), 1)
        hatches = ["", "//", "..", "xx"]
        for i, year in enumerate(piv.columns):
            ax.barh(
                y + i * h - 0.4 + h / 2,
                piv[year].to_numpy(),
                height=h,
                label=str(year),
                color=PALETTE[(i * 2) % 6],
                hatch=hatches[i % 4],
                edgecolor="white",
            )
        ax.set_yticks(y, [L.spending_label(s, lang) for s in piv.index])
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel(L.t("change_rp", lang))
        ax.legend(title=L.t("year", lang))
        return finish(fig, ax, L.t("fig_change_by_type", lang), source, lang)


def composition_shift(df: pd.DataFrame, y0: int, y1: int, *, lang="en", source="") -> Figure:
    """The change in each spending type's share of the revised budget (pp) and, beside it when ``df`` has
    ``change_rp``, its change in Rupiah (miliar): a share can grow while the Rupiah fall. Falls are hatched,
    so the chart reads in greyscale. ``df``: spending_type, shift_pp[, change_rp]."""
    with matplotlib.rc_context(STYLE):
        d = df.sort_values("shift_pp")
        with_rp = "change_rp" in d.columns
        fig, axes = new_figure(9 if with_rp else 8, 0.42 * len(d) + 1.8, ncols=2 if with_rp else 1)
        labels = [L.spending_label(s, lang) for s in d["spending_type"]]
        panels = [(axes[0][0], d["shift_pp"].to_numpy(), f"{L.t('share_pct', lang)}: {L.t('pp', lang)}")]
        if with_rp:
            panels.append(
                (axes[0][1], d["change_rp"].to_numpy() / 1e9, L.t("change_rp_years", lang, y0=y0, y1=y1))
            )
        for k, (ax, vals, xlabel) in enumerate(panels):
            ax.barh(
                labels,
                vals,
                color=[PALETTE[3] if v < 0 else PALETTE[0] for v in vals],
                hatch=["//" if v < 0 else "" for v in vals],
                edgecolor="white",
            )
            ax.axvline(0, color="black", lw=0.8)
            ax.set_xlabel(xlabel)
            if k:
                ax.tick_params(labelleft=False)
        return finish(fig, axes[0][0], L.t("fig_shift", lang, y0=y0, y1=y1), source, lang)


def opd_cuts(df: pd.DataFrame, *, n=15, lang="en", source="", label_col="opd") -> Figure:
    """The ``n`` OPDs with the largest dose (cut share over 2020-21), as horizontal bars in %."""
    with matplotlib.rc_context(STYLE):
        d = df.nlargest(n, "dose").iloc[::-1]
        fig, ax = new_figure(8, 0.32 * len(d) + 1.6)
        ax.barh(d[label_col].astype(str), d["dose"] * 100, color=PALETTE[1])
        ax.set_xlabel(L.t("dose", lang))
        ax.tick_params(axis="y", labelsize=8)
        return finish(fig, ax, L.t("fig_opd_cuts", lang), source, lang)


def capaian_by_year(
    df: pd.DataFrame,
    *,
    lang="en",
    source="",
    group_col: str | None = None,
    refocusing=(2020, 2021),
    ylabel_key="mean_achievement",
    title_key="fig_capaian_years",
) -> Figure:
    """Line of mean capaian per year (one line per group), refocusing years shaded.

    ``df``: year, mean, optional ci_low/ci_high and ``group_col``.
    """
    with matplotlib.rc_context(STYLE):
        fig, ax = new_figure()
        groups = [(None, df)] if group_col is None else list(df.groupby(group_col, sort=True))
        markers = ["o", "s", "^", "D", "v", "P"]
        for i, (name, g) in enumerate(groups):
            g = g.sort_values("year")
            ax.plot(
                g["year"],
                g["mean"],
                marker=markers[i % 6],
                color=PALETTE[i % 6],
                label=None if name is None else str(name),
            )
            if {"ci_low", "ci_high"} <= set(g.columns):
                ax.fill_between(g["year"], g["ci_low"], g["ci_high"], color=PALETTE[i % 6], alpha=0.15, lw=0)
        ax.axvspan(refocusing[0] - 0.5, refocusing[1] + 0.5, color="#999999", alpha=0.15, lw=0)
        ax.set_xticks(sorted(df["year"].unique()))
        ax.set_xlabel(L.t("year", lang))
        ax.set_ylabel(L.t(ylabel_key, lang))
        if group_col is not None:
            ax.legend(fontsize=8)
        return finish(fig, ax, L.t(title_key, lang), source, lang)


def bands_by_period(df: pd.DataFrame, order, *, lang="en", source="") -> Figure:
    """Stacked bars of band shares (%) per period. ``df``: period, band, share (0-1)."""
    with matplotlib.rc_context(STYLE):
        piv = df.pivot_table(
            index="period", columns="band", values="share", aggfunc="sum", observed=False
        ).fillna(0)
        periods = [p for p in ("pre", "refocusing", "post") if p in piv.index]
        piv = piv.loc[periods]
        fig, ax = new_figure(8, 3.6)
        left = np.zeros(len(piv))
        hatches = ["", "", "..", "//", "xx", "\\\\"]
        for i, band in enumerate(order):
            if band not in piv.columns:
                continue
            vals = piv[band].to_numpy() * 100
            ax.barh(
                [L.period_label(p, lang) for p in piv.index],
                vals,
                left=left,
                label=L.band_label(band, lang),
                color=BAND_COLOURS.get(band, PALETTE[i % 6]),
                hatch=hatches[i % 6],
                edgecolor="white",
            )
            left += vals
        ax.set_xlabel(L.t("share_pct", lang))
        ax.set_xlim(0, 100)
        ax.invert_yaxis()
        ax.legend(ncols=len(order), loc="upper left", bbox_to_anchor=(0, -0.2), fontsize=8)
        return finish(fig, ax, L.t("fig_bands", lang), source, lang)


def share_by_year(df: pd.DataFrame, *, lang="en", source="", title_key="fig_ceiling") -> Figure:
    """Bars of a share (0-1) per year, e.g. indicators at exactly 100 %."""
    with matplotlib.rc_context(STYLE):
        fig, ax = new_figure(8, 3.4)
        ax.bar(df["year"].astype(str), df["share"] * 100, color=PALETTE[1])
        ax.set_xlabel(L.t("year", lang))
        ax.set_ylabel(L.t("share_pct", lang))
        return finish(fig, ax, L.t(title_key, lang), source, lang)
