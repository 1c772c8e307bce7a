"""Nothing lost, nothing invented, at a bounded cost: every csv line is accounted for (a stray quote that
swallows rows is an error naming where it starts), fields of any length are read, a file that cannot be
read never stops the other files of a folder, and an xlsx whose used range claims a million rows is read
as the few rows it holds (timings go to benchmarks/bench_validate.py, not here).
"""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from kinerja_analysis.ingest import grid, template, validate, workbook
from kinerja_analysis.ingest.issues import Issues

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "input"
EXPECTED = tomllib.loads((HERE / "EXPECTED.toml").read_text(encoding="utf-8"))
KINERJA = Path(sys.executable).with_name("kinerja")
HX = [
    "kode_wilayah",
    "tahun",
    "opd",
    "kode_indikator",
    "indikator",
    "satuan",
    "polaritas",
    "target",
    "realisasi",
]
A = "kode_wilayah,tahun,opd,jenis_belanja,pagu_murni,pagu_perubahan,realisasi_anggaran"


def _physical_lines(path: Path) -> int:
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
    else:
        text = data.decode("utf-8", errors="replace")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.count("\n") + (not text.endswith("\n"))


def _run(*args, **kw):
    out = subprocess.run(
        [str(KINERJA), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
        **kw,
    )
    return out.returncode, out.stdout + out.stderr


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.endswith(".csv")))
def test_every_csv_line_is_accounted_for(name):
    """Each physical line is in exactly one record; a record over several lines is reported where it starts."""
    table = EXPECTED[name]["table"]
    issues, acc = Issues(), {}
    template.read_table(HERE / name, table, issues, accounting=acc)
    if "lines" not in acc:  # the file could not be read at all: that is reported instead
        assert (issues.frame()["rule"] == "unreadable_file").any()
        return
    assert acc["lines"] == _physical_lines(HERE / name)
    assert acc["lines_in_cells"] == EXPECTED[name].get("lines_in_cells", 0)
    raw = grid.read(HERE / name, table)
    multi = {i + 1 for i, r in enumerate(raw.cells) if any(isinstance(c, str) and "\n" in c for c in r)}
    reported = {n[3]["row"] for n in raw.notes if n[0] in ("multiline_cell", "runaway_quote")}
    assert multi == reported


def test_stray_quote_is_an_error_naming_row_and_column():
    issues = validate.validate_path(HERE / "kinerja_stray_quote.csv")
    (r,) = issues[issues["rule"] == "runaway_quote"].itertuples()
    assert (r.severity, r.row, r.column) == ("error", 3, "indicator")
    assert "line 3" in r.message and "15 lines" in r.message and "14 line(s) that look like rows" in r.message


def test_multiline_cell_is_one_row():
    df = template.read_table(HERE / "kinerja_multiline_cell.csv", "kinerja")
    assert df["indicator"].iloc[0] == "Persentase balita gizi buruk\nyang mendapat perawatan"
    assert df["source_row"].tolist() == [2, 3]


def test_long_field_is_read_whole():
    issues = Issues()
    df = template.read_table(HERE / "kinerja_long_field.csv", "kinerja", issues)
    assert len(df) == 3 and len(df["indicator"].iloc[1]) == len("Lorem ipsum dolor sit amet, " * 5014) - 1
    (r,) = issues.frame().query("rule == 'field_too_long'").itertuples()
    assert (r.row, r.column) == (3, "indicator") and len(r.value) < 100


def test_unreadable_file_does_not_stop_the_folder(tmp_path):
    # a UTF-16 file with a broken byte, next to an anggaran file with a real error: both are reported
    (tmp_path / "kinerja.csv").write_bytes(
        codecs.BOM_UTF16_LE + ",".join(HX).encode("utf-16-le") + b"\x00\xd8"
    )
    (tmp_path / "anggaran.csv").write_text(
        f'{A}\n71.73,2020,Dinas Kesehatan,modal,"1.000.000","-800.000","700.000"\n', encoding="utf-8"
    )
    assert len(template.load_folder(tmp_path).anggaran) == 1
    issues = validate.validate_path(tmp_path)
    assert issues.loc[issues["rule"] == "negative_budget", "file"].tolist() == ["anggaran.csv"]
    bad = issues[issues["rule"] == "unreadable_file"]
    assert bad["file"].tolist() == ["kinerja.csv"] and "UTF-16" in bad["message"].iloc[0]


