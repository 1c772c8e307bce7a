"""Reading an xlsx workbook for :mod:`kinerja_analysis.ingest.grid`: bounded in time, memory and trust.

The zip's unpacked sizes are checked before anything parses it (a decompression bomb is refused). The
workbook is opened in openpyxl's streaming (read-only) mode, which parses the XML with defusedxml when
installed (no entity expansion, no external entities), and with the sheets' claimed dimensions dropped:
only the rows the sheet's XML holds are read, so a formatted empty cell at row 1,048,576 costs one row,
not a million, and reading stops after a long run of formatted empty rows (with a warning). Merged
ranges, which streaming mode does not give, are found in one pass over the sheet's XML. Macros in .xlsm
are never run; formulas are never evaluated (their saved results are read; a formula without one is an
error).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .. import schema
from ..errors import DataError, FileReadError

#: sheet names (normalised) that hold a table's data, besides the table's own name
SHEET_NAMES = {
    "kinerja": {"kinerja", "indikator", "indikator_kinerja", "iku", "data"},
    "anggaran": {"anggaran", "belanja", "budget", "apbd", "data"},
    "regions": {"regions", "wilayah", "pemda", "data"},
    "opd_crosswalk": {"opd_crosswalk", "crosswalk", "data"},
}
#: reading a sheet stops after this many formatted but empty rows in a row (with a warning)
MAX_EMPTY_RUN = 10_000
#: an xlsx whose parts unpack to more than this is refused, as is a part over _ZIP_RATIO_FROM bytes
#: unpacked at more than _MAX_ZIP_RATIO times its packed size (a decompression bomb)
_MAX_XLSX_UNPACKED = 500 * 1024 * 1024
_ZIP_RATIO_FROM = 10 * 1024 * 1024
_MAX_ZIP_RATIO = 200
_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?\bref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


def _check_zip(path: Path) -> None:
    """Refuse a workbook whose parts unpack to too much (a decompression bomb) before anything parses it.

    The sizes are the zip's own; reading never goes past them (zipfile stops at the declared size).
    """
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(
            f"cannot read the file as xlsx ({type(exc).__name__}: {exc}); "
            "is it really an Excel workbook? Save it again as .xlsx or .csv"
        ) from None
    unpacked = sum(i.file_size for i in infos)
    bomb = [
        i for i in infos if i.file_size > _ZIP_RATIO_FROM and i.file_size > _MAX_ZIP_RATIO * i.compress_size
    ]
    if unpacked > _MAX_XLSX_UNPACKED or bomb:
        worst = bomb[0] if bomb else max(infos, key=lambda i: i.file_size)
        raise FileReadError(
            f"the workbook unpacks to {unpacked / 2**20:,.0f} MB ({worst.filename}: "
            f"{worst.file_size / 2**20:,.0f} MB from {worst.compress_size / 2**20:,.2f} MB); more than "
            f"{_MAX_XLSX_UNPACKED >> 20} MB, or a part over {_MAX_ZIP_RATIO} times its packed size, is "
            "refused (a decompression bomb, or a sheet far too large: save it as csv or split it)",
            rule="xlsx_too_large",
        )


def _load_workbook(path: Path, **kw):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, **kw)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise DataError(
            f"cannot read the file as xlsx ({type(exc).__name__}: {exc}); "
            "is it really an Excel workbook? Save it again as .xlsx or .csv"
        ) from None
    except Exception as exc:  # a hostile or broken zip/XML (defusedxml refuses entities): never a traceback
        raise DataError(f"cannot read the file as xlsx ({type(exc).__name__}: {exc})") from None
    for ws in wb.worksheets:  # the rows the XML holds, never the claimed used range (A1:XFD1048576)
        ws.reset_dimensions()
    return wb


def _header_score(rows: list, table: str) -> int:
    return max(
        (
            len({schema.canonical_header(str(c), table) for c in r if isinstance(c, str)} - {None})
            for r in rows
        ),
        default=0,
    )


def _choose_sheet(wb, table: str, search_rows: int) -> tuple[object, list]:
    """The data sheet: a visible sheet named after the table, else the visible sheet whose header
    matches best, else a hidden one (with a warning). Notes say which sheet was read and why."""
    notes = []
    names = SHEET_NAMES.get(table, {table})
    visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    hidden = [ws for ws in wb.worksheets if ws.sheet_state != "visible"]
    scores = {
        ws.title: _header_score([list(r) for r in ws.iter_rows(max_row=search_rows, values_only=True)], table)
        for ws in wb.worksheets
    }
    named = [ws for ws in visible if schema.norm_key(ws.title) in names and scores[ws.title] > 0]
    if named:
        chosen, why = (
            max(named, key=lambda ws: (schema.norm_key(ws.title) == table, scores[ws.title])),
            "named after the table",
        )
    elif visible and max(scores[ws.title] for ws in visible) > 0:
        chosen, why = max(visible, key=lambda ws: scores[ws.title]), "its header matches the template best"
    elif hidden and max(scores[ws.title] for ws in hidden) > 0:
        chosen = max(hidden, key=lambda ws: scores[ws.title])
        notes.append(
            (
                "hidden_sheet",
                "warning",
                f"the data is on the hidden sheet {chosen.title!r}; it was read, "
                "but check that it is the sheet you meant",
            )
        )
        why = "no visible sheet has the template's header"
    else:
        chosen, why = (visible or wb.worksheets)[0], "no sheet has the template's header; the first is read"
    if len(wb.worksheets) > 1:
        others = ", ".join(
            f"{ws.title!r}" + ("" if ws.sheet_state == "visible" else " (hidden)")
            for ws in wb.worksheets
            if ws is not chosen
        )
        notes.append(("sheet_chosen", "info", f"read sheet {chosen.title!r} ({why}); not read: {others}"))
    return chosen, notes


def _sheet_cells(ws) -> tuple[list, int, int | None]:
    """The sheet's rows up to its last non-empty one, each as wide as the widest; the number of
    percent-formatted cells; and the row where reading stopped after :data:`MAX_EMPTY_RUN` formatted
    empty rows (None when the sheet was read to its end)."""
    cells: list = []
    pending = run = percent = 0
    for row in ws.iter_rows():
        if not row:  # a row absent from the XML: openpyxl fills gaps with empty rows, which cost nothing
            pending += 1
            continue
        out = []
        for c in row:
            v = c.value
            if isinstance(v, (int, float)) and not isinstance(v, bool) and "%" in (c.number_format or ""):
                # a cell shown as "89%" holds 0.89: the template's numbers are in percent
                v = f"{v * 100:.10g}%"
                percent += 1
            elif isinstance(v, str) and not v.strip():
                v = None
            out.append(v)
        if all(v is None for v in out):  # formatting leftovers; kept only when a row with values follows
            pending += 1
            run += 1
            if run >= MAX_EMPTY_RUN:
                return _pad(cells), percent, len(cells) + pending
            continue
        cells.extend([] for _ in range(pending))
        cells.append(out)
        pending = run = 0
    return _pad(cells), percent, None


def _pad(cells: list) -> list:
    width = max((len(r) for r in cells), default=0)
    for r in cells:
        if r and len(r) < width:
            r.extend([None] * (width - len(r)))
    return cells


def _merged_ranges(path: Path, sheet: str) -> list[str]:
    """The merged ranges ("A1:J1") of one sheet, found in one streaming pass over its XML (openpyxl's
    streaming mode does not give them). The sheet's part is found through xl/workbook.xml and its rels."""
    from defusedxml import ElementTree as ET

    rel_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rid = next(e.get(rel_id) for e in book.iter() if e.tag.endswith("}sheet") and e.get("name") == sheet)
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = next(e.get("Target") for e in rels.iter() if e.get("Id") == rid)
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        found, tail, overlap = [], b"", 256
        with z.open(part) as f:
            while chunk := f.read(1 << 20):
                buf = tail + chunk
                cut = max(len(buf) - overlap, 0)
                found += [m.group(1).decode() for m in _MERGE_RE.finditer(buf) if m.start() < cut]
                tail = buf[cut:]
        found += [m.group(1).decode() for m in _MERGE_RE.finditer(tail)]
    return found


