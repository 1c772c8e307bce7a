"""The urusan vocabulary (Permendagri 90/2019) of the optional ``sector`` column, and its inference from
OPD names."""

from __future__ import annotations

import pandas as pd
import pytest

from kinerja_analysis import schema
from kinerja_analysis.ingest import urusan, vocab
from kinerja_analysis.ingest.issues import Issues
from kinerja_analysis.ingest.table import read_table


@pytest.mark.parametrize(
    "typed, code",
    [
        ("1.02", "1.02"),
        ("kesehatan", "1.02"),
        ("Kesehatan", "1.02"),
        ("KESEHATAN", "1.02"),
        ("  kesehatan ", "1.02"),
        ("Health", "1.02"),
        ("1.02 Kesehatan", "1.02"),
        ("1.02 - kesehatan", "1.02"),
        ("1-2", "1.02"),
        ("1.01", "1.01"),
        ("Pendidikan", "1.01"),
        ("pekerjaan umum dan penataan ruang", "1.03"),
        ("Pekerjaan  Umum dan Penataan Ruang", "1.03"),
        ("PUPR", "1.03"),
        ("perumahan rakyat dan kawasan permukiman", "1.04"),
        ("Ketenteraman, Ketertiban Umum dan Pelindungan Masyarakat", "1.05"),
        ("ketenteraman dan ketertiban umum serta pelindungan masyarakat", "1.05"),
        ("sosial", "1.06"),
        ("2.1", "2.10"),  # 2.10 from a number cell
        ("Sekretariat DPRD", "4.02"),
        ("inspektorat", "6.01"),
        ("", ""),
    ],
)
def test_parse_code_or_name_in_any_case(typed, code):
    assert urusan.parse(typed) == code


@pytest.mark.parametrize("typed", ["kesehatan masyarakat", "1.02 pendidikan", "9.99", "1.07", "urusan lain"])
def test_parse_unknown(typed):
    assert urusan.parse(typed) is None


def test_vocabulary_is_bilingual_and_codes_are_well_formed():
    for code, (name_id, name_en) in urusan.URUSAN.items():
        assert schema.norm_key(name_id) != schema.norm_key(name_en) or code == "7.01"
        assert code[0] in "12345678" and code[1] == "." and len(code) == 4
        # the group of the code: 1 = basic services 1.01-1.06, 2 = 2.07-2.24, 3 = 3.25-3.32
        if code[0] in "123":
            assert (
                {"1": (1, 6), "2": (7, 24), "3": (25, 32)}[code[0]][0]
                <= int(code[2:])
                <= {
                    "1": (1, 6),
                    "2": (7, 24),
                    "3": (25, 32),
                }[code[0]][1]
            )
    assert [c for c in urusan.URUSAN if c < "4"] == [f"1.0{i}" for i in range(1, 7)] + [
        f"2.{i:02d}" for i in range(7, 25)
    ] + [f"3.{i}" for i in range(25, 33)]
    assert urusan.label("1.02", "id") == "1.02 kesehatan" and urusan.label("1.02", "en") == "1.02 health"


def _normalise(values, table="kinerja"):
    out = pd.DataFrame({"sector": values, "region_code": ["71.73"] * len(values)})
    issues = Issues()
    vocab.normalise(out, table, issues, "k.csv", "", pd.Series(range(2, 2 + len(values))))
    return out, issues.frame()


@pytest.mark.parametrize("table", ["kinerja", "anggaran"])
def test_normalise_keeps_raw_and_stores_the_code(table):
    out, issues = _normalise(["1.02", "kesehatan", "KESEHATAN", "Pendidikan", ""], table)
    assert out["sector"].tolist() == ["1.02", "1.02", "1.02", "1.01", ""]
    assert out["sector_raw"].tolist() == ["1.02", "kesehatan", "KESEHATAN", "Pendidikan", ""]
    assert issues.empty


def test_unknown_value_is_an_error_with_file_row_column_and_a_suggestion():
    out, issues = _normalise(["1.02", "kesehatn", "Dinas Apa Saja"])
    assert issues["rule"].tolist() == ["invalid_sector", "invalid_sector"]
    assert issues["severity"].unique().tolist() == ["error"]
    assert issues["file"].unique().tolist() == ["k.csv"]
    assert issues["row"].tolist() == [3, 4] and issues["column"].unique().tolist() == ["sector"]
    assert issues["value"].tolist() == ["kesehatn", "Dinas Apa Saja"]
    assert "did you mean '1.02 kesehatan'?" in issues["message"].iloc[0]
    assert "did you mean" not in issues["message"].iloc[1]
    assert out["sector"].tolist()[1:] == ["kesehatn", "Dinas Apa Saja"]  # kept as given, never lost


