"""Checks on DJPK / JAGA account rows: the budget identity, partial (mid-year) scrapes, unclassified
(blank-label) rows, the 422/434 decisions, suspect years and the rows that need a reader's attention
(repeated keys and labels, blank labels and values, negative values).

Every check counts an account once: a row flagged ``duplicate_key`` or ``duplicate_label`` (the 422/434
double-counting trap described in :mod:`kinerja_analysis.ingest.djpk`) is left out (:func:`counted`).
Province and kab/kota rows are never pooled: every check groups by ``level`` (a pemda is
(level, region_name)). Tables without a ``level`` column are taken as one level.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .djpk_labels import level_of_file, norm_label

PEMDA = ["level", "region_name"]
SIGN = {"pendapatan": 1.0, "belanja": -1.0, "financing_in": 1.0, "financing_out": -1.0}
#: serapan (belanja Realisasi / Anggaran) outside this range marks a suspect year
SERAPAN_LOW, SERAPAN_HIGH = 0.6, 1.2


G = ["level", "region_name", "year"]


def _with_level(acc: pd.DataFrame) -> pd.DataFrame:
    return acc if "level" in acc.columns else acc.assign(level="")


def _cat(col: pd.Series) -> pd.Categorical:
    """A column as a Categorical (free for the loader's categorical columns)."""
    return col.array if isinstance(col.dtype, pd.CategoricalDtype) else pd.Categorical(col)


def _per_category(col: pd.Series, mapping: dict, default: float) -> np.ndarray:
    """``mapping`` applied once per distinct value, spread to the rows by code."""
    c = _cat(col)
    vals = np.array([mapping.get(str(x), default) for x in c.categories] + [default], dtype=float)
    return vals[np.asarray(c.codes)]


def _keys(acc: pd.DataFrame, mask=None) -> pd.DataFrame:
    """The pemda-year key (level, region_name as categoricals, year) of the rows in ``mask``."""
    m = slice(None) if mask is None else mask
    return pd.DataFrame(
        {
            "level": _cat(acc["level"])[m],
            "region_name": _cat(
                acc["region_name"] if "region_name" in acc.columns else pd.Series([""] * len(acc))
            )[m],
            "year": acc["year"].to_numpy()[m].astype(np.int64),
        }
    )


def _named(df: pd.DataFrame) -> pd.DataFrame:
    """A result keyed by pemda-year with plain string keys, sorted (small frames only)."""
    df = df.reset_index() if df.index.names[0] is not None else df
    df = df.astype({"level": str, "region_name": str})
    return df.sort_values(G, ignore_index=True)


def _pemda_year_id(k: pd.DataFrame) -> np.ndarray:
    """One integer per pemda-year of a :func:`_keys` frame."""
    lv, rg = k["level"].array, k["region_name"].array
    pemda = np.asarray(lv.codes, np.int64) * (len(rg.categories) + 1) + np.asarray(rg.codes, np.int64)
    return pemda * 10_000 + k["year"].to_numpy()


def _flagged(acc: pd.DataFrame, word: str) -> np.ndarray:
    """True for the rows whose flag holds ``word`` (flags are ";"-joined)."""
    flag = acc["flag"]
    cats = flag.cat.categories if isinstance(flag.dtype, pd.CategoricalDtype) else pd.unique(flag)
    return flag.isin([x for x in map(str, cats) if word in x.split(";")]).to_numpy()


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
    """Per pemda-year (level, region_name, year): pendapatan - belanja + net financing for Anggaran and
    Realisasi.

    ``gap_budget`` should be 0 (a balanced APBD); ``ok`` says whether |gap| <= ``tolerance_rp``.
    ``gap_budget_if_double_counted`` is the gap when the repeated labels are counted too (it shows the
    trap). ``gap_spent`` is the realised closing balance (next year's SiLPA), not an error. Unclassified
    (blank-label) rows are in no section and so in no gap.

    >>> acc = pd.DataFrame({"region_name": ["X"] * 4, "year": [2020] * 4,
    ...     "section": ["pendapatan", "belanja", "financing_in", "financing_out"],
    ...     "budget": [90.0, 100.0, 15.0, 5.0], "spent": [95.0, 90.0, 15.0, 5.0], "flag": [""] * 4})
    >>> budget_identity(acc)[["gap_budget", "gap_spent", "ok"]].values.tolist()
    [[0.0, 15.0, True]]
    """
    acc = _with_level(acc)
    sign = _per_category(acc["section"], SIGN, 0.0)
    d = _keys(acc).assign(
        b=acc["budget"].fillna(0).to_numpy() * sign,
        s=acc["spent"].fillna(0).to_numpy() * sign,
        counted=counted(acc),
        bel=np.where((acc["section"] == "belanja").to_numpy(), acc["budget"].to_numpy(), np.nan),
        blank=_flagged(acc, "blank_value"),
    )
    by = d.groupby(G, observed=True)
    out = by.agg(gap_budget_if_double_counted=("b", "sum"), n_blank_values=("blank", "sum"))
    c = (
        d[d["counted"]]
        .groupby(G, observed=True)
        .agg(gap_budget=("b", "sum"), gap_spent=("s", "sum"), belanja_budget=("bel", "sum"))
    )
    out = _named(c.join(out))
    out["n_blank_values"] = out["n_blank_values"].astype(int)
    out["gap_share"] = out["gap_budget"] / out["belanja_budget"]
    out["ok"] = out["gap_budget"].abs() <= tolerance_rp
    cols = ["gap_budget", "gap_spent", "gap_budget_if_double_counted", "belanja_budget", "gap_share", "ok"]
    return out[G + cols + ["n_blank_values"]]


def _serapan(acc: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Belanja Anggaran and Realisasi summed ``by`` (counted rows only), with string keys."""
    m = (acc["section"] == "belanja").to_numpy() & counted(acc)
    k = _keys(acc, m)[by].assign(budget=acc["budget"].to_numpy()[m], spent=acc["spent"].to_numpy()[m])
    out = k.fillna({"budget": 0.0, "spent": 0.0}).groupby(by, observed=True)[["budget", "spent"]].sum()
    out = out.reset_index().astype({c: str for c in by if c != "year"})
    return out.sort_values(by).set_index(by)


def partial_years_by_level(accounts: pd.DataFrame, *, ratio: float = 0.6) -> dict[str, list[int]]:
    """:func:`partial_years` for each level separately: {level: [year]}."""
    acc = _with_level(accounts)
    m = (acc["section"] == "belanja").to_numpy() & counted(acc)
    lv = _cat(acc["level"])
    code = np.asarray(lv.codes, np.int64)[m]
    keep = code >= 0  # a row without a level is in no level's sums
    b, s = (np.asarray(acc[c].to_numpy()[m], float)[keep] for c in ("budget", "spent"))
    sums = (
        pd.DataFrame({"budget": np.where(np.isnan(b), 0.0, b), "spent": np.where(np.isnan(s), 0.0, s)})
        .groupby([code[keep], acc["year"].to_numpy()[m].astype(np.int64)[keep]])
        .sum()
    )
    codes, years = (sums.index.get_level_values(k).to_numpy() for k in (0, 1))
    out = {}
    for j, level in sorted(((int(j), str(lv.categories[j])) for j in np.unique(codes)), key=lambda x: x[1]):
        at = codes == j
        share = pd.Series(sums["spent"].to_numpy()[at] / sums["budget"].to_numpy()[at], index=years[at])
        out[level] = _partial(share, ratio)
    return out


def _partial(share: pd.Series, ratio: float) -> list[int]:
    if len(share) < 2:
        return []
    last = int(share.index.max())
    return [last] if share[last] < ratio * float(share.drop(index=last).median()) else []


def partial_years(accounts: pd.DataFrame, *, ratio: float = 0.6, level: str | None = None) -> list[int]:
    """Years whose belanja realisation share is below ``ratio`` x the median share of the other years
    and that are the latest year in the data: the scrape caught them mid-year. Judged per level;
    ``level=None`` gives the years partial in any level.

    >>> acc = pd.DataFrame({"year": [2023, 2024, 2025], "section": ["belanja"] * 3,
    ...                     "budget": [100.0, 100.0, 100.0], "spent": [92.0, 90.0, 33.0], "flag": [""] * 3})
    >>> partial_years(acc)
    [2025]
    """
    by = partial_years_by_level(accounts, ratio=ratio)
    if level is not None:
        return by.get(level, [])
    return sorted({y for ys in by.values() for y in ys})


def unclassified(acc: pd.DataFrame) -> pd.DataFrame:
    """Blank-label rows (flag ``blank_label``: all three account labels blank) per pemda-year: ``n_rows``
    and the Anggaran (``budget``) and Realisasi (``spent``) they carry, in Rupiah. Every pemda-year of
    ``acc`` is listed, with 0 where it has none; these amounts are in no typed total."""
    acc = _with_level(acc)
    m = _flagged(acc, "blank_label")
    d = _keys(acc).assign(
        n_rows=m.astype(int),
        budget=np.where(m, acc["budget"].fillna(0).to_numpy(), 0.0),
        spent=np.where(m, acc["spent"].fillna(0).to_numpy(), 0.0),
    )
    return _named(d.groupby(G, observed=True)[["n_rows", "budget", "spent"]].sum())


def repeat_decisions(acc: pd.DataFrame, *, tolerance_rp: float = 1e6, much_less: float = 0.5) -> pd.DataFrame:
    """Every pemda-year with "Pendapatan Transfer Antar Daerah" under both 422 and 434, the code kept
    (434, the rule) and the evidence.

    Evidence: the budget identity (Anggaran; pendapatan - belanja + net financing) holds with one code
    and not the other (|gap| <= ``tolerance_rp``), and the Realisasi is on one code while the other
    shows less than ``much_less`` x it (0, typically). ``evidence_code`` is the code both point to, one
    of them when the other says nothing, "" when neither says anything (equal rows) and "mixed" when they
    disagree; ``agrees`` is False where the evidence points away from the kept code (or is mixed).
    """
    cols = ["level", "region_name", "year", "kept_code", "dropped_code", "kept_budget", "kept_spent"]
    cols += ["dropped_budget", "dropped_spent", "evidence_code", "agrees", "reason"]
    acc = _with_level(acc)
    l3 = _cat(acc["level3"])
    code_of = {
        str(x): float((re.match(r"^\s*([\d.]+)", str(x)) or [None, "0"])[1].replace(".", "") or 0)
        for x in l3.categories
        if norm_label(x) == "pendapatan transfer antar daerah"
    }
    code = _per_category(acc["level3"], code_of, 0.0)
    tr = (acc["section"] == "pendapatan").to_numpy() & np.isin(code, [422.0, 434.0])
    tr &= ~_flagged(acc, "duplicate_key")
    if not tr.any():
        return pd.DataFrame(columns=cols)
    t = _keys(acc, tr).assign(
        code=np.where(code[tr] == 434.0, "434", "422"),
        b=np.nan_to_num(acc["budget"].to_numpy()[tr]),
        s=np.nan_to_num(acc["spent"].to_numpy()[tr]),
    )
    t = t.astype({"level": str, "region_name": str})
    w = t.pivot_table(index=G, columns="code", values=["b", "s"], aggfunc="sum").dropna()
    if w.empty or ("b", "434") not in w.columns or ("b", "422") not in w.columns:
        return pd.DataFrame(columns=cols)
    ids = _pemda_year_id(_keys(acc))  # the identity only for the pemda-years holding a transfer row
    both = np.isin(ids, np.unique(ids[tr]))
    idt = budget_identity(acc[both], tolerance_rp=tolerance_rp).set_index(G)
    # the counted gap holds 434 (the kept code); swap it for 422 to get the other choice's gap
    gap434 = idt["gap_budget"].reindex(w.index)
    gap422 = gap434 - w[("b", "434")] + w[("b", "422")]
    rows = []
    for key, r in w.iterrows():
        ok4, ok2 = abs(gap434[key]) <= tolerance_rp, abs(gap422[key]) <= tolerance_rp
        by_identity = "434" if ok4 and not ok2 else "422" if ok2 and not ok4 else ""
        s4, s2 = r[("s", "434")], r[("s", "422")]
        by_spent = (
            "434" if s4 > 0 and s2 < much_less * s4 else "422" if s2 > 0 and s4 < much_less * s2 else ""
        )
        found = {x for x in (by_identity, by_spent) if x}
        evidence = found.pop() if len(found) == 1 else ("mixed" if found else "")
        reason = "; ".join(
            [f"identity holds with {by_identity} only" if by_identity else "identity does not decide"]
            + [f"Realisasi is on {by_spent}" if by_spent else "Realisasi does not decide"]
        )
        rows.append(
            [
                *key,
                "434",
                "422",
                r[("b", "434")],
                s4,
                r[("b", "422")],
                s2,
                evidence,
                evidence in ("", "434"),
                reason,
            ]
        )
    return pd.DataFrame(rows, columns=cols)


def _account_key(acc: pd.DataFrame) -> np.ndarray:
    """An integer per (section, normalised label) of each row (level 2 where level 3 is blank); labels
    are normalised once per distinct (level 3, level 2) pair."""
    l3, l2 = _cat(acc["level3"]), _cat(acc["level2"])
    n3 = [norm_label(x) for x in l3.categories] + [""]
    n2 = [norm_label(x) for x in l2.categories] + [""]
    c3 = np.asarray(l3.codes, np.int64) % len(n3)  # a missing label (-1) is the last, ""
    c2 = np.asarray(l2.codes, np.int64) % len(n2)
    uniq, inv = np.unique(c3 * len(n2) + c2, return_inverse=True)
    labels = np.array([n3[u // len(n2)] or n2[u % len(n2)] for u in uniq], dtype=object)
    lab = pd.factorize(labels)[0][inv.ravel()].astype(np.int64)
    sec = np.asarray(_cat(acc["section"]).codes, np.int64) + 1
    return lab * (int(sec.max(initial=0)) + 1) + sec


def _copied(acc: pd.DataFrame, tolerance_rp: float = 1.0) -> pd.DataFrame:
    """Pemda-years whose non-zero Realisasi equal the previous year's account for account: the same
    multiset of (label, Realisasi), each within ``tolerance_rp`` (the real copy found in the province
    files is off by Rp 1 on one account), and at least two non-zero accounts."""
    m = counted(acc) & (np.nan_to_num(acc["spent"].to_numpy()) != 0)
    k = _keys(acc, m)
    d = pd.DataFrame(
        {"py": _pemda_year_id(k), "lab": _account_key(acc[m]), "spent": acc["spent"].to_numpy()[m]}
    )
    d = d.sort_values(["py", "lab", "spent"], ignore_index=True)
    d["rank"] = d.groupby(["py", "lab"]).cumcount()
    j = d.merge(d.assign(py=d["py"] + 1), on=["py", "lab", "rank"], suffixes=("", "_prev"))
    j["diff"] = (j["spent"] - j["spent_prev"]).abs()
    j["close"] = j["diff"] <= tolerance_rp
    n = d.groupby("py").size()
    both = j.groupby("py").agg(n_close=("close", "sum"), worst=("diff", "max"))
    both["n"], both["n_prev"] = n.reindex(both.index).to_numpy(), n.reindex(both.index - 1).to_numpy()
    hit = both[(both["n_close"] == both["n"]) & (both["n"] == both["n_prev"]) & (both["n"] >= 2)]
    names = k.assign(py=_pemda_year_id(k)).drop_duplicates("py").set_index("py").loc[hit.index]
    out = _named(names.assign(n=hit["n"].to_numpy(), worst=hit["worst"].to_numpy()).reset_index(drop=True))
    detail = [
        f"{int(r.n)} non-zero accounts equal to {r.year - 1}'s (largest difference Rp {r.worst:,.0f})"
        for r in out.itertuples()
    ]
    return out[G].assign(reason="copied_realisasi", detail=detail)


def suspect_years(acc: pd.DataFrame) -> pd.DataFrame:
    """Pemda-years whose figures should not be read as final: ``copied_realisasi`` (Realisasi equal to
    the previous year's, account for account), ``serapan_low`` (belanja realised < 60 %; not listed for a
    partial year, which explains it), ``serapan_high`` (> 120 %, or Realisasi without Anggaran),
    ``partial`` (the level's partial last year) and ``provisional`` (the full year just before a partial
    year: the scrape was made in the following year, within months of year end and before or around the
    audited LKPD's deadline, so its Realisasi may still change; with no partial year, no year can be
    called provisional from the files alone). One row per pemda-year and reason."""
    acc = _with_level(acc)
    g = G
    parts = [_copied(acc)]
    ser = _serapan(acc, g).reset_index()
    share = ser["spent"] / ser["budget"].where(ser["budget"] != 0)
    partial = partial_years_by_level(acc)
    is_partial = np.array([y in partial.get(lv, []) for lv, y in zip(ser["level"], ser["year"])], dtype=bool)
    detail = [
        f"serapan {x:.1%}" if np.isfinite(x) else "Realisasi without Anggaran" for x in share.fillna(np.inf)
    ]
    ser = ser.assign(detail=detail)
    low = (share < SERAPAN_LOW).to_numpy() & ~is_partial
    high = ((share > SERAPAN_HIGH) | (share.isna() & (ser["spent"] > 0))).to_numpy()
    parts += [ser.loc[low, g + ["detail"]].assign(reason="serapan_low")]
    parts += [ser.loc[high, g + ["detail"]].assign(reason="serapan_high")]
    for level, years in partial.items():
        for y in years:
            at = ser[(ser["level"] == level) & (ser["year"] == y)]
            parts.append(
                at[g].assign(reason="partial", detail=f"last year of the {level} files, realised mid-year")
            )
            prev = ser[(ser["level"] == level) & (ser["year"] == y - 1)]
            parts.append(
                prev[g].assign(reason="provisional", detail=f"scraped during {y}: Realisasi may still change")
            )
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else None
    if out is None:
        return pd.DataFrame(columns=g + ["reason", "detail"])
    return out[g + ["reason", "detail"]].sort_values(g + ["reason"], ignore_index=True)


MESSAGES = {
    "duplicate_key": "the same account appears twice; the repeat is not counted",
    "duplicate_label": "the same label under another code in the same year; not counted",
    "blank_level3": "blank level-3 label; classified by its level-2 label",
    "blank_label": "all three account labels blank: unclassified, kept out of every typed total",
    "blank_value": "blank value: treated as missing, not as 0",
    "negative_value": "negative value kept as published",
    "level_inferred": "file not named like the scraper's: level read from each row's namapemda",
}
ISSUE_COLUMNS = ["rule", "level", "file", "row", "region_name", "year", "label", "budget", "spent", "message"]


def issues(accounts: pd.DataFrame) -> pd.DataFrame:
    """Rows that need a reader's attention: repeated keys, repeated labels (with the value they repeat),
    blank labels (all three blank: ``blank_label``; level 3 only: ``blank_level3``), blank and negative
    values, and one row per file whose level was inferred from the names. Columns: rule, level, file,
    row, region_name, year, label, budget (Anggaran), spent (Realisasi), message."""
    acc = _with_level(accounts)
    flag = _cat(acc["flag"])
    codes = np.asarray(flag.codes)
    parts = []
    for j, f in enumerate(map(str, flag.categories)):  # one pass per distinct flag, not per row
        pos = np.flatnonzero(codes == j)
        if not f or not len(pos):
            continue
        sub = acc.iloc[pos]
        base = pd.DataFrame(
            {
                "level": sub["level"].astype(str).to_numpy(),
                "file": sub["source_file"].astype(str).to_numpy(),
                "row": sub["source_row"].to_numpy().astype(int),
                "region_name": sub["region_name"].astype(str).to_numpy(),
                "year": sub["year"].to_numpy().astype(int),
                "label": sub["level3"].astype(str).to_numpy(),
                "budget": sub["budget"].to_numpy(),
                "spent": sub["spent"].to_numpy(),
                "_pos": pos,
            }
        )
        for k, rule in enumerate(f.split(";")):
            parts.append(base.assign(rule=rule, message=MESSAGES[rule], _k=k))
    for f in pd.unique(acc["source_file"].astype(str)):
        if not level_of_file(f):
            levels = ",".join(
                sorted(acc.loc[(acc["source_file"] == f).to_numpy(), "level"].astype(str).unique())
            )
            parts.append(
                pd.DataFrame(
                    [["level_inferred", levels, f, 0, "", 0, "", np.nan, np.nan, MESSAGES["level_inferred"]]],
                    columns=ISSUE_COLUMNS,
                ).assign(_pos=len(acc), _k=0)
            )
    if not parts:
        return pd.DataFrame(columns=ISSUE_COLUMNS)
    out = pd.concat(parts, ignore_index=True).sort_values(["_pos", "_k"], kind="stable")
    return out[ISSUE_COLUMNS].reset_index(drop=True)
