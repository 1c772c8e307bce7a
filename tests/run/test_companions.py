"""Files beside each page: the LKjIP-format XLSX of the main tables (formula injection neutralised) and PDF."""
from __future__ import annotations

import nbformat
import openpyxl
import pytest

from kinerja_analysis.run import companions
from kinerja_analysis.report import lkjip, page as report


def _nb_with_tables(tables):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={report.TABLE_MIME: t}) for t in tables]
    nb.cells.append(cell)
    return nb


def test_xlsx_holds_main_tables_in_lkjip_order_and_neutralises_formulas(tmp_path, demo_prepared):
    t = lkjip.indicator_table(demo_prepared.kinerja, 2021, "id")
    t.iloc[0, 2] = "=HYPERLINK(\"http://x\")"
    main = {"name": "lkjip_indicators", "title": "Indikator 2021", "main": True, "columns": list(t.columns),
            "data": t.astype(object).where(t.notna(), None).values.tolist()}
    other = {"name": "aux", "title": "aux", "main": False, "columns": ["a"], "data": [[1]]}
    out = companions.write(_nb_with_tables([main, other]), tmp_path, "r", {"html": None})
    assert out == {"xlsx": "r.xlsx"}
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames == ["Indikator 2021"]
    ws = wb["Indikator 2021"]
    assert [c.value for c in ws[1]] == ["OPD", "Sasaran", "Indikator", "Satuan", "Target", "Realisasi",
                                        "Capaian (%)", "Kategori"]
    assert ws["C2"].value.startswith("'=") and ws["C2"].data_type == "s"
    assert ws.max_row == len(t) + 1


def test_no_main_tables_no_xlsx(tmp_path):
    assert companions.write(_nb_with_tables([]), tmp_path, "r", {"html": None}) == {}
    assert not (tmp_path / "r.xlsx").exists()


@pytest.mark.skipif(companions.find_chromium() is None, reason="chromium is not installed")
def test_pdf_is_printed_with_chromium(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("<!DOCTYPE html><html><body><h1>Laporan</h1><p>isi</p></body></html>")
    out = companions.write(_nb_with_tables([]), tmp_path, "p", {"html": "p.html"}, pdf=True)
    assert out == {"pdf": "p.pdf"}
    assert (tmp_path / "p.pdf").read_bytes()[:5] == b"%PDF-"


def test_pdf_without_chromium_is_recorded_not_raised(tmp_path, monkeypatch):
    monkeypatch.setenv("KINERJA_CHROMIUM", str(tmp_path / "no-such-browser"))
    (tmp_path / "p.html").write_text("<html></html>")
    out = companions.write(_nb_with_tables([]), tmp_path, "p", {"html": "p.html"}, pdf=True)
    assert "pdf" not in out and "chromium" in out["pdf_error"]
