"""Generated chart readings agree with the data the chart draws ([reviewer]: no fixed reading may
contradict its chart). Each test recomputes the figure's numbers independently from the prepared demo
data and finds them, formatted, in the reading."""

from __future__ import annotations

import re

import pytest

from kinerja_analysis import labels as L
from kinerja_analysis.analysis import compare
from kinerja_analysis.report.sections import achievement


def _percents(text: str, lang: str) -> list[float]:
    nums = re.findall(r"(\d+(?:[.,]\d)?) %", text)
    return [float(n.replace(",", ".")) for n in nums]


@pytest.mark.parametrize("lang", ["en", "id"])
def test_band_reading_quotes_the_shares_the_chart_draws(demo_prepared, lang):
    p = demo_prepared
    order = [k for _, k in p.settings.bands]
    k = p.kinerja[p.kinerja["band"].notna()]
    text = achievement.bands_reading(compare.band_shares(k), order, lang)
    got = _percents(text, lang)
    expected = []
    for which in ("top", "low"):
        for per in ("pre", "refocusing", "post"):
            rows = k[k["period"] == per]
            bands = order[:1] if which == "top" else order[-2:]
            expected.append(round(100 * rows["band"].astype(str).isin(bands).mean(), 1))
    assert got == expected, text
    assert L.band_label(order[0], lang) in text


def test_band_reading_says_nothing_without_all_three_periods():
    import pandas as pd

    s = pd.DataFrame({"period": ["pre", "pre"], "band": ["baik", "cukup"], "share": [0.5, 0.5]})
    assert achievement.bands_reading(s, ["sangat_baik", "baik", "cukup"], "en") == ""


def test_grouped_table_heads_each_group_once_and_sorts_by_the_given_keys():
    import pandas as pd

    from kinerja_analysis.report import page

    df = pd.DataFrame(
        {
            "OPD": ["Dinas A", "Dinas A", "Dinas A", "Dinas B"],
            "Sasaran": ["S1", "S1", "S2", "S1"],
            "Target": ["2,44–3,94", "80", "1.016", "5"],
        }
    )
    html = page.table_html(df, group_by=["OPD", "Sasaran"], sort_keys={"Target": [2.44, 80.0, 1.016, 5.0]})
    assert html.count('<tbody class="ka-group">') == 3
    assert html.count(">Dinas A<") == 1 and html.count(">Dinas B<") == 1
    assert html.count(">S1<") == 2  # under Dinas A and under Dinas B
    assert '<th scope="col">OPD</th>' not in html  # the grouping columns are heads, not columns
    assert 'data-sort="2.44"' in html and 'data-sort="1.016"' in html


def test_lkjip_table_shows_ranges_whole_and_numbers_in_the_page_format(demo_prepared):
    from kinerja_analysis.report import lkjip

    t = lkjip.indicator_table(demo_prepared.kinerja, 2021, "id")
    upper = t["Target (batas atas)"]
    assert upper.notna().any()  # the demo has range targets
    i = upper.first_valid_index()
    text = lkjip.range_text(t.loc[i, "Target"], upper[i], "id")
    lo, hi = text.split("–")
    assert float(lo.replace(".", "").replace(",", ".")) == t.loc[i, "Target"]
    assert float(hi.replace(".", "").replace(",", ".")) == upper[i]


@pytest.mark.parametrize("lang", ["en", "id"])
def test_composition_reading_names_what_shares_are_of_and_types_that_grew_while_cut(demo_prepared, lang):
    from kinerja_analysis.analysis import anggaran as ag
    from kinerja_analysis.report.sections import budget

    a = demo_prepared.anggaran
    shift = ag.composition_shift(ag.composition(a, by=["year"]), 2019, 2020, by=[])
    text = budget.shift_reading(shift, 2019, 2020, lang)
    # independent recomputation from the budget rows
    tot = a.groupby("year")["budget_revised"].sum()
    change = tot[2020] / tot[2019] - 1
    assert L.fmt_pct(abs(change), lang, ratio=True) in text
    assert (
        ("fell" if lang == "en" else "turun") in text
        if change < 0
        else ("rose" if lang == "en" else "naik") in text
    )
    by = a.groupby(["year", "spending_type"])["budget_revised"].sum().unstack()
    share = by.div(by.sum(axis=1), axis=0)
    grew_but_cut = [
        s
        for s in by.columns
        if share.loc[2020, s] - share.loc[2019, s] > 0.0005 and by.loc[2020, s] < by.loc[2019, s]
    ]
    for s in by.columns:
        assert (L.spending_label(s, lang) in text) == (s in grew_but_cut), (s, text)


def test_data_quality_lists_the_opds_that_sit_out_the_models(demo_prepared, monkeypatch):
    """An OPD whose anggaran is missing has capaian but no dose: the data-quality page names it and why."""

    from kinerja_analysis.analysis import diagnostics
    from kinerja_analysis.report import page
    from kinerja_analysis.report.sections import data_quality

    p = demo_prepared
    region, opd = p.dose[["region_code", "opd"]].iloc[0]
    dose = p.dose[(p.dose["region_code"] != region) | (p.dose["opd"] != opd)]
    got = diagnostics.model_dropouts(p.kinerja, dose)
    assert got["opd"].tolist() == [opd] and got["reason"].tolist() == ["no_budget_opd"]
    recorded, shown = {}, []
    monkeypatch.setattr(page, "record", lambda key, value, **kw: recorded.setdefault(key, value))
    monkeypatch.setattr(page, "table", lambda df, **kw: shown.append(df))
    data_quality.model_dropouts(got, p, lang="id")
    assert recorded["model_dropouts_n"] == 1
    assert shown[0].iloc[0, 1] == opd and shown[0].iloc[0, 3] == "tidak ada anggaran untuk OPD"
    assert diagnostics.model_dropouts(p.kinerja, p.dose).empty  # the demo itself drops nobody
