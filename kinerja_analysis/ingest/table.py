"""One table file (csv or xlsx) of the analyst template into a tidy frame, keeping every raw value.

Headers may be English (tidy names) or Indonesian; numbers may be typed the Indonesian way. Problems are
collected in an :class:`~kinerja_analysis.ingest.issues.Issues` table instead of stopping at the first
one, and no data row is ever dropped silently: a row is either kept or skipped with an issue that names
it. Spreadsheets as offices really send them are read too (:mod:`kinerja_analysis.ingest.grid` does the
raw cell reading): title rows above the header, two merged header rows, trailing empty rows and columns,
hidden sheets, numbers stored as text, percent-formatted cells, codes typed as numbers and dates where
numbers belong.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import schema
from ..errors import DataError
from . import grid as _grid
from . import numbers, vocab
from .issues import Issues

#: a year typed as text: four digits (a trailing ",0" from a number cell allowed)
_YEAR_TEXT = re.compile(r"\s*[0-9]{4}(?:[.,]0+)?\s*")
#: a row labelled with one of these is a summary row, not data (see :func:`summary_rows`)
_SUMMARY_WORDS = {
    "jumlah",
    "total",
    "grand_total",
    "jumlah_total",
    "rata_rata",
    "rata2",
    "rerata",
    "average",
    "mean",
    "sub_total",
    "subtotal",
    "total_keseluruhan",
}
#: label columns where a summary row says what it is ("JUMLAH" in the OPD column of an SIPD export)
_LABEL_COLUMNS = ("opd", "indicator_id", "indicator", "program", "spending_type")
#: the column a data row always fills; a row without it may be a summary row whose label starts "Jumlah ..."
_IDENTITY = {"kinerja": "indicator_id", "anggaran": "spending_type"}


def empty(table: str) -> pd.DataFrame:
    """An empty tidy table with the schema's columns (and ``source``, ``source_row``).

    >>> list(empty("opd_crosswalk").columns)
    ['region_code', 'opd_old', 'opd_new', 'year_effective', 'note', 'source', 'source_row']
    """
    columns, _ = schema.TABLES[table]
    return pd.DataFrame(
        {
            c: pd.Series(dtype="Int64" if k == "int" else (float if k == "float" else object))
            for c, k in columns.items()
        }
        | {"source": pd.Series(dtype=object), "source_row": pd.Series(dtype=int)}
    )


def _number_hint(v, fix: str | None = None) -> str:
    if fix:
        return f"found letters among the digits (O for 0, l or I for 1, S for 5, ...); did you mean {fix!r}?"
    unit = numbers.unknown_unit(v)
    if unit:
        return (
            f"found {unit!r} after the number, which is not a known unit (units such as '232 orang' or "
            "'6,5 bulan' are read; dates and notes are not)"
        )
    if _grid.is_date(v):
        return (
            "found a date; Excel may have turned the number into a date: format the column as Text "
            "(or Number) and type the value again"
        )
    if isinstance(v, str) and v.strip().startswith("#"):
        return "found an Excel error value; fix the formula in the workbook"
    return "found text"


def _text_cell(v, col: str, where: dict, issues: Issues) -> str:
    """A text column's cell as text; codes typed as numbers and dates are mended or reported."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, (int, np.integer)) or (isinstance(v, (float, np.floating)) and float(v).is_integer()):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        if col in ("region_code", "province_code") and 0 < v < 100 and round(v, 2) == v:
            # 71.1 from a number cell was typed 71.10 (Kemendagri codes have two digits after the dot)
            text = f"{v:.2f}"
            issues.add(
                "code_as_number",
                "warning",
                where["file"],
                f"{col!r} is stored as a number; read as {text!r}. Format the column as Text so that "
                "codes keep their zeros",
                sheet=where["sheet"],
                row=where["row"],
                column=col,
                value=v,
            )
            return text
        return repr(float(v))
    if _grid.is_date(v):
        issues.add(
            "date_as_text",
            "warning",
            where["file"],
            f"{col!r} holds a date where text was expected; Excel may have turned a code into a date",
            sheet=where["sheet"],
            row=where["row"],
            column=col,
            value=v,
        )
        return str(v)
    return str(v).strip()


