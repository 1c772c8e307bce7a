"""Notebook 01 (budget refocusing), also used by the region report (04): each function shows one section of
results computed by :mod:`kinerja_analysis.analysis.anggaran` and :mod:`~kinerja_analysis.analysis.compare`,
and records its key numbers. ``lang`` defaults to the report language, ``p.settings.lang``.
"""

from __future__ import annotations

import pandas as pd

from ... import labels as L
from ...analysis import anggaran as ag
from ...analysis import compare
from ...analysis.prepare import Prepared
from .. import narrative
from .. import page as report
from ..charts import base as plots
from ..start import source_label


def summary_facts(p: Prepared, *, lang: str | None = None) -> dict:
    """The numbers the budget page's summary quotes: the refocusing cut and BTT as on the region page
    (:func:`~kinerja_analysis.analysis.compare.region_facts`), serapan over the refocusing years, and every
    spending type's pooled cut share and cut in Rupiah (:func:`~kinerja_analysis.analysis.anggaran.cuts_by_type`),
    most cut first."""
    lang = lang or p.settings.lang
    periods = p.settings.periods
    f = compare.region_facts(p.kinerja, p.anggaran, p.dose, periods=periods)
    total = ag.period_total(p.anggaran, "refocusing")
    _, pooled = ag.cuts_by_type(p.anggaran, periods.years("refocusing"))
    pooled = pooled.dropna(subset=["cut_share"]).sort_values("cut_share", ascending=False, kind="stable")
    return {
        "scope": (p.region_name or p.region) if p.region else L.t("all_regions", lang),
        "years": f["cut_years"],
        "cut_share": f["cut_share"],
        "cut_amount": f["cut_amount"],
        "absorption": float(total["absorption"].iloc[0]) if len(total) else float("nan"),
        "types": [
            (str(r.spending_type), float(r.cut_share), float(r.budget_original - r.budget_revised))
            for r in pooled.itertuples()
        ],
        **{k: f[k] for k in ("btt_year", "btt_original", "btt_revised", "btt_spent")},
    }


def summary(p: Prepared, *, lang: str | None = None) -> None:
    """The page's opening findings: key figures, then generated sentences with their numbers
    (:func:`summary_facts`, :func:`~kinerja_analysis.report.narrative.budget_reading`)."""
    lang = lang or p.settings.lang
    f = summary_facts(p, lang=lang)
    years = narrative.years_label(f["years"])
    report.heading(L.t("sec_summary", lang))
    boxes = [
        (
            L.fmt_pct(f["cut_share"], lang, ratio=True),
            L.t("cut_share", lang).replace(" (%)", "") + " " + years,
        ),
        (
            L.t("w_rp_billion", lang, x=L.rp_billion(f["cut_amount"], lang)),
            L.t("box_cut_rp", lang, years=years),
        ),
        (L.fmt_pct(f["absorption"], lang, ratio=True), L.t("box_absorption", lang, years=years)),
    ]
    if f["btt_spent"] == f["btt_spent"]:
        boxes.append(
            (
                L.t("w_rp_billion", lang, x=L.rp_billion(f["btt_spent"], lang)),
                L.t("box_btt", lang, year=f["btt_year"]),
            )
        )
    report.keyfigures(boxes)
    report.bullets([narrative.unbroken(x) for x in narrative.budget_reading(f, lang)])
    report.record(
        "btt_spent_first_refocusing_rp", f["btt_spent"], budgeted=f["btt_revised"], year=f["btt_year"]
    )


def _money_headers(lang: str) -> dict:
    rp = " (" + L.t("rp_billion", lang) + ")"
    return {
        "budget_original": L.t("budget_original", lang) + rp,
        "budget_revised": L.t("budget_revised", lang) + rp,
        "spent": L.t("spent", lang) + rp,
        "cut_share": L.t("cut_share", lang),
        "absorption": L.t("absorption", lang),
    }


@report.batch()
def budget_years(yearly: pd.DataFrame, total: pd.DataFrame, p: Prepared, *, lang: str | None = None) -> None:
    """Murni, perubahan and realisasi per year (:func:`~kinerja_analysis.analysis.anggaran.summarise` by year),
    and the total cut over the refocusing years (:func:`~kinerja_analysis.analysis.anggaran.period_total`)."""
    lang = lang or p.settings.lang
    report.heading(L.t("sec_budget_years", lang))
    report.publish("budget_by_year", yearly, title=L.t("fig_budget_years", lang))
    report.figure(
        plots.budget_by_year(
            yearly, lang=lang, source=source_label(p, lang), refocusing=p.settings.periods.refocusing
        ),
        reading=L.t("read_budget_years", lang),
    )
    show = yearly.rename(columns={"year": L.t("year", lang), **_money_headers(lang)})
    cols = list(show.columns)
    report.table(
        show,
        lang=lang,
        formats={cols[1]: "rp", cols[2]: "rp", cols[3]: "rp", cols[4]: "ratio_pct", cols[5]: "ratio_pct"},
    )
    report.record("total_cut_share_pct", float(total["cut_share"].iloc[0] * 100) if len(total) else None)
    report.record(
        "total_cut_rp",
        float((total["budget_original"] - total["budget_revised"]).iloc[0]) if len(total) else None,
    )


