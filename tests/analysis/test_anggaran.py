"""Refocusing measures with hand-computed values."""

import math

import pandas as pd
import pytest

from kinerja_analysis.analysis import anggaran as ag
from kinerja_analysis.config import Periods


def _frame():
    # region x, OPD A: 2020 murni 200 → 120 (cut 80), 2021 murni 100 → 100; OPD B: 2020 100 → 130 (health up)
    return pd.DataFrame(
        {
            "region_code": ["99.01"] * 6,
            "year": [2019, 2020, 2021, 2019, 2020, 2021],
            "opd": ["A", "A", "A", "B", "B", ""],
            "spending_type": ["modal", "modal", "barang_jasa", "barang_jasa", "barang_jasa", "btt"],
            "budget_original": [150.0, 200.0, 100.0, 90.0, 100.0, 10.0],
            "budget_revised": [150.0, 120.0, 100.0, 90.0, 130.0, 60.0],
            "spent": [140.0, 100.0, 95.0, 80.0, 117.0, 54.0],
        }
    )


def test_cut_share_and_absorption_by_hand():
    s = ag.summarise(_frame(), ["year"]).set_index("year")
    # 2020: murni 200+100 = 300, revised 120+130 = 250 -> cut 50/300
    assert s.at[2020, "cut_share"] == pytest.approx(50 / 300)
    # 2020 spent 100+117 = 217 of 250
    assert s.at[2020, "absorption"] == pytest.approx(217 / 250)
    # 2021: murni 110, revised 160 (btt up) -> cut -50/110
    assert s.at[2021, "cut_share"] == pytest.approx(-50 / 110)


def test_opd_dose_excludes_pemda_rows_and_sums_refocusing_years():
    d = ag.opd_dose(_frame(), Periods()).set_index("opd")
    # A: murni 200+100 = 300, revised 120+100 = 220 -> 80/300
    assert d.at["A", "dose"] == pytest.approx(80 / 300)
    # B: 100 -> 130 -> -0.3
    assert d.at["B", "dose"] == pytest.approx(-0.3)
    assert "" not in d.index


def test_composition_and_shift_by_hand():
    comp = ag.composition(_frame(), by=("year",))
    c20 = comp[comp["year"] == 2020].set_index("spending_type")["share"]
    assert c20["modal"] == pytest.approx(120 / 250)
    assert c20["barang_jasa"] == pytest.approx(130 / 250)
    shift = ag.composition_shift(comp, 2019, 2020, by=()).set_index("spending_type")
    # 2019: modal 150/240, barang_jasa 90/240
    assert shift.at["modal", "shift_pp"] == pytest.approx((120 / 250 - 150 / 240) * 100)


def test_missing_murni_gives_no_cut_share_not_zero():
    df = _frame().assign(budget_original=float("nan"))
    s = ag.summarise(df, ["year"])
    assert s["cut_share"].isna().all()
    assert s["budget_original"].isna().all()


def test_pefa_by_hand():
    assert ag.pefa_pi1(95, 100) == 95.0
    # b = (50, 30, 20), a = (40, 40, 10): A/B = 0.9; adjusted = (45, 27, 18); |dev| = 5 + 13 + 8 = 26; 26/90
    assert ag.pefa_pi2([50, 30, 20], [40, 40, 10]) == pytest.approx(26 / 90 * 100)
    assert math.isnan(ag.pefa_pi2([0, 0], [1, 1]))
