"""PEFA and the outcome sections degrade with a sentence, never a traceback: a year without Realisasi has
no score (by hand), no 2019-2021 data means no cut intensity, and the province page (notebook 05's cells)
runs on a folder holding both levels, in both languages, using province rows only."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from kabkota_fixture import TRAPS

from kinerja_analysis import labels as L
from kinerja_analysis import paths
from kinerja_analysis.analysis import pefa, province
from kinerja_analysis.config import Periods
from kinerja_analysis.report import page


def _ang(spent_by_year: dict) -> pd.DataFrame:
    rows = []
    for year, (peg, modal) in spent_by_year.items():
        rows += [
            {
                "region_code": "x",
                "year": year,
                "spending_type": "pegawai",
                "budget_revised": 60.0,
                "spent": peg,
            },
            {
                "region_code": "x",
                "year": year,
                "spending_type": "modal",
                "budget_revised": 40.0,
                "spent": modal,
            },
        ]
    return pd.DataFrame(rows)


def test_year_without_realisasi_gets_no_score_by_hand():
    s = pefa.yearly(_ang({2019: (57.0, 38.0), 2020: (0.0, 0.0), 2021: (60.0, 40.0), 2022: (54.0, 36.0)}))
    s = s.set_index("year")
    # 2019: 95 / 100 = 95 % (A); 2021: 100 % (A); 2022: 90 % (B); 2020: nothing realised, no score
    assert s["pi1_outturn_pct"].tolist()[0] == pytest.approx(95.0)
    assert np.isnan(s.loc[2020, "pi1_outturn_pct"]) and pd.isna(s.loc[2020, "pi1_band"])
    assert s.loc[2020, "no_score"] == "no_realisasi" and s.loc[2021, "no_score"] == ""
    assert s["pi1_band"].fillna("none").tolist() == ["A", "none", "A", "B"]
    # the windows 2019-2021 and 2020-2022 hold the unscored year: no three-year score
    assert pd.isna(s.loc[2021, "pi1_score_3y"]) and pd.isna(s.loc[2022, "pi1_score_3y"])
    # PI-2 of 2022: adjusted budget (54, 36) equals the outturn: 0 %
    assert s.loc[2022, "pi2_variance_pct"] == pytest.approx(0.0)


def test_pefa_without_any_year_keeps_its_columns():
    empty = pefa.yearly(_ang({2020: (1.0, 1.0)}).assign(partial_year=True))
    assert empty.empty and {"pi1_band", "no_score", "pi1_score_3y"} <= set(empty.columns)
    assert pefa.no_score_reason(0.0, 5.0) == "no_anggaran"


def test_no_cut_intensity_without_2019_2021():
    ang = _ang({2022: (50.0, 40.0), 2023: (55.0, 30.0)})
    cuts = province.cut_intensity(ang, Periods())
    assert cuts.empty and list(cuts.columns) == ["region_code", "cut_intensity_pp", "covid_rise_pp"]
    out = pd.DataFrame({"region_code": ["x"], "year": [2019], "measure": ["poverty_rate"], "value": [1.0]})
    stats = province.outcome_vs_cut(out, cuts, Periods())
    assert stats.empty and list(stats.columns) == province.STATS_COLUMNS
    assert province.outcome_fits(out, cuts, Periods(), stats) == []


@pytest.fixture
def shown(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))  # never the user's cache folder
    texts = []
    monkeypatch.setattr(page, "_display", lambda obj, **k: texts.append(obj.get("text/plain", "")))
    return texts


def _notebook_05_code() -> str:
    nb = json.loads((paths.NOTEBOOKS / "05_province_outcomes.ipynb").read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if c["cell_type"] == "code"]
    return "\n".join("".join(c["source"]) for c in cells if "parameters" not in c["metadata"].get("tags", []))


@pytest.mark.parametrize("lang", ["en", "id"])
def test_province_page_on_a_mixed_folder_without_2019_2021(shown, lang):
    env = {"data_dir": str(TRAPS), "lang": lang, "periods": "", "n_boot": 50}
    exec(_notebook_05_code(), env)  # the notebook's own cells, in order
    text = "\n".join(shown)
    r = env["r"]
    assert set(r.data.accounts["level"].astype(str)) == {"provinsi"}  # kab/kota rows never reach this page
    assert L.t("pv_intro", lang, n=1, y0=2024, y1=2025) in text  # counted: one province, not 34
    assert L.t("pv_no_cut", lang, base=2019, y0=2020, y1=2021, years="2024–2025") in text
    assert L.t("pv_outcomes_none", lang) in text
    assert "Traceback" not in text


def test_province_page_with_a_year_without_realisasi(shown):
    env = {"data_dir": str(TRAPS), "lang": "en", "periods": "", "n_boot": 50}
    code = _notebook_05_code().replace(
        "pefa_scores = pefa.yearly(r.data.anggaran)",
        "pefa_scores = pefa.yearly(r.data.anggaran.assign(spent=0.0))",
    )
    exec(code, env)
    text = "\n".join(shown)
    assert L.t("pv_pefa_none", "en") in text
