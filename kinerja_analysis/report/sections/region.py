"""Notebook 04 (one region's report): the summary boxes and reading, the within-region impact, the peer
comparison, efficiency and the notes. Its budget and capaian sections are those of notebooks 01
(:mod:`.budget`) and 02 (:mod:`.achievement`). ``lang`` defaults to the report language, ``p.settings.lang``.
"""

from __future__ import annotations

import pandas as pd

from ... import labels as L
from ...analysis import efficiency as eff_model
from ...analysis.estimates import ImpactResults
from ...analysis.peers import PeerComparison
from ...analysis.prepare import Prepared
from .. import narrative
from .. import page as report
from ..charts import impact as plots_impact
from ..estimate_text import ci_text, dose_reading, est_ci_text, p_text, record_estimate, term_row
from ..start import source_label


def key_figures(facts: dict, p: Prepared, *, lang: str | None = None) -> None:
    """The summary boxes and the generated plain-language reading, from
    :func:`~kinerja_analysis.analysis.compare.region_facts`."""
    lang = lang or p.settings.lang
    facts = {**facts, "region": p.region_name or p.region}
    report.heading(L.t("sec_summary", lang))
    refocusing = " " + narrative.years_label(p.settings.periods.refocusing)
    boxes = [
        (
            L.fmt_pct(facts["cut_share"], lang, ratio=True),
            L.t("cut_share", lang).replace(" (%)", "") + refocusing,
        ),
        (
            L.fmt_pct(facts["capaian"].get("pre"), lang),
            L.t("mean_achievement", lang).replace(" (%)", "") + " · " + L.period_label("pre", lang),
        ),
        (L.fmt_pct(facts["capaian"].get("refocusing"), lang), L.period_label("refocusing", lang)),
        (L.fmt_pct(facts["capaian"].get("post"), lang), L.period_label("post", lang)),
    ]
    report.keyfigures(boxes)
    report.bullets([narrative.unbroken(x) for x in narrative.region_reading(facts, lang)])
    report.para(L.t("s_descriptive", lang), css="ka-caveat")


def region_impact(r: ImpactResults, p: Prepared, *, lang: str | None = None) -> None:
    """Within one region: did its more-cut OPDs do worse? The DiD across its OPDs and the dose–response
    figure, from :func:`~kinerja_analysis.analysis.estimates.estimate` (``full=False`` is enough)."""
    lang = lang or p.settings.lang
    report.heading(L.t("imp_sec_region_impact", lang))
    a, b = term_row(r.did, "treat_refocusing"), term_row(r.did, "treat_post")
    record_estimate("region_did_refocusing_per_10pp", a)
    record_estimate("region_did_post_per_10pp", b)
    report.para(
        L.t(
            "imp_s_region_did",
            lang,
            n=int(a["n_clusters"]),
            ref=est_ci_text(a["estimate"], a["ci_low"], a["ci_high"], lang),
            post=est_ci_text(b["estimate"], b["ci_low"], b["ci_high"], lang),
        )
    )
    report.publish("dose_response_opd", r.points, title=L.t("imp_fig_dose_response", lang))
    report.figure(
        plots_impact.dose_response(r.bins, r.points, lang=lang, source=source_label(p, lang)),
        reading=dose_reading(r.bins, lang),
    )
    report.para(L.t("imp_s_region_caveat", lang), css="ka-caveat")


@report.batch()
def peer_comparison(c: PeerComparison, p: Prepared, *, lang: str | None = None) -> None:
    """The region beside the mean and range of the other regions in the data
    (:func:`~kinerja_analysis.analysis.peers.compare_with_peers`)."""
    lang = lang or p.settings.lang
    report.heading(L.t("imp_sec_peers", lang))
    if c.table is None:
        report.para(L.t("imp_s_no_peers", lang))
        return
    table = c.table
    report.publish("peer_comparison", table, title=L.t("imp_sec_peers", lang))
    refy = p.settings.periods.years("refocusing")
    row = table.set_index("measure")
    reading = L.t(
        "imp_read_peers",
        lang,
        region=p.region_name,
        n=c.n_peers,
        v=L.fmt_pct(row.at["mean_capaian_refocusing", "value"], lang),
        pm=L.fmt_pct(row.at["mean_capaian_refocusing", "peer_mean"], lang),
        y0=refy[0],
        y1=refy[-1],
    )
    report.figure(
        plots_impact.peer_years(
            c.own_years,
            c.peer_years,
            region_label=p.region_name,
            lang=lang,
            source=source_label(p, lang),
            refocusing=p.settings.periods.refocusing,
        ),
        reading=reading,
    )
    show = pd.DataFrame(
        {
            L.t("imp_col_measure", lang): [L.t(f"imp_m_{x}", lang) for x in table["measure"]],
            L.t("imp_col_this_region", lang): table["value"],
            L.t("imp_col_peer_mean", lang): table["peer_mean"],
            L.t("imp_col_peer_range", lang): [
                L.t("imp_ci_range", lang, lo=L.fmt_num(a, lang, 1), hi=L.fmt_num(b, lang, 1))
                for a, b in zip(table["peer_min"], table["peer_max"], strict=False)
            ],
            L.t("imp_col_rank", lang): [
                _rank_text(m, x, n, c, lang)
                for m, x, n in zip(table["measure"], table["rank"], table["n_regions"], strict=False)
            ],
        }
    )
    if c.has_national:
        show.insert(3, L.t("imp_col_national", lang), table["national"])
    report.table(
        show,
        lang=lang,
        sortable=False,
        formats={L.t("imp_col_this_region", lang): "num1", L.t("imp_col_peer_mean", lang): "num1"},
    )
    report.para(
        L.t("imp_s_peers_note", lang)
        + (" " + L.t("peer_s_rank_note", lang) if c.separation is not None else "")
        + ("" if c.has_national else " " + L.t("imp_s_no_national", lang)),
        css="ka-note",
    )
    for x in table.itertuples():
        report.record(
            f"peer_{x.measure}",
            x.value,
            peer_mean=x.peer_mean,
            peer_min=x.peer_min,
            peer_max=x.peer_max,
            rank=x.rank,
            n_regions=x.n_regions,
        )
    peer_did(c, p, lang=lang)


