"""Safe CSV and XLSX writers for tables that leave the workbook (capaian output, published tables).

Text from data can carry a spreadsheet formula ("=HYPERLINK(...)", "@SUM(...)", "=cmd|'/c calc'!A1"):
opened in Excel or LibreOffice, such a cell runs (CSV/formula injection, OWASP). Every text cell and
every column name that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading apostrophe, which spreadsheets show as text. Plain numbers written as text ("-12,5", "+3")
and a lone "-" (a missing marker) cannot run and are left as they are, so raw texts stay readable.
Real numbers are never touched. In XLSX every string cell is also written with the string type, so
openpyxl never stores it as a formula.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
#: text that starts with a dangerous character but cannot be a formula: a plain number or dashes only
_HARMLESS = re.compile(r"[-+]?\s*[0-9][0-9.,\s]*%?|[-\u2013\u2014]+")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def neutralise_text(value):
    """One cell: text that a spreadsheet would run gets a leading apostrophe; anything else as is.

    >>> neutralise_text("=1+1"), neutralise_text("@SUM(A1)"), neutralise_text("-2+3"), neutralise_text("-12,5")
    ("'=1+1", "'@SUM(A1)", "'-2+3", '-12,5')
    >>> neutralise_text("Dinas Kesehatan"), neutralise_text(-5.0), neutralise_text("-")
    ('Dinas Kesehatan', -5.0, '-')
    """
    if not isinstance(value, str) or not value.startswith(DANGEROUS_START):
        return value
    if _HARMLESS.fullmatch(value):
        return value
    return "'" + value


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names cannot run as spreadsheet formulas.

    Examples
    --------
    >>> df = pd.DataFrame({"opd": ["=HYPERLINK(\\"http://x\\")", "Dinas A"], "n": [-1, 2]})
    >>> neutralise(df)["opd"].tolist(), neutralise(df)["n"].tolist()
    (['\\'=HYPERLINK("http://x")', 'Dinas A'], [-1, 2])
    """
    out = df.copy()
    out.columns = [neutralise_text(str(c)) if isinstance(c, str) else c for c in out.columns]
    for i, col in enumerate(out.columns):
        s = out.iloc[:, i]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype) or isinstance(s.dtype, pd.CategoricalDtype):
            if isinstance(s.dtype, pd.CategoricalDtype):
                s = s.astype(object)
            out.isetitem(i, s.map(neutralise_text).astype(object))
    return out


def _atomic(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as UTF-8 CSV with formula injection neutralised; written atomically.

    >>> import tempfile
    >>> p = write_csv(pd.DataFrame({"a": ["=1+1"]}), Path(tempfile.mkdtemp()) / "x.csv")
    >>> p.read_text().splitlines()
    ['a', "'=1+1"]
    """
    path = Path(path)
    tmp = _atomic(path)
    # "\r\n" (RFC 4180) also makes the writer quote cells holding a lone carriage return, which with a
    # "\n" terminator would be written bare and start a new row in a spreadsheet
    neutralise(df).to_csv(tmp, index=False, encoding="utf-8", lineterminator="\r\n")
    os.replace(tmp, path)
    return path


def sheet_title(name: str, used: set) -> str:
    """A valid, unique worksheet title (at most 31 characters, none of []:*?/\\).

    >>> sheet_title("a/b:c", set()), sheet_title("x" * 40, set())[-3:]
    ('a_b_c', 'xxx')
    """
    base = _SHEET_BAD.sub("_", str(name)).strip("'") or "sheet"
    base = base[:31]
    title, k = base, 2
    while title.lower() in used:
        suffix = f"~{k}"
        title, k = base[:31 - len(suffix)] + suffix, k + 1
    used.add(title.lower())
    return title


def write_xlsx(sheets: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """Write one worksheet per frame, formula injection neutralised, strings typed as strings.

    >>> import tempfile, openpyxl
    >>> p = write_xlsx({"capaian": pd.DataFrame({"a": ["=1+1"], "b": [2.5]})}, Path(tempfile.mkdtemp()) / "x.xlsx")
    >>> ws = openpyxl.load_workbook(p)["capaian"]
    >>> ws["A2"].value, ws["A2"].data_type, ws["B2"].value
    ("'=1+1", 's', 2.5)
    """
    import math

    import openpyxl

    path = Path(path)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    used: set = set()
    for name, df in sheets.items():
        ws = wb.create_sheet(sheet_title(name, used))
        d = neutralise(df)
        ws.append([str(c) for c in d.columns])
        for row in d.itertuples(index=False):
            ws.append([_xlsx_value(v, math) for v in row])
        for row in ws.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
        ws.freeze_panes = "A2"
    tmp = _atomic(path)
    wb.save(tmp)
    os.replace(tmp, path)
    return path


def _xlsx_value(v, math):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            return v.item()
        except (ValueError, AttributeError):
            return str(v)
    if isinstance(v, (int, float, str, bool)):
        return v
    return str(v)
