"""Tables in the layout of published LKjIP reports, for reviewers who compare with their own documents.

Indicators: OPD | Sasaran | Indikator | Satuan | Arah | Target | Target (upper bound) | Realisasi of the two
years before | Realisasi | Capaian (%) | Kategori. Target and realisasi are numbers (the page shows them in its
own number format, with as many decimals as the office typed), a range target keeps both bounds, and Arah
marks lower-is-better indicators. On the page OPD and sasaran head their group of rows instead of being
repeated on every row.
Budgets: OPD | Pagu murni | Pagu perubahan | Realisasi | Serapan (%).
"""

from __future__ import annotations

import pandas as pd

from .. import labels as L
from ..analysis import anggaran as ag
from . import page as report


def indicator_table(kinerja: pd.DataFrame, year: int, lang: str = "en", *, history: int = 2) -> pd.DataFrame:
    """One year's indicators in LKjIP column order, headers and categories in the report language, with the
    realisasi of the ``history`` years before beside the year's own.

    >>> k = pd.DataFrame({"year": [2020, 2021], "opd": ["Dinas A"] * 2, "sasaran": ["S"] * 2, "indicator": ["I"] * 2,
    ...                   "unit": ["%"] * 2, "polarity": ["negative"] * 2, "target": [80.0, 80.0],
    ...                   "target_upper": [None, 90.0], "actual": [60.0, 70.0], "achievement": [None, 87.5],
    ...                   "band": [None, "baik"], "indicator_id": ["X-1"] * 2, "region_code": ["r"] * 2})
    >>> t = indicator_table(k, 2021, "id", history=1)
    >>> t.columns.tolist()
    ['OPD', 'Sasaran', 'Indikator', 'Satuan', 'Arah', 'Target', 'Target (batas atas)', 'Realisasi 2020', 'Realisasi 2021', 'Capaian (%)', 'Kategori']
    >>> [x.item() if hasattr(x, "item") else x for x in t.iloc[0, 4:]]
    ['↓ makin rendah makin baik', 80.0, 90.0, 60.0, 70.0, 87.5, 'Baik']
    """
    key = [c for c in ("region_code", "opd", "indicator_id") if c in kinerja.columns]
    d = kinerja[kinerja["year"] == year].sort_values(
        ["opd", "sasaran", "indicator_id"] if "sasaran" in kinerja else key
    )
    blank = pd.Series("", index=d.index)
    polarity = d.get("polarity", blank).astype(str)
    out = {
        L.t("opd", lang): d["opd"].to_numpy(),
        L.t("col_sasaran", lang): d.get("sasaran", blank).fillna("").to_numpy(),
        L.t("col_indicator", lang): d["indicator"].to_numpy(),
        L.t("col_unit", lang): d.get("unit", blank).fillna("").to_numpy(),
        L.t("col_direction", lang): polarity.map(
            lambda x: L.t("polarity_down", lang) if x == "negative" else L.t("polarity_up", lang)
        ).to_numpy(),
        L.t("col_target", lang): pd.to_numeric(d["target"], errors="coerce").to_numpy(),
        L.t("col_target_upper", lang): pd.to_numeric(
            d.get("target_upper", pd.Series(float("nan"), index=d.index)), errors="coerce"
        ).to_numpy(),
    }
    for back in range(history, 0, -1):
        earlier = kinerja[kinerja["year"] == year - back].drop_duplicates(key).set_index(key)["actual"]
        idx = pd.MultiIndex.from_frame(d[key]) if len(key) > 1 else pd.Index(d[key[0]])
        out[L.t("col_actual_year", lang, year=year - back)] = pd.to_numeric(
            earlier.reindex(idx), errors="coerce"
        ).to_numpy()
    out[L.t("col_actual_year", lang, year=year)] = pd.to_numeric(d["actual"], errors="coerce").to_numpy()
    out[L.t("achievement", lang)] = d["achievement"].to_numpy()
    band = d["band"].astype(object).where(d["band"].notna(), "")
    out[L.t("band", lang)] = band.map(lambda b: L.band_label(b, lang) if b else "").to_numpy()
    return pd.DataFrame(out)


