"""Blank analyst templates (``kinerja template``): xlsx with a bilingual README sheet, lists and an example.

The folder written is itself a data folder: fill ``kinerja.xlsx`` and ``anggaran.xlsx`` (sheets
``kinerja`` and ``anggaran``) and run ``kinerja validate`` on it. The same headers as csv are in
``csv/`` for offices that prefer csv; copy them up one level instead of the xlsx files (a folder with
both ``kinerja.csv`` and ``kinerja.xlsx`` is refused as ambiguous). Headers are the Indonesian names
of DESIGN.md section 8; the README sheet gives the English name and the meaning of every column in
both languages. The example row sits on its own sheet (``contoh``), which is never read as data.
"""

from __future__ import annotations

import csv
from pathlib import Path

from .. import labels as L
from .. import schema
from ..files import atomic_path

KINERJA_TEMPLATE = [
    "region_code",
    "year",
    "opd",
    "sector",
    "sasaran",
    "indicator_id",
    "indicator",
    "unit",
    "polarity",
    "target",
    "target_upper",
    "target_original",
    "actual",
    "formula",
    "achievement_reported",
    "period",
    "aggregation",
]
ANGGARAN_TEMPLATE = [
    "region_code",
    "year",
    "opd",
    "sector",
    "program",
    "spending_type",
    "budget_original",
    "budget_revised",
    "spent",
]

EXAMPLES = {
    "kinerja": [
        {
            "region_code": "71.73",
            "year": 2020,
            "opd": "Dinas Kesehatan",
            "sector": "1.02",
            "sasaran": "Meningkatnya derajat kesehatan masyarakat",
            "indicator_id": "IKU-DINKES-01",
            "indicator": "Persentase balita gizi buruk yang mendapat perawatan",
            "unit": "%",
            "polarity": "positif",
            "target": "100",
            "target_upper": "",
            "target_original": "",
            "actual": "98,5",
            "formula": "",
            "achievement_reported": "98,5",
            "period": "",
            "aggregation": "",
        }
    ],
    "anggaran": [
        {
            "region_code": "71.73",
            "year": 2020,
            "opd": "Dinas Kesehatan",
            "sector": "1.02",
            "program": "",
            "spending_type": "barang_jasa",
            "budget_original": "12.500.000.000",
            "budget_revised": "9.750.000.000",
            "spent": "9.412.300.000",
        }
    ],
}

#: drop-down lists offered in the xlsx (the reader accepts English spellings too)
LISTS = {
    "polarity": ["positif", "negatif", "rentang"],
    "spending_type": list(schema.SPENDING_TYPES),
    "formula": ["R/T", "(2T-R)/T", "T/R"],
    "period": ["TW1", "TW2", "TW3", "TW4"],
    "aggregation": ["kumulatif", "terakhir", "rata-rata", "maksimum"],
}
#: rows given a drop-down and text format below the header
LIST_ROWS = 5000
_TEXT_COLUMNS = ("region_code", "indicator_id", "opd", "sector", "program")


def columns(table: str) -> list[str]:
    """The template's columns (tidy names), in order.

    >>> columns("kinerja")[:3]
    ['region_code', 'year', 'opd']
    """
    return KINERJA_TEMPLATE if table == "kinerja" else ANGGARAN_TEMPLATE


def headers(table: str) -> list[str]:
    """The template's header row (Indonesian names).

    >>> headers("anggaran")[:5]
    ['kode_wilayah', 'tahun', 'opd', 'urusan', 'program']
    """
    return [schema.INDONESIAN_HEADERS.get(c, c) for c in columns(table)]


