"""Notebook 02 (achievement before, during and after), also used by the region report (04): each function
shows one section of results computed by :mod:`kinerja_analysis.analysis.compare` and records its key
numbers. ``lang`` defaults to the report language, ``p.settings.lang``.
"""

from __future__ import annotations

import pandas as pd

from ... import labels as L
from ...analysis import compare
from ...analysis.prepare import Prepared
from .. import narrative
from .. import page as report
from ..charts import base as plots
from ..start import source_label


def summary_facts(p: Prepared) -> dict:
    """The numbers the achievement page's summary quotes: mean capaian and share of targets met per period
    (:func:`~kinerja_analysis.analysis.compare.period_means`), and how many OPDs' capaian fell or rose by at
    least :data:`~kinerja_analysis.report.narrative.HOLD_PP` from before to during refocusing
    (:func:`~kinerja_analysis.analysis.compare.opd_period_change`)."""
    means = compare.period_means(p.kinerja).set_index("period")
    change = compare.opd_period_change(p.kinerja)["change_refocusing"].dropna()

    def per(col):
        return {
            k: float(means.at[k, col]) if k in means.index else float("nan") for k in compare.PERIOD_ORDER
        }

    return {
        "capaian": per("mean"),
        "met": per("met_share"),
        "n_opds": int(len(change)),
        "n_fell": int((change <= -narrative.HOLD_PP).sum()),
        "n_rose": int((change >= narrative.HOLD_PP).sum()),
    }


def summary(p: Prepared, *, lang: str | None = None) -> None:
    """The page's opening findings: mean capaian per period in boxes, then generated sentences with their
    numbers and the graded verdict (:func:`summary_facts`,
    :func:`~kinerja_analysis.report.narrative.achievement_reading`)."""
    lang = lang or p.settings.lang
    f = summary_facts(p)
    report.heading(L.t("sec_summary", lang))
    c = f["capaian"]
    boxes = [
        (
            L.fmt_pct(c[k], lang),
            (L.t("mean_achievement", lang).replace(" (%)", "") + " · " if k == "pre" else "")
            + L.period_label(k, lang),
        )
        for k in compare.PERIOD_ORDER
    ]
    report.keyfigures(boxes)
    report.bullets([narrative.unbroken(x) for x in narrative.achievement_reading(f, lang)])
    if not any(c[k] != c[k] for k in compare.PERIOD_ORDER):
        code, regained = narrative.recovery(c["refocusing"] - c["pre"], c["post"] - c["pre"])
        report.record("capaian_verdict", code.removeprefix("s_"), share_of_fall_regained=regained)


@report.batch()
def capaian_periods(
    means: pd.DataFrame, yearly: pd.DataFrame, p: Prepared, *, lang: str | None = None
) -> None:
    """Mean capaian and share of targets met per period (:func:`~kinerja_analysis.analysis.compare.period_means`),
    with a yearly line (:func:`~kinerja_analysis.analysis.compare.yearly_means`; one line per region when
    ``yearly`` is by ``region_code`` and holds several)."""
    lang = lang or p.settings.lang
    report.heading(L.t("sec_period_means", lang) if not p.region else L.t("sec_capaian_periods", lang))
    report.publish("capaian_by_period", means, title=L.t("sec_period_means", lang))
    by_region = "region_code" in yearly.columns and yearly["region_code"].nunique() > 1
    if by_region:
        yearly = yearly.assign(region=yearly["region_code"].map(p.dataset.region_name))
    report.figure(
        plots.capaian_by_year(
            yearly,
            lang=lang,
            source=source_label(p, lang),
            group_col="region" if by_region else None,
            refocusing=p.settings.periods.refocusing,
        ),
        reading=L.t("read_capaian_years", lang),
    )
    for row in means.itertuples():
        report.record(f"mean_capaian_{row.period}", float(row.mean))
        report.record(f"met_share_{row.period}", float(row.met_share))
    show = pd.DataFrame(
        {
            L.t("period", lang): means["period"].map(lambda x: L.period_label(x, lang)),
            L.t("mean_achievement", lang): means["mean"],
            L.t("met_share", lang): means["met_share"],
            L.t("n_indicators", lang): means["n"],
        }
    )
    c = list(show.columns)
    report.table(show, lang=lang, formats={c[1]: "pct", c[2]: "ratio_pct", c[3]: "int"})


def bands(shares: pd.DataFrame, p: Prepared, *, lang: str | None = None) -> None:
    """Share of indicators in each band per period (:func:`~kinerja_analysis.analysis.compare.band_shares`),
    bands in the order of the settings' band scheme."""
    lang = lang or p.settings.lang
    report.heading(L.t("sec_bands", lang))
    report.publish("bands_by_period", shares, title=L.t("fig_bands", lang))
    order = [k for _, k in p.settings.bands]
    report.figure(
        plots.bands_by_period(shares, order, lang=lang, source=source_label(p, lang)),
        reading=bands_reading(shares, order, lang),
    )


def band_period_shares(shares: pd.DataFrame, order: list[str]) -> dict[str, dict[str, float]]:
    """The numbers the band chart's reading quotes: per period, the share (0-1) in the best band (``top``)
    and in the two lowest bands together (``low``). ``order`` runs from the best band to the worst.

    >>> s = pd.DataFrame({"period": ["pre"] * 3, "band": ["a", "b", "c"], "share": [0.5, 0.3, 0.2]})
    >>> band_period_shares(s, ["a", "b", "c"])
    {'pre': {'top': 0.5, 'low': 0.5}}
    """
    piv = shares.pivot_table(index="period", columns="band", values="share", aggfunc="sum", observed=False)
    piv = piv.reindex(columns=order).fillna(0.0)
    return {
        str(per): {"top": float(row[order[0]]), "low": float(row[order[-2:]].sum())}
        for per, row in piv.iterrows()
    }


def bands_reading(shares: pd.DataFrame, order: list[str], lang: str) -> str:
    """The band chart's reading, generated from the shares it draws (never a fixed claim about the chart)."""
    got = band_period_shares(shares, order)
    if len(order) < 3 or not all(p in got for p in ("pre", "refocusing", "post")):
        return ""

    def pct(per: str, which: str) -> str:
        return L.fmt_pct(got[per][which], lang, ratio=True)

    return L.t(
        "read_bands",
        lang,
        top=L.band_label(order[0], lang),
        low=", ".join(L.band_label(b, lang) for b in order[-2:]),
        **{
            f"{w}_{k}": pct(per, w)
            for w in ("top", "low")
            for k, per in (("pre", "pre"), ("ref", "refocusing"), ("post", "post"))
        },
    )


def opd_capaian(change: pd.DataFrame, p: Prepared, *, lang: str | None = None) -> None:
    """Mean capaian per OPD and period (:func:`~kinerja_analysis.analysis.compare.opd_period_change`), as a
    long, sortable table."""
    lang = lang or p.settings.lang
    report.heading(L.t("sec_opd_capaian", lang))
    ch = change
    show = pd.DataFrame(
        {
            L.t("region", lang): ch["region_code"],
            L.t("opd", lang): ch["opd"],
            L.t("dose", lang): ch["dose"] * 100,
            L.period_label("pre", lang): ch["pre"],
            L.period_label("refocusing", lang): ch["refocusing"],
            L.period_label("post", lang): ch["post"],
            "Δ " + L.period_label("refocusing", lang) + " (" + L.t("pp", lang) + ")": ch["change_refocusing"],
        }
    )
    c = list(show.columns)
    report.table(show, lang=lang, sortable=True, formats={col: "pct" for col in c[2:6]} | {c[6]: "pp"})
