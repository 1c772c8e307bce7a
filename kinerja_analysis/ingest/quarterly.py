"""Quarterly (triwulan) indicator rows to annual rows, before the annual capaian is computed.

e-SAKIP applications report realisasi per quarter (TW1–TW4). How four quarters make a year depends on
the indicator, so the rule comes with the data, per indicator (column ``aggregation`` /
``agregasi``):

- ``cumulative`` (kumulatif): the year is the sum of the quarters (people served, km built);
- ``last`` (terakhir): the year is the last quarter reported (a rate or a stock measured at the end);
- ``mean`` (rata-rata): the year is the mean of the quarters (an average service time);
- ``max`` (maksimum): the year is the highest quarter.

The same rule is applied to the target and to the realisasi, so that they stay comparable. ``last``
takes target and realisasi from the same (latest reported) quarter. The rule used and the quarters
found are written on every annual row (``aggregation``, ``quarters``), with the raw quarterly texts
kept in the ``*_raw`` columns ("TW1=10 | TW2=25"), and every spreadsheet row in ``source_rows``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import check_option
from ..schema import norm_key

RULES = ("cumulative", "last", "mean", "max")
#: normalised spellings (schema.norm_key) -> rule
RULE_VALUES = {
    "cumulative": "cumulative",
    "kumulatif": "cumulative",
    "sum": "cumulative",
    "jumlah": "cumulative",
    "total": "cumulative",
    "last": "last",
    "terakhir": "last",
    "akhir": "last",
    "posisi_akhir": "last",
    "mean": "mean",
    "average": "mean",
    "rata_rata": "mean",
    "rerata": "mean",
    "rata2": "mean",
    "max": "max",
    "maximum": "max",
    "maksimum": "max",
    "maks": "max",
    "tertinggi": "max",
}
QUARTERS = ("TW1", "TW2", "TW3", "TW4")


def _period_values() -> dict:
    out = {"tahunan": "", "annual": "", "tahun": "", "year": "", "setahun": ""}
    for n, roman in ((1, "i"), (2, "ii"), (3, "iii"), (4, "iv")):
        for prefix in ("tw", "triwulan", "q", "quarter", "kuartal", "trw"):
            for sep in ("", "_"):
                for num in (str(n), roman):
                    out[f"{prefix}{sep}{num}"] = f"TW{n}"
    return out


#: normalised spellings -> "TW1".."TW4", or "" for an annual row
PERIOD_VALUES = _period_values()


def period_key(value) -> str:
    """Normalised spelling of a period cell, to look up in :data:`PERIOD_VALUES`.

    >>> [PERIOD_VALUES[period_key(v)] for v in ("TW1", "tw 2", "Triwulan III", "Q4", "TW-IV")]
    ['TW1', 'TW2', 'TW3', 'TW4', 'TW4']
    """
    return norm_key(value)


_NUMBERS = ("target", "target_upper", "target_original", "actual")


def _aggregate(values: np.ndarray, rule: str) -> float:
    ok = values[~np.isnan(values)]
    if ok.size == 0:
        return np.nan
    if rule == "cumulative":
        return float(ok.sum())
    if rule == "mean":
        return float(ok.mean())
    if rule == "max":
        return float(ok.max())
    return float(ok[-1])


def aggregate_group(g: pd.DataFrame, rule: str) -> dict:
    """One annual row from the quarterly rows of one indicator-year, sorted TW1..TW4.

    >>> g = pd.DataFrame({"period": ["TW1", "TW2"], "target": [10.0, 20.0], "actual": [8.0, np.nan]})
    >>> {k: aggregate_group(g, r)["actual"] for r in RULES for k in [r]}
    {'cumulative': 8.0, 'last': 8.0, 'mean': 8.0, 'max': 8.0}
    >>> aggregate_group(g, "last")["target"], aggregate_group(g, "cumulative")["target"]
    (10.0, 30.0)
    """
    out = {}
    if rule == "last":
        # target and realisasi from the same quarter: the latest one with a realisasi (else the latest)
        has = g["actual"].notna().to_numpy() if "actual" in g else np.zeros(len(g), dtype=bool)
        pick = int(np.flatnonzero(has)[-1]) if has.any() else len(g) - 1
        for col in _NUMBERS:
            if col in g:
                out[col] = float(g[col].iloc[pick]) if pd.notna(g[col].iloc[pick]) else np.nan
        out["_picked"] = str(g["period"].iloc[pick])
        return out
    for col in _NUMBERS:
        if col in g:
            out[col] = _aggregate(g[col].to_numpy(dtype=float), rule)
    return out


def to_annual(df: pd.DataFrame, issues=None, *, default_rule: str = "last") -> pd.DataFrame:
    """Aggregate quarterly rows (``period`` TW1–TW4) to one row per region/year/OPD/indicator.

    Annual rows (blank ``period``) pass through unchanged; a table without quarterly rows is returned
    as is. The rule comes from the ``aggregation`` column; an indicator without one gets
    ``default_rule`` and a warning. Problems (a quarter twice, rules that differ between quarters,
    missing quarters) go to ``issues`` (a :class:`kinerja_analysis.ingest.template.Issues`).

    Examples
    --------
    >>> q = pd.DataFrame({"region_code": ["99.01"] * 4, "year": [2021] * 4, "opd": ["Dinkes"] * 4,
    ...                   "indicator_id": ["K1"] * 4, "period": ["TW1", "TW2", "TW3", "TW4"],
    ...                   "aggregation": ["cumulative"] * 4, "target": [25.0] * 4,
    ...                   "actual": [20.0, 30.0, 25.0, 15.0], "source": ["k.csv, row 2"] * 4,
    ...                   "source_row": [2, 3, 4, 5]})
    >>> a = to_annual(q)
    >>> a[["target", "actual", "aggregation", "quarters", "source_rows"]].values.tolist()
    [[100.0, 90.0, 'cumulative', 'TW1,TW2,TW3,TW4', '2 3 4 5']]
    """
    if df.empty or "period" not in df.columns:
        return df
    period = df["period"].fillna("").astype(str)
    quarterly = period.isin(QUARTERS)
    if not quarterly.any():
        return df
    check_option("default_rule", default_rule, RULES)
    annual = df.loc[~quarterly].copy()
    q = df.loc[quarterly].copy()
    q["_order"] = q["period"].map({p: i for i, p in enumerate(QUARTERS)})
    key = [c for c in ("region_code", "year", "opd", "indicator_id") if c in q.columns]
    rows = []
    for _, g in q.sort_values(key + ["_order", "source_row"]).groupby(key, dropna=False, sort=False):
        fname, sheet = _where(g["source"].iloc[0])
        first_row = int(g["source_row"].iloc[0])

        def add(rule, severity, message, value="", row=first_row, column="period", fname=fname, sheet=sheet):
            if issues is not None:
                issues.add(rule, severity, fname, message, sheet=sheet, row=row, column=column, value=value)

        label = f"indicator {g['indicator_id'].iloc[0]!r} ({g['year'].iloc[0]})"
        dup = g["period"].duplicated(keep=False)
        for r in g.loc[dup].itertuples():
            add(
                "duplicate_quarter",
                "error",
                f"{label}: {r.period} appears more than once",
                r.period,
                row=int(r.source_row),
            )
        given = sorted({r for r in g.get("aggregation", pd.Series(dtype=object)).fillna("") if r})
        if len(given) > 1:
            add(
                "aggregation_conflict",
                "error",
                f"{label}: the quarters name different aggregation rules ({', '.join(given)})",
                ", ".join(given),
                column="aggregation",
            )
        if given:
            rule = given[0] if given[0] in RULES else default_rule
        else:
            rule = default_rule
            add(
                "aggregation_default",
                "warning",
                f"{label}: quarterly rows without an aggregation rule; used {default_rule!r} "
                f"(fill the column 'agregasi' with {', '.join(RULES)})",
                column="aggregation",
            )
        present = list(dict.fromkeys(g["period"]))
        absent = [p for p in QUARTERS if p not in present]
        if absent:
            add(
                "incomplete_quarters",
                "warning",
                f"{label}: {', '.join(absent)} missing; the {rule} of {', '.join(present)} is used for the year",
                ", ".join(present),
            )
        for col in ("polarity", "unit"):
            if col in g and g[col].fillna("").nunique() > 1:
                add(
                    f"quarterly_{col}_changes",
                    "warning",
                    f"{label}: {col} differs between quarters ({', '.join(map(str, g[col].unique()))}); "
                    "the last quarter's is used",
                    column=col,
                )
        last = g.iloc[-1].drop(labels=["_order"]).to_dict()
        agg = aggregate_group(g, rule)
        picked = agg.pop("_picked", None)
        last.update(agg)
        for col in _NUMBERS + ("achievement_reported",):
            rc = f"{col}_raw"
            if rc in g:
                last[rc] = " | ".join(f"{p}={v}" for p, v in zip(g["period"], g[rc]) if str(v) != "")
        if "achievement_reported" in g:  # the office states the annual capaian on the last quarter reported
            last["achievement_reported"] = g["achievement_reported"].iloc[-1]
        last.update(
            {
                "period": "",
                "aggregation": rule,
                "quarters": ",".join(present),
                "source": g["source"].iloc[0],
                "source_row": first_row,
                "source_rows": " ".join(str(int(r)) for r in g["source_row"]),
            }
        )
        if picked:
            last["quarters"] += f" (year = {picked})"
        rows.append(last)
    agg_df = pd.DataFrame(rows)
    annual["quarters"] = ""
    annual["source_rows"] = annual["source_row"].astype(str)
    out = pd.concat([annual, agg_df], ignore_index=True) if len(annual) else agg_df
    out = out.sort_values("source_row", kind="stable").reset_index(drop=True)
    for col in df.columns:  # keep dtypes of the input (concat of Int64 with objects loosens them)
        if col in out and str(df[col].dtype) != str(out[col].dtype):
            try:
                out[col] = out[col].astype(df[col].dtype)
            except (TypeError, ValueError):
                pass
    return out


def _where(source: str) -> tuple[str, str]:
    parts = str(source).split(", ")
    sheet = parts[1][len("sheet ") :] if len(parts) == 3 and parts[1].startswith("sheet ") else ""
    return parts[0], sheet