def _readme(wb, table: str) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet("README", 0)
    required = set(schema.TABLES[table][1])
    ws.append(
        [f"{L.t('tpl_readme_title', 'en')} · {table}", "", "", f"{L.t('tpl_readme_title', 'id')} · {table}"]
    )
    ws["A1"].font = ws["D1"].font = Font(bold=True, size=14)
    ws.append([L.t("tpl_readme_intro", "en", sheet=table)])
    ws.append([L.t("tpl_readme_intro", "id", sheet=table)])
    ws.append([L.t("tpl_readme_example", "en") + " " + L.t("tpl_readme_example", "id")])
    ws.append([])
    head = [
        L.t("tpl_h_column", "en") + " / " + L.t("tpl_h_column", "id"),
        L.t("tpl_h_english", "en"),
        L.t("tpl_h_required", "en") + " / " + L.t("tpl_h_required", "id"),
        L.t("tpl_h_en", "en"),
        L.t("tpl_h_id", "id"),
    ]
    ws.append(head)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for col in columns(table):
        req = col in required
        ws.append(
            [
                schema.INDONESIAN_HEADERS.get(col, col),
                col,
                f"{L.t('tpl_yes', 'en')} / {L.t('tpl_yes', 'id')}"
                if req
                else f"{L.t('tpl_no', 'en')} / {L.t('tpl_no', 'id')}",
                L.t(f"tpl_col_{col}", "en"),
                L.t(f"tpl_col_{col}", "id"),
            ]
        )
    for letter, width in zip("ABCDE", (24, 22, 12, 70, 70)):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=7):
        for cell in row[3:5]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _sheet(wb, title: str, table: str, rows: list[dict], *, lists: bool) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb.create_sheet(title)
    cols = columns(table)
    ws.append(headers(table))
    required = set(schema.TABLES[table][1])
    for j, col in enumerate(cols, start=1):
        cell = ws.cell(row=1, column=j)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FCE4D6" if col in required else "EDEDED")
        ws.column_dimensions[get_column_letter(j)].width = max(12, min(40, len(cell.value) + 4))
    for r in rows:
        ws.append([r.get(c, "") for c in cols])
    ws.freeze_panes = "A2"
    for j, col in enumerate(cols, start=1):
        letter = get_column_letter(j)
        if col in _TEXT_COLUMNS:  # codes stay text: 71.10 must not become 71.1 (a column style, no cells)
            ws.column_dimensions[letter].number_format = "@"
            for i in range(2, len(rows) + 2):
                ws[f"{letter}{i}"].number_format = "@"
        if lists and col in LISTS:
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(LISTS[col]) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=schema.INDONESIAN_HEADERS.get(col, col),
                error=", ".join(LISTS[col]),
            )
            dv.add(f"{letter}2:{letter}{LIST_ROWS + 1}")
            ws.add_data_validation(dv)


def write_xlsx(table: str, path: Path) -> Path:
    """One xlsx template: README (English and Bahasa Indonesia), the data sheet with lists, ``contoh``."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _sheet(wb, table, table, [], lists=True)
    _sheet(wb, "contoh", table, EXAMPLES[table], lists=False)
    _readme(wb, table)
    wb.active = 0
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def write_csv(table: str, path: Path, rows: list[dict] | None = None) -> Path:
    cols = columns(table)
    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(headers(table))
        for r in rows or []:
            w.writerow([r.get(c, "") for c in cols])
    return path


def write_templates(out: str | Path) -> list[Path]:
    """Write the blank templates into ``out``; returns the files written.

    Examples
    --------
    >>> import tempfile
    >>> [p.name for p in write_templates(tempfile.mkdtemp())]  # doctest: +NORMALIZE_WHITESPACE
    ['kinerja.xlsx', 'anggaran.xlsx', 'kinerja.csv', 'anggaran.csv', 'kinerja_contoh.csv',
     'anggaran_contoh.csv']
    """
    out = Path(out)
    (out / "csv").mkdir(parents=True, exist_ok=True)
    written = [write_xlsx(t, out / f"{t}.xlsx") for t in ("kinerja", "anggaran")]
    written += [write_csv(t, out / "csv" / f"{t}.csv") for t in ("kinerja", "anggaran")]
    written += [write_csv(t, out / "csv" / f"{t}_contoh.csv", EXAMPLES[t]) for t in ("kinerja", "anggaran")]
    return written
