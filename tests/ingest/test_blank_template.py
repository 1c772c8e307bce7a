"""`kinerja template`: the blank templates, and a filled template read back (as a new user would)."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from kinerja_analysis import cli, labels, schema
from kinerja_analysis.ingest import blank, template, validate


@pytest.fixture(scope="module")
def tdir(tmp_path_factory):
    out = tmp_path_factory.mktemp("tpl")
    assert cli.main(["template", "--out", str(out)]) == 0
    return out


def test_files(tdir):
    assert {p.relative_to(tdir).as_posix() for p in tdir.rglob("*") if p.is_file()} == {
        "kinerja.xlsx",
        "anggaran.xlsx",
        "csv/kinerja.csv",
        "csv/anggaran.csv",
        "csv/kinerja_contoh.csv",
        "csv/anggaran_contoh.csv",
    }


@pytest.mark.parametrize("table", ["kinerja", "anggaran"])
def test_readme_explains_every_column_in_both_languages(tdir, table):
    wb = openpyxl.load_workbook(tdir / f"{table}.xlsx")
    assert wb.sheetnames == ["README", table, "contoh"]
    rows = [[c.value for c in r] for r in wb["README"].iter_rows()]
    listed = {r[1]: r for r in rows if r[1] in schema.TABLES[table][0]}
    assert set(listed) == set(blank.columns(table))
    for col, r in listed.items():
        assert r[0] == schema.INDONESIAN_HEADERS.get(col, col)
        assert r[3] == labels.t(f"tpl_col_{col}", "en") and r[4] == labels.t(f"tpl_col_{col}", "id")
        assert r[3] != r[4] or col in ("actual",)


def test_lists_and_text_columns(tdir):
    ws = openpyxl.load_workbook(tdir / "kinerja.xlsx")["kinerja"]
    lists = {
        str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1
        for dv in ws.data_validations.dataValidation
    }
    head = [c.value for c in ws[1]]
    col = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(head)}
    assert lists[col["polaritas"]] == '"positif,negatif,rentang"'
    assert lists[col["periode"]] == '"TW1,TW2,TW3,TW4"'
    assert ws.column_dimensions[col["kode_wilayah"]].number_format == "@"
    ws = openpyxl.load_workbook(tdir / "anggaran.xlsx")["anggaran"]
    dv = ws.data_validations.dataValidation[0]
    assert dv.formula1 == '"' + ",".join(schema.SPENDING_TYPES) + '"'


def test_csv_headers(tdir):
    for table in ("kinerja", "anggaran"):
        with open(tdir / "csv" / f"{table}.csv", encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == blank.headers(table)


def test_example_rows_validate_clean(tdir):
    for table in ("kinerja", "anggaran"):
        issues = validate.validate_path(tdir / "csv" / f"{table}_contoh.csv")
        assert issues.empty, issues


def test_blank_template_is_not_data(tdir):
    ds = template.load_folder(tdir)
    assert set(ds.errors["rule"]) == {"no_data_rows"} and ds.kinerja.empty  # the example row is not read


def test_filled_template_validates(tmp_path):
    blank.write_templates(tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "kinerja.xlsx")
    ws = wb["kinerja"]
    ws.append(
        [
            "71.10",
            2020,
            "Dinas Kesehatan",
            "",
            "K1",
            "Balita dirawat",
            "%",
            "positif",
            "100",
            "",
            "",
            "98,5",
            "",
            "98,5",
            "",
            "",
        ]
    )
    ws.append(
        ["71.10", 2021, "Dinas Kesehatan", "", "K1", "Balita dirawat", "%", "positif", 100, None, None, 90]
    )
    wb.save(tmp_path / "kinerja.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "anggaran.xlsx")
    wb["anggaran"].append(
        ["71.10", 2020, "Dinas Kesehatan", "", "barang_jasa", "1.000.000", "800.000", "700.000"]
    )
    wb.save(tmp_path / "anggaran.xlsx")
    ds = template.load_folder(tmp_path)
    issues = validate.validate_dataset(ds)
    assert issues.query("severity != 'info'").empty, issues
    assert ds.kinerja["region_code"].tolist() == ["71.10", "71.10"]
    assert ds.kinerja["actual"].tolist() == [98.5, 90.0]
    assert ds.anggaran["budget_revised"].tolist() == [800000.0]
