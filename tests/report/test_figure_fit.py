"""Laid-out charts are saved uncropped (one pass over their text, [speed]); these tests make sure nothing
they draw is cut off: :func:`report.page.check_inside` finds what reaches past the edges, and
:func:`charts.base.fit_width` breaks titles and y labels that would."""

from __future__ import annotations

import base64
import io
import re
import struct

import matplotlib
import pytest

from kinerja_analysis.report import page
from kinerja_analysis.report.charts import base

LONG_ID_TITLE = "Perubahan realisasi belanja menurut jenis: rata-rata 2020–2021 dikurangi 2019 per kelompok"
LONG_ID_YLABEL = "Perubahan rata-rata capaian vs sebelum periode refocusing (poin persen)"


def _laid_out(title="Judul", ylabel="", legend_cols=0, width=8.0, height=4.2, fit=True):
    with matplotlib.rc_context(base.STYLE):
        fig, ax = base.new_figure(width, height)
        for i in range(max(legend_cols, 1)):
            ax.plot([0, 1], [i, i + 1], label=f"seri dengan nama yang panjang {i}")
        if legend_cols:
            ax.legend(loc="upper left", bbox_to_anchor=(0, -0.14), ncols=legend_cols)
        ax.set_ylabel(ylabel)
        if fit:
            return base.finish(fig, ax, title, "uji", "id")
        ax.set_title(title, loc="left")
        fig.set_layout_engine("tight", rect=(0, 0.04, 1, 1))
        return fig


def _drawn(fig):
    fig.savefig(io.BytesIO(), format="png")
    return fig


def test_a_plain_chart_is_inside():
    page.check_inside(_drawn(_laid_out()))


def test_a_legend_wider_than_the_figure_is_found():
    with pytest.raises(ValueError, match=r"draws past its edges by .*[0-9.]+ in at the right"):
        page.check_inside(_drawn(_laid_out(legend_cols=4)))


def test_a_long_title_is_found_and_fit_width_breaks_it():
    with pytest.raises(ValueError, match="at the right"):
        page.check_inside(_drawn(_laid_out(LONG_ID_TITLE, fit=False)))
    fig = _drawn(_laid_out(LONG_ID_TITLE))
    title = fig.axes[0].get_title(loc="left")
    assert "\n" in title and title.replace("\n", " ") == LONG_ID_TITLE  # no word lost
    page.check_inside(fig)


def test_a_y_label_taller_than_its_axes_is_found_and_broken():
    # the figure's own tight box counts an axis label only across its axis; check_inside counts all of it
    with pytest.raises(ValueError, match="at the (top|bottom)"):
        page.check_inside(_drawn(_laid_out(ylabel=LONG_ID_YLABEL, height=3.0, fit=False)))
    fig = _drawn(_laid_out(ylabel=LONG_ID_YLABEL, height=3.0))
    assert "\n" in fig.axes[0].get_ylabel()
    page.check_inside(fig)


def test_a_legend_on_the_x_label_is_found_and_below_clears_it():
    """A legend hung below the axes by an axes fraction lies on the x label when the axes are short;
    base.below hangs it in inches, under the label."""

    def chart(legend):
        with matplotlib.rc_context(base.STYLE):
            fig, ax = base.new_figure(8, 2.6)
            ax.plot([2019, 2023], [0, 1], label="seri")
            ax.set_xlabel("Tahun")
            ax.legend(**legend(ax))
            return _drawn(base.finish(fig, ax, LONG_ID_TITLE, "uji", "id"))

    with pytest.raises(ValueError, match="legend overlaps the label"):
        page.check_inside(chart(legend=lambda ax: {"loc": "upper left", "bbox_to_anchor": (0, -0.12)}))
    page.check_inside(chart(legend=base.below))


def test_a_short_title_is_left_alone():
    fig = _laid_out("Serapan (%)")
    assert fig.axes[0].get_title(loc="left") == "Serapan (%)"


def _png_size(monkeypatch, fig):
    shown = []
    monkeypatch.setattr(page, "_display", lambda bundle: shown.append(bundle))
    page.figure(fig)
    b64 = re.search(r"base64,([A-Za-z0-9+/=]+)", shown[0]["text/html"]).group(1)
    return struct.unpack(">II", base64.b64decode(b64)[16:24])


