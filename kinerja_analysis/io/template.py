"""Read an analyst data folder (DESIGN.md section 8) into tidy tables, keeping every raw value.

A data folder holds ``kinerja.csv|xlsx`` (indicators), ``anggaran.csv|xlsx`` (budgets) and optionally
``regions.csv`` and ``opd_crosswalk.csv``. Headers may be English (tidy names) or Indonesian; numbers
may be typed the Indonesian way. Problems are collected in an issues table (file, sheet, row, column,
value, message) instead of stopping at the first one.
"""
from __future__ import annotations

import csv
import hashlib
import io as _io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import schema
from ..errors import DataError
from . import numbers

ISSUE_COLUMNS = ["rule", "severity", "file", "sheet", "row", "column", "value", "message"]

#: the header row is spreadsheet row 1, so data row i (0-based) is spreadsheet row i + 2
_FIRST_DATA_ROW = 2


class Issues:
    """Collects validation problems as rows of a table (rule, severity, file, sheet, row, column, ...)."""

    def __init__(self):
        self.rows: list[dict] = []

    def add(self, rule, severity, file, message, *, sheet="", row=None, column="", value=""):
        self.rows.append({
            "rule": rule, "severity": severity, "file": str(file), "sheet": sheet or "",
            "row": row, "column": column or "", "value": "" if value is None else str(value), "message": message,
        })

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.rows, columns=ISSUE_COLUMNS)
        df["row"] = df["row"].astype("Int64")
        return df


