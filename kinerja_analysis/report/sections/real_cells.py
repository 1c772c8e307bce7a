"""Cells and rows of the real-data tables (province page, notebook 05; pemda pages, notebook 06): Rupiah in
short form, PEFA band and value, serapan flagged above 100 %, a measure at its own precision, spending
types in the APBD's order with a total row, and the generated sentence that says in Rupiah what was cut.
Nothing here computes a measure: these functions format and look up what the analysis computed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import labels as L
from ..charts.province import APBD_ORDER

NBSP = "\u00a0"
#: decimals of a BPS measure in tables (Gini moves in the third decimal); others: :data:`DEFAULT_DECIMALS`
MEASURE_DECIMALS = {"gini": 3}
DEFAULT_DECIMALS = 2
#: the marker of a serapan above 100 % (explained by the ``rc_over_100`` note)
OVER_MARK = "†"


def rp(x, lang: str) -> str:
    """Rupiah in short form in the page's language: "Rp 50.5 tn" / "Rp 50,5 T", "Rp 812.3 bn" / "Rp 812,3 M".

    >>> rp(50.46e12, "id"), rp(812.26e9, "en"), rp(-3.2e9, "id"), rp(float("nan"), "en")
    ('Rp 50,5 T', 'Rp 812.3 bn', '-Rp 3,2 M', '–')
    """
    if x is None or pd.isna(x):
        return "–"
    if float(x) == 0:
        return "Rp 0"
    sign, x = ("-" if x < 0 else ""), abs(float(x))
    if x >= 1e12:
        return f"{sign}Rp {L.fmt_num(x / 1e12, lang, 1)} {L.t('pd_unit_t', lang)}"
    if x >= 1e9:
        return f"{sign}Rp {L.fmt_num(x / 1e9, lang, 1)} {L.t('pd_unit_m', lang)}"
    return f"{sign}Rp {L.fmt_num(x / 1e6, lang, 1)} {L.t('pd_unit_jt', lang)}"


def rp_cell(x, lang: str) -> str:
    """:func:`rp` with non-breaking spaces and a minus sign joined to the amount, so that a narrow table
    column never splits an amount.

    >>> rp_cell(611.6e9, "id") == "Rp\u00a0611,6\u00a0M", rp_cell(-3.2e9, "en") == "\u2212\u2060Rp\u00a03.2\u00a0bn"
    (True, True)
    """
    return rp(x, lang).replace(" ", NBSP).replace("-", "\u2212\u2060", 1)


def pefa_cell(pct, band, lang: str, *, unit: bool = True) -> str:
    """A PEFA cell: band and value to one decimal, unbreakable, so 95.38 and 94.55 never both read "95";
    ``unit=False`` leaves out the "%" where the caption gives the unit.

    >>> pefa_cell(95.38, "A", "en"), pefa_cell(94.56, "B", "id"), pefa_cell(float("nan"), None, "en")
    ('A\\xa0·\\xa095.4\\xa0%', 'B\\xa0·\\xa094,6\\xa0%', '–')
    """
    value = "" if pct is None or pd.isna(pct) else L.fmt_num(pct, lang, 1) + (NBSP + "%" if unit else "")
    mark = band if isinstance(band, str) and band else ""
    return (NBSP + "·" + NBSP).join(p for p in (mark, value) if p) or "–"


def measure_decimals(measure: str) -> int:
    """Decimals a BPS measure is shown with.

    >>> measure_decimals("gini"), measure_decimals("poverty_rate")
    (3, 2)
    """
    return MEASURE_DECIMALS.get(str(measure), DEFAULT_DECIMALS)


def measure_cells(values, measures, lang: str, *, extra: int = 0) -> list[str]:
    """Each value at its measure's precision (:func:`measure_decimals`) plus ``extra`` decimals (a slope per
    pp of cut is a small number), '–' when missing.

    >>> measure_cells([0.381, 0.3849, 9.5], ["gini", "gini", "poverty_rate"], "id")
    ['0,381', '0,385', '9,50']
    >>> measure_cells([-0.0042], ["poverty_rate"], "en", extra=1)
    ['-0.004']
    """
    return [L.fmt_num(v, lang, measure_decimals(m) + extra) for v, m in zip(values, measures)]


def serapan_cells(values, lang: str, *, ratio: bool = True) -> list[str]:
    """Serapan (a 0-1 ratio, or % with ``ratio=False``) to one decimal, marked with :data:`OVER_MARK` above 100 %:
    more realised than the budget figure is a finding (or a data problem) to look at, never to read past.

    >>> serapan_cells([0.932, 1.368, float("nan")], "en")
    ['93.2', '136.8\\xa0†', '–']
    """
    out = []
    for v in values:
        pct = np.nan if v is None or pd.isna(v) else float(v) * (100 if ratio else 1)
        out.append(L.fmt_num(pct, lang, 1) + (NBSP + OVER_MARK if pct > 100 + 1e-9 else ""))
    return out


def any_over(values, *, ratio: bool = True) -> bool:
    """Whether any serapan is above 100 % (then the table's note explains :data:`OVER_MARK`)."""
    v = pd.to_numeric(pd.Series(list(values), dtype=float), errors="coerce") * (100 if ratio else 1)
    return bool((v > 100 + 1e-9).any())


def type_rank(types) -> list[int]:
    """Position of each spending type in :data:`APBD_ORDER` (unknown types after the known ones).

    >>> type_rank(["btt", "pegawai", "zzz"])
    [9, 0, 11]
    """
    order = {t: i for i, t in enumerate(APBD_ORDER)}
    return [order.get(str(t), len(APBD_ORDER)) for t in types]


def in_apbd_order(df: pd.DataFrame, column: str = "spending_type") -> pd.DataFrame:
    """Rows sorted by spending type as the APBD lists them (stable within a type)."""
    key = pd.Series(type_rank(df[column]), index=df.index)
    return df.loc[key.sort_values(kind="stable").index]


def cut_flag(cut_pp, lang: str) -> str:
    """The note beside a cut share or a change in Rupiah: "increased, not cut" when it rose instead of falling.

    >>> cut_flag(-2.5, "en"), cut_flag(3.0, "en")
    ('increased, not cut', '')
    """
    return L.t("rc_increased", lang) if pd.notna(cut_pp) and cut_pp < 0 else ""


def rupiah_cuts(
    comp: pd.DataFrame, base: int, year: int, lang: str, *, value: str = "spent", n: int = 3
) -> str:
    """The sentence that says in Rupiah what was cut between ``base`` and ``year``: the ``n`` spending types
    whose ``value`` fell most, each "from Rp X to Rp Y", and the total. ``comp``: year, spending_type,
    ``value`` (:func:`kinerja_analysis.analysis.province.shares`). Empty when either year is missing.
    """
    piv = comp.pivot_table(index="spending_type", columns="year", values=value, aggfunc="sum")
    if base not in piv.columns or year not in piv.columns:
        return ""
    piv = piv[[base, year]].fillna(0.0)
    change = (piv[year] - piv[base]).sort_values()
    falls = change[change < 0].head(n)
    items = [
        L.t(
            "rc_fell_item",
            lang,
            type=L.spending_label(t, lang),
            a=rp(piv.at[t, base], lang),
            b=rp(piv.at[t, year], lang),
            pct=L.fmt_num(-100 * change[t] / piv.at[t, base], lang, 0) if piv.at[t, base] else "–",
        )
        for t in falls.index
    ]
    rises = change[change > 0].sort_values(ascending=False).head(1)
    total = L.t("rc_total", lang, a=rp(piv[base].sum(), lang), b=rp(piv[year].sum(), lang))
    text = L.t(
        "rc_cut_sentence",
        lang,
        base=base,
        year=year,
        items="; ".join(items) or L.t("pv_none", lang),
        total=total,
    )
    for t in rises.index:
        text += " " + L.t(
            "rc_rose",
            lang,
            type=L.spending_label(t, lang),
            a=rp(piv.at[t, base], lang),
            b=rp(piv.at[t, year], lang),
        )
    return text


def type_table(comp: pd.DataFrame, years, lang: str, *, value: str = "spent") -> pd.DataFrame:
    """Spending types in APBD order with a total row: one Rupiah column per year of ``years`` and the
    change from the first to the second year (Rupiah and %), the years of :func:`rupiah_cuts`'s sentence.
    ``comp``: year, spending_type, ``value``."""
    years = [int(y) for y in years]
    piv = comp.pivot_table(index="spending_type", columns="year", values=value, aggfunc="sum")
    piv = piv.reindex(columns=years).fillna(0.0)
    piv = piv.iloc[np.argsort(type_rank(piv.index), kind="stable")]
    piv.loc["__total__"] = piv.sum()
    y0, y1 = years[0], years[min(1, len(years) - 1)]
    change = piv[y1] - piv[y0]
    pct = (change / piv[y0].where(piv[y0] != 0)) * 100
    show = pd.DataFrame(
        {
            L.t("pd_type", lang): [
                L.t("rc_total_row", lang) if t == "__total__" else L.spending_label(t, lang)
                for t in piv.index
            ],
            **{str(y): [rp_cell(v, lang) for v in piv[y]] for y in years},
            L.t("pd_change_rp", lang) + f" {y0}→{y1}": [rp_cell(v, lang) for v in change],
            L.t("rc_change_pct", lang) + f" {y0}→{y1}": [L.fmt_pp(v, lang, 1) for v in pct],
        }
    )
    return show.reset_index(drop=True)


def shift_rows(shift: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`kinerja_analysis.analysis.pemda.refocusing_shift` in APBD order with a total row
    (``spending_type`` "__total__": the sums, shares 100 % when the types have shares).

    >>> s = pd.DataFrame({"spending_type": ["modal", "pegawai"], "base_rp": [75.0, 25.0], "during_rp": [55.0, 45.0],
    ...                   "change_rp": [-20.0, 20.0], "share_base_pct": [75.0, 25.0], "share_during_pct": [55.0, 45.0],
    ...                   "change_pp": [-20.0, 20.0]})
    >>> shift_rows(s)["spending_type"].tolist(), float(shift_rows(s).iloc[-1]["base_rp"])
    (['pegawai', 'modal', '__total__'], 100.0)
    """
    rows = in_apbd_order(shift).reset_index(drop=True)
    total = {
        c: rows[c].sum() for c in ("base_rp", "during_rp", "change_rp", "share_base_pct", "share_during_pct")
    }
    total["change_pp"] = total["share_during_pct"] - total["share_base_pct"]
    return pd.concat([rows, pd.DataFrame([{"spending_type": "__total__", **total}])], ignore_index=True)
