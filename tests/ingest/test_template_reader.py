"""The template reader on spreadsheets as offices send them (values worked out by hand)."""

from __future__ import annotations

import openpyxl
import pytest

from kinerja_analysis import schema
from kinerja_analysis.ingest import grid, template
from kinerja_analysis.ingest.issues import Issues
from kinerja_analysis.ingest.table import read_table

H = "kode_wilayah,tahun,opd,kode_indikator,indikator,satuan,polaritas,target,realisasi"


@pytest.mark.parametrize(
    "header, table, tidy",
    [
        ("Kode Wilayah", "kinerja", "region_code"),
        ("KODE_WILAYAH", "kinerja", "region_code"),
        ("KodeWilayah", "kinerja", "region_code"),
        ("kode-wilayah", "kinerja", "region_code"),
        (" Pagu Murni (Rp) ", "anggaran", "budget_original"),
        ("kode_wilayah*", "kinerja", "region_code"),
        ("Target (%)", "kinerja", "target"),
        ("Realisasi", "anggaran", "spent"),
        ("Realisasi", "kinerja", "actual"),
        ("capaian_reported", "kinerja", "achievement_reported"),
        ("Achievement Reported", "kinerja", "achievement_reported"),
        ("Capaian", "kinerja", "achievement_reported"),
        ("periode", "kinerja", "period"),
        ("Triwulan", "kinerja", "period"),
        ("Agregasi", "kinerja", "aggregation"),
        ("Pagu\nPerubahan", "anggaran", "budget_revised"),
        ("keterangan", "kinerja", None),
        ("Belanja Modal", "anggaran", None),
    ],
)
def test_header_matching(header, table, tidy):
    assert schema.canonical_header(header, table) == tidy


def test_every_indonesian_header_maps_back():
    for table in ("kinerja", "anggaran"):
        for col in schema.TABLES[table][0]:
            assert schema.canonical_header(schema.INDONESIAN_HEADERS.get(col, col), table) == col


def test_title_rows_and_semicolons(tmp_path):
    p = tmp_path / "k.csv"
    p.write_text(
        "Laporan;;;\n\n" + H.replace(",", ";") + "\n71.73;2020;Dinkes;K1;Balita;%;positif;45,4;38,59\n",
        encoding="utf-8",
    )
    issues, acc = Issues(), {}
    df = read_table(p, "kinerja", issues, accounting=acc)
    assert df["target"].tolist() == [45.4] and df["actual"].tolist() == [38.59]
    assert df["source_row"].tolist() == [4]  # row 1 title, row 2 empty, row 3 header
    assert acc == {
        "file": "k.csv",
        "data_rows": 1,
        "kept": 1,
        "skipped": 0,
        "blank": 0,
        "title_rows": 1,
        "header_rows": 1,
        "sheet": "",
        "lines": 4,
        "lines_in_cells": 0,
    }


def test_group_header_over_two_columns():
    cells = [
        ["kode_wilayah", "tahun", "jenis_belanja", "Pagu", None, "realisasi"],
        [None, None, None, "Murni", "Perubahan", None],
        ["71.73", 2020, "modal", 10, 8, 7],
    ]
    lay = grid.locate_header(cells, "anggaran")
    assert lay.names == [
        "kode_wilayah",
        "tahun",
        "jenis_belanja",
        "Pagu Murni",
        "Pagu Perubahan",
        "realisasi",
    ]
    assert (lay.header_rows, lay.first_data_index) == (2, 2)
    assert [schema.canonical_header(n, "anggaran") for n in lay.names[3:]] == [
        "budget_original",
        "budget_revised",
        "spent",
    ]


def test_single_header_not_merged_with_data():
    lay = grid.locate_header(
        [H.split(","), "71.73,2020,Dinkes,K1,Balita,%,positif,100,98".split(",")], "kinerja"
    )
    assert lay.header_rows == 1 and lay.first_data_index == 1


def test_data_sheet_chosen_by_name_and_hidden_skipped(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.active.append(H.split(","))
    wb.active.append(["71.73", 2019, "Lama", "K0", "x", "%", "positif", 1, 1])
    data = wb.create_sheet("kinerja")
    data.append(H.split(","))
    data.append(["71.73", 2020, "Baru", "K1", "x", "%", "positif", 1, 1])
    hidden = wb.create_sheet("kinerja_lama")
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "k.xlsx")
    issues = Issues()
    df = read_table(tmp_path / "k.xlsx", "kinerja", issues)
    assert df["opd"].tolist() == ["Baru"]
    note = issues.frame().query("rule == 'sheet_chosen'")["message"].iloc[0]
    assert "'kinerja'" in note and "'kinerja_lama' (hidden)" in note


def test_ambiguous_and_legacy_files(tmp_path):
    (tmp_path / "kinerja.csv").write_text(H + "\n", encoding="utf-8")
    (tmp_path / "kinerja.xlsx").write_bytes(b"")
    (tmp_path / "anggaran.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    ds = template.load_folder(tmp_path)
    rules = set(ds.errors["rule"])
    assert {"ambiguous_file", "unreadable_file", "missing_file", "no_data_rows"} <= rules
    assert "save the file as .xlsx" in " ".join(ds.errors["message"])


def test_demo_rows_all_kept(demo_dir):
    ds = template.load_folder(demo_dir)
    acc = ds.accounting["kinerja.csv"]
    n_lines = len((demo_dir / "kinerja.csv").read_text(encoding="utf-8").splitlines()) - 1
    assert acc["data_rows"] == acc["kept"] == n_lines == len(ds.kinerja)
    assert ds.errors.empty


def test_raw_text_kept_beside(tmp_path):
    p = tmp_path / "anggaran.csv"
    p.write_text(
        "kode_wilayah,tahun,jenis_belanja,pagu_perubahan,realisasi_anggaran\n"
        '71.73,2020,Belanja Barang dan Jasa,"Rp14,5 miliar",500 jt\n',
        encoding="utf-8",
    )
    a = read_table(p, "anggaran")
    assert a.loc[0, ["budget_revised", "spent"]].tolist() == [14.5e9, 5e8]
    assert a.loc[0, ["budget_revised_raw", "spent_raw", "spending_type", "spending_type_raw"]].tolist() == [
        "Rp14,5 miliar",
        "500 jt",
        "barang_jasa",
        "Belanja Barang dan Jasa",
    ]


def test_typo_gets_a_suggestion(tmp_path):
    p = tmp_path / "anggaran.csv"
    p.write_text(
        "kode_wilayah,tahun,jenis_belanja,pagu_perubahan,realisasi_anggaran\n71.73,2020,modla,1,1\n",
        encoding="utf-8",
    )
    issues = Issues()
    a = read_table(p, "anggaran", issues)
    err = issues.frame().iloc[0]
    assert (err["rule"], err["row"], err["column"], err["value"]) == (
        "invalid_spending_type",
        2,
        "spending_type",
        "modla",
    )
    assert "did you mean 'modal'" in err["message"]
    assert a["spending_type"].tolist() == ["modla"]  # never silently a new (or another) category
