"""Open data beside each report: the tidy tables behind its figures as CSV, described by a Frictionless
Data Package (``datapackage.json``), so that others can reuse the numbers without scraping the page.

Notebooks hand their tables over with ``report.publish(name, df)``; the runner collects them from the
executed notebook (``report.tables_from_notebook``) and calls :func:`write`. Text cells that a
spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) are neutralised
with a leading apostrophe (OWASP "CSV injection"); numbers are left alone.
"""
from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import json
import os
from pathlib import Path

from .. import __version__

FOLDER = "open-data"
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe; others are unchanged.

    Uses the shared rule of :mod:`kinerja_analysis.run.artefacts` (plain numbers written as text and a lone
    "-" stay as they are).

    >>> neutralise_cell("=HYPERLINK(1)"), neutralise_cell("@SUM(A1)"), neutralise_cell(-5.0)
    ("'=HYPERLINK(1)", "'@SUM(A1)", -5.0)
    """
    try:
        from .artefacts import neutralise_text
    except ImportError:  # pragma: no cover - the shared exporter is absent
        if isinstance(value, str) and value.startswith(_TRIGGERS):
            return "'" + value
        return value
    return neutralise_text(value)


def _neutralise_rows(columns: list[str], rows: list[list]) -> tuple[list[str], list[list]]:
    """Cell by cell (never through a DataFrame: an integer column with a gap must not turn into floats)."""
    return ([str(neutralise_cell(str(c))) for c in columns],
            [[neutralise_cell(v) for v in row] for row in rows])


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

    >>> csv_text(["a", "b"], [[1, "=1+1"], [None, "x"]])
    "a,b\\n1,'=1+1\\n,x\\n"
    """
    cols, rows = _neutralise_rows(columns, rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def _package_name(text: str) -> str:
    s = "".join(ch if ch.isalnum() or ch in "-._" else "-" for ch in text.lower())
    return s.strip("-") or "report"


def write(nb, out_dir: Path, name: str, entry: dict) -> dict:
    """Write the published tables of executed notebook ``nb`` and their ``datapackage.json``.

    Files go to ``<out_dir>/open-data/<name>/``; returns ``{"datapackage": path, "tables": [paths]}``
    relative to ``out_dir`` (empty when the notebook published nothing).
    """
    from ..report.page import tables_from_notebook

    tables = tables_from_notebook(nb)
    if not tables:
        return {}
    folder = Path(out_dir) / FOLDER / name
    folder.mkdir(parents=True, exist_ok=True)
    resources, written = [], []
    for t in tables:
        text = csv_text(t["columns"], t["data"])
        data = text.encode("utf-8")
        fname = f"{t['name']}.csv"
        _atomic(folder / fname, data)
        written.append(f"{FOLDER}/{name}/{fname}")
        schema = t.get("schema", {})
        resources.append({
            "profile": "tabular-data-resource", "name": _package_name(t["name"]), "path": fname,
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            **({"title": t["title"]} if t.get("title") else {}),
            **({"description": t["description"]} if t.get("description") else {}),
            "bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "schema": {"fields": [{"name": c, "type": field_type(schema.get(c, "object"))} for c in t["columns"]]},
        })
    pkg = {
        "profile": "tabular-data-package", "name": _package_name(name),
        "title": entry.get("title") or name,
        "description": f"Tables behind the figures of the report {entry.get('title') or name!r}, "
                       f"as published by the notebook {entry.get('notebook', '')}.",
        "version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "sources": [{"title": f"data folder {entry.get('data_folder') or ''}".strip(),
                     **({"hash": "sha256:" + entry["data_hash"]} if entry.get("data_hash") else {})}],
        "kinerja": {"report": entry.get("name", name), "parameters": entry.get("parameters", {}),
                    "synthetic": bool(entry.get("synthetic"))},
        "resources": resources,
    }
    _atomic(folder / "datapackage.json", json.dumps(pkg, indent=2, ensure_ascii=False, default=str).encode("utf-8"))
    return {"datapackage": f"{FOLDER}/{name}/datapackage.json", "tables": written}


def _atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
