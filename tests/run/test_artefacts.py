"""Files beside each page: the LKjIP-format XLSX of the main tables (formula injection neutralised), PDF, and the
open data (CSV per published table, Frictionless datapackage.json, no formula injection)."""

from __future__ import annotations

import hashlib
import json

import nbformat
import openpyxl
import pandas as pd
import pytest

from kinerja_analysis.files import FORMULA_START
from kinerja_analysis.report import lkjip
from kinerja_analysis.report import page as report
from kinerja_analysis.report.page import TABLE_MIME
from kinerja_analysis.run import artefacts


def _nb_with_tables(tables):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={report.TABLE_MIME: t}) for t in tables]
    nb.cells.append(cell)
    return nb


def test_xlsx_holds_main_tables_in_lkjip_order_and_neutralises_formulas(tmp_path, demo_prepared):
    t = lkjip.indicator_table(demo_prepared.kinerja, 2021, "id")
    t.iloc[0, 2] = '=HYPERLINK("http://x")'
    main = {
        "name": "lkjip_indicators",
        "title": "Indikator 2021",
        "main": True,
        "columns": list(t.columns),
        "data": t.astype(object).where(t.notna(), None).values.tolist(),
    }
    other = {"name": "aux", "title": "aux", "main": False, "columns": ["a"], "data": [[1]]}
    out = artefacts.write_companions(_nb_with_tables([main, other]), tmp_path, "r", {"html": None})
    assert out == {"xlsx": "r.xlsx"}
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames == ["Indikator 2021"]
    ws = wb["Indikator 2021"]
    assert [c.value for c in ws[1]] == [
        "OPD",
        "Sasaran",
        "Indikator",
        "Satuan",
        "Arah",
        "Target",
        "Target (batas atas)",
        "Realisasi 2019",
        "Realisasi 2020",
        "Realisasi 2021",
        "Capaian (%)",
        "Kategori",
    ]
    # numbers stay numbers (with a number format), categories are labels in the report's language
    target = ws.cell(row=2, column=6)
    assert isinstance(target.value, float) and target.number_format == "#,##0.0##"
    assert {c.value for c in ws["L"][1:]} <= {"Sangat Baik", "Baik", "Cukup", "Kurang", "Sangat Kurang", None}
    assert ws.column_dimensions["C"].width > ws.column_dimensions["L"].width
    assert ws["C2"].value.startswith("'=") and ws["C2"].data_type == "s"
    assert ws.max_row == len(t) + 1


def test_no_main_tables_no_xlsx(tmp_path):
    assert artefacts.write_companions(_nb_with_tables([]), tmp_path, "r", {"html": None}) == {}
    assert not (tmp_path / "r.xlsx").exists()


