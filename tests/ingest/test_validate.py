"""Validation checks across rows and tables, and the HTML report (values worked out by hand)."""

from __future__ import annotations

import pandas as pd

from kinerja_analysis import cli
from kinerja_analysis.ingest import validate
from kinerja_analysis.ingest.template import Issues


def _k(**cols):
    n = len(next(iter(cols.values())))
    base = {
        "region_code": ["71.73"] * n,
        "year": [2020] * n,
        "opd": ["Dinkes"] * n,
        "indicator_id": [f"K{i}" for i in range(n)],
        "indicator": ["x"] * n,
        "unit": ["%"] * n,
        "polarity": ["positive"] * n,
        "source": ["k.csv, row 2"] * n,
        "source_row": list(range(2, 2 + n)),
    }
    return pd.DataFrame(base | cols)


def test_reported_capaian_tolerance_boundary():
    # R/T = 72 / 80 = 90 %: 90.5 is within 0.5 pp, 90.51 and 89.4 are not
    k = _k(target=[80.0] * 3, actual=[72.0] * 3, achievement_reported=[90.5, 90.51, 89.4])
    m = validate.reported_mismatch(k)
    assert m["source_row"].tolist() == [3, 4]
    assert m["diff_pp"].round(6).tolist() == [0.51, -0.6]


def test_reported_capaian_warning_names_row_and_values():
    issues = Issues()
    validate.check_kinerja(
        _k(target=[10.0], actual=[12.0], polarity=["negative"], achievement_reported=[83.3]), issues
    )
    w = issues.frame().iloc[0]
    # (2T - R)/T = (20 - 12)/10 = 80 %; reported 83.3 -> +3.30 pp
    assert (w["rule"], w["severity"], w["row"], w["column"]) == (
        "reported_capaian_differs",
        "warning",
        2,
        "achievement_reported",
    )
    assert "83.30" in w["message"] and "80.00" in w["message"] and "+3.30 pp" in w["message"]


def test_spent_thresholds():
    a = pd.DataFrame(
        {
            "region_code": ["71.73"] * 3,
            "year": [2020] * 3,
            "opd": ["A", "B", "C"],
            "program": [""] * 3,
            "spending_type": ["modal"] * 3,
            "budget_original": [100.0] * 3,
            "budget_revised": [100.0, 100.0, 100.0],
            "spent": [100.0, 150.0, 151.0],
            "source": ["a.csv, row 2"] * 3,
            "source_row": [2, 3, 4],
        }
    )
    issues = Issues()
    validate.check_anggaran(a, issues)
    f = issues.frame()
    assert f[["severity", "row"]].values.tolist() == [["error", 4], ["warning", 3]]


def test_polarity_change_across_years():
    k = _k(
        indicator_id=["K1", "K1", "K1"],
        year=[2019, 2020, 2021],
        polarity=["positive", "negative", "negative"],
        target=[1.0] * 3,
        actual=[1.0] * 3,
    )
    issues = Issues()
    validate.check_kinerja(k, issues)
    f = issues.frame()
    assert f["rule"].tolist() == ["polarity_changes"] and f["row"].tolist() == [3]
    assert "positive (2019), negative (2020, 2021)" in f["message"].iloc[0]


def test_unit_synonyms_are_not_a_change():
    k = _k(
        indicator_id=["K1", "K1"], year=[2019, 2020], unit=["%", "Persen"], target=[1.0] * 2, actual=[1.0] * 2
    )
    issues = Issues()
    validate.check_kinerja(k, issues)
    assert issues.frame().empty


def test_opds_unmatched_both_ways():
    k = _k(opd=["Dinkes", "Dinas PU"], target=[1.0] * 2, actual=[1.0] * 2)
    a = pd.DataFrame(
        {
            "region_code": ["71.73"] * 3,
            "opd": ["Dinkes", "Bappeda", ""],
            "source": ["a.csv, row 2"] * 3,
            "source_row": [2, 3, 4],
        }
    )
    issues = Issues()
    validate.check_opds(k, a, issues)
    msgs = issues.frame()["message"].tolist()
    assert len(msgs) == 2
    assert any("'Bappeda'" in m and "budget rows but no indicators" in m for m in msgs)
    assert any("'Dinas PU'" in m and "indicators but no budget rows" in m for m in msgs)


def test_demo_validates_clean(demo_dir, capsys):
    assert cli.main(["validate", str(demo_dir)]) == 0
    assert "0 error(s)" in capsys.readouterr().out


def test_html_report_through_cli(tmp_path, capsys):
    bad = tmp_path / "kinerja.csv"
    bad.write_text(
        "kode_wilayah,tahun,opd,kode_indikator,indikator,polaritas,target,realisasi\n"
        "71.73,2020,Dinkes,K1,x,positf,100,90\n",
        encoding="utf-8",
    )
    out = tmp_path / "report.html"
    assert cli.main(["validate", str(bad), "--html", str(out), "--lang", "id"]) == 1
    page = out.read_text(encoding="utf-8")
    assert "Laporan validasi data" in page and "1 galat dan 0 peringatan" in page
    assert "positf" in page and "Polaritas harus positif, negatif atau rentang" in page
    assert '<td class="num">2</td>' in page  # the spreadsheet row


def test_summary_and_labels():
    i = Issues()
    i.add("duplicate_key", "error", "f", "m", row=2)
    i.add("unknown_column", "warning", "f", "m")
    s = validate.summary(i.frame())
    assert s["severity"].tolist() == ["error", "warning"]
    assert validate.rule_label("duplicate_key", "id") == "Kunci yang sama muncul lebih dari sekali"
    assert validate.rule_label("no_such_rule", "en") == "no_such_rule"