def read_table(
    path: str | Path, table: str, issues: Issues | None = None, *, accounting: dict | None = None
) -> pd.DataFrame:
    """Read one template table into tidy columns; numbers parsed with ``<column>_raw`` kept beside.

    Unknown columns are kept unchanged (nothing is lost) and reported as warnings. Unreadable files
    give an error issue and an empty table, never an exception.

    Parameters
    ----------
    path : the csv or xlsx file
    table : "kinerja", "anggaran", "regions" or "opd_crosswalk"
    issues : collects the problems found (a new collector when None)
    accounting : filled with the row accounting: ``data_rows`` (non-blank rows below the header),
        ``kept``, ``skipped`` (summary rows, each reported), ``blank``, ``title_rows``, ``header_rows``

    Examples
    --------
    >>> from kinerja_analysis import paths
    >>> acc = {}
    >>> k = read_table(paths.DEMO_DATA / "regions.csv", "regions", accounting=acc)
    >>> acc["data_rows"] == acc["kept"] == len(k), k["source"].iloc[0]
    (True, 'regions.csv, row 2')
    """
    path = Path(path)
    issues = issues if issues is not None else Issues()
    acc = accounting if accounting is not None else {}
    acc.update(
        {
            "file": path.name,
            "data_rows": 0,
            "kept": 0,
            "skipped": 0,
            "blank": 0,
            "title_rows": 0,
            "header_rows": 0,
            "sheet": "",
        }
    )
    columns, required = schema.TABLES[table]
    try:
        raw = _grid.read(path, table)
    except DataError as exc:  # a FileReadError says which rule and, when known, where
        where = {"row": getattr(exc, "row", None), "column": getattr(exc, "column", "")}
        issues.add(getattr(exc, "rule", "unreadable_file"), "error", path.name, str(exc), **where)
        return empty(table)
    sheet = raw.sheet
    acc["sheet"] = sheet
    acc.update(raw.accounting)  # csv: physical lines, and lines inside multi-line cells
    for rule, severity, message, *where in raw.notes:  # a note may say where: row, column, value
        issues.add(rule, severity, path.name, message, sheet=sheet, **(where[0] if where else {}))
    layout = _grid.locate_header(raw.cells, table)
    acc["title_rows"], acc["header_rows"] = layout.title_rows, layout.header_rows
    if layout.title_rows:
        issues.add(
            "title_rows",
            "info",
            path.name,
            f"header found on row {layout.header_row}; {layout.title_rows} title row(s) above it skipped",
            sheet=sheet,
            row=layout.header_row,
        )
    if layout.header_rows == 2:
        issues.add(
            "merged_header",
            "info",
            path.name,
            f"two header rows ({layout.header_row}–{layout.header_row + 1}) combined into one",
            sheet=sheet,
            row=layout.header_row,
        )
    names = list(layout.names)
    body = raw.cells[layout.first_data_index :]
    width = len(names)
    made_up = set()
    for j in range(width):  # a value under an empty header is kept under a made-up name
        if not names[j] and any(j < len(r) and not _grid.blank(r[j]) for r in body):
            names[j] = f"column_{_grid.col_letter(j)}"
            made_up.add(names[j])
            issues.add(
                "unnamed_column",
                "warning",
                path.name,
                f"column {_grid.col_letter(j)} has values but no header; kept as {names[j]!r}",
                sheet=sheet,
                column=names[j],
            )
    keep_cols = [j for j in range(width) if names[j]]

    rows, data = [], []
    for k, cells in enumerate(body):
        rownum = layout.first_data_index + k + 1
        if all(_grid.blank(c) for c in cells):
            acc["blank"] += 1
            continue
        acc["data_rows"] += 1
        extra = [c for c in cells[width:] if not _grid.blank(c)]
        if extra:
            issues.add(
                "extra_cells",
                "error",
                path.name,
                f"the row has {len(cells)} cells but the header has {width}; the extra cells belong to no "
                "column (a separator inside an unquoted value?)",
                sheet=sheet,
                row=rownum,
                value=" | ".join(map(str, extra)),
            )
        rows.append(rownum)
        data.append([cells[j] if j < len(cells) else None for j in keep_cols])
    raw_df = pd.DataFrame(data, columns=[names[j] for j in keep_cols], dtype=object)
    if raw_df.columns.duplicated().any():  # the same header twice: keep both, distinguishable
        seen: dict = {}
        cols = []
        for c in raw_df.columns:
            seen[c] = seen.get(c, 0) + 1
            cols.append(c if seen[c] == 1 else f"{c}.{seen[c]}")
        raw_df.columns = cols
    rows_s = pd.Series(rows, dtype=int)

    rename, seen_tidy = {}, {}
    for col in raw_df.columns:
        tidy = schema.canonical_header(str(col), table)
        if tidy is None:
            if col in made_up:
                continue
            issues.add(
                "unknown_column",
                "warning",
                path.name,
                f"unknown column {col!r} kept as is",
                sheet=sheet,
                column=str(col),
            )
            continue
        if tidy in seen_tidy:
            issues.add(
                "duplicate_column",
                "error",
                path.name,
                f"columns {seen_tidy[tidy]!r} and {col!r} both mean {tidy!r}",
                sheet=sheet,
                column=str(col),
            )
            continue
        seen_tidy[tidy] = col
        rename[col] = tidy
    df = raw_df.rename(columns=rename)
    for c in [c for c in required if c not in df.columns]:
        issues.add(
            "missing_column",
            "error",
            path.name,
            f"required column {c!r} (Indonesian: {schema.INDONESIAN_HEADERS.get(c, c)!r}) not found; "
            f"found: {', '.join(map(str, raw_df.columns)) or 'no header'}",
            sheet=sheet,
            column=c,
        )

    # summary rows ("Jumlah", "Rata-rata") at the foot of a table are reported and skipped, never data
    summary, with_code = summary_rows(df, table)
    for i in np.flatnonzero(summary):
        issues.add(
            "summary_row_skipped",
            "warning",
            path.name,
            "a summary row (Jumlah/Total/Rata-rata) was skipped"
            + (
                f" although it has a region code ({str(df['region_code'].iloc[i]).strip()}): loaded, it would "
                "count its rows twice"
                if with_code[i]
                else ""
            )
            + "; totals are computed by the workbook",
            sheet=sheet,
            row=int(rows_s.iloc[i]),
            value=" | ".join(str(v) for v in raw_df.iloc[i] if not _grid.blank(v))[:200],
        )
    acc["skipped"] = int(summary.sum())
    df, raw_df, rows_s = (
        df.loc[~summary].reset_index(drop=True),
        raw_df.loc[~summary].reset_index(drop=True),
        rows_s.loc[~summary].reset_index(drop=True),
    )
    if len(df) == 0 and table in ("kinerja", "anggaran") and not raw.notes_fatal:
        issues.add("no_data_rows", "error", path.name, "the table has a header but no data rows", sheet=sheet)

    out = pd.DataFrame(index=df.index)
    where = {"file": path.name, "sheet": sheet, "row": None}
    for col, kind in columns.items():
        if col not in df.columns:
            continue
        values = df[col]
        if kind == "str":
            texts = [v.strip() if isinstance(v, str) else v for v in values.to_numpy(dtype=object)]
            row_numbers = rows_s.to_numpy()
            for i, v in enumerate(texts):
                if not isinstance(v, str):  # numbers, dates, empty cells: one by one (few)
                    where["row"] = int(row_numbers[i])
                    texts[i] = _text_cell(v, col, where, issues)
            out[col] = pd.Series(texts, index=df.index, dtype=object)
        elif kind == "int":
            parsed = numbers.parse_column(values, style="id")
            # a year is four digits: "20x0" must not pass as 20 with a unit "x0"
            plain = values.map(lambda v: not isinstance(v, str) or bool(_YEAR_TEXT.fullmatch(v)))
            ok = parsed["status"].eq("ok") & (parsed["value"] % 1 == 0) & plain.to_numpy(dtype=bool)
            for i in df.index[~ok & parsed["status"].ne("missing")]:
                fix = numbers.suggest_digits(values[i])
                issues.add(
                    "letters_in_number" if fix else "invalid_integer",
                    "error",
                    path.name,
                    f"expected a whole number (a year) in {col!r}; {_number_hint(values[i], fix)}",
                    sheet=sheet,
                    row=int(rows_s[i]),
                    column=col,
                    value=values[i],
                )
            for i in df.index[parsed["status"].eq("missing")]:
                issues.add(
                    "missing_value",
                    "error",
                    path.name,
                    f"{col!r} ({schema.INDONESIAN_HEADERS.get(col, col)!r}) is empty; every row needs it",
                    sheet=sheet,
                    row=int(rows_s[i]),
                    column=col,
                )
            out[col] = pd.array(np.where(ok, parsed["value"], np.nan), dtype="Float64").astype("Int64")
        else:
            allow_range = table == "kinerja" and col in ("target", "target_original")
            parsed = numbers.parse_column(values, allow_range=allow_range)
            out[col] = parsed["value"].astype(float)
            out[f"{col}_raw"] = parsed["raw"].astype(object)
            for i in df.index[parsed["status"] == "invalid"]:
                fix = numbers.suggest_digits(values[i], parsed.attrs["style"])
                issues.add(
                    "letters_in_number" if fix else "invalid_number",
                    "error",
                    path.name,
                    f"expected a number in {col!r} (style {parsed.attrs['style']}); "
                    f"{_number_hint(values[i], fix)}",
                    sheet=sheet,
                    row=int(rows_s[i]),
                    column=col,
                    value=values[i],
                )
            if allow_range and col == "target":
                is_range = parsed["status"] == "range"
                if is_range.any():
                    if "target_upper" not in out.columns:
                        out["target_upper"] = np.nan
                    out.loc[is_range, "target_upper"] = parsed.loc[is_range, "upper"].astype(float)
    for col in schema.DESCRIPTIVE_COLUMNS:  # the region's name beside its code: kept as text
        if col in df.columns and col not in columns:
            out[col] = [_text_cell(v, col, where | {"row": r}, issues) for v, r in zip(df[col], rows_s)]
    for col in raw_df.columns:  # keep unknown columns unchanged
        if col not in rename and str(col) not in out.columns:
            out[str(col)] = raw_df[col].astype(object)
    for col, kind in columns.items():
        if col not in out.columns:
            out[col] = pd.Series(
                pd.NA if kind == "int" else (np.nan if kind == "float" else ""),
                index=out.index,
                dtype="Int64" if kind == "int" else (float if kind == "float" else object),
            )
    out["source"] = [f"{path.name}{', sheet ' + sheet if sheet else ''}, row {r}" for r in rows_s]
    out["source_row"] = rows_s.astype(int).to_numpy()
    # a row whose value ran on over later lines: its empty cells are explained by that error already
    broken = {w[0].get("row") for rule, _, _, *w in raw.notes if rule == "runaway_quote" and w and w[0]}
    vocab.check_required(out, table, set(df.columns), issues, path.name, sheet, rows_s, broken_rows=broken)
    vocab.normalise(out, table, issues, path.name, sheet, rows_s)
    acc["kept"] = len(out)
    return out.reset_index(drop=True)