@report.batch()
def cuts_by_type(
    per_year: pd.DataFrame, pooled: pd.DataFrame, p: Prepared, *, lang: str | None = None
) -> None:
    """Cut share by spending type in the refocusing years
    (:func:`~kinerja_analysis.analysis.anggaran.cuts_by_type`): a figure per year, a table pooled."""
    lang = lang or p.settings.lang
    report.heading(L.t("sec_budget_types", lang))
    report.publish("budget_by_type", per_year, title=L.t("fig_change_by_type", lang))
    report.figure(
        plots.change_by_type(per_year, lang=lang, source=source_label(p, lang)),
        reading=L.t("read_change_by_type", lang),
    )
    for row in pooled.itertuples():
        report.record(
            f"cut_share_{row.spending_type}_pct",
            None if pd.isna(row.cut_share) else float(row.cut_share * 100),
        )
    show = pooled.assign(spending_type=pooled["spending_type"].map(lambda s: L.spending_label(s, lang)))
    show = show.rename(columns={"spending_type": L.t("spending_type", lang), **_money_headers(lang)})
    c = list(show.columns)
    lo, hi = p.settings.periods.refocusing
    report.table(
        show,
        lang=lang,
        caption=f"{lo}–{hi}",
        formats={c[1]: "rp", c[2]: "rp", c[3]: "rp", c[4]: "ratio_pct", c[5]: "ratio_pct"},
    )


def composition_shift(
    shift: pd.DataFrame,
    p: Prepared,
    *,
    from_year: int | None = None,
    to_year: int | None = None,
    lang: str | None = None,
) -> None:
    """Where the money went: the change of each spending type's share between two years
    (:func:`~kinerja_analysis.analysis.anggaran.composition_shift`); by default from the last pre year to the
    first refocusing year."""
    lang = lang or p.settings.lang
    y0 = from_year or p.settings.periods.pre[1]
    y1 = to_year or p.settings.periods.refocusing[0]
    report.heading(L.t("sec_composition", lang))
    report.publish("composition_shift", shift, title=L.t("fig_shift", lang, y0=y0, y1=y1))
    report.figure(
        plots.composition_shift(shift, y0, y1, lang=lang, source=source_label(p, lang)),
        reading=shift_reading(shift, y0, y1, lang),
    )


def shift_reading(shift: pd.DataFrame, y0: int, y1: int, lang: str) -> str:
    """The composition chart's reading, from its data: what the shares are of, how the total moved, and the
    spending types whose share grew although their Rupiah fell."""
    if "change_rp" not in shift.columns or not shift["rp_from"].sum():
        return ""
    change = shift["rp_to"].sum() / shift["rp_from"].sum() - 1
    grew = shift[(shift["shift_pp"] > 0.05) & (shift["change_rp"] < 0)]
    extra = (
        L.t(
            "read_shift_grew_but_cut",
            lang,
            types=", ".join(L.spending_label(s, lang) for s in grew["spending_type"]),
        )
        if len(grew)
        else ""
    )
    key = "read_shift" if change < 0 else "read_shift_rose"
    return L.t(key, lang, total=L.fmt_pct(abs(change), lang, ratio=True), y0=y0, y1=y1, grew_but_cut=extra)


def most_cut_opds(cuts: pd.DataFrame, p: Prepared, *, n: int = 15, lang: str | None = None) -> None:
    """The ``n`` OPDs cut most over the refocusing years, with their capaian change
    (:func:`~kinerja_analysis.analysis.compare.opd_cuts`)."""
    lang = lang or p.settings.lang
    report.heading(L.t("sec_opd_cuts", lang) if not p.region else L.t("sec_most_cut", lang))
    d = cuts.assign(label=cuts["opd"] if p.region else cuts["region_code"] + " · " + cuts["opd"])
    report.publish("opd_cuts", cuts, title=L.t("fig_opd_cuts", lang))
    report.figure(
        plots.opd_cuts(d, n=n, lang=lang, source=source_label(p, lang), label_col="label"),
        reading=L.t("read_opd_cuts", lang),
    )
    top = d.nlargest(n, "dose")
    show = pd.DataFrame(
        {
            L.t("region", lang): top["region_code"],
            L.t("opd", lang): top["opd"],
            L.t("dose", lang): top["dose"] * 100,
            L.t("mean_achievement", lang) + " · " + L.t("period_pre", lang): top["pre"],
            L.t("mean_achievement", lang) + " · " + L.t("period_refocusing", lang): top["refocusing"],
            "Δ (" + L.t("pp", lang) + ")": top["change_refocusing"],
        }
    )
    if p.region:
        show = show.drop(columns=[L.t("region", lang)])
    c = list(show.columns)
    report.table(
        show,
        lang=lang,
        formats={
            col: ("pp" if col.startswith("Δ") else "pct")
            for col in c
            if col not in (L.t("region", lang), L.t("opd", lang))
        },
    )
