"""Checks on DJPK / JAGA account rows: the budget identity, partial (mid-year) scrapes and the rows that
need a reader's attention (repeated keys and labels, blank labels and values, negative values).

Every check counts an account once: a row flagged ``duplicate_key`` or ``duplicate_label`` (the 422/434
double-counting trap described in :mod:`kinerja_analysis.ingest.djpk`) is left out (:func:`counted`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def counted(acc: pd.DataFrame) -> np.ndarray:
    """True for the account rows that count: not a repeated key or a repeated label.

    >>> counted(pd.DataFrame({"flag": ["", "duplicate_label", "blank_value"]})).tolist()
    [True, False, True]
    """
    flag = acc["flag"]
    cats = pd.Index(
        flag.cat.categories if isinstance(flag.dtype, pd.CategoricalDtype) else flag.unique()
    ).astype(str)
    bad = {x for x in cats if "duplicate_" in x}
    return ~flag.isin(bad).to_numpy()


def budget_identity(acc: pd.DataFrame, *, tolerance_rp: float = 1e6) -> pd.DataFrame:
    """Per pemda-year: pendapatan - belanja + net financing for Anggaran and Realisasi.

    ``gap_budget`` should be 0 (a balanced APBD); ``ok`` says whether |gap| <= ``tolerance_rp``.
    ``gap_budget_if_double_counted`` is the gap when the repeated labels are counted too (it shows the
    trap). ``gap_spent`` is the realised closing balance (next year's SiLPA), not an error.

    >>> acc = pd.DataFrame({"region_name": ["X"] * 4, "year": [2020] * 4,
    ...     "section": ["pendapatan", "belanja", "financing_in", "financing_out"],
    ...     "budget": [90.0, 100.0, 15.0, 5.0], "spent": [95.0, 90.0, 15.0, 5.0], "flag": [""] * 4})
    >>> budget_identity(acc)[["gap_budget", "gap_spent", "ok"]].values.tolist()
    [[0.0, 15.0, True]]
    """
    sign = acc["section"].map(
        {"pendapatan": 1.0, "belanja": -1.0, "financing_in": 1.0, "financing_out": -1.0}
    )
    d = pd.DataFrame(
        {
            "region_name": acc["region_name"],
            "year": acc["year"],
            "b": acc["budget"].fillna(0) * sign,
            "s": acc["spent"].fillna(0) * sign,
            "counted": counted(acc),
        }
    )
    all_ = (
        d.groupby(["region_name", "year"])[["b"]].sum().rename(columns={"b": "gap_budget_if_double_counted"})
    )
    c = d[d["counted"]].groupby(["region_name", "year"])[["b", "s"]].sum()
    c = c.rename(columns={"b": "gap_budget", "s": "gap_spent"})
    bel = acc[(acc["section"] == "belanja") & counted(acc)].groupby(["region_name", "year"])["budget"].sum()
    out = c.join(all_).join(bel.rename("belanja_budget")).reset_index()
    out["gap_share"] = out["gap_budget"] / out["belanja_budget"]
    out["ok"] = out["gap_budget"].abs() <= tolerance_rp
    blanks = acc[acc["flag"].str.contains("blank_value", regex=False)].groupby(["region_name", "year"]).size()
    out["n_blank_values"] = out.set_index(["region_name", "year"]).index.map(blanks).fillna(0).astype(int)
    return out


def partial_years(accounts: pd.DataFrame, *, ratio: float = 0.6) -> list[int]:
    """Years whose belanja realisation share is below ``ratio`` x the median share of the other years
    and that are the latest year in the data: the scrape caught them mid-year.

    >>> acc = pd.DataFrame({"year": [2023, 2024, 2025], "section": ["belanja"] * 3,
    ...                     "budget": [100.0, 100.0, 100.0], "spent": [92.0, 90.0, 33.0], "flag": [""] * 3})
    >>> partial_years(acc)
    [2025]
    """
    m = (accounts["section"] == "belanja").to_numpy() & counted(accounts)
    years = accounts["year"].to_numpy()[m].astype(np.int64)
    uy, inv = np.unique(years, return_inverse=True)
    by = pd.DataFrame(
        {
            "budget": np.bincount(inv, np.nan_to_num(accounts["budget"].to_numpy()[m]), len(uy)),
            "spent": np.bincount(inv, np.nan_to_num(accounts["spent"].to_numpy()[m]), len(uy)),
        },
        index=uy,
    )
    if len(by) < 2:
        return []
    share = by["spent"] / by["budget"]
    last = int(share.index.max())
    others = share.drop(index=last)
    return [last] if share[last] < ratio * float(others.median()) else []


def issues(accounts: pd.DataFrame) -> pd.DataFrame:
    """Rows that need a reader's attention: repeated keys, repeated labels (with the value they repeat),
    blank labels, blank and negative values. Columns: rule, file, row, region_name, year, label, budget,
    spent, message."""
    rows = []
    flagged = accounts[accounts["flag"].ne("")]
    for r in flagged.itertuples():
        for rule in r.flag.split(";"):
            msg = {
                "duplicate_key": "the same account appears twice; the repeat is not counted",
                "duplicate_label": "the same label under another code in the same year; not counted",
                "blank_level3": "blank level-3 label; classified by its level-2 label",
                "blank_value": "blank value: treated as missing, not as 0",
                "negative_value": "negative value kept as published",
            }[rule]
            rows.append(
                {
                    "rule": rule,
                    "file": r.source_file,
                    "row": int(r.source_row),
                    "region_name": r.region_name,
                    "year": int(r.year),
                    "label": r.level3,
                    "budget": r.budget,
                    "spent": r.spent,
                    "message": msg,
                }
            )
    return pd.DataFrame(
        rows, columns=["rule", "file", "row", "region_name", "year", "label", "budget", "spent", "message"]
    )
