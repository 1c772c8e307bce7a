"""Data checks on tidy tables, returning a table of issues (rule, severity, file, sheet, row, column, ...).

Reading problems (headers, numbers, vocabularies) are found by :mod:`kinerja_analysis.io.template`;
this module adds the checks across rows: duplicated keys, impossible values, and so on.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .io import template
from .io.template import Issues

KINERJA_KEY = ["region_code", "year", "opd", "indicator_id"]
ANGGARAN_KEY = ["region_code", "year", "opd", "program", "spending_type"]
YEAR_RANGE = (2000, 2100)


def _split_source(src: str) -> tuple[str, str]:
    parts = src.split(", ")
    sheet = parts[1][len("sheet "):] if len(parts) == 3 and parts[1].startswith("sheet ") else ""
    return parts[0], sheet


def _key(df: pd.DataFrame, columns) -> list[str]:
    # duplicates are judged on the OPD name as given: two OPDs merged by the crosswalk are not duplicates
    return [("opd_raw" if c == "opd" and "opd_raw" in df.columns else c) for c in columns if c in df.columns]


def check_kinerja(df: pd.DataFrame, issues: Issues) -> None:
    if df.empty:
        return
    key = _key(df, KINERJA_KEY)
    if "period" in df.columns:
        key.append("period")
    dup = df[df.duplicated(key, keep=False)]
    for _, r in dup.iterrows():
        f, sheet = _split_source(r["source"])
        issues.add("duplicate_key", "error", f, "the same region/year/OPD/indicator appears more than once",
                   sheet=sheet, row=int(r["source_row"]), column="indicator_id", value=r["indicator_id"])
    _check_years(df, issues)


def check_anggaran(df: pd.DataFrame, issues: Issues) -> None:
    if df.empty:
        return
    key = _key(df, ANGGARAN_KEY)
    dup = df[df.duplicated(key, keep=False)]
    for _, r in dup.iterrows():
        f, sheet = _split_source(r["source"])
        issues.add("duplicate_key", "error", f, "the same region/year/OPD/program/spending type appears more than once",
                   sheet=sheet, row=int(r["source_row"]), column="spending_type", value=r["spending_type"])
    for col in ("budget_original", "budget_revised", "spent"):
        neg = df[df[col] < 0]
        for _, r in neg.iterrows():
            f, sheet = _split_source(r["source"])
            issues.add("negative_budget", "error", f, f"{col} must not be negative", sheet=sheet,
                       row=int(r["source_row"]), column=col, value=r.get(f"{col}_raw", r[col]))
    over = df[(df["spent"] > 1.5 * df["budget_revised"]) & (df["budget_revised"] > 0)]
    for _, r in over.iterrows():
        f, sheet = _split_source(r["source"])
        issues.add("spent_above_budget", "warning", f, "spent is more than 150 % of budget_revised", sheet=sheet,
                   row=int(r["source_row"]), column="spent", value=r.get("spent_raw", r["spent"]))
    _check_years(df, issues)


def _check_years(df: pd.DataFrame, issues: Issues) -> None:
    y = df["year"]
    bad = df[y.notna() & ((y < YEAR_RANGE[0]) | (y > YEAR_RANGE[1]))]
    for _, r in bad.iterrows():
        f, sheet = _split_source(r["source"])
        issues.add("year_out_of_range", "error", f, f"year must be between {YEAR_RANGE[0]} and {YEAR_RANGE[1]}",
                   sheet=sheet, row=int(r["source_row"]), column="year", value=r["year"])


def validate_dataset(ds: template.Dataset) -> pd.DataFrame:
    """All issues of a loaded data folder."""
    issues = Issues()
    issues.rows.extend(ds.issues.to_dict("records"))
    check_kinerja(ds.kinerja, issues)
    check_anggaran(ds.anggaran, issues)
    return issues.frame()


def validate_path(path: str | Path) -> pd.DataFrame:
    """Validate a data folder, or a single kinerja/anggaran file (the table is taken from the file name)."""
    p = Path(path)
    if p.is_dir():
        return validate_dataset(template.load_folder(p))
    issues = Issues()
    if not p.exists():
        issues.add("missing_file", "error", str(p), "file not found")
        return issues.frame()
    stem = p.stem.lower()
    table = "anggaran" if "anggaran" in stem or "budget" in stem else "kinerja"
    df = template.read_table(p, table, issues)
    (check_anggaran if table == "anggaran" else check_kinerja)(df, issues)
    return issues.frame()