def test_zip_bomb_is_refused_before_parsing():
    issues = validate.validate_path(HERE / "kinerja_zip_bomb.xlsx")
    (r,) = issues.itertuples()
    assert r.rule == "xlsx_too_large" and "padding.bin" in r.message and "decompression bomb" in r.message


def test_big_used_range_xlsx_reads_the_rows_it_holds(tmp_path):
    """Five rows and a formatted empty cell at XFD1048576 (the used range claims 17 billion cells):
    read as five rows, with merged cells and percent formats handled as in a small workbook."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "kinerja"
    for r in (
        HX,
        ["71.73", 2020, "Dinas Kesehatan", "K1", "Balita dirawat", "%", "positif", 100, 98.5],
        ["71.73", 2020, None, "K2", "Imunisasi", "%", "positif", 0.95, 0.96],
        ["71.73", 2021, None, "K1", "Balita dirawat", "%", "positif", 100, 99],
        ["71.73", 2021, "Dinas PU", "K9", "Jalan mantap", "km", "positif", 10, 9],
    ):
        ws.append(r)
    ws.merge_cells("C2:C4")
    ws["H3"].number_format = ws["I3"].number_format = "0%"
    ws.cell(row=1_048_576, column=16_384).number_format = "0.00"
    wb.save(tmp_path / "kinerja.xlsx")
    issues, acc = Issues(), {}
    df = template.read_table(tmp_path / "kinerja.xlsx", "kinerja", issues, accounting=acc)
    assert acc["data_rows"] == acc["kept"] == len(df) == 4 and acc["blank"] == 0
    assert df["source_row"].tolist() == [2, 3, 4, 5]
    assert df["opd"].tolist() == ["Dinas Kesehatan"] * 3 + ["Dinas PU"]
    assert df["target"].tolist() == [100.0, 95.0, 100.0, 10.0] and df["actual"].tolist()[:2] == [98.5, 96.0]
    frame = issues.frame()
    assert not (frame["severity"] == "error").any(), frame
    assert {"merged_cells", "percent_cells"} <= set(frame["rule"])


def test_rows_after_a_gap_are_kept(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HX)
    ws.append(["71.73", 2020, "Dinas Kesehatan", "K1", "Balita dirawat", "%", "positif", 100, 98])
    for i, v in enumerate(["71.73", 2020, "Dinas Kesehatan", "K2", "Imunisasi", "%", "positif", 95, 96], 1):
        ws.cell(row=5000, column=i, value=v)
    wb.save(tmp_path / "kinerja.xlsx")
    acc = {}
    df = template.read_table(tmp_path / "kinerja.xlsx", "kinerja", accounting=acc)
    assert df["source_row"].tolist() == [2, 5000] and acc["blank"] == 4997


def test_reading_stops_after_a_long_empty_run_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_EMPTY_RUN", 5)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HX)
    ws.append(["71.73", 2020, "Dinas Kesehatan", "K1", "Balita dirawat", "%", "positif", 100, 98])
    for r in range(3, 10):
        ws.cell(row=r, column=1).number_format = "0.00"
    ws.cell(row=12, column=1, value="71.73")
    wb.save(tmp_path / "kinerja.xlsx")
    issues = Issues()
    df = template.read_table(tmp_path / "kinerja.xlsx", "kinerja", issues)
    assert df["source_row"].tolist() == [2]
    (r,) = issues.frame().query("rule == 'rows_not_read'").itertuples()
    assert r.severity == "warning" and r.row == 7 and "not read" in r.message


def test_cli_reports_each_defect_and_goes_on(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "kinerja.csv").write_bytes((HERE / "kinerja_stray_quote.csv").read_bytes())
    (folder / "anggaran.csv").write_text(
        f'{A}\n71.73,2021,Dinas Kesehatan,modal,"1.000.000","800.000","700.000"\n', encoding="utf-8"
    )
    code, text = _run("validate", folder, HERE / "kinerja_long_field.csv", HERE / "kinerja_zip_bomb.xlsx")
    assert code == 1 and "Traceback" not in text and "unexpected error" not in text, text
    assert "ERROR: kinerja.csv, row 3, column indicator: a quoted value opened on line 3" in text
    assert (
        "WARNING: kinerja_long_field.csv, row 3, column indicator: the value holds 140,392 characters" in text
    )
    assert "ERROR: kinerja_zip_bomb.xlsx: the workbook unpacks to" in text
    assert text.count("error(s)") == 3  # one summary line per target: none was skipped
