"""Files that leave the workbook beside the pages: safe CSV/XLSX tables, each report's LKjIP-format XLSX and
PDF, and its open data (the tidy tables behind its figures with a Frictionless ``datapackage.json``).

Text from data can carry a spreadsheet formula ("=HYPERLINK(...)", "@SUM(...)", "=cmd|'/c calc'!A1"):
opened in Excel or LibreOffice, such a cell runs (CSV/formula injection, OWASP). Every text cell and every
column name written here goes through the package's one rule, :func:`kinerja_analysis.files.neutralise_text`
(a leading apostrophe; plain numbers written as text and a lone "-" stay as they are). Real numbers are
never touched. In XLSX every string cell is also written with the string type, so openpyxl never stores it
as a formula. Every file is written atomically.

The runner calls :func:`write_companions` and :func:`write_open_data` after a page is rendered; a failure
there is recorded in the manifest entry but never loses the page.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import json
import logging
import math
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

from .. import __version__
from ..files import atomic_path, atomic_write, neutralise_text
from ..report.page import tables_from_notebook

log = logging.getLogger("kinerja.artefacts")

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")

#: the folder (below a report set's output folder) that holds each report's open data
OPEN_DATA_FOLDER = "open-data"

#: Debian's package installs /usr/bin/chromium; other systems name it differently
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# --------------------------------------------------------------------------------------------------
# safe tables: CSV and XLSX
# --------------------------------------------------------------------------------------------------
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
    for i in range(len(out.columns)):
        s = out.iloc[:, i]
        if (
            s.dtype == object
            or pd.api.types.is_string_dtype(s.dtype)
            or isinstance(s.dtype, pd.CategoricalDtype)
        ):
            if isinstance(s.dtype, pd.CategoricalDtype):
                s = s.astype(object)
            out.isetitem(i, s.map(neutralise_text).astype(object))
    return out


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as UTF-8 CSV with formula injection neutralised; written atomically.

    >>> import tempfile
    >>> p = write_csv(pd.DataFrame({"a": ["=1+1"]}), Path(tempfile.mkdtemp()) / "x.csv")
    >>> p.read_text().splitlines()
    ['a', "'=1+1"]
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        # "\r\n" (RFC 4180) also makes the writer quote cells holding a lone carriage return, which with a
        # "\n" terminator would be written bare and start a new row in a spreadsheet
        neutralise(df).to_csv(tmp, index=False, encoding="utf-8", lineterminator="\r\n")
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
        title, k = base[: 31 - len(suffix)] + suffix, k + 1
    used.add(title.lower())
    return title


def write_xlsx(sheets: dict[str, pd.DataFrame], path: str | Path) -> Path:
    """Write one worksheet per frame, formula injection neutralised, strings typed as strings, numbers as
    numbers with a number format, and column widths set from the content (at most 60 characters).

    >>> import tempfile, openpyxl
    >>> p = write_xlsx({"capaian": pd.DataFrame({"a": ["=1+1"], "b": [2.5]})}, Path(tempfile.mkdtemp()) / "x.xlsx")
    >>> ws = openpyxl.load_workbook(p)["capaian"]
    >>> ws["A2"].value, ws["A2"].data_type, ws["B2"].value
    ("'=1+1", 's', 2.5)
    """
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
            ws.append([_xlsx_value(v) for v in row])
        for row in ws.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
                elif isinstance(cell.value, float):
                    cell.number_format = "#,##0.0##"
                elif isinstance(cell.value, int) and not isinstance(cell.value, bool):
                    cell.number_format = "#,##0"
        for i, col in enumerate(d.columns, start=1):
            width = max([len(str(col))] + [len(str(v)) for v in d[col].head(500) if v is not None])
            ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = min(max(width + 2, 8), 60)
        ws.freeze_panes = "A2"
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _xlsx_value(v):
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


# --------------------------------------------------------------------------------------------------
# companions of a page: the XLSX of its main tables and, on request, a PDF
# --------------------------------------------------------------------------------------------------
def find_chromium() -> str | None:
    """Path of a Chromium/Chrome binary (``KINERJA_CHROMIUM`` overrides), or None."""
    env = os.environ.get("KINERJA_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def main_tables(nb) -> list[dict]:
    """The tables an executed notebook published as main tables (``report.publish(..., main=True)``)."""
    return [t for t in tables_from_notebook(nb) if t.get("main")]


def write_tables_xlsx(tables: list[dict], path: Path) -> Path | None:
    """One sheet per published table, headers in the report language, formula injection neutralised."""
    if not tables:
        return None
    sheets = {
        (t.get("sheet") or t.get("title") or t["name"]): pd.DataFrame(t["data"], columns=t["columns"])
        for t in tables
    }
    return write_xlsx(sheets, path)  # sheet names made valid and unique, written atomically there


def print_pdf(html_path: Path, pdf_path: Path, *, timeout: float = 60) -> Path:
    """Print a page to PDF with headless Chromium (its print stylesheet applies)."""
    exe = find_chromium()
    if exe is None:
        raise FileNotFoundError(
            "no chromium found for --pdf (install Debian's 'chromium' or set KINERJA_CHROMIUM)"
        )
    with (
        tempfile.TemporaryDirectory(prefix="kinerja-chromium-") as profile,
        atomic_path(pdf_path, suffix=".tmp.pdf") as tmp,
    ):
        cmd = [
            exe,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={tmp}",
            html_path.resolve().as_uri(),
        ]
        subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        if not tmp.exists() or tmp.stat().st_size == 0:
            raise RuntimeError(f"chromium did not print {html_path.name}")
    return pdf_path


def write_companions(nb, out_dir: Path, name: str, entry: dict, *, pdf: bool = False) -> dict:
    """Write the XLSX (and PDF) of one report; return {kind: relative path or error text} for the manifest."""
    out: dict = {}
    try:
        x = write_tables_xlsx(main_tables(nb), out_dir / f"{name}.xlsx")
        if x is not None:
            out["xlsx"] = x.name
    except Exception as exc:  # never lose the page over a companion
        out["xlsx_error"] = f"{type(exc).__name__}: {exc}"
        log.warning("xlsx for %s failed: %s", name, exc)
    if pdf and entry.get("html"):
        try:
            out["pdf"] = print_pdf(out_dir / entry["html"], out_dir / f"{name}.pdf").name
        except Exception as exc:
            out["pdf_error"] = f"{type(exc).__name__}: {exc}"
            log.warning("pdf for %s failed: %s", name, exc)
    return out


# --------------------------------------------------------------------------------------------------
# open data: CSV per published table and a Frictionless Data Package
# --------------------------------------------------------------------------------------------------
def field_type(dtype: str) -> str:
    """Frictionless field type for a pandas dtype name.

    >>> [field_type(t) for t in ("int64", "float64", "bool", "datetime64[ns]", "object", "str")]
    ['integer', 'number', 'boolean', 'datetime', 'string', 'string']
    """
    d = dtype.lower()
    if d.startswith(("int", "uint")):
        return "integer"
    if d.startswith("float"):
        return "number"
    if d.startswith("bool"):
        return "boolean"
    if d.startswith("datetime"):
        return "datetime"
    return "string"


def csv_text(columns: list[str], rows: list[list]) -> str:
    """CSV (UTF-8, comma, header, ``\\n`` line ends) with formula cells neutralised; missing values empty.

    Cell by cell, never through a DataFrame: an integer column with a gap must not turn into floats.

    >>> csv_text(["a", "b"], [[1, "=1+1"], [None, "x"]])
    "a,b\\n1,'=1+1\\n,x\\n"
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([neutralise_text(str(c)) for c in columns])
    for row in rows:
        w.writerow(["" if v is None else neutralise_text(v) for v in row])
    return buf.getvalue()


