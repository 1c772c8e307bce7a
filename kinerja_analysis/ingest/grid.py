"""Raw cells of a csv or xlsx file as a grid, and where its header is: spreadsheet quirks live here.

:func:`read` returns every cell as typed (text, numbers from Excel, dates), with the sheet it chose and
notes about what it did. :func:`locate_header` finds the header row below any title rows and combines
two merged header rows ("Pagu" over "Murni | Perubahan"). Nothing here knows about tidy columns beyond
asking :func:`kinerja_analysis.schema.canonical_header` which headers it recognises.

Security: csv is decoded as text; xlsx is read by openpyxl, which parses the XML with defusedxml when
installed (no entity expansion, no external entities). Macros in .xlsm are never run; formulas are
never evaluated (their saved results are read).
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io as _io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import schema
from ..errors import DataError

#: how many rows at the top may hold a title before the header
HEADER_SEARCH_ROWS = 20
#: sheet names (normalised) that hold a table's data, besides the table's own name
SHEET_NAMES = {
    "kinerja": {"kinerja", "indikator", "indikator_kinerja", "iku", "data"},
    "anggaran": {"anggaran", "belanja", "budget", "apbd", "data"},
    "regions": {"regions", "wilayah", "pemda", "data"},
    "opd_crosswalk": {"opd_crosswalk", "crosswalk", "data"},
}
_MAX_CSV_BYTES = 200 * 1024 * 1024


@dataclass
class RawGrid:
    cells: list  # rows of cells; row i is spreadsheet row i + 1
    sheet: str = ""  # the sheet read ("" for csv)
    notes: list = field(default_factory=list)  # (rule, severity, message) about the file as a whole
    notes_fatal: bool = False


@dataclass
class Layout:
    header_row: int  # spreadsheet number of the (first) header row
    header_rows: int  # 1, or 2 for a merged two-row header
    title_rows: int  # non-empty rows above the header
    names: list  # one header name per column
    first_data_index: int  # grid index of the first row below the header


def blank(v) -> bool:
    """True for None, NaN and whitespace-only text.

    >>> blank(None), blank("  "), blank(0), blank("x")
    (True, True, False, False)
    """
    if v is None:
        return True
    if isinstance(v, float):
        return bool(np.isnan(v))
    return isinstance(v, str) and not v.strip()


def is_date(v) -> bool:
    return isinstance(v, (_dt.date, _dt.time, _dt.timedelta, np.datetime64))


def col_letter(j: int) -> str:
    """Spreadsheet column letter of 0-based index ``j``.

    >>> col_letter(0), col_letter(25), col_letter(26)
    ('A', 'Z', 'AA')
    """
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def read(path: Path, table: str) -> RawGrid:
    """All cells of the file's data sheet; raises :class:`DataError` when the file cannot be read."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path, table)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, table)
    if suffix == ".xls":
        raise DataError("old Excel 97-2003 (.xls) files are not read; save the file as .xlsx or .csv")
    raise DataError(f"unsupported file type {suffix!r}; expected .csv or .xlsx")


# ---------------------------------------------------------------- csv
def _decode(data: bytes) -> tuple[str, list]:
    notes = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), [
            ("encoding", "info", "file is UTF-16 (Excel 'Unicode text'); read as such")
        ]
    if b"\x00" in data[:8192]:
        raise DataError(
            "this is not a text (csv) file: it holds binary data. Save the table as .csv or .xlsx"
        )
    try:
        return data.decode("utf-8-sig"), notes
    except UnicodeDecodeError as exc:
        notes.append(
            (
                "encoding",
                "warning",
                f"file is not UTF-8 (byte {exc.start}); read as Windows-1252. Check letters such as "
                "'é' or '–' and save as 'CSV UTF-8' next time",
            )
        )
        return data.decode("cp1252", errors="replace"), notes


