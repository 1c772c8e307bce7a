"""Cells, rows and charts of the real-data pages (notebooks 05 and 06): precision that follows the measure,
serapan over 100 % flagged, spending types in APBD order with a total row, the Rupiah-cut sentence
generated from the data, greyscale-safe PEFA bands, BTT multiples without a log scale, scatter labels that
never collide, and decimal commas on every Indonesian real-data chart."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb
from matplotlib.ticker import FuncFormatter

from kinerja_analysis.report.charts import impact as plots_impact
from kinerja_analysis.report.charts import province as plots
from kinerja_analysis.report.sections import province_tables as tables
from kinerja_analysis.report.sections import real_cells as cells

NB = "\u00a0"


def _lum(colour) -> float:
    r, g, b = to_rgb(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b


# ---------------------------------------------------------------- precision
def test_pefa_cells_keep_one_decimal_so_close_scores_differ():
    a, b = cells.pefa_cell(95.38, "A", "en"), cells.pefa_cell(94.55, "B", "en")
    assert a == f"A{NB}·{NB}95.4{NB}%" and b.startswith(f"B{NB}·{NB}94.")
    assert a.split("·")[1] != b.split("·")[1]  # never "A · 95" beside "B · 95"
    assert cells.pefa_cell(101.04, "A", "id", unit=False) == f"A{NB}·{NB}101,0"
    assert " " not in a  # unbreakable: a narrow column never splits the cell
    assert cells.pefa_cell(np.nan, None, "en") == "–" and cells.pefa_cell(np.nan, "D", "en") == "D"


def test_gini_to_three_decimals_other_measures_to_two():
    got = cells.measure_cells([0.377, 0.379, 9.5, np.nan], ["gini", "gini", "poverty_rate", "ipm"], "id")
    assert got == ["0,377", "0,379", "9,50", "–"]  # no "0,38 – 0,38"


def test_rkp_table_shows_a_gini_range_that_differs():
    d = pd.DataFrame(
        {
            "measure": ["gini", "poverty_rate"],
            "year": [2021, 2021],
            "target_lower": [0.377, 9.2],
            "target_upper": [0.379, 9.7],
            "actual": [0.381, 9.71],
            "achievement": [99.5, 99.9],
            "note": ["", ""],
        }
    )
    show, keys = tables.rkp(d, "en")
    assert show.iloc[0, 2] == "0.377" and show.iloc[0, 3] == "0.379" and show.iloc[1, 3] == "9.70"
    assert keys[show.columns[2]] == [0.377, 9.2]  # the text columns sort by the numbers


def test_outcome_table_has_no_code_column_names():
    stats = pd.DataFrame(
        {
            "measure": ["gini"],
            "window": ["change_refocusing"],
            "n": [34],
            "r": [0.01],
            "r_lo": [-0.39],
            "r_hi": [0.36],
            "slope": [0.00012],
            "slope_lo": [-0.0004],
            "slope_hi": [0.0006],
        }
    )
    for lang in ("en", "id"):
        show = tables.outcomes(stats, lang)
        assert not {"r_lo", "r_hi", "slope", "slope_lo", "slope_hi", "n", "measure", "window"} & set(
            show.columns
        )
    show = tables.outcomes(stats, "id")
    assert show.iloc[0, 4] == "[-0,39; 0,36]" and show.iloc[0, 5] == "0,0001"


# ---------------------------------------------------------------- flags and order
def test_serapan_above_100_is_flagged_and_only_then():
    got = cells.serapan_cells([0.932, 1.0, 1.368, np.nan], "id")
    assert got == ["93,2", "100,0", f"136,8{NB}†", "–"]
    assert cells.serapan_cells([101.2], "en", ratio=False) == [f"101.2{NB}†"]
    assert cells.any_over([0.9, 1.01]) and not cells.any_over([0.9, 1.0, np.nan])


def test_negative_cut_is_flagged_as_increased():
    assert (
        cells.cut_flag(-0.1, "en") == "increased, not cut"
        and cells.cut_flag(-2, "id") == "naik, bukan dipotong"
    )
    assert cells.cut_flag(0.0, "en") == "" and cells.cut_flag(np.nan, "en") == ""


def _comp() -> pd.DataFrame:
    rows = {
        2019: {
            "btt": 0.11e12,
            "modal": 50.46e12,
            "pegawai": 88.9e12,
            "barang_jasa": 80.7e12,
            "hibah": 53.7e12,
        },
        2020: {
            "btt": 17.3e12,
            "modal": 33.72e12,
            "pegawai": 83.1e12,
            "barang_jasa": 71.2e12,
            "hibah": 58.4e12,
        },
        2021: {"btt": 2.4e12, "modal": 40.5e12, "pegawai": 84.7e12, "barang_jasa": 89.5e12, "hibah": 57.5e12},
    }
    return pd.DataFrame(
        [{"year": y, "spending_type": t, "spent": v} for y, d in rows.items() for t, v in d.items()]
    )


def test_type_table_in_apbd_order_with_a_total_row():
    show = cells.type_table(_comp(), [2019, 2020, 2021], "en")
    assert show.iloc[:, 0].tolist() == [
        "Personnel",
        "Goods & services",
        "Capital",
        "Grants (hibah)",
        "Unforeseen (BTT)",
        "Total",
    ]
    total = _comp().groupby("year")["spent"].sum()
    assert show.iloc[-1]["2019"] == cells.rp_cell(total[2019], "en")
    assert show.iloc[-1, 4] == cells.rp_cell(total[2020] - total[2019], "en")  # change 2019 -> 2020
    assert cells.type_rank(["btt", "modal", "pegawai"]) == [9, 2, 0]


def test_rupiah_cut_sentence_says_the_data_numbers():
    text = cells.rupiah_cuts(_comp(), 2019, 2020, "en")
    assert f"Capital, from Rp 50.5 tn to Rp 33.7 tn (−33{NB}%)" in text  # 1 - 33.72/50.46 = 33.2 %
    assert (
        text.index("Capital") < text.index("Goods & services") < text.index("Personnel")
    )  # biggest fall first
    assert (
        "Unforeseen (BTT), from Rp 110.0 bn to Rp 17.3 tn" in text and "Grants" not in text.split("rise")[0]
    )
    total = _comp().groupby("year")["spent"].sum()
    assert cells.rp(total[2019], "en") in text and cells.rp(total[2020], "en") in text
    text_id = cells.rupiah_cuts(_comp(), 2019, 2020, "id")
    assert "Modal, dari Rp 50,5 T menjadi Rp 33,7 T" in text_id
    assert cells.rupiah_cuts(_comp(), 2018, 2020, "en") == ""  # base year missing: no sentence


def test_rupiah_cut_sentence_on_the_real_data(realdata):
    from kinerja_analysis.analysis import province
    from kinerja_analysis.ingest import realdata as rdm

    rd = rdm.load(realdata, level="provinsi")
    a = province.complete_years(rd.anggaran)
    comp = province.shares(a, value="spent", by=("year",))
    text = cells.rupiah_cuts(comp, 2019, 2020, "en")
    modal = a[a["spending_type"] == "modal"].groupby("year")["spent"].sum()  # independent of the pivot
    assert f"from {cells.rp(modal[2019], 'en')} to {cells.rp(modal[2020], 'en')}" in text
    assert modal[2020] < modal[2019]


def test_shift_rows_order_and_total():
    s = pd.DataFrame(
        {
            "spending_type": ["modal", "btt", "pegawai"],
            "base_rp": [75.0, 5.0, 20.0],
            "during_rp": [55.0, 25.0, 20.0],
            "change_rp": [-20.0, 20.0, 0.0],
            "share_base_pct": [75.0, 5.0, 20.0],
            "share_during_pct": [55.0, 25.0, 20.0],
            "change_pp": [-20.0, 20.0, 0.0],
        }
    )
    rows = cells.shift_rows(s)
    assert rows["spending_type"].tolist() == ["pegawai", "modal", "btt", "__total__"]
    assert rows.iloc[-1][["base_rp", "during_rp", "change_rp", "change_pp"]].tolist() == [
        100.0,
        100.0,
        0.0,
        0.0,
    ]


# ---------------------------------------------------------------- charts
def test_pefa_bands_differ_in_greyscale_and_hatching():
    counts = pd.DataFrame({"A": [10, 4], "B": [10, 10], "C": [8, 10], "D": [6, 10]}, index=[2019, 2020])
    fig = plots.pefa_counts(counts, lang="id")
    ax = fig.axes[0]
    by_band = {c.get_label(): c.patches[0] for c in ax.containers}
    lum = {b: _lum(p.get_facecolor()) for b, p in by_band.items()}
    assert lum["A"] > lum["B"] > lum["C"] > lum["D"]  # lightness steps from A to D
    assert min(np.diff(sorted(lum.values()))) > 0.1, lum  # no two bands the same grey
    assert lum["A"] - lum["D"] > 0.6
    assert len({p.get_hatch() or "" for p in by_band.values()}) == 4  # and a hatch of its own


def test_btt_multiples_are_dots_on_a_linear_scale():
    df = pd.DataFrame(
        {"year": [2019, 2020, 2021], "btt_budget": [10.0, 1.0, 4.0], "btt_spent": [1.0, 20.16, 2.0]}
    )
    fig = plots.btt_ratio(df, lang="id")
    ax = fig.axes[0]
    assert ax.get_xscale() == "linear" and ax.get_yscale() == "linear"
    assert not ax.patches  # no bars
    texts = [t.get_text() for t in ax.texts]
    assert "20,16×" in texts and "0,10×" in texts and "0,50×" in texts


def test_efficiency_scatter_numbers_never_overlap():
    rng = np.random.default_rng(1)
    n = 40
    q = pd.DataFrame(
        {
            "opd": [f"Dinas Pekerjaan Umum dan Penataan Ruang {i}" for i in range(n)],
            "capaian": np.r_[rng.normal(90, 3, n - 6), [60, 60.5, 61, 60.2, 59.8, 60.7]],
            "serapan": np.r_[rng.normal(0.9, 0.03, n - 6), [0.5, 0.505, 0.51, 0.502, 0.498, 0.507]],
        }
    )
    q["quadrant"] = "low_capaian_low_serapan"
    fig = plots_impact.efficiency_quadrants(q, 85.0, 0.85, lang="en")
    fig.draw_without_rendering()
    ax = fig.axes[0]
    numbers = [t for t in ax.texts if re.fullmatch(r"\d+", t.get_text())]
    assert len(numbers) == 6  # the six planted outliers, tightly clustered
    boxes = [t.get_window_extent() for t in numbers]
    assert not any(boxes[i].overlaps(boxes[j]) for i in range(6) for j in range(i + 1, 6))
    key = fig.axes[1].texts[0]
    assert key.get_text().count("\n") == 5 and key.get_text().startswith("1  Dinas")
    assert key.get_window_extent().x1 <= fig.bbox.x1 + 1  # the key is inside the figure, not cut off


@pytest.mark.parametrize("lang", ["id"])
def test_every_real_data_chart_uses_decimal_commas(lang):
    panel = {
        "x": np.array([-2.5, 0.5, 3.5]),
        "y": np.array([0.25, -0.5, 0.75]),
        "grid": np.linspace(-2.5, 3.5, 5),
        "fit": np.zeros(5),
        "lo": -np.ones(5) * 0.5,
        "hi": np.ones(5) * 0.5,
        "title": "t",
        "ylabel": "y",
        "r": 0.1,
        "r_lo": -0.5,
        "r_hi": 0.6,
    }
    cut = pd.DataFrame({"name": ["a", "b", "c"], "cut_intensity_pp": [-1.5, 2.5, 0.5]})
    figs = [
        plots.scatter_fits([panel, panel], lang=lang, title="x"),
        plots.cut_intensity(cut, lang=lang),
        plots.btt_ratio(pd.DataFrame({"year": [2019], "btt_budget": [4.0], "btt_spent": [1.0]}), lang=lang),
    ]
    for fig in figs:
        fig.draw_without_rendering()
        for ax in fig.axes:
            if not ax.get_visible():
                continue
            fmt = ax.xaxis.get_major_formatter()
            assert isinstance(fmt, FuncFormatter)
            labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
            assert labels and not any("." in s for s in labels), labels
            assert any("," in s for s in labels) or all(s.lstrip("−-").isdigit() for s in labels)


def test_negative_cut_bars_are_hatched_and_named():
    cut = pd.DataFrame({"name": ["a", "b", "c"], "cut_intensity_pp": [-1.5, 2.5, 0.5]})
    ax = plots.cut_intensity(cut, lang="en").axes[0]
    labels = [c.get_label() for c in ax.containers]
    assert "increased, not cut" in labels
    neg = ax.containers[labels.index("increased, not cut")]
    assert len(neg.patches) == 1 and neg.patches[0].get_hatch()


def test_cut_bars_stay_beside_their_province():
    cut = pd.DataFrame({"name": ["a", "b", "c", "d"], "cut_intensity_pp": [13.0, -8.0, 0.5, -1.0]})
    ax = plots.cut_intensity(cut, lang="en").axes[0]
    names = {round(t.get_position()[1]): t.get_text() for t in ax.get_yticklabels()}
    got = {
        names[round(p.get_y() + p.get_height() / 2)]: p.get_width() for c in ax.containers for p in c.patches
    }
    assert got == {"a": 13.0, "b": -8.0, "c": 0.5, "d": -1.0}