@dataclass
class Dataset:
    """The tidy tables of one data folder, plus where they came from."""

    kinerja: pd.DataFrame
    anggaran: pd.DataFrame
    regions: pd.DataFrame
    crosswalk: pd.DataFrame
    issues: pd.DataFrame
    folder: Path
    files: dict = field(default_factory=dict)  # file name -> sha256
    synthetic: bool = False

    @property
    def data_hash(self) -> str:
        """One SHA-256 over the input files' hashes (names sorted): a short fingerprint for reports."""
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(f"{name}:{self.files[name]}\n".encode())
        return h.hexdigest()

    @property
    def errors(self) -> pd.DataFrame:
        return self.issues[self.issues["severity"] == "error"]

    def region_name(self, code: str) -> str:
        row = self.regions.loc[self.regions["region_code"] == code, "region_name"]
        return str(row.iloc[0]) if len(row) else str(code)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _read_raw(path: Path) -> tuple[pd.DataFrame, str]:
    """Read a csv or xlsx file as text cells. Returns the frame and the sheet name ('' for csv)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        data = path.read_bytes()
        text = data.decode("utf-8-sig", errors="replace")
        try:
            dialect = csv.Sniffer().sniff(text[:20000], delimiters=",;\t|")
            sep = dialect.delimiter
        except csv.Error:
            sep = ","
        df = pd.read_csv(_io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False,
                         skip_blank_lines=True)
        return df, ""
    if suffix in (".xlsx", ".xlsm"):
        xl = pd.ExcelFile(path, engine="openpyxl")
        sheet = xl.sheet_names[0]
        df = xl.parse(sheet, dtype=object, header=0)
        df = df.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else v)
        return df, sheet
    raise DataError(f"{path}: unsupported file type {suffix!r}; expected .csv or .xlsx")


def read_table(path: str | Path, table: str, issues: Issues | None = None) -> pd.DataFrame:
    """Read one template table into tidy columns; numbers parsed with ``<column>_raw`` kept beside.

    Unknown columns are kept unchanged (nothing is lost) and reported as warnings.
    """
    path = Path(path)
    issues = issues if issues is not None else Issues()
    columns, required = schema.TABLES[table]
    raw, sheet = _read_raw(path)
    # drop fully empty trailing rows and columns (a common spreadsheet leftover)
    raw = raw.loc[:, [c for c in raw.columns if not str(c).startswith("Unnamed") or raw[c].astype(str).str.strip().ne("").any()]]
    nonempty = raw.astype(str).apply(lambda s: s.str.strip().ne("")).any(axis=1)
    raw = raw.loc[nonempty]
    rename, seen = {}, {}
    for col in raw.columns:
        tidy = schema.canonical_header(str(col), table)
        if tidy is None:
            issues.add("unknown_column", "warning", path.name, f"unknown column {col!r} kept as is", sheet=sheet,
                       column=str(col))
            continue
        if tidy in seen:
            issues.add("duplicate_column", "error", path.name,
                       f"columns {seen[tidy]!r} and {col!r} both mean {tidy!r}", sheet=sheet, column=str(col))
            continue
        seen[tidy] = col
        rename[col] = tidy
    df = raw.rename(columns=rename)
    missing = [c for c in required if c not in df.columns]
    for c in missing:
        issues.add("missing_column", "error", path.name,
                   f"required column {c!r} (Indonesian: {schema.INDONESIAN_HEADERS.get(c, c)!r}) not found; "
                   f"found: {', '.join(map(str, raw.columns))}", sheet=sheet, column=c)
    rows = pd.Series(np.arange(len(df)) + _FIRST_DATA_ROW, index=df.index)
    if nonempty.shape[0] != len(df):  # keep spreadsheet row numbers of the kept rows
        rows = pd.Series(np.flatnonzero(nonempty.to_numpy()) + _FIRST_DATA_ROW, index=df.index)
    out = pd.DataFrame(index=df.index)
    for col, kind in columns.items():
        if col not in df.columns:
            continue
        values = df[col]
        if kind == "str":
            out[col] = values.map(lambda v: "" if v is None else str(v).strip()).astype(object)
        elif kind == "int":
            parsed = pd.to_numeric(values.astype(str).str.strip().str.replace(r"\.0$", "", regex=True),
                                   errors="coerce")
            bad = parsed.isna() | (parsed % 1 != 0)
            for i in df.index[bad]:
                issues.add("invalid_integer", "error", path.name, f"expected a whole number (a year) in {col!r}",
                           sheet=sheet, row=int(rows[i]), column=col, value=values[i])
            out[col] = parsed.astype("Int64")
        else:
            allow_range = table == "kinerja" and col in ("target", "target_original")
            parsed = numbers.parse_column(values, allow_range=allow_range)
            out[col] = parsed["value"].astype(float)
            out[f"{col}_raw"] = parsed["raw"].astype(object)
            for i in df.index[parsed["status"] == "invalid"]:
                issues.add("invalid_number", "error", path.name,
                           f"expected a number in {col!r} (style {parsed.attrs.get('style', '?')}); found text",
                           sheet=sheet, row=int(rows[i]), column=col, value=values[i])
            if allow_range and col == "target":
                is_range = parsed["status"] == "range"
                if is_range.any():
                    if "target_upper" not in out.columns:
                        out["target_upper"] = np.nan
                    out.loc[is_range, "target_upper"] = parsed.loc[is_range, "upper"].astype(float)
    # keep unknown columns unchanged
    for col in raw.columns:
        if col not in rename and str(col) not in out.columns:
            out[str(col)] = raw[col].astype(object)
    for col, kind in columns.items():
        if col not in out.columns:
            out[col] = pd.Series(pd.NA if kind == "int" else (np.nan if kind == "float" else ""),
                                 index=out.index, dtype="Int64" if kind == "int" else (float if kind == "float" else object))
    out["source"] = [f"{path.name}{', sheet ' + sheet if sheet else ''}, row {r}" for r in rows]
    out["source_row"] = rows.astype(int).to_numpy()
    _normalise_vocab(out, table, issues, path.name, sheet, rows)
    out = out.reset_index(drop=True)
    return out


def _normalise_vocab(out: pd.DataFrame, table: str, issues: Issues, fname: str, sheet: str, rows: pd.Series):
    def vocab_key(v):
        v = str(v).strip()
        return v if v in ("+", "-") else schema.norm_key(v)

    def formula_key(v):
        return "".join(str(v).split()).lower().replace("−", "-")

    def check(col, vocab, allowed_text, rule, keyf=vocab_key):
        if col not in out.columns:
            return
        key = out[col].map(keyf)
        mapped = key.map(lambda k: vocab.get(k, None) if k != "" else "")
        bad = mapped.isna()
        for i in out.index[bad]:
            issues.add(rule, "error", fname, f"{col!r} must be one of {allowed_text}", sheet=sheet,
                       row=int(rows[i]), column=col, value=out.at[i, col])
        out[f"{col}_raw"] = out[col]
        out[col] = mapped.where(~bad, out[col]).astype(object)

    if table == "kinerja":
        check("polarity", schema.POLARITY_VALUES, "positive/positif, negative/negatif, range/rentang",
              "invalid_polarity")
        check("formula", schema.FORMULA_VALUES, "R/T, (2T-R)/T, T/R or blank", "invalid_formula", formula_key)
    if table == "anggaran":
        check("spending_type", schema.SPENDING_ALIASES, ", ".join(schema.SPENDING_TYPES), "invalid_spending_type")
    if table == "regions" and "kind" in out.columns:
        check("kind", {**schema.REGION_KINDS, "": ""}, "provinsi, kabupaten, kota", "invalid_kind")
    if "region_code" in out.columns:
        bad = ~out["region_code"].astype(str).str.match(schema.REGION_CODE_RE)
        for i in out.index[bad]:
            issues.add("invalid_region_code", "error", fname,
                       "expected a Kemendagri code such as '71' or '71.73' (text, two digits, a dot, two digits)",
                       sheet=sheet, row=int(rows[i]), column="region_code", value=out.at[i, "region_code"])


def _find(folder: Path, stem: str) -> Path | None:
    for suffix in (".csv", ".xlsx", ".xlsm"):
        p = folder / f"{stem}{suffix}"
        if p.exists():
            return p
    return None


def apply_crosswalk(df: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Map renamed or merged OPDs to their current name; the name as given stays in ``opd_raw``.

    >>> k = pd.DataFrame({"region_code": ["99.01", "99.01"], "opd": ["Dinas A", "Dinas B"]})
    >>> cw = pd.DataFrame({"region_code": ["99.01"], "opd_old": ["Dinas A"], "opd_new": ["Dinas AB"]})
    >>> apply_crosswalk(k, cw)[["opd_raw", "opd"]].values.tolist()
    [['Dinas A', 'Dinas AB'], ['Dinas B', 'Dinas B']]
    """
    out = df.copy()
    if "opd_raw" not in out.columns:
        out["opd_raw"] = out["opd"]
    if crosswalk is None or crosswalk.empty:
        return out
    mapping = {(r.region_code, r.opd_old): r.opd_new for r in crosswalk.itertuples()}
    keys = list(zip(out["region_code"], out["opd_raw"]))
    out["opd"] = [mapping.get(k, k[1]) for k in keys]
    return out