def _split(text: str, sep: str, limit: int | None = None) -> list[list[str]]:
    reader = csv.reader(
        _io.StringIO(text), delimiter=sep, quotechar='"', skipinitialspace=False, strict=False
    )
    out = []
    for i, row in enumerate(reader):
        if limit is not None and i >= limit:
            break
        out.append(row)
    return out


def _read_csv(path: Path, table: str) -> RawGrid:
    data = path.read_bytes()
    if len(data) > _MAX_CSV_BYTES:
        raise DataError(f"file is larger than {_MAX_CSV_BYTES >> 20} MB; split it by year")
    if not data.strip():
        raise DataError("the file is empty")
    text, notes = _decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # the separator is the one under which the most recognised headers appear (Excel in an Indonesian
    # locale writes ";", and a "," inside "45,4" must not be mistaken for one)
    best, best_score = ",", (-1, -1)
    for sep in (",", ";", "\t", "|"):
        head = _split(text, sep, HEADER_SEARCH_ROWS + 2)
        known = max(
            (len({schema.canonical_header(str(c), table) for c in r} - {None}) for r in head), default=0
        )
        width = max((len(r) for r in head), default=0)
        if (known, width) > best_score:
            best, best_score = sep, (known, width)
    try:
        cells = _split(text, best)
    except csv.Error as exc:
        raise DataError(f"cannot read the csv: {exc}") from None
    cells = [[c if c.strip() else None for c in row] for row in cells]
    return RawGrid(cells=cells, notes=notes)


# ---------------------------------------------------------------- xlsx
def _load_workbook(path: Path, **kw):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, **kw)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise DataError(
            f"cannot read the file as xlsx ({type(exc).__name__}: {exc}); "
            "is it really an Excel workbook? Save it again as .xlsx or .csv"
        ) from None
    except Exception as exc:  # a hostile or broken zip/XML (defusedxml refuses entities): never a traceback
        raise DataError(f"cannot read the file as xlsx ({type(exc).__name__}: {exc})") from None


def _header_score(rows: list, table: str) -> int:
    return max(
        (
            len({schema.canonical_header(str(c), table) for c in r if isinstance(c, str)} - {None})
            for r in rows[:HEADER_SEARCH_ROWS]
        ),
        default=0,
    )


def _choose_sheet(wb, table: str) -> tuple[object, list]:
    """The data sheet: a visible sheet named after the table, else the visible sheet whose header
    matches best, else a hidden one (with a warning). Notes say which sheet was read and why."""
    notes = []
    names = SHEET_NAMES.get(table, {table})
    visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    hidden = [ws for ws in wb.worksheets if ws.sheet_state != "visible"]
    scores = {
        ws.title: _header_score(
            [list(r) for r in ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)], table
        )
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