def _package_name(text: str) -> str:
    s = "".join(ch if ch.isalnum() or ch in "-._" else "-" for ch in text.lower())
    return s.strip("-") or "report"


def write_open_data(nb, out_dir: Path, name: str, entry: dict) -> dict:
    """Write the published tables of executed notebook ``nb`` and their ``datapackage.json``.

    Files go to ``<out_dir>/open-data/<name>/``; returns ``{"datapackage": path, "tables": [paths]}``
    relative to ``out_dir`` (empty when the notebook published nothing).
    """
    tables = tables_from_notebook(nb)
    if not tables:
        return {}
    folder = Path(out_dir) / OPEN_DATA_FOLDER / name
    folder.mkdir(parents=True, exist_ok=True)
    resources, written = [], []
    for t in tables:
        data = csv_text(t["columns"], t["data"]).encode("utf-8")
        fname = f"{t['name']}.csv"
        atomic_write(folder / fname, data)
        written.append(f"{OPEN_DATA_FOLDER}/{name}/{fname}")
        schema = t.get("schema", {})
        resources.append(
            {
                "profile": "tabular-data-resource",
                "name": _package_name(t["name"]),
                "path": fname,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                **({"title": t["title"]} if t.get("title") else {}),
                **({"description": t["description"]} if t.get("description") else {}),
                "bytes": len(data),
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "schema": {
                    "fields": [{"name": c, "type": field_type(schema.get(c, "object"))} for c in t["columns"]]
                },
            }
        )
    pkg = {
        "profile": "tabular-data-package",
        "name": _package_name(name),
        "title": entry.get("title") or name,
        "description": f"Tables behind the figures of the report {entry.get('title') or name!r}, "
        f"as published by the notebook {entry.get('notebook', '')}.",
        "version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "sources": [
            {
                "title": f"data folder {entry.get('data_folder') or ''}".strip(),
                **({"hash": "sha256:" + entry["data_hash"]} if entry.get("data_hash") else {}),
            }
        ],
        "kinerja": {
            "report": entry.get("name", name),
            "parameters": entry.get("parameters", {}),
            "synthetic": bool(entry.get("synthetic")),
        },
        "resources": resources,
    }
    atomic_write(
        folder / "datapackage.json",
        json.dumps(pkg, indent=2, ensure_ascii=False, default=str).encode("utf-8"),
    )
    return {"datapackage": f"{OPEN_DATA_FOLDER}/{name}/datapackage.json", "tables": written}


__all__ = [
    "CHROMIUM_FLAGS",
    "OPEN_DATA_FOLDER",
    "csv_text",
    "field_type",
    "find_chromium",
    "main_tables",
    "neutralise",
    "print_pdf",
    "sheet_title",
    "write_companions",
    "write_csv",
    "write_open_data",
    "write_tables_xlsx",
    "write_xlsx",
]
