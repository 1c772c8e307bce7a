"""Raw cells of a csv or xlsx file as a grid, and where its header is: spreadsheet quirks live here.

:func:`read` returns every cell as typed (text, numbers from Excel, dates), with the sheet it chose and
notes about what it did. :func:`locate_header` finds the header row below any title rows and combines
two merged header rows ("Pagu" over "Murni | Perubahan"). Nothing here knows about tidy columns beyond
asking :func:`kinerja_analysis.schema.canonical_header` which headers it recognises.

Nothing lost, nothing invented: every physical line of a csv ends up in exactly one record (a row of the
grid), and a record over several lines (a quoted cell with line breaks) is reported: as a note when it
looks like a real cell, as an error when a stray quote swallowed what look like later rows. Fields of any
length are read (one longer than a spreadsheet cell can hold is reported). Every pass over a file turns
a csv, decoding, zip or XML failure into a :class:`~kinerja_analysis.errors.FileReadError` naming the
problem, never a traceback.

Security and cost: csv is decoded as text, never executed; xlsx is read by
:mod:`kinerja_analysis.ingest.workbook` (zip sizes checked first, streaming mode, defusedxml, only the
rows the sheet holds).
"""

from __future__ import annotations

import codecs
import collections
import csv
import datetime as _dt
import io as _io
import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import schema
from ..errors import DataError, FileReadError
from .workbook import read_xlsx

#: how many rows at the top may hold a title before the header
HEADER_SEARCH_ROWS = 20
#: a spreadsheet cell holds at most this many characters (Excel's limit); a longer csv field is reported
CELL_MAX_CHARS = 32_767
#: a quoted csv value over more lines than this is a stray quote swallowing rows, not a cell
MAX_CELL_LINES = 10
_MAX_CSV_BYTES = 200 * 1024 * 1024


@dataclass
class RawGrid:
    cells: list  # rows of cells; row i is spreadsheet row i + 1
    sheet: str = ""  # the sheet read ("" for csv)
    #: (rule, severity, message) about the file, or (rule, severity, message, {"row": .., "column": ..,
    #: "value": ..}) about one place in it
    notes: list = field(default_factory=list)
    notes_fatal: bool = False
    #: csv: ``lines`` (physical lines) and ``lines_in_cells`` (lines after the first of multi-line records)
    accounting: dict = field(default_factory=dict)


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
    """All cells of the file's data sheet.

    Raises :class:`~kinerja_analysis.errors.DataError` (a :class:`FileReadError` with the rule and, where
    known, the row) when the file cannot be read; any failure of a pass over the file becomes one.
    """
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        reader = _read_csv
    elif suffix in (".xlsx", ".xlsm"):
        reader = _read_xlsx
    elif suffix == ".xls":
        raise DataError("old Excel 97-2003 (.xls) files are not read; save the file as .xlsx or .csv")
    else:
        raise DataError(f"unsupported file type {suffix!r}; expected .csv or .xlsx")
    try:
        return reader(path, table)
    except DataError:
        raise
    except MemoryError:
        raise FileReadError(
            "the file is too large to read in memory; split it (by year, or by OPD)"
        ) from None
    except Exception as exc:  # csv.Error, UnicodeError, BadZipFile, OSError, XML errors: never a traceback
        raise FileReadError(f"cannot read the file ({type(exc).__name__}: {exc})") from None


# ---------------------------------------------------------------- csv
def _decode(data: bytes) -> tuple[str, list]:
    notes = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FileReadError(
                f"the file starts like UTF-16 (Excel 'Unicode text') but is not: byte {exc.start} is "
                f"broken ({exc.reason}). Save it again as 'CSV UTF-8'"
            ) from None
        return text, [("encoding", "info", "file is UTF-16 (Excel 'Unicode text'); read as such")]
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


def _records(text: str, sep: str, lines: int) -> tuple[list, list | None]:
    """The csv records and, for each, its first and last physical line (1-based); None instead of the
    line numbers when every record is one line (a blank line is an empty record): the usual case."""

    def reader():
        return csv.reader(
            _io.StringIO(text), delimiter=sep, quotechar='"', skipinitialspace=False, strict=False
        )

    try:
        rows = list(reader())
    except csv.Error:
        rows = []  # read again below, following the line numbers, to say where
    if len(rows) == lines:
        return rows, None
    rows, spans, last, r = [], [], 0, reader()
    try:
        for row in r:  # a record runs over several lines: follow the line numbers
            rows.append(row)
            spans.append((last + 1, r.line_num))
            last = r.line_num
    except csv.Error as exc:
        raise FileReadError(f"cannot read the csv at line {last + 1}: {exc}", row=len(rows) + 1) from None
    return rows, spans


