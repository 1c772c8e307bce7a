"""A choropleth of Indonesia's districts drawn with matplotlib alone (PolyCollection): no web tiles, no
external requests, no geopandas.

Polygons come as {BPS code: [ring, ...]} with each ring an (n, 2) array of longitude/latitude (see
:func:`polygons`, from :func:`kinerja_analysis.ingest.grdp.read_map`); values as a Series indexed by BPS code. Colours are one sequential map whose lightness
changes monotonically (``cividis``), so the map also reads in greyscale; districts without a value are
light grey and hatched, and the caller counts them in the caption.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from ... import labels as L
from .base import STYLE, new_figure

CMAP = "cividis"
NO_DATA = "#e6e6e6"


def polygons(
    districts, *, radius: float | None = None, centres: dict | None = None
) -> dict[str, list[np.ndarray]]:
    """{BPS code: [outer ring, ...]} of the districts of :func:`kinerja_analysis.ingest.grdp.read_map`
    (holes are left out: too small to see at this scale); with ``radius`` (degrees) each ring is clipped
    to that distance from the district's centre (``centres``: {BPS code: (lon, lat)}, else the ring's
    centroid; :func:`clip_to_disk`).

    >>> from types import SimpleNamespace as D
    >>> ring = np.array([[0, 0], [1, 0], [1, 1]], float)
    >>> p = polygons([D(bps_code="7571", polygons=[[ring, ring[:3] / 2]], province_bps="75")])
    >>> list(p), len(p["7571"])
    (['7571'], 1)
    """
    out: dict[str, list[np.ndarray]] = {}
    for d in districts:
        rings = [poly[0] for poly in d.polygons if len(poly)]
        if radius is not None:
            c = (centres or {}).get(str(d.bps_code))
            rings = [r for r in (clip_to_disk(r, radius, centre=c) for r in rings) if len(r) >= 3]
        out.setdefault(str(d.bps_code), []).extend(rings)
    return out


def _centroid(ring: np.ndarray) -> np.ndarray:
    """Area centroid of a simple polygon ring (vertex mean when the area is 0)."""
    x, y = ring[:, 0], ring[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2
    if abs(area) < 1e-12:
        return ring.mean(axis=0)
    return np.array([((x + np.roll(x, -1)) * cross).sum(), ((y + np.roll(y, -1)) * cross).sum()]) / (6 * area)


def clip_to_disk(ring: np.ndarray, radius: float, n: int = 36, centre=None) -> np.ndarray:
    """The part of a convex ring within ``radius`` of ``centre`` (default: its centroid; the disk drawn as an ``n``-gon),
    by Sutherland-Hodgman clipping. The quarcs map's cells are Thiessen (Voronoi) cells of the district
    centres, which reach far into the sea; clipped, the islands show.

    >>> sq = np.array([[-5, -5], [5, -5], [5, 5], [-5, 5]], float)
    >>> c = clip_to_disk(sq, 1.0, n=4); bool(np.abs(c).max() <= 1.0 + 1e-9), len(c)
    (True, 4)
    >>> small = sq / 10; bool(np.allclose(clip_to_disk(small, 1.0), small))
    True
    """
    centre = _centroid(ring) if centre is None else np.asarray(centre, float)
    if np.hypot(*(ring - centre).T).max() <= radius:
        return ring
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    clip = centre + radius * np.column_stack([np.cos(t), np.sin(t)])
    out = [p for p in ring]
    for a, b in zip(clip, np.roll(clip, -1, axis=0)):
        if not out:
            break
        edge = b - a

        def inside(p, a=a, edge=edge):
            return edge[0] * (p[1] - a[1]) - edge[1] * (p[0] - a[0]) >= 0

        src, out = out, []
        for p, q in zip(src, src[1:] + src[:1]):
            pin, qin = inside(p), inside(q)
            if pin:
                out.append(p)
            if pin != qin:  # the segment crosses the clip edge
                d = q - p
                den = edge[0] * d[1] - edge[1] * d[0]
                if den:
                    s = (edge[1] * (p[0] - a[0]) - edge[0] * (p[1] - a[1])) / den
                    out.append(p + s * d)
    return np.asarray(out, float) if len(out) >= 3 else ring[:0]


def province_of(districts) -> dict[str, str]:
    """{district BPS code: province BPS code} of the map's districts."""
    return {str(d.bps_code): str(d.province_bps) for d in districts}


def choropleth(
    shapes: dict[str, list[np.ndarray]],
    values: pd.Series,
    *,
    lang: str = "en",
    source: str = "",
    title: str = "",
    legend: str = "",
    decimals: int = 0,
    vmin: float | None = None,
    vmax: float | None = None,
) -> Figure:
    """The map of ``values`` (indexed by BPS code) over ``shapes``; colour bar ticks in the page's
    number format. Limits default to the 2nd and 98th percentiles, so one outlier does not wash out the rest."""
    v = pd.Series(values, dtype=float)
    v.index = v.index.astype(str)
    known = v.dropna()
    lo = float(np.nanpercentile(known, 2)) if vmin is None and len(known) else (vmin or 0.0)
    hi = float(np.nanpercentile(known, 98)) if vmax is None and len(known) else (vmax or 1.0)
    if hi <= lo:
        hi = lo + 1.0
    norm = Normalize(lo, hi, clip=True)
    cmap = matplotlib.colormaps[CMAP]
    with matplotlib.rc_context(STYLE):
        fig, ax = new_figure(10, 4.6)
        have, rings_have, rings_none = [], [], []
        for code, rings in shapes.items():
            val = v.get(code, np.nan)
            if pd.notna(val):
                rings_have += rings
                have += [val] * len(rings)
            else:
                rings_none += rings
        if rings_none:
            ax.add_collection(
                PolyCollection(rings_none, facecolor=NO_DATA, edgecolor="#9a9a9a", hatch="////", lw=0.15)
            )
        if rings_have:
            ax.add_collection(
                PolyCollection(rings_have, facecolor=cmap(norm(np.asarray(have))), edgecolor="white", lw=0.15)
            )
        pts = np.vstack([ring for rings in shapes.values() for ring in rings]) if shapes else np.zeros((1, 2))
        ax.set_xlim(pts[:, 0].min() - 0.5, pts[:, 0].max() + 0.5)
        ax.set_ylim(pts[:, 1].min() - 0.5, pts[:, 1].max() + 0.5)
        ax.set_aspect("equal")
        ax.set_axis_off()
        fig.subplots_adjust(left=0.02, right=0.98, top=0.92, bottom=0.1)
        sm = matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)
        cbar = fig.colorbar(sm, ax=ax, orientation="horizontal", fraction=0.05, pad=0.02, aspect=40)
        cbar.set_label(legend, fontsize=9)
        cbar.ax.xaxis.set_major_formatter(
            matplotlib.ticker.FuncFormatter(lambda x, _p: L.fmt_num(x, lang, decimals))
        )
        ax.set_title(title, loc="left")
        # below the colour bar's label (the page saves with bbox_inches="tight", which keeps it)
        fig.text(
            0.01,
            -0.02,
            L.t("source_line", lang, source=source),
            fontsize=8,
            color="#555555",
            ha="left",
            va="top",
        )
        return fig


__all__ = ["CMAP", "choropleth", "polygons", "province_of"]