@pytest.mark.skipif(artefacts.find_chromium() is None, reason="chromium is not installed")
def test_pdf_is_printed_with_chromium(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("<!DOCTYPE html><html><body><h1>Laporan</h1><p>isi</p></body></html>")
    out = artefacts.write_companions(_nb_with_tables([]), tmp_path, "p", {"html": "p.html"}, pdf=True)
    assert out == {"pdf": "p.pdf"}
    assert (tmp_path / "p.pdf").read_bytes()[:5] == b"%PDF-"


def test_pdf_without_chromium_is_recorded_not_raised(tmp_path, monkeypatch):
    monkeypatch.setenv("KINERJA_CHROMIUM", str(tmp_path / "no-such-browser"))
    (tmp_path / "p.html").write_text("<html></html>")
    out = artefacts.write_companions(_nb_with_tables([]), tmp_path, "p", {"html": "p.html"}, pdf=True)
    assert "pdf" not in out and "chromium" in out["pdf_error"]


def _nb(*tables):
    outputs = [{"output_type": "display_data", "metadata": {}, "data": {TABLE_MIME: t}} for t in tables]
    return {"cells": [{"cell_type": "code", "source": "", "outputs": outputs}]}


def _table(name, df, **kw):
    return {
        "name": name,
        "title": kw.get("title", ""),
        "description": kw.get("description", ""),
        "schema": {c: str(t) for c, t in df.dtypes.items()},
        "columns": list(df.columns),
        "data": json.loads(df.to_json(orient="values")),
    }


def test_tables_written_as_csv_with_datapackage(tmp_path):
    df = pd.DataFrame(
        {
            "opd": ["Dinas A", '=HYPERLINK("http://evil")', "@SUM(A1)"],
            "year": [2020, 2021, 2022],
            "cut_share": [0.25, -0.5, None],
            "met": [True, False, True],
        }
    )
    entry = {
        "name": "04_region_report-99.01",
        "title": "Region report",
        "notebook": "04_region_report.ipynb",
        "data_hash": "ab" * 32,
        "data_folder": "demo",
        "parameters": {"region": "99.01"},
        "synthetic": True,
    }
    out = artefacts.write_open_data(
        _nb(_table("opd_cuts", df, title="OPD cuts")), tmp_path, "04_region_report-99.01", entry
    )
    assert out["datapackage"] == "open-data/04_region_report-99.01/datapackage.json"
    csv_path = tmp_path / out["tables"][0]
    text = csv_path.read_text(encoding="utf-8")
    # formula cells get an apostrophe, numbers (also negative ones) stay numbers, a gap stays empty
    assert text.splitlines() == [
        "opd,year,cut_share,met",
        "Dinas A,2020,0.25,True",
        '"\'=HYPERLINK(""http://evil"")",2021,-0.5,False',
        "'@SUM(A1),2022,,True",
    ]
    back = pd.read_csv(csv_path)
    assert back["year"].tolist() == [2020, 2021, 2022] and back["cut_share"].tolist()[:2] == [0.25, -0.5]
    pkg = json.loads((tmp_path / out["datapackage"]).read_text())
    assert pkg["profile"] == "tabular-data-package" and pkg["name"] == "04_region_report-99.01"
    (res,) = pkg["resources"]
    assert res["path"] == "opd_cuts.csv" and res["format"] == "csv" and res["mediatype"] == "text/csv"
    assert res["title"] == "OPD cuts"
    assert res["schema"]["fields"] == [
        {"name": "opd", "type": "string"},
        {"name": "year", "type": "integer"},
        {"name": "cut_share", "type": "number"},
        {"name": "met", "type": "boolean"},
    ]
    data = csv_path.read_bytes()
    assert res["bytes"] == len(data) and res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert pkg["sources"][0]["hash"] == "sha256:" + "ab" * 32
    assert pkg["kinerja"]["synthetic"] is True


def test_no_tables_no_files(tmp_path):
    assert artefacts.write_open_data(_nb(), tmp_path, "x", {}) == {}
    assert not (tmp_path / "open-data").exists()


def test_field_types():
    assert artefacts.field_type("Int64") == "integer" and artefacts.field_type("float32") == "number"
    assert (
        artefacts.field_type("string") == "string"
        and artefacts.field_type("datetime64[ns, UTC]") == "datetime"
    )


def test_one_formula_rule_for_csv_xlsx_and_open_data(tmp_path):
    cells = [c + "1+1" for c in FORMULA_START] + ["-12,5", "-", "Dinas"]
    df = pd.DataFrame({"t": cells})
    csv_cells = artefacts.csv_text(["t"], [[c] for c in cells]).split("\n")[1:-1]
    assert artefacts.neutralise(df)["t"].tolist()[: len(FORMULA_START)] == [
        "'" + c for c in cells[: len(FORMULA_START)]
    ]
    assert artefacts.neutralise(df)["t"].tolist()[len(FORMULA_START) :] == ["-12,5", "-", "Dinas"]
    assert [c.strip('"') for c in csv_cells][-3:] == ["-12,5", "-", "Dinas"]
    assert all(c.strip('"').startswith("'") for c in csv_cells[: len(FORMULA_START)])