def _sniff(text: str, table: str) -> str:
    """The separator under which the most recognised headers appear (Excel in an Indonesian locale writes
    ";", and a "," inside "45,4" must not be mistaken for one); only the file's first lines are read."""
    end = -1
    for _ in range(8 * HEADER_SEARCH_ROWS):
        end = text.find("\n", end + 1)
        if end < 0:
            break
    head = (text if end < 0 else text[:end])[: 1 << 20]
    best, best_score = ",", (-1, -1)
    for sep in (",", ";", "\t", "|"):
        try:
            rows = _split(head, sep, HEADER_SEARCH_ROWS + 2)
        except csv.Error:
            continue
        known = max(
            (len({schema.canonical_header(str(c), table) for c in r} - {None}) for r in rows), default=0
        )
        width = max((len(r) for r in rows), default=0)
        if (known, width) > best_score:
            best, best_score = sep, (known, width)
    return best


def _read_csv(path: Path, table: str) -> RawGrid:
    data = path.read_bytes()
    if len(data) > _MAX_CSV_BYTES:
        raise DataError(f"file is larger than {_MAX_CSV_BYTES >> 20} MB; split it by year")
    if not data.strip():
        raise DataError("the file is empty")
    text, notes = _decode(data)
    del data
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if csv.field_size_limit() <= len(text):  # a field may be as long as the file: read it, report it below
        csv.field_size_limit(len(text) + 1)
    sep = _sniff(text, table)
    lines = text.count("\n") + (not text.endswith("\n"))
    rows, spans = _records(text, sep, lines)
    cells = [[c if c.strip() else None for c in row] for row in rows]
    odd = [i for i, (a, b) in enumerate(spans) if b > a] if spans else []
    if (spans or _has_long_line(text, CELL_MAX_CHARS)) and max(
        map(len, itertools.chain.from_iterable(rows)), default=0
    ) > CELL_MAX_CHARS:
        odd = sorted(set(odd) | {i for i, r in enumerate(rows) if r and max(map(len, r)) > CELL_MAX_CHARS})
    if odd:
        notes.extend(_odd_cells(rows, spans, odd, sep, table, cells))
    accounting = {"lines": lines, "lines_in_cells": lines - len(rows)}
    return RawGrid(cells=cells, notes=notes, accounting=accounting)


def _has_long_line(text: str, k: int) -> bool:
    """True when a line of ``text`` is longer than ``k`` characters (one ``rfind`` per ``k`` characters).

    >>> _has_long_line("ab\\ncd\\n", 2), _has_long_line("ab\\ncde", 2)
    (False, True)
    """
    pos = 0
    while len(text) - pos > k:
        nl = text.rfind("\n", pos, pos + k + 1)
        if nl < 0:
            return True
        pos = nl + 1
    return False


def _odd_cells(rows: list, spans: list, which: list, sep: str, table: str, cells: list) -> list:
    """Notes on records over several lines and on fields longer than a spreadsheet cell.

    A quoted value with line breaks is a real cell (a note) unless it runs over more than
    :data:`MAX_CELL_LINES` lines or holds lines with about a row's worth of separators: then a stray quote
    swallowed later rows, an error naming the row and column where the value starts.
    """
    names = locate_header(cells, table).names

    def column(j: int) -> str:
        name = names[j] if j < len(names) else ""
        return (schema.canonical_header(name, table) or name) if name else col_letter(j)

    spans = spans or [(i, i) for i in range(1, len(rows) + 1)]
    widths = collections.Counter(len(r) for r, (a, b) in zip(rows, spans) if a == b and len(r) > 1)
    row_like = max(2, widths.most_common(1)[0][0] - 2) if widths else 2
    notes = []
    for i in which:
        line = spans[i][0]
        for j, v in enumerate(rows[i]):
            # a value's lines, at most to its record's last line (a final line break belongs to no line)
            parts = min(v.count("\n") + 1, spans[i][1] - line + 1)
            where = {"row": i + 1, "column": column(j), "value": v[:80] + ("…" if len(v) > 80 else "")}
            runaway = False
            if parts > 1:
                rowish = sum(1 for p in v.split("\n")[1:parts] if p.count(sep) >= row_like)
                runaway = parts > MAX_CELL_LINES or rowish > 0
                what = f" and holds {rowish} line(s) that look like rows" if rowish else ""
                notes.append(
                    (
                        "runaway_quote",
                        "error",
                        f"a quoted value opened on line {line} runs over {parts} lines (to line "
                        f"{line + parts - 1}){what}; they were read into this one cell, not as rows. A "
                        "stray '\"'? Close or remove the quote and validate again",
                        where,
                    )
                    if runaway
                    else (
                        "multiline_cell",
                        "info",
                        f"the value spans lines {line}–{line + parts - 1} (line breaks inside a quoted "
                        "cell); read as one cell",
                        where,
                    )
                )
            if len(v) > CELL_MAX_CHARS and not runaway:
                notes.append(
                    (
                        "field_too_long",
                        "warning",
                        f"the value holds {len(v):,} characters, more than a spreadsheet cell can "
                        f"({CELL_MAX_CHARS:,}); it was read whole, but check the file (a stray quote, or "
                        "text pasted by mistake?)",
                        where,
                    )
                )
            line += parts - 1
    return notes


# ---------------------------------------------------------------- xlsx
def _read_xlsx(path: Path, table: str) -> RawGrid:
    cells, sheet, notes = read_xlsx(path, table, header_search_rows=HEADER_SEARCH_ROWS)
    return RawGrid(cells=cells, sheet=sheet, notes=notes)


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
