"""Controlled vocabularies of the template tables: polarity, formula, period, aggregation rule, spending
type, sector (urusan), region kind and the region-code pattern, each spelling mapped to its one canonical
value.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from .. import schema
from . import quarterly, urusan
from .issues import Issues


def normalise(out: pd.DataFrame, table: str, issues: Issues, fname: str, sheet: str, rows: pd.Series) -> None:
    """Map each controlled-vocabulary column of ``out`` to its canonical value, in place.

    The spelling as given is kept in ``<column>_raw``; a value outside the vocabulary stays as given and
    gets an error issue with the nearest allowed value. ``rows`` holds each row's spreadsheet row number.

    >>> out = pd.DataFrame({"polarity": ["Positif", "negatip"], "region_code": ["99.01", "99.01"]})
    >>> issues = Issues()
    >>> normalise(out, "kinerja", issues, "k.csv", "", pd.Series([2, 3]))
    >>> out["polarity"].tolist(), out["polarity_raw"].tolist()
    (['positive', 'negatip'], ['Positif', 'negatip'])
    >>> issues.frame()["message"].tolist()
    ["'polarity' must be one of positive/positif, negative/negatif, range/rentang; did you mean 'negative'?"]
    """

    def vocab_key(v):
        v = str(v).strip()
        return v if v in ("+", "-") else schema.norm_key(v)

    def formula_key(v):
        return "".join(str(v).split()).lower().replace("−", "-")

    def check(col, vocab, allowed_text, rule, keyf=vocab_key, show=lambda v: v):
        if col not in out.columns:
            return
        codes, uniques = pd.factorize(out[col].astype(str))  # each distinct spelling once
        ukeys = [keyf(u) for u in uniques]
        key = pd.Series(np.array(ukeys + [""], dtype=object)[codes], index=out.index)
        mapped = pd.Series(
            np.array([vocab.get(k, None) if k != "" else "" for k in ukeys] + [""], dtype=object)[codes],
            index=out.index,
        )
        bad = mapped.isna()
        known, hints = sorted(set(vocab)), {}
        for i in out.index[bad]:
            k = str(key[i])
            if k not in hints:  # the nearest allowed value once per spelling, not per row
                close = difflib.get_close_matches(k, known, n=1, cutoff=0.6)
                hints[k] = f"; did you mean {show(vocab[close[0]])!r}?" if close else ""
            hint = hints[k]
            issues.add(
                rule,
                "error",
                fname,
                f"{col!r} must be one of {allowed_text}{hint}",
                sheet=sheet,
                row=int(rows[i]),
                column=col,
                value=out.at[i, col],
            )
        out[f"{col}_raw"] = out[col]
        out[col] = mapped.where(~bad, out[col]).astype(object)

    if table == "kinerja":
        check(
            "polarity",
            schema.POLARITY_VALUES,
            "positive/positif, negative/negatif, range/rentang",
            "invalid_polarity",
        )
        check("formula", schema.FORMULA_VALUES, "R/T, (2T-R)/T, T/R or blank", "invalid_formula", formula_key)
        check(
            "period",
            quarterly.PERIOD_VALUES,
            "TW1, TW2, TW3, TW4 (triwulan) or blank for annual rows",
            "invalid_period",
            quarterly.period_key,
        )
        check(
            "aggregation",
            quarterly.RULE_VALUES,
            ", ".join(quarterly.RULES) + " or blank",
            "invalid_aggregation",
        )
    if table == "anggaran":
        check(
            "spending_type",
            schema.SPENDING_ALIASES,
            ", ".join(schema.SPENDING_TYPES),
            "invalid_spending_type",
        )
    if table in ("kinerja", "anggaran"):
        check(
            "sector",
            urusan.VALUES,
            "an urusan of Permendagri 90/2019, as its code or name (such as 1.02 or kesehatan), or blank",
            "invalid_sector",
            urusan.key,
            lambda code: urusan.label(code, "id"),
        )
    if table == "regions" and "kind" in out.columns:
        check("kind", {**schema.REGION_KINDS, "": ""}, "provinsi, kabupaten, kota", "invalid_kind")
    if "region_code" in out.columns:  # an empty code is reported by check_required
        code = out["region_code"].astype(str)
        bad = ~code.str.match(schema.REGION_CODE_RE) & code.str.strip().ne("")
        for i in out.index[bad]:
            issues.add(
                "invalid_region_code",
                "error",
                fname,
                "expected a Kemendagri code such as '71' or '71.73' (text, two digits, a dot, two digits)",
                sheet=sheet,
                row=int(rows[i]),
                column="region_code",
                value=out.at[i, "region_code"],
            )


def _empty(s: pd.Series) -> np.ndarray:
    return (s.isna() | s.astype(str).str.strip().eq("")).to_numpy(dtype=bool)


def check_required(
    out: pd.DataFrame,
    table: str,
    present,
    issues: Issues,
    fname: str,
    sheet: str,
    rows: pd.Series,
    broken_rows=(),
) -> None:
    """An error for every empty cell of a required column (:data:`schema.REQUIRED_CELLS`), naming the row.

    ``present`` holds the tidy columns the file has: a column the file lacks is reported once, as
    ``missing_column``. A number cell is empty when its raw text is blank; a missing marker ("-", "n/a")
    says "no data" on purpose and is not an error. A polarity may be empty where a formula is given.
    ``broken_rows`` (spreadsheet rows) already have an error that explains their empty cells, such as a
    runaway quoted value that swallowed the rest of the row: they get no second error per cell.

    >>> out = pd.DataFrame({"region_code": ["71.73", "71.73"], "opd": ["Dinkes", ""],
    ...                     "indicator_id": ["K1", "K2"], "polarity": ["", ""], "formula": ["R/T", ""],
    ...                     "target": [1.0, None], "target_raw": ["1", ""],
    ...                     "actual": [None, 2.0], "actual_raw": ["-", "2"]})
    >>> issues = Issues()
    >>> check_required(out, "kinerja", set(out.columns), issues, "k.csv", "", pd.Series([2, 3]))
    >>> [f"{r}@{c}" for r, c in issues.frame()[["row", "column"]].values.tolist()]
    ['3@opd', '3@polarity', '3@target']
    """
    for col in schema.REQUIRED_CELLS.get(table, ()):
        if col not in present or col not in out.columns:
            continue
        raw = out[f"{col}_raw"] if f"{col}_raw" in out.columns else out[col]
        empty = _empty(raw)
        if col == "polarity" and "formula" in out.columns:
            empty = empty & _empty(out["formula"])
        local = schema.INDONESIAN_HEADERS.get(col, col)
        name = f"{col!r}" + (f" ({local!r})" if local != col else "")
        if col in ("target", "actual", "budget_revised", "spent"):
            what = f"{name} is empty; type the value, or '-' or 'n/a' when there is no data"
        elif col == "polarity":
            what = f"{name} is empty; type positif, negatif or rentang (or give a rumus)"
        else:
            what = f"{name} is empty; every row needs it"
        for i in out.index[empty]:
            if int(rows[i]) in broken_rows:
                continue
            issues.add("missing_value", "error", fname, what, sheet=sheet, row=int(rows[i]), column=col)