def _rank_text(measure, rank, n, c: PeerComparison, lang: str) -> str:
    if pd.notna(rank):
        return L.t("imp_rank", lang, r=int(rank), n=int(n))
    if measure == "did_refocusing_per_10pp" and c.separation is not None:
        return L.t("peer_rank_apart", lang)
    return "–"


def peer_did(c: PeerComparison, p: Prepared, *, lang: str | None = None) -> None:
    """Every region's own DiD with its CV3 interval, and whether this region can be told apart from its
    peers (:func:`~kinerja_analysis.analysis.peers.did_separation`): a rank only where intervals separate."""
    lang = lang or p.settings.lang
    if c.did is None or c.separation is None or not len(c.did):
        return
    report.heading(L.t("peer_did_heading", lang), level=3)
    d, sep = c.did, c.separation
    report.publish("peer_did", d, title=L.t("peer_did_heading", lang))
    show = pd.DataFrame(
        {
            L.t("peer_col_region", lang): [
                L.t("peer_this_region", lang, region=x) if x == c.region else x for x in d["region_code"]
            ],
            L.t("peer_col_effect", lang): d["estimate"],
            L.t("peer_col_ci", lang): [
                ci_text(a, b, lang) for a, b in zip(d["ci_low"], d["ci_high"], strict=True)
            ],
            L.t("peer_col_n_opd", lang): d["n_opd"],
        }
    )
    report.table(
        show,
        lang=lang,
        sortable=False,
        formats={L.t("peer_col_effect", lang): "pp", L.t("peer_col_n_opd", lang): "int"},
    )
    pe = p_text(sep["p_equal"], lang) if pd.notna(sep["p_equal"]) else "–"
    if c.region not in set(d.dropna(subset=["ci_low"])["region_code"]):
        text = L.t("peer_no_did", lang)
    elif sep["rank"] is not None:
        text = L.t("peer_apart", lang, rank=sep["rank"], n=sep["n_regions"], p=pe)
    elif sep["above"] or sep["below"]:
        text = L.t(
            "peer_partly_apart", lang, above=sep["above"], below=sep["below"], overlap=sep["overlap"], p=pe
        )
    else:
        text = L.t("peer_not_apart", lang, p=pe)
    report.para(text, css="ka-note")
    report.record(
        "peer_did_separation",
        sep["rank"],
        above=sep["above"],
        below=sep["below"],
        overlap=sep["overlap"],
        p_equal=sep["p_equal"],
        n_regions=sep["n_regions"],
    )


@report.batch()
def efficiency(
    q: pd.DataFrame, p: Prepared, *, thresholds: tuple[float, float], lang: str | None = None
) -> None:
    """Capaian against serapan per OPD in the refocusing years, as a quadrant chart and a table, from
    :func:`~kinerja_analysis.analysis.efficiency.quadrants`; ``thresholds`` are its capaian (%) and serapan
    (0-1) split points."""
    lang = lang or p.settings.lang
    c, s = thresholds
    report.heading(L.t("imp_sec_efficiency", lang))
    years = p.settings.periods.years("refocusing")
    report.publish("efficiency", q, title=L.t("imp_fig_efficiency", lang))
    counts = q["quadrant"].value_counts()
    reading = L.t(
        "imp_read_efficiency",
        lang,
        y0=years[0],
        y1=years[-1],
        c=L.fmt_pct(c, lang),
        s=L.fmt_pct(s * 100, lang),
        n_eff=int(counts.get("high_capaian_low_serapan", 0)),
        n_bad=int(counts.get("low_capaian_high_serapan", 0)),
    )
    label = "opd" if p.region else "label"
    if not p.region:
        q = q.assign(label=q["region_code"] + " · " + q["opd"])
    report.figure(
        plots_impact.efficiency_quadrants(q, c, s, lang=lang, source=source_label(p, lang), label_col=label),
        reading=reading,
    )
    show = pd.DataFrame(
        {
            L.t("opd", lang): q["opd"],
            L.t("imp_col_capaian_short", lang): q["capaian"],
            L.t("imp_col_serapan_short", lang): q["serapan"] * 100,
            L.t("imp_col_eff_ratio", lang): q["efficiency_ratio"],
            L.t("imp_col_unspent", lang): q["unspent_if_met"] * 100,
            L.t("imp_col_quadrant", lang): q["quadrant"].map(
                lambda x: L.t(f"imp_q_{x}", lang) if isinstance(x, str) else "–"
            ),
        }
    )
    cols = list(show.columns)
    report.table(
        show.sort_values(cols[3], ascending=False),
        lang=lang,
        sortable=True,
        formats={cols[1]: "num1", cols[2]: "num1", cols[3]: "num2", cols[4]: "num1"},
    )
    report.para(L.t("imp_s_efficiency_note", lang), css="ka-note")
    report.record("efficiency_ratio_median", float(q["efficiency_ratio"].median()))
    for quad in eff_model.QUADRANTS:
        report.record(f"n_opd_{quad}", int(counts.get(quad, 0)))


def notes(p: Prepared, *, lang: str | None = None) -> None:
    """Where the data come from, and that the report describes rather than proves."""
    lang = lang or p.settings.lang
    report.heading(L.t("sec_notes", lang))
    report.bullets([L.t("note_djpk", lang), L.t("s_descriptive", lang)])