def load_folder(folder: str | Path, *, strict: bool = False) -> Dataset:
    """Load a data folder in the template format.

    Parameters
    ----------
    folder : path of the data folder (relative paths are taken from the project root)
    strict : raise :class:`DataError` when validation finds errors

    Examples
    --------
    >>> from kinerja_analysis import paths
    >>> ds = load_folder(paths.DEMO_DATA)
    >>> ds.synthetic, sorted(ds.kinerja["year"].unique().tolist())[:2]
    (True, [2018, 2019])
    """
    from .. import paths

    folder = paths.resolve(folder)
    if not folder.is_dir():
        raise DataError(f"data folder not found: {folder}")
    issues = Issues()
    files: dict[str, str] = {}
    tables = {}
    for stem, table in (("kinerja", "kinerja"), ("anggaran", "anggaran"), ("regions", "regions"),
                        ("opd_crosswalk", "opd_crosswalk")):
        p = _find(folder, stem)
        if p is None:
            if table in ("kinerja", "anggaran"):
                issues.add("missing_file", "error", f"{stem}.csv", f"{stem}.csv or {stem}.xlsx not found in {folder}")
            tables[table] = _empty(table)
            continue
        files[p.name] = sha256(p)
        tables[table] = read_table(p, table, issues)
    crosswalk = tables["opd_crosswalk"]
    kinerja = apply_crosswalk(tables["kinerja"], crosswalk)
    anggaran = apply_crosswalk(tables["anggaran"], crosswalk)
    regions = tables["regions"]
    if regions.empty:
        codes = sorted(set(kinerja["region_code"]) | set(anggaran["region_code"]))
        regions = pd.DataFrame({"region_code": codes, "region_name": codes})
    synthetic = (folder / "truth.json").exists()
    ds = Dataset(kinerja=kinerja, anggaran=anggaran, regions=regions, crosswalk=crosswalk,
                 issues=issues.frame(), folder=folder, files=files, synthetic=synthetic)
    if strict and not ds.errors.empty:
        raise DataError(f"{folder}: {len(ds.errors)} data error(s); run `kinerja validate {folder}`", ds.issues)
    return ds


def _empty(table: str) -> pd.DataFrame:
    columns, _ = schema.TABLES[table]
    return pd.DataFrame({c: pd.Series(dtype="Int64" if k == "int" else (float if k == "float" else object))
                         for c, k in columns.items()})
