"""The national map (charts.map), Rupiah in the page's language (sections.pemda.rp) and the index columns
of a set of pemda pages (run.render.index_page)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgb

from kinerja_analysis.report.charts import map as maps
from kinerja_analysis.report.sections.pemda import rp
from kinerja_analysis.run import render


def _square(x0, y0, size=1.0):
    return np.array([[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size]], float)


def _districts():
    return [
        SimpleNamespace(bps_code=f"99{i:02d}", province_bps="99", polygons=[[_square(100 + 2 * i, 0)]])
        for i in range(1, 5)
    ]


def _lightness(rgba) -> float:
    r, g, b = to_rgb(rgba)
    return 0.299 * r + 0.587 * g + 0.114 * b


def test_choropleth_orders_colours_by_value_and_hatches_districts_without_data():
    shapes = maps.polygons(_districts())
    values = pd.Series({"9901": 1.0, "9902": 5.0, "9903": 9.0})  # 9904 has no value
    fig = maps.choropleth(shapes, values, lang="id", title="t", legend="x", decimals=1, vmin=0.0, vmax=10.0)
    fig.draw_without_rendering()
    ax = fig.axes[0]
    colls = [c for c in ax.collections if isinstance(c, PolyCollection)]
    missing = [c for c in colls if c.get_hatch()]
    coloured = [c for c in colls if not c.get_hatch()]
    assert len(missing) == 1 and len(missing[0].get_paths()) == 1  # one hatched district
    light = [_lightness(fc) for fc in coloured[0].get_facecolors()]
    assert light[0] < light[1] < light[2]  # higher value, lighter colour: reads in greyscale too
    ticks = [t.get_text() for t in fig.axes[1].get_xticklabels() if t.get_text()]
    assert any("," in t for t in ticks)  # legend in the page's number format (Indonesian decimal comma)
    x0, x1 = ax.get_xlim()
    assert x0 <= 102 and x1 >= 109  # every district inside the view


def test_clip_to_disk_keeps_small_cells_and_cuts_large_ones_around_the_centre():
    big = _square(-10, -10, 20)
    clipped = maps.clip_to_disk(big, 1.0, centre=(3.0, 4.0))
    assert np.hypot(clipped[:, 0] - 3, clipped[:, 1] - 4).max() <= 1.0 + 1e-9
    small = _square(0, 0, 0.5)
    assert np.array_equal(maps.clip_to_disk(small, 1.0), small)


def test_rupiah_in_short_form_per_language():
    assert rp(50.46e12, "id") == "Rp 50,5 T" and rp(50.46e12, "en") == "Rp 50.5 tn"
    assert rp(1.5e9, "id") == "Rp 1,5 M" and rp(2.5e6, "en") == "Rp 2.5 m"


def test_index_of_pemda_pages_shows_the_pemda_key_figures():
    entries = [
        {
            "name": "06_pemda-75.71",
            "status": "ok",
            "html": "06_pemda-75.71.html",
            "results": {"peer_cut_intensity_pp": {"value": 8.2}, "peer_serapan_last_pct": {"value": 90.0}},
        }
    ]
    page = render.index_page(entries, title="t", lang="id")
    assert "Intensitas pemotongan" in page and 'data-sort="8.2"' in page
    assert "Porsi pemotongan" not in page  # the template reports' columns, empty here, are left out
    demo = render.index_page([{"name": "x", "status": "ok", "results": {}}], title="t", lang="en")
    assert "Cut share" in demo  # a template report set keeps its columns