def _summary_key(v) -> str:
    return re.sub(r"[^0-9a-z_]+", "_", schema.norm_key(v)).strip("_") if isinstance(v, str) else ""


def _is_summary(key: str, *, prefix: bool) -> bool:
    return any(key == w or (prefix and key.startswith(w + "_")) for w in _SUMMARY_WORDS)


def _matches(texts: pd.Series, *, prefix: bool) -> np.ndarray:
    codes, uniques = pd.factorize(texts)  # each distinct label once
    hit = np.array([_is_summary(_summary_key(u), prefix=prefix) for u in uniques] + [False], dtype=bool)
    return hit[codes]


def summary_rows(df: pd.DataFrame, table: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Which rows are summary rows ("Jumlah", "TOTAL", "Rata-rata", "Sub Total"), in any case; and which of
    them have a region code.

    A row without a region code is one when its first text is such a word or starts with it ("Rata-rata
    capaian"). A row with a region code (an SIPD export repeats it on its ``JUMLAH`` row) is one when an
    OPD, indicator, program or spending-type cell, or its first text after the code, is exactly such a
    word; or, when the row lacks what every data row has (an indicator code, a spending type), its OPD
    or first text starts with the word. So an indicator "Jumlah wajib pajak" or an OPD "Badan Total
    Sejahtera" stays data.

    >>> df = pd.DataFrame({"region_code": ["71.73", "71.73", "71.73", ""],
    ...                    "opd": ["JUMLAH", "Dinas A", "Sub Total Dinas", "Rata-rata capaian"],
    ...                    "indicator_id": ["", "K1", "", ""], "indicator": ["", "Jumlah kasus", "", ""]})
    >>> [a.tolist() for a in summary_rows(df, "kinerja")]
    [[True, False, True, True], [True, False, True, False]]
    """
    if df.empty:
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    code = df["region_code"] if "region_code" in df.columns else pd.Series("", index=df.index)
    # "Rata-rata capaian" is often typed in the first column, which may be the region code's
    has_code = code.map(
        lambda v: (
            isinstance(v, str)
            and bool(schema.REGION_CODE_RE.match(v.strip()))
            or isinstance(v, (int, float))
            and not _grid.blank(v)
        )
    ).to_numpy(dtype=bool)

    def text(c, rows=slice(None)) -> pd.Series:
        return df[c].iloc[rows].map(lambda v: v.strip() if isinstance(v, str) else "")

    def first(cols, rows=slice(None)) -> pd.Series:  # each row's first text among these columns
        out = pd.Series("", index=df.index[rows], dtype=object)
        for c in cols:
            todo = out.eq("").to_numpy()
            if not todo.any():
                break
            out[todo] = text(c, rows).to_numpy()[todo]
        return out

    rest = first([c for c in df.columns if c not in ("region_code", "province_code", "year")])
    exact = _matches(rest, prefix=False)
    for c in (c for c in _LABEL_COLUMNS if c in df.columns):
        exact |= _matches(text(c), prefix=False)
    identity = _IDENTITY.get(table)
    if identity:
        lacks = df[identity].map(_grid.blank).to_numpy(dtype=bool) if identity in df.columns else True
        starts = _matches(rest, prefix=True) | (_matches(text("opd"), prefix=True) if "opd" in df else False)
        exact |= lacks & starts
    summary = exact & has_code
    no_code = np.flatnonzero(~has_code)
    summary[no_code] = _matches(first(df.columns, no_code), prefix=True)
    return summary, summary & has_code
