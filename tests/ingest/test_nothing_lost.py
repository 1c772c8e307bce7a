"""Nothing lost, nothing invented: required cells, summary rows whatever their region code, letters among
digits, known units only, DESIGN section 8 headers (expected values worked out by hand)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from kinerja_analysis import schema
from kinerja_analysis.errors import ParseError
from kinerja_analysis.ingest import numbers, units
from kinerja_analysis.ingest.issues import Issues
from kinerja_analysis.ingest.table import read_table, summary_rows

H = "kode_wilayah,tahun,opd,kode_indikator,indikator,satuan,polaritas,target,realisasi"
A = "kode_wilayah,tahun,opd,jenis_belanja,pagu_murni,pagu_perubahan,realisasi_anggaran"


def _read(tmp_path, text, table="kinerja"):
    path = tmp_path / f"{table}.csv"
    path.write_text(text, encoding="utf-8")
    issues = Issues()
    df = read_table(path, table, issues)
    return df, issues.frame()


# --- numbers are digits ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, meant",
    [("1O0", "100"), ("9O", "90"), ("5S", "55"), ("l00", "100"), ("1.5OO", "1.500"), ("2O2O", "2020")],
)
def test_letters_among_digits_are_not_numbers_and_get_a_suggestion(text, meant):
    with pytest.raises(ParseError):
        numbers.parse_number(text)
    assert numbers.suggest_digits(text) == meant


@pytest.mark.parametrize(
    "text", ["232 Org", "12", "Belanja Modal", "sembilan puluh", "#DIV/0!", "6 Mei", None]
)
def test_no_suggestion_for_numbers_or_plain_text(text):
    assert numbers.suggest_digits(text) is None


@pytest.mark.parametrize(
    "text, value",
    [("232 orang", 232.0), ("5 kegiatan", 5.0), ("3 dok", 3.0), ("12 Desa/Kel", 12.0), ("7 km", 7.0)],
)
def test_known_units_after_the_number(text, value):
    assert numbers.parse_number(text) == value


@pytest.mark.parametrize("text", ["5 Mei", "1 O0", "12 abc", "orang 5"])
def test_unknown_words_after_a_number_are_refused(text):
    with pytest.raises(ParseError):
        numbers.parse_number(text)


def test_units_vocabulary_is_lower_case_and_bilingual():
    assert all(u == u.casefold() for u in units.UNITS)
    assert {"orang", "people", "hari", "days", "persen", "percent"} <= units.UNITS


def test_vectorised_path_refuses_letters_too():
    cells = ["1O0", "9O", "232 Org", "5 Mei", "12"] * 60  # above VECTOR_MIN: the Arrow path
    out = numbers.parse_column(cells)
    assert out["status"].tolist()[:5] == ["invalid", "invalid", "ok", "invalid", "ok"]
    assert out["value"].tolist()[2] == 232.0


def test_letters_in_number_error_names_the_cell_and_the_digit(tmp_path):
    _, issues = _read(tmp_path, f"{H}\n71.73,2020,Dinkes,K1,Balita,%,positif,100,1O0\n")
    (e,) = issues.itertuples()
    assert (e.rule, e.severity, e.row, e.column, e.value) == (
        "letters_in_number",
        "error",
        2,
        "actual",
        "1O0",
    )
    assert "did you mean '100'?" in e.message


# --- required cells --------------------------------------------------------------------------------


def test_empty_required_cells_are_errors_naming_the_cell(tmp_path):
    text = (
        f"{H},rumus\n"
        "71.73,2020,Dinkes,,Balita,%,positif,100,90,\n"  # no indicator code
        "71.73,2020,Dinkes,K2,Balita,%,,100,90,\n"  # no polarity
        "71.73,2020,Dinkes,K3,Balita,%,,100,90,R/T\n"  # no polarity, but a formula: fine
        "71.73,2020,Dinkes,K4,Balita,%,positif,100,n/a,\n"  # a missing marker: fine
    )
    _, issues = _read(tmp_path, text)
    assert issues[["rule", "severity", "row", "column"]].values.tolist() == [
        ["missing_value", "error", 2, "indicator_id"],
        ["missing_value", "error", 3, "polarity"],
    ]


def test_empty_spending_type_is_an_error_but_an_empty_opd_is_not(tmp_path):
    text = f'{A}\n71.73,2020,Dinkes,,"1.000","800","700"\n71.73,2020,,btt,"1.000","800","700"\n'
    _, issues = _read(tmp_path, text, "anggaran")
    assert issues[["rule", "row", "column"]].values.tolist() == [["missing_value", 2, "spending_type"]]


def test_a_missing_column_is_reported_once_not_per_cell(tmp_path):
    _, issues = _read(
        tmp_path,
        "kode_wilayah,tahun,opd,kode_indikator,indikator,target,realisasi\n"
        "71.73,2020,Dinkes,K1,Balita,100,90\n",
    )
    assert issues["rule"].tolist() == ["missing_column"]


# --- summary rows ----------------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["JUMLAH", "Jumlah", "Total", "TOTAL", "Rata-rata", "Sub Total", "Jumlah:"])
def test_summary_row_with_a_region_code_is_skipped(tmp_path, label):
    text = f'{A}\n71.73,2020,Dinkes,modal,"1.000","800","700"\n71.73,2020,{label},,"1.000","800","700"\n'
    df, issues = _read(tmp_path, text, "anggaran")
    assert df["opd"].tolist() == ["Dinkes"]
    assert issues[["rule", "severity", "row"]].values.tolist() == [["summary_row_skipped", "warning", 3]]
    assert "71.73" in issues["message"].iloc[0]


def test_labels_that_merely_contain_or_start_with_a_summary_word_stay_data():
    df = pd.DataFrame(
        {
            "region_code": ["71.73"] * 4,
            "opd": ["Badan Total Pelayanan", "Dinas A", "Dinas A", "Jumlah Belanja"],
            "indicator_id": ["K1", "K2", "K3", ""],
            "indicator": ["x", "Jumlah wajib pajak", "Rata-rata lama sekolah", ""],
        }
    )
    summary, with_code = summary_rows(df, "kinerja")
    assert summary.tolist() == [False, False, False, True] and with_code.tolist() == summary.tolist()


# --- headers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", ["kinerja", "anggaran"])
def test_design_section_8_headers_are_known(table):
    names = ["kode_wilayah", "nama_pemda", "tahun", "opd"]
    names += (
        ["kode_indikator", "indikator", "satuan", "polaritas", "target", "realisasi"]
        if table == "kinerja"
        else ["pagu_murni", "pagu_perubahan", "realisasi_anggaran", "jenis_belanja"]
    )
    assert all(schema.canonical_header(n, table) for n in names)


def test_region_name_is_kept_without_a_warning(tmp_path):
    text = "kode_wilayah,nama_pemda,tahun,opd,kode_indikator,indikator,satuan,polaritas,target,realisasi\n"
    df, issues = _read(tmp_path, text + "71.73,Kota Fiktif,2020,Dinkes,K1,Balita,%,positif,100,90\n")
    assert issues.empty and df["region_name"].tolist() == ["Kota Fiktif"]
    assert not math.isnan(df["actual"].iloc[0])