def _read_xlsx(path: Path, table: str) -> RawGrid:
    wb = _load_workbook(path, data_only=True)
    if not wb.worksheets:
        raise DataError("the workbook has no worksheet")
    ws, notes = _choose_sheet(wb, table)
    cells = []
    percent_cells = 0
    for row in ws.iter_rows():
        out = []
        for c in row:
            v = c.value
            if isinstance(v, (int, float)) and not isinstance(v, bool) and "%" in (c.number_format or ""):
                # a cell shown as "89%" holds 0.89: the template's numbers are in percent
                v = f"{v * 100:.10g}%"
                percent_cells += 1
            elif isinstance(v, str) and not v.strip():
                v = None
            out.append(v)
        cells.append(out)
    while cells and all(blank(v) for v in cells[-1]):  # trailing empty rows (formatting leftovers)
        cells.pop()
    merged = list(ws.merged_cells.ranges)
    for rng in merged:  # every cell of a merged range takes its value (an OPD name merged down its rows)
        top = cells[rng.min_row - 1][rng.min_col - 1] if rng.min_row - 1 < len(cells) else None
        for r in range(rng.min_row - 1, min(rng.max_row, len(cells))):
            row = cells[r]
            if len(row) < rng.max_col:
                row.extend([None] * (rng.max_col - len(row)))
            for c in range(rng.min_col - 1, rng.max_col):
                row[c] = top
    if merged:
        notes.append(
            (
                "merged_cells",
                "info",
                f"{len(merged)} merged cell range(s) read: every cell of a merged "
                f"range takes its value ({', '.join(str(r) for r in merged[:5])}"
                f"{', ...' if len(merged) > 5 else ''})",
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
    return RawGrid(cells=cells, sheet=ws.title, notes=notes)


def _formula_notes(path: Path, sheet: str, cells: list) -> list:
    """Formulas whose result was never saved (a file written by a program and not opened in Excel) read
    as empty; say so instead of passing them as missing values."""
    wb = _load_workbook(path, data_only=False, read_only=True)
    try:
        ws = wb[sheet]
        missing = []
        for i, row in enumerate(ws.iter_rows(values_only=True)):
            for j, v in enumerate(row):
                if (
                    isinstance(v, str)
                    and v.startswith("=")
                    and i < len(cells)
                    and j < len(cells[i])
                    and blank(cells[i][j])
                ):
                    missing.append(f"{col_letter(j)}{i + 1}")
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


# ---------------------------------------------------------------- header
def _text(v) -> str:
    return "" if blank(v) else str(v).strip()


def _known(names, table) -> int:
    return len({schema.canonical_header(n, table) for n in names if n} - {None})


def _combine(parent: str, child: str, table: str) -> str:
    if not child or child == parent:
        return parent
    if not parent:
        return child
    if schema.canonical_header(child, table):
        return child
    return f"{parent} {child}"


def locate_header(cells: list, table: str) -> Layout:
    """Find the header row (below any title rows) and combine two merged header rows.

    A row is the header when it holds the most recognised column names of the first
    :data:`HEADER_SEARCH_ROWS` rows. Two rows are read together when that recognises more columns
    ("Pagu" merged over "Murni" and "Perubahan" gives "Pagu Murni" and "Pagu Perubahan").

    >>> lay = locate_header([["Capaian Kinerja 2020"], [], ["kode_wilayah", "tahun", "Target", None],
    ...                      [None, None, "Murni", "Perubahan"], ["99.01", 2020, 5, 6]], "kinerja")
    >>> lay.header_row, lay.header_rows, lay.title_rows, lay.names
    (3, 2, 1, ['kode_wilayah', 'tahun', 'Target Murni', 'Target Perubahan'])
    """
    best = None
    for h in range(min(HEADER_SEARCH_ROWS, len(cells))):
        one = [_text(v) for v in cells[h]]
        score1 = _known(one, table)
        if score1 == 0:
            continue
        cand = (score1, 1, one)
        if h + 1 < len(cells):
            below = [_text(v) for v in cells[h + 1]]
            width = max(len(one), len(below))
            one_p, below_p = one + [""] * (width - len(one)), below + [""] * (width - len(below))
            parent = ""
            two = []
            for p, c in zip(one_p, below_p):  # a merged group header is filled across its columns
                parent = p or (parent if c else "")
                two.append(_combine(parent, c, table))
            score2 = _known(two, table)
            if score2 > score1:
                cand = (score2, 2, two)
        if best is None or cand[0] > best[0][0]:
            best = (cand, h)
    if best is None:  # nothing recognised: the first non-empty row is the header, and columns will be missing
        h = next((i for i, r in enumerate(cells) if any(not blank(v) for v in r)), 0)
        names = [_text(v) for v in cells[h]] if cells else []
        return Layout(header_row=h + 1, header_rows=1, title_rows=0, names=names, first_data_index=h + 1)
    (score, nrows, names), h = best
    title_rows = sum(1 for r in cells[:h] if any(not blank(v) for v in r))
    return Layout(
        header_row=h + 1, header_rows=nrows, title_rows=title_rows, names=names, first_data_index=h + nrows
    )
