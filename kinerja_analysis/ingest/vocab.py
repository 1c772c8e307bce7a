"""Controlled vocabularies of the template tables: polarity, formula, period, aggregation rule, spending
type, region kind and the region-code pattern, each spelling mapped to its one canonical value.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from .. import schema
from . import quarterly
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

    def check(col, vocab, allowed_text, rule, keyf=vocab_key):
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
        for i in out.index[bad]:
            close = difflib.get_close_matches(str(key[i]), sorted(set(vocab)), n=1, cutoff=0.6)
            hint = f"; did you mean {vocab[close[0]]!r}?" if close else ""
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
    if table == "regions" and "kind" in out.columns:
        check("kind", {**schema.REGION_KINDS, "": ""}, "provinsi, kabupaten, kota", "invalid_kind")
    if "region_code" in out.columns:
        bad = ~out["region_code"].astype(str).str.match(schema.REGION_CODE_RE)
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
