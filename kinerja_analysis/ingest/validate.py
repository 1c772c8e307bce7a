"""Data checks on tidy tables, returning a table of issues (rule, severity, file, sheet, row, column, ...).

Reading problems (headers, numbers, vocabularies, spreadsheet quirks) are found by
:mod:`kinerja_analysis.ingest.table`; this module adds the checks across rows and tables: duplicated
keys, impossible values, polarity or unit that changes across years, OPDs with budgets but no
indicators (and the reverse), and the capaian the office reported against the one recomputed here.

Severity: ``error`` blocks a report; ``warning`` is shown in the data-quality report; ``info`` says
what the reader did (which sheet it read, which title rows it skipped).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import capaian
from .. import labels as L
from ..files import is_formula
from . import quarterly, template
from .issues import Issues
from .table import read_table

KINERJA_KEY = ["region_code", "year", "opd", "indicator_id"]
ANGGARAN_KEY = ["region_code", "year", "opd", "program", "spending_type"]
#: sane years for this workbook's data (the refocusing study runs from the pre years to the present)
YEAR_RANGE = (2000, 2050)
#: reported and recomputed capaian may differ by rounding; more than this (percentage points) is flagged
REPORTED_TOLERANCE_PP = 0.5
#: spent above budget_revised by more than this factor is impossible (an error), above 1 a warning
SPENT_IMPOSSIBLE = 1.5
_UNIT_SYNONYMS = {"persen": "%", "percent": "%", "prosen": "%", "pct": "%"}


def _split_source(src: str) -> tuple[str, str]:
    parts = str(src).split(", ")
    sheet = parts[1][len("sheet ") :] if len(parts) == 3 and parts[1].startswith("sheet ") else ""
    return parts[0], sheet


def _add(issues: Issues, r, rule, severity, message, column="", value=""):
    f, sheet = _split_source(r["source"])
    issues.add(rule, severity, f, message, sheet=sheet, row=int(r["source_row"]), column=column, value=value)


def _key(df: pd.DataFrame, columns) -> list[str]:
    # duplicates are judged on the OPD name as given: two OPDs merged by the crosswalk are not duplicates
    return [("opd_raw" if c == "opd" and "opd_raw" in df.columns else c) for c in columns if c in df.columns]


def check_kinerja(df: pd.DataFrame, issues: Issues, *, settings=None) -> None:
    """Duplicated keys, years, polarity/unit changes across years, reported vs recomputed capaian."""
    if df.empty:
        return
    key = _key(df, KINERJA_KEY)
    if "period" in df.columns:
        key.append("period")
    dup = df[df.duplicated(key, keep=False)]
    for _, r in dup.iterrows():
        _add(
            issues,
            r,
            "duplicate_key",
            "error",
            "the same region/year/OPD/indicator appears more than once"
            + (" (an annual row and quarterly rows?)" if str(r.get("quarters", "")) else ""),
            "indicator_id",
            r["indicator_id"],
        )
    _check_years(df, issues)
    _check_changes(df, issues)
    _check_text(df, issues)
    mism = reported_mismatch(df, settings=settings)
    for _, r in mism.iterrows():
        if pd.isna(r["achievement"]):
            msg = (
                f"a capaian of {r['achievement_reported']:.2f} is reported, but none can be recomputed "
                f"({r['flag'] or 'no target or realisasi'})"
            )
        else:
            msg = (
                f"the reported capaian {r['achievement_reported']:.2f} differs from the recomputed "
                f"{r['achievement']:.2f} ({r['formula_used']}) by {r['diff_pp']:+.2f} pp "
                f"(more than {REPORTED_TOLERANCE_PP} pp)"
            )
        _add(
            issues,
            r,
            "reported_capaian_differs",
            "warning",
            msg,
            "achievement_reported",
            r.get("achievement_reported_raw", r["achievement_reported"]),
        )


def _check_changes(df: pd.DataFrame, issues: Issues) -> None:
    """An indicator whose polarity or unit changes across years is scored on different terms."""
    key = [c for c in ("region_code", "indicator_id") if c in df.columns]
    for col, norm in (
        ("polarity", str),
        ("unit", lambda u: _UNIT_SYNONYMS.get(str(u).strip().lower(), str(u).strip().lower())),
    ):
        if col not in df.columns or len(key) < 2:
            continue
        d = df[df["indicator_id"].astype(str).ne("")].assign(_v=df[col].map(norm))
        d = d[d["_v"].ne("")]
        counts = d.groupby(key)["_v"].nunique()
        for k in counts[counts > 1].index:
            g = d[(d["region_code"] == k[0]) & (d["indicator_id"] == k[1])].sort_values("year")
            by_year = ", ".join(
                f"{v} ({', '.join(str(y) for y in sorted(s['year'].dropna().unique()))})"
                for v, s in g.groupby(col, sort=False)
            )
            changed = g[g["_v"] != g["_v"].iloc[0]].iloc[0]
            _add(
                issues,
                changed,
                f"{col}_changes",
                "warning",
                f"indicator {k[1]!r} in region {k[0]} changes {col} across years: {by_year}; "
                "capaian before and after are not comparable",
                col,
                changed[col],
            )


def _check_text(df: pd.DataFrame, issues: Issues) -> None:
    """Text that a spreadsheet would run as a formula ("=HYPERLINK(...)"): kept as data, flagged.

    The rule is :func:`kinerja_analysis.files.is_formula`: a plain number ("-12,5") or dashes are harmless.
    """
    for col in ("opd", "indicator", "sasaran", "unit", "program", "indicator_id"):
        if col not in df.columns:
            continue
        s = df[col].astype(str)
        hit = s.map(is_formula).astype(bool)
        for _, r in df[hit].iterrows():
            _add(
                issues,
                r,
                "formula_like_text",
                "warning",
                f"{col!r} starts with {str(r[col])[:1]!r}; a spreadsheet may run it as a formula. It is kept as "
                "text, and exported files neutralise it with a leading apostrophe",
                col,
                str(r[col])[:80],
            )


def reported_mismatch(
    df: pd.DataFrame, *, settings=None, tolerance: float = REPORTED_TOLERANCE_PP
) -> pd.DataFrame:
    """Rows whose reported capaian differs from the recomputed one by more than ``tolerance`` pp.

    Parameters
    ----------
    df : tidy kinerja rows with ``achievement_reported`` (rows without it are skipped)
    settings : :class:`kinerja_analysis.config.Settings` for the formula choices (defaults when None)
    tolerance : percentage points; a difference strictly above it is flagged

    Returns
    -------
    pandas.DataFrame
        The offending rows with ``achievement``, ``formula_used`` and ``diff_pp`` (reported − recomputed).

    Examples
    --------
    >>> k = pd.DataFrame({"target": [80.0, 80.0, 10.0], "actual": [72.0, 72.0, 12.0],
    ...                   "polarity": ["positive", "positive", "negative"],
    ...                   "achievement_reported": [90.0, 90.6, 120.0],
    ...                   "source": ["k.csv, row 2"] * 3, "source_row": [2, 3, 4]})
    >>> reported_mismatch(k)[["source_row", "diff_pp"]].round(6).values.tolist()
    [[3.0, 0.6], [4.0, 40.0]]
    """
    if "achievement_reported" not in df.columns or df["achievement_reported"].isna().all():
        return df.iloc[0:0].assign(achievement=np.nan, formula_used="", diff_pp=np.nan)
    has = df["achievement_reported"].notna()
    scored = capaian.compute(df[has], settings)
    diff = scored["achievement_reported"] - scored["achievement"]
    # a reported capaian where none can be computed (missing target) is a mismatch too: NaN diff
    bad = (diff.abs() > tolerance + 1e-9) | scored["achievement"].isna()
    out = scored[bad].copy()
    out["diff_pp"] = diff[bad]
    return out


def check_anggaran(df: pd.DataFrame, issues: Issues) -> None:
    """Duplicated keys, negative budgets, spent above the revised budget, years, formula-like text."""
    if df.empty:
        return
    key = _key(df, ANGGARAN_KEY)
    dup = df[df.duplicated(key, keep=False)]
    for _, r in dup.iterrows():
        _add(
            issues,
            r,
            "duplicate_key",
            "error",
            "the same region/year/OPD/program/spending type appears more than once",
            "spending_type",
            r["spending_type"],
        )
    for col in ("budget_original", "budget_revised", "spent"):
        for _, r in df[df[col] < 0].iterrows():
            _add(
                issues,
                r,
                "negative_budget",
                "error",
                f"{col} must not be negative",
                col,
                r.get(f"{col}_raw", r[col]),
            )
    ratio = df["spent"] / df["budget_revised"].where(df["budget_revised"] > 0)
    for _, r in df[ratio > SPENT_IMPOSSIBLE].iterrows():
        _add(
            issues,
            r,
            "spent_above_budget",
            "error",
            f"spent is {r['spent'] / r['budget_revised']:.0%} of budget_revised (more than "
            f"{SPENT_IMPOSSIBLE:.0%} is impossible: a unit or a digit is wrong)",
            "spent",
            r.get("spent_raw", r["spent"]),
        )
    for _, r in df[(ratio > 1.0 + 1e-9) & (ratio <= SPENT_IMPOSSIBLE)].iterrows():
        _add(
            issues,
            r,
            "spent_above_budget",
            "warning",
            f"spent is {r['spent'] / r['budget_revised']:.1%} of budget_revised; realisasi cannot exceed the pagu",
            "spent",
            r.get("spent_raw", r["spent"]),
        )
    _check_years(df, issues)
    _check_text(df, issues)


def _check_years(df: pd.DataFrame, issues: Issues) -> None:
    y = df["year"]
    for _, r in df[y.notna() & ((y < YEAR_RANGE[0]) | (y > YEAR_RANGE[1]))].iterrows():
        _add(
            issues,
            r,
            "year_out_of_range",
            "error",
            f"year must be between {YEAR_RANGE[0]} and {YEAR_RANGE[1]}",
            "year",
            r["year"],
        )


def check_opds(kinerja: pd.DataFrame, anggaran: pd.DataFrame, issues: Issues) -> None:
    """OPDs with budget rows but no indicators in a region, and the reverse (after the crosswalk)."""
    if kinerja.empty or anggaran.empty:
        return
    k = kinerja[kinerja["opd"].astype(str).ne("")]
    a = anggaran[anggaran["opd"].astype(str).ne("")]
    regions = set(k["region_code"]) & set(a["region_code"])
    for here, there, what in (
        (a, k, "budget rows but no indicators"),
        (k, a, "indicators but no budget rows"),
    ):
        there_keys = set(zip(there["region_code"], there["opd"]))
        first = here[here["region_code"].isin(regions)].drop_duplicates(["region_code", "opd"])
        for _, r in first.iterrows():
            if (r["region_code"], r["opd"]) not in there_keys:
                _add(
                    issues,
                    r,
                    "opd_unmatched",
                    "warning",
                    f"OPD {r['opd']!r} in region {r['region_code']} has {what}; a different spelling, or a "
                    "rename missing from opd_crosswalk.csv?",
                    "opd",
                    r["opd"],
                )


def validate_dataset(ds: template.Dataset, *, settings=None) -> pd.DataFrame:
    """All issues of a loaded data folder.

    >>> from kinerja_analysis import paths
    >>> issues = validate_dataset(template.load_folder(paths.DEMO_DATA))
    >>> int((issues["severity"] == "error").sum())
    0
    """
    issues = Issues()
    issues.rows.extend(ds.issues.to_dict("records"))
    check_kinerja(ds.kinerja, issues, settings=settings)
    check_anggaran(ds.anggaran, issues)
    check_opds(ds.kinerja, ds.anggaran, issues)
    return issues.frame()


def validate_path(path: str | Path, *, settings=None) -> pd.DataFrame:
    """Validate a data folder, or a single kinerja/anggaran file (the table is taken from the file name)."""
    p = Path(path)
    if p.is_dir():
        return validate_dataset(template.load_folder(p), settings=settings)
    issues = Issues()
    if not p.exists():
        issues.add("missing_file", "error", str(p), "file not found")
        return issues.frame()
    stem = p.stem.lower()
    table = "anggaran" if "anggaran" in stem or "budget" in stem else "kinerja"
    df = read_table(p, table, issues)
    if table == "kinerja":
        check_kinerja(quarterly.to_annual(df, issues), issues, settings=settings)
    else:
        check_anggaran(df, issues)
    return issues.frame()


def summary(issues: pd.DataFrame) -> pd.DataFrame:
    """Counts per severity and rule, errors first.

    >>> i = Issues(); i.add("a", "warning", "f", "m"); i.add("b", "error", "f", "m"); i.add("b", "error", "f", "m")
    >>> summary(i.frame()).values.tolist()
    [['error', 'b', 2], ['warning', 'a', 1]]
    """
    order = {"error": 0, "warning": 1, "info": 2}
    s = issues.groupby(["severity", "rule"]).size().rename("n").reset_index()
    return s.sort_values(
        ["severity", "n"], key=lambda c: c.map(order) if c.name == "severity" else -c
    ).reset_index(drop=True)


def rule_label(rule: str, lang: str = "en") -> str:
    """A short name for a rule in the report language (messages/input.json), else the rule itself."""
    key = f"rule_{rule}"
    return L.t(key, lang) if key in L.TEXT else rule
