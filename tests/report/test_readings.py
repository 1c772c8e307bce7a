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
