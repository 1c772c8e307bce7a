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


def _row(table: str, **cells) -> list:
    """A data row in the template's column order (cells by tidy name, the rest blank)."""
    return [cells.get(c, "") for c in blank.columns(table)]


def test_filled_template_validates(tmp_path):
    blank.write_templates(tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "kinerja.xlsx")
    ws = wb["kinerja"]
    common = dict(region_code="71.10", opd="Dinas Kesehatan", sector="1.02", indicator_id="K1")
    common |= dict(indicator="Balita dirawat", unit="%", polarity="positif")
    ws.append(_row("kinerja", year=2020, target="100", actual="98,5", achievement_reported="98,5", **common))
    ws.append(_row("kinerja", year=2021, target=100, actual=90, **common))
    wb.save(tmp_path / "kinerja.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "anggaran.xlsx")
    wb["anggaran"].append(
        _row(
            "anggaran",
            region_code="71.10",
            year=2020,
            opd="Dinas Kesehatan",
            sector="Kesehatan",
            spending_type="barang_jasa",
            budget_original="1.000.000",
            budget_revised="800.000",
            spent="700.000",
        )
    )
    wb.save(tmp_path / "anggaran.xlsx")
    ds = template.load_folder(tmp_path)
    issues = validate.validate_dataset(ds)
    assert issues.query("severity != 'info'").empty, issues
    assert ds.kinerja["region_code"].tolist() == ["71.10", "71.10"]
    assert ds.kinerja["actual"].tolist() == [98.5, 90.0]
    assert ds.anggaran["budget_revised"].tolist() == [800000.0]
    # the urusan as a code and as a name in another case: one canonical code, the typed text kept
    assert ds.kinerja["sector"].tolist() == ["1.02", "1.02"]
    assert ds.anggaran[["sector", "sector_raw"]].values.tolist() == [["1.02", "Kesehatan"]]


def test_template_without_the_sector_column_still_reads(tmp_path):
    """A template from before the ``urusan`` column (or one whose column was deleted) reads as before,
    with the sector inferred from the OPD name."""
    cols = [c for c in blank.columns("kinerja") if c != "sector"]
    with open(tmp_path / "kinerja.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([schema.INDONESIAN_HEADERS[c] for c in cols])
        w.writerow(["71.10" if c == "region_code" else blank.EXAMPLES["kinerja"][0][c] for c in cols])
    with open(tmp_path / "anggaran.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(blank.headers("anggaran"))
        w.writerow(
            [
                {"region_code": "71.10", "sector": ""}.get(c, blank.EXAMPLES["anggaran"][0][c])
                for c in blank.columns("anggaran")
            ]
        )
    ds = template.load_folder(tmp_path)
    assert ds.errors.empty, ds.errors
    assert ds.kinerja["sector"].tolist() == ["1.02"] and ds.anggaran["sector"].tolist() == ["1.02"]
    assert ds.kinerja["sector_inferred"].tolist() == [True]
    assert ds.issues["rule"].tolist().count("sector_inferred") == 1


def test_readme_and_csv_header_have_the_urusan_column(tdir):
    for table in ("kinerja", "anggaran"):
        head = blank.headers(table)
        assert head[head.index("opd") + 1] == "urusan"