def test_laid_out_figures_keep_their_size_and_others_are_cropped(monkeypatch):
    monkeypatch.delenv(page.CHECK_FIGURES_ENV, raising=False)
    assert _png_size(monkeypatch, _laid_out(width=8, height=4.2)) == (800, 420)
    from matplotlib.figure import Figure

    own = Figure(figsize=(8, 4.2))  # an analyst's figure without a layout engine: cropped to what it draws
    own.add_subplot().plot([0, 1])
    w, h = _png_size(monkeypatch, own)
    assert (w, h) != (800, 420) and w < 800


def test_figure_raises_under_the_check_variable(monkeypatch):
    monkeypatch.setenv(page.CHECK_FIGURES_ENV, "1")
    monkeypatch.setattr(page, "_display", lambda bundle: None)
    with pytest.raises(ValueError, match="past its edges"):
        page.figure(_laid_out(legend_cols=4))
    monkeypatch.delenv(page.CHECK_FIGURES_ENV)
    page.figure(_laid_out(legend_cols=4))  # without it, no extra pass and no error


def _pixels(data: bytes):
    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def test_png_of_a_chart_has_the_pixels_savefig_draws():
    """png() draws a laid-out chart once and writes it as RGB; savefig draws it twice and writes RGBA:
    the pixels must be the same, in a long Indonesian title and legend too."""
    import numpy as np
    from PIL import Image

    for kwargs in ({}, {"title": LONG_ID_TITLE, "legend_cols": 2}):
        ours = page.png(_laid_out(**kwargs))
        buf = io.BytesIO()
        _laid_out(**kwargs).savefig(buf, format="png")
        assert Image.open(io.BytesIO(ours)).mode == "RGB"  # opaque: no alpha channel written
        assert np.array_equal(_pixels(ours), _pixels(buf.getvalue()))


def test_png_keeps_transparency_and_leaves_pyplot_figures_to_savefig(monkeypatch):
    from PIL import Image

    fig = _laid_out()
    fig.patch.set_alpha(0)  # a transparent background must not be flattened
    assert Image.open(io.BytesIO(page.png(fig))).mode == "RGBA"

    import matplotlib.pyplot as plt

    saved = []
    pyfig = plt.figure(figsize=(4, 3), layout="tight")  # has a manager: saved with its own save settings
    pyfig.add_subplot().plot([0, 1])
    monkeypatch.setattr(type(pyfig), "savefig", lambda self, *a, **k: saved.append(k) or None)
    page.png(pyfig)
    plt.close(pyfig)
    assert saved == [{"format": "png", "bbox_inches": None}]


@pytest.mark.parametrize(
    ("rows", "cols", "rect"),
    [
        (1, 1, (0, 0.04, 1, 1)),
        (1, 2, (0, 0.04, 1, 1)),
        (2, 3, (0, 0.03, 1, 0.97)),
        (3, 1, (0.02, 0.1, 0.9, 0.9)),
        (2, 2, (0.05, 0.1, 0.9, 0.95)),
    ],
)
def test_tight_into_lays_out_as_matplotlibs_tight_layout_with_rect(rows, cols, rect):
    """base.TightInto measures once where TightLayoutEngine(rect=...) measures twice: same pixels, in
    grids with gaps to work out again in both directions."""
    import numpy as np

    def grid(engine):
        with matplotlib.rc_context(base.STYLE):
            fig, axes = base.new_figure(3.2 * cols, 2.6 * rows + 0.6, nrows=rows, ncols=cols)
            for i, ax in enumerate(axes.ravel()):
                ax.plot([0, 1000 * (i + 1)], [0, 1])
                ax.set_title(f"Panel {i} dengan judul", loc="left")
                ax.set_ylabel("Capaian (%)")
                ax.set_xlabel("Pemotongan (pp)")
            fig.suptitle("Judul gambar", x=0.01, ha="left")
            fig.set_layout_engine(engine)
            return fig

    ours = grid(base.TightInto(rect))
    theirs = grid(matplotlib.layout_engine.TightLayoutEngine(rect=rect))
    assert np.array_equal(_pixels(page.png(ours)), _pixels(page.png(theirs)))
    params = ("left", "bottom", "right", "top", "wspace", "hspace")
    got = [getattr(ours.subplotpars, k) for k in params]
    assert got == pytest.approx([getattr(theirs.subplotpars, k) for k in params], abs=1e-12)
    assert ours.subplotpars.bottom > rect[1]  # the layout did run, into the rect