def budget_table(anggaran: pd.DataFrame, year: int, lang: str = "en") -> pd.DataFrame:
    """One year's budget per OPD: Pagu murni (Rp) | Pagu perubahan (Rp) | Realisasi (Rp) | Serapan (%).

    >>> a = pd.DataFrame({"year": [2021, 2021], "region_code": ["x", "x"], "opd": ["A", "A"],
    ...                   "budget_original": [10.0, 10.0], "budget_revised": [8.0, 12.0], "spent": [6.0, 12.0]})
    >>> t = budget_table(a, 2021, "id")
    >>> t.columns.tolist(), t.iloc[0, 1:].astype(float).tolist()
    (['OPD', 'Pagu murni', 'Pagu perubahan', 'Realisasi', 'Serapan (%)'], [20.0, 20.0, 18.0, 90.0])
    """
    d = ag.summarise(anggaran[(anggaran["year"] == year) & anggaran["opd"].fillna("").ne("")], ["opd"])
    return pd.DataFrame(
        {
            L.t("opd", lang): d["opd"].to_numpy(),
            L.t("col_pagu_murni", lang): d["budget_original"].to_numpy(),
            L.t("col_pagu_revised", lang): d["budget_revised"].to_numpy(),
            L.t("spent", lang): d["spent"].to_numpy(),
            L.t("absorption", lang): (d["absorption"] * 100).to_numpy(),
        }
    )


def range_text(low, high, lang: str) -> str:
    """A target as the page shows it: one number, or both bounds of a range.

    >>> range_text(2.44, 3.94, "id"), range_text(80.0, float("nan"), "en"), range_text(float("nan"), None, "en")
    ('2,44–3,94', '80', '')
    """
    if low is None or pd.isna(low):
        return ""
    text = L.fmt_num(low, lang, report.decimals_of(low))
    if high is not None and not pd.isna(high) and high != low:
        text += "–" + L.fmt_num(high, lang, report.decimals_of(high))
    return text


def show_indicators(table: pd.DataFrame, p, *, year: int | None = None, lang: str | None = None) -> None:
    """Section: one year's indicator table (:func:`indicator_table`; by default the last refocusing year),
    grouped under OPD and sasaran, sortable within each group by the numbers (targets, realisasi,
    capaian, category rank) and searchable. The published table (open data, XLSX) keeps every column."""
    lang = lang or p.settings.lang
    year = year or p.settings.periods.refocusing[1]
    report.heading(L.t("sec_lkjip_indicators", lang, year=year))
    report.publish(
        "lkjip_indicators",
        table,
        title=L.t("sec_lkjip_indicators", lang, year=year),
        main=True,
        sheet=L.t("sheet_indicators", lang, year=year),
    )
    target, upper = L.t("col_target", lang), L.t("col_target_upper", lang)
    band = L.t("band", lang)
    codes = {L.band_label(code, lang): code for _, code in p.settings.bands}
    rank = {code: i for i, (_, code) in enumerate(reversed(p.settings.bands))}
    show = table.drop(columns=[upper])
    show[target] = [range_text(lo, hi, lang) for lo, hi in zip(table[target], table[upper])]
    show[band] = table[band].map(lambda x: codes.get(x, x))
    direction = L.t("col_direction", lang)
    show[direction] = table[direction].str.split().str[0]  # the arrow; the caption says what it means
    actual_cols = [c for c in table.columns if c.startswith(L.t("col_actual_year", lang, year="").strip())]
    report.table(
        show,
        lang=lang,
        sortable=True,
        formats={L.t("achievement", lang): "pct"} | {c: "num" for c in actual_cols},
        band_col=band,
        max_rows=2000,
        sort_keys={target: table[target], band: show[band].map(rank)},
        group_by=[L.t("opd", lang), L.t("col_sasaran", lang)],
        caption=L.t("lkjip_indicator_caption", lang, year=year),
    )


def show_budget(table: pd.DataFrame, p, *, year: int | None = None, lang: str | None = None) -> None:
    """Section: one year's OPD budget table (:func:`budget_table`; by default the first refocusing year).
    Serapan above 100 % is flagged."""
    lang = lang or p.settings.lang
    year = year or p.settings.periods.refocusing[0]
    report.heading(L.t("sec_lkjip_budget", lang, year=year))
    report.publish(
        "lkjip_budget",
        table,
        title=L.t("sec_lkjip_budget", lang, year=year),
        main=True,
        sheet=L.t("sheet_budget", lang, year=year),
    )
    c = list(table.columns)
    show = table.copy()
    over = table[c[4]] > 100
    show[c[4]] = [L.fmt_num(v, lang, 1) + (" ⚑" if o else "") for v, o in zip(table[c[4]], over)]
    report.table(
        show,
        lang=lang,
        sortable=True,
        formats={c[1]: "rp", c[2]: "rp", c[3]: "rp"},
        sort_keys={c[4]: table[c[4]]},
        caption=L.t("lkjip_budget_caption", lang),
    )