def test_unknown_value_in_a_file(tmp_path):
    p = tmp_path / "anggaran.csv"
    p.write_text(
        "kode_wilayah,tahun,opd,urusan,jenis_belanja,pagu_perubahan,realisasi_anggaran\n"
        "71.73,2020,Dinas Kesehatan,kesehatan,modal,10,9\n"
        "71.73,2020,Dinas Sosial,sosiall,modal,10,9\n",
        encoding="utf-8",
    )
    issues = Issues()
    df = read_table(p, "anggaran", issues)
    err = issues.frame().query("rule == 'invalid_sector'")
    assert err[["file", "row", "column", "value"]].values.tolist() == [
        ["anggaran.csv", 3, "sector", "sosiall"]
    ]
    assert "did you mean '1.06 sosial'?" in err["message"].iloc[0]
    assert df["sector"].tolist() == ["1.02", "sosiall"]


@pytest.mark.parametrize(
    "name, code",
    [
        ("Dinas Kesehatan", "1.02"),
        ("RSUD Dr. Sam Ratulangi", "1.02"),
        ("Rumah Sakit Umum Daerah", "1.02"),
        ("Dinas Pendidikan", "1.01"),
        ("Dinas Pendidikan Kota Manado", "1.01"),
        ("Dinas Pekerjaan Umum dan Penataan Ruang", "1.03"),
        ("Dinas PUPR", "1.03"),
        ("Dinas Perumahan dan Kawasan Permukiman", "1.04"),
        ("Satpol PP", "1.05"),
        ("Satuan Polisi Pamong Praja", "1.05"),
        ("BPBD", "1.05"),
        ("Dinas Sosial", "1.06"),
        ("Sekretariat Daerah", "4.01"),
        ("Sekretariat DPRD", "4.02"),
        ("Sekretariat Dewan Perwakilan Rakyat Daerah", "4.02"),
        ("Badan Perencanaan Pembangunan Daerah", "5.01"),
        ("BPKAD", "5.02"),
        ("Badan Kepegawaian Daerah", "5.03"),
        ("Badan Pendidikan dan Pelatihan Daerah", "5.04"),
        ("Inspektorat Daerah", "6.01"),
        ("Kecamatan Wenang", "7.01"),
        # not obvious: several urusan in one name, or none
        ("Dinas Pendidikan dan Kebudayaan", ""),
        ("Dinas Perpustakaan dan Kearsipan", ""),
        ("Dinas Komunikasi, Informatika dan Persandian", ""),
        ("Badan Perencanaan Pembangunan, Penelitian dan Pengembangan Daerah", ""),
        ("Dinas PU", "1.03"),
        ("Kantor Sukamaju", ""),
        ("", ""),
    ],
)
def test_from_opd_name(name, code):
    assert urusan.from_opd_name(name) == code


def test_infer_lists_every_inferred_opd_in_one_warning():
    k = pd.DataFrame(
        {
            "region_code": ["71.73"] * 6,
            "opd": [
                "Dinas Kesehatan",
                "Dinas Kesehatan",
                "RSUD Manado",
                "Satpol PP",
                "Dinas X",
                "Dinas Sosial",
            ],
            "sector": ["", "", "", "", "", "1.06"],
        }
    )
    a = pd.DataFrame(
        {
            "region_code": ["71.73"] * 3,
            "opd": ["Dinas Pekerjaan Umum", "Dinas X", ""],
            "sector": ["", "", ""],
        }
    )
    issues = Issues()
    urusan.infer({"kinerja": k, "anggaran": a}, issues, file="kinerja.csv, anggaran.csv")
    assert k["sector"].tolist() == ["1.02", "1.02", "1.02", "1.05", "", "1.06"]
    assert k["sector_inferred"].tolist() == [True, True, True, True, False, False]
    assert a["sector"].tolist() == ["1.03", "", ""]  # pemda-level rows (empty OPD) get none
    f = issues.frame()
    assert f["rule"].tolist() == ["sector_inferred"] and f["severity"].tolist() == ["warning"]
    msg = f["message"].iloc[0]
    for opd, code in (
        ("Dinas Kesehatan", "1.02"),
        ("RSUD Manado", "1.02"),
        ("Satpol PP", "1.05"),
        ("Dinas Pekerjaan Umum", "1.03"),
    ):
        assert f"71.73 {opd} -> {urusan.label(code, 'id')}" in msg
    assert "4 OPD(s)" in msg
    assert "1 OPD(s) have no sector" in msg and "71.73 Dinas X" in msg
    assert "Dinas Sosial ->" not in msg  # given, not inferred


def test_infer_takes_a_sector_given_in_the_other_table_and_flags_conflicts():
    k = pd.DataFrame({"region_code": ["1", "1"], "opd": ["Badan X", "Badan Y"], "sector": ["", "2.11"]})
    a = pd.DataFrame(
        {
            "region_code": ["1", "1", "1"],
            "opd": ["Badan X", "Badan Y", "Badan Y"],
            "sector": ["3.27", "2.11", "2.15"],
        }
    )
    issues = Issues()
    urusan.infer({"kinerja": k, "anggaran": a}, issues)
    assert k["sector"].tolist() == ["3.27", "2.11"]
    assert issues.frame()["rule"].tolist() == ["sector_conflict"]


def test_infer_is_silent_without_sectors_or_obvious_names():
    k = pd.DataFrame({"region_code": ["1"], "opd": ["Badan X"], "sector": [""]})
    issues = Issues()
    urusan.infer({"kinerja": k}, issues)
    assert issues.frame().empty and k["sector"].tolist() == [""]
