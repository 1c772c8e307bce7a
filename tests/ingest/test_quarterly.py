"""Triwulan rows to annual rows (values worked out by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kinerja_analysis import capaian
from kinerja_analysis.ingest import quarterly, template
from kinerja_analysis.ingest.issues import Issues


def _q(actuals, targets=None, rule="", periods=("TW1", "TW2", "TW3", "TW4"), ind="K1"):
    n = len(actuals)
    return pd.DataFrame(
        {
            "region_code": ["71.73"] * n,
            "year": [2021] * n,
            "opd": ["Dinkes"] * n,
            "indicator_id": [ind] * n,
            "polarity": ["positive"] * n,
            "unit": ["%"] * n,
            "period": list(periods)[:n],
            "aggregation": [rule] * n,
            "target": targets or [10.0] * n,
            "actual": actuals,
            "source": ["k.csv, row 2"] * n,
            "source_row": list(range(2, 2 + n)),
        }
    )


@pytest.mark.parametrize(
    "rule, target, actual",
    [
        ("cumulative", 40.0, 26.0),  # 10 * 4; 5 + 7 + 6 + 8
        ("last", 10.0, 8.0),  # TW4
        ("mean", 10.0, 6.5),  # 26 / 4
        ("max", 10.0, 8.0),
    ],
)
def test_rules(rule, target, actual):
    a = quarterly.to_annual(_q([5.0, 7.0, 6.0, 8.0], rule=rule))
    assert len(a) == 1
    assert (a["target"].iloc[0], a["actual"].iloc[0], a["aggregation"].iloc[0]) == (target, actual, rule)


def test_last_takes_target_and_actual_from_the_same_quarter():
    # TW4 has a target but no realisasi yet: the year is TW3 (target 30, realisasi 27)
    a = quarterly.to_annual(_q([10.0, 19.0, 27.0, np.nan], targets=[10.0, 20.0, 30.0, 40.0], rule="last"))
    assert (a["target"].iloc[0], a["actual"].iloc[0]) == (30.0, 27.0)
    assert a["quarters"].iloc[0] == "TW1,TW2,TW3,TW4 (year = TW3)"


def test_capaian_after_aggregation():
    # cumulative: R = 5 + 7 + 6 + 8 = 26 against T = 40 -> 65 %
    a = capaian.compute(quarterly.to_annual(_q([5.0, 7.0, 6.0, 8.0], rule="cumulative")))
    assert a["achievement"].iloc[0] == pytest.approx(65.0)


def test_default_rule_is_reported():
    issues = Issues()
    a = quarterly.to_annual(_q([5.0, 7.0]), issues)
    f = issues.frame()
    assert set(f["rule"]) == {"aggregation_default", "incomplete_quarters"}
    assert a["aggregation"].iloc[0] == "last" and a["actual"].iloc[0] == 7.0


def test_conflicting_rules_are_errors():
    q = _q([5.0, 7.0, 6.0, 8.0], rule="cumulative")
    q.loc[3, "aggregation"] = "mean"
    issues = Issues()
    quarterly.to_annual(q, issues)
    assert issues.frame().query("severity == 'error'")["rule"].tolist() == ["aggregation_conflict"]


def test_annual_rows_pass_through_and_mix():
    annual = _q([90.0], periods=("",), ind="K9")
    assert quarterly.to_annual(annual) is annual
    both = pd.concat(
        [annual, _q([5.0, 7.0, 6.0, 8.0], rule="max").assign(source_row=range(3, 7))], ignore_index=True
    )
    a = quarterly.to_annual(both)
    assert a["indicator_id"].tolist() == ["K9", "K1"] and a["actual"].tolist() == [90.0, 8.0]
    assert a["source_rows"].tolist() == ["2", "3 4 5 6"]


@pytest.mark.parametrize(
    "text, tw",
    [
        ("TW1", "TW1"),
        ("tw 2", "TW2"),
        ("Triwulan III", "TW3"),
        ("Q4", "TW4"),
        ("TW-IV", "TW4"),
        ("triwulan_1", "TW1"),
        ("Tahunan", ""),
    ],
)
def test_period_spellings(text, tw):
    assert quarterly.PERIOD_VALUES[quarterly.period_key(text)] == tw


def test_quarterly_folder_loads_annual(tmp_path):
    h = "kode_wilayah,tahun,opd,kode_indikator,indikator,satuan,polaritas,target,realisasi,periode,agregasi\n"
    rows = "".join(
        f"71.73,2021,Dinkes,K1,Balita,orang,positif,25,{r},TW{i + 1},kumulatif\n"
        for i, r in enumerate([20, 30, 25, 15])
    )
    (tmp_path / "kinerja.csv").write_text(h + rows, encoding="utf-8")
    (tmp_path / "anggaran.csv").write_text(
        "kode_wilayah,tahun,opd,jenis_belanja,pagu_perubahan,realisasi_anggaran\n"
        "71.73,2021,Dinkes,modal,10,9\n",
        encoding="utf-8",
    )
    ds = template.load_folder(tmp_path)
    assert ds.errors.empty
    assert ds.kinerja[["target", "actual", "aggregation"]].values.tolist() == [[100.0, 90.0, "cumulative"]]