def read_xlsx(path: Path, table: str, *, header_search_rows: int = 20) -> tuple[list, str, list]:
    """The cells of the workbook's data sheet (row i is spreadsheet row i + 1; text of only spaces is
    None), the sheet's name, and notes (rule, severity, message[, where]) about what was read.

    The data sheet is the visible sheet named after the table, else the visible sheet whose header (in its
    first ``header_search_rows`` rows) matches best, else a hidden one (with a warning).
    """
    from openpyxl.utils import range_boundaries

    _check_zip(path)
    wb = _load_workbook(path, data_only=True)
    try:
        if not wb.worksheets:
            raise DataError("the workbook has no worksheet")
        ws, notes = _choose_sheet(wb, table, header_search_rows)
        cells, percent_cells, stopped = _sheet_cells(ws)
    finally:
        wb.close()
    if stopped is not None:
        notes.append(
            (
                "rows_not_read",
                "warning",
                f"reading stopped at row {stopped}: {MAX_EMPTY_RUN:,} formatted but empty rows in a row; "
                "anything further down was not read. Delete the empty rows (select them, Delete Rows) if "
                "data follows",
                {"row": stopped},
            )
        )
    try:
        merged = _merged_ranges(path, ws.title)
    except (StopIteration, KeyError):  # a workbook laid out unusually: say so rather than guess
        merged = []
        notes.append(("merged_cells", "warning", "the merged cells of the sheet could not be read"))
    for ref in merged:  # every cell of a merged range takes its value (an OPD name merged down its rows)
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        first = cells[min_row - 1] if min_row - 1 < len(cells) else []
        top = first[min_col - 1] if min_col - 1 < len(first) else None
        for r in range(min_row - 1, min(max_row, len(cells))):
            row = cells[r]
            if len(row) < max_col:
                row.extend([None] * (max_col - len(row)))
            for c in range(min_col - 1, max_col):
                row[c] = top
    if merged:
        notes.append(
            (
                "merged_cells",
                "info",
                f"{len(merged)} merged cell range(s) read: every cell of a merged "
                f"range takes its value ({', '.join(merged[:5])}{', ...' if len(merged) > 5 else ''})",
            )
        )
    if percent_cells:
        notes.append(
            (
                "percent_cells",
                "info",
                f"{percent_cells} cell(s) formatted as percent read in percent "
                "(0.89 shown as 89% is read as 89)",
            )
        )
    notes.extend(_formula_notes(path, ws.title, cells))
    return cells, ws.title, notes


def _formula_notes(path: Path, sheet: str, cells: list) -> list:
    """Formulas whose result was never saved (a file written by a program and not opened in Excel) read
    as empty; say so instead of passing them as missing values."""
    from openpyxl.utils import get_column_letter

    wb = _load_workbook(path, data_only=False)
    try:
        missing = []
        for i, row in enumerate(wb[sheet].iter_rows(values_only=True)):
            if i >= len(cells):
                break
            for j, v in enumerate(row):
                if isinstance(v, str) and v.startswith("=") and (j >= len(cells[i]) or cells[i][j] is None):
                    missing.append(f"{get_column_letter(j + 1)}{i + 1}")
    finally:
        wb.close()
    if not missing:
        return []
    return [
        (
            "formula_without_value",
            "error",
            f"{len(missing)} formula cell(s) have no saved result ({', '.join(missing[:8])}"
            f"{', ...' if len(missing) > 8 else ''}); open the file in Excel or LibreOffice, save it, and "
            "validate again (formulas are never evaluated here)",
        )
    ]
