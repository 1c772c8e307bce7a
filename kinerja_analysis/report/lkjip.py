"""Tables in the layout of published LKjIP reports, for reviewers who compare with their own documents.

Indicators: OPD | Sasaran | Indikator | Satuan | Target | Realisasi | Capaian (%) | Kategori.
Budgets:    OPD | Pagu | Realisasi | Serapan (%).
Target and realisasi are shown as the office typed them (raw text), so "80–90" stays a range.
"""

from __future__ import annotations

import pandas as pd

from .. import labels as L
from ..analysis import anggaran as ag
from . import page as report


def indicator_table(kinerja: pd.DataFrame, year: int, lang: str = "en") -> pd.DataFrame:
    """One year's indicators in LKjIP column order, headers in the report language.

    >>> k = pd.DataFrame({"year": [2021], "opd": ["Dinas A"], "sasaran": ["S"], "indicator": ["I"], "unit": ["%"],
    ...                   "target_raw": ["80-90"], "actual_raw": ["70"], "achievement": [87.5], "band": ["baik"],
    ...                   "indicator_id": ["X-1"]})
    >>> indicator_table(k, 2021, "id").columns.tolist()
    ['OPD', 'Sasaran', 'Indikator', 'Satuan', 'Target', 'Realisasi', 'Capaian (%)', 'Kategori']
    """
    d = kinerja[kinerja["year"] == year].sort_values(["opd", "indicator_id"])
    band = d["band"].astype(object).where(d["band"].notna(), "")
    return pd.DataFrame(
        {
            L.t("opd", lang): d["opd"].to_numpy(),
            L.t("col_sasaran", lang): d.get("sasaran", pd.Series("", index=d.index)).fillna("").to_numpy(),
            L.t("col_indicator", lang): d["indicator"].to_numpy(),
            L.t("col_unit", lang): d.get("unit", pd.Series("", index=d.index)).fillna("").to_numpy(),
            L.t("col_target", lang): d["target_raw"].fillna("").astype(str).to_numpy(),
            L.t("col_actual", lang): d["actual_raw"].fillna("").astype(str).to_numpy(),
            L.t("achievement", lang): d["achievement"].to_numpy(),
            L.t("band", lang): band.astype(str).to_numpy(),
        }
    )


def budget_table(anggaran: pd.DataFrame, year: int, lang: str = "en") -> pd.DataFrame:
    """One year's budget per OPD: Pagu (revised, Rp) | Realisasi (Rp) | Serapan (%).

    >>> a = pd.DataFrame({"year": [2021, 2021], "region_code": ["x", "x"], "opd": ["A", "A"],
    ...                   "budget_original": [10.0, 10.0], "budget_revised": [8.0, 12.0], "spent": [6.0, 12.0]})
    >>> t = budget_table(a, 2021, "id")
    >>> t.columns.tolist(), t.iloc[0, 1:].astype(float).tolist()
    (['OPD', 'Pagu', 'Realisasi', 'Serapan (%)'], [20.0, 18.0, 90.0])
    """
    d = ag.summarise(anggaran[(anggaran["year"] == year) & anggaran["opd"].fillna("").ne("")], ["opd"])
    return pd.DataFrame(
        {
            L.t("opd", lang): d["opd"].to_numpy(),
            L.t("col_pagu", lang): d["budget_revised"].to_numpy(),
            L.t("spent", lang): d["spent"].to_numpy(),
            L.t("absorption", lang): (d["absorption"] * 100).to_numpy(),
        }
    )


def show_indicators(table: pd.DataFrame, p, *, year: int | None = None, lang: str | None = None) -> None:
    """Section: one year's indicator table (:func:`indicator_table`; by default the last refocusing year),
    sortable and searchable."""
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
    report.table(
        table,
        lang=lang,
        sortable=True,
        formats={L.t("achievement", lang): "pct"},
        band_col=L.t("band", lang),
        max_rows=2000,
    )


def show_budget(table: pd.DataFrame, p, *, year: int | None = None, lang: str | None = None) -> None:
    """Section: one year's OPD budget table (:func:`budget_table`; by default the first refocusing year)."""
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
    report.table(
        table,
        lang=lang,
        sortable=True,
        formats={c[1]: "rp", c[2]: "rp", c[3]: "pct"},
        caption=L.t("rp_billion", lang),
    )
