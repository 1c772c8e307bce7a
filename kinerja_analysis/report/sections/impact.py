"""Notebook 03 (refocusing impact): each function shows one part of the estimates computed once by
:func:`kinerja_analysis.analysis.estimates.estimate` and records its key numbers. ``lang`` defaults to the
report language, ``p.settings.lang``. How an estimate reads (intervals, p-values) is in
:mod:`kinerja_analysis.report.estimate_text`, shared with the region report (04).
"""

from __future__ import annotations

import pandas as pd

from ... import labels as L
from ...analysis import impact
from ...analysis.estimates import ImpactResults
from ...analysis.prepare import Prepared
from .. import page as report
from ..charts import impact as plots_impact
from ..estimate_text import (
    ci_text,
    cluster_word,
    dose_reading,
    est_ci_text,
    p_text,
    record_estimate,
    term_row,
)
from ..start import scope_label, source_label

#: robustness outcomes, in display order, and the result-key stem of each
ROBUST_KEYS = {
    "achievement": "",
    "capped": "capped_",
    "met": "met_",
    "achievement_original": "original_target_",
}


# ---------------------------------------------------------------- sections
def summary(r: ImpactResults, p: Prepared, *, lang: str | None = None) -> None:
    """Key numbers in boxes and one paragraph, with the main caveat."""
    lang = lang or p.settings.lang
    report.heading(L.t("sec_summary", lang))
    a, b = term_row(r.did, "treat_refocusing"), term_row(r.did, "treat_post")
    crude = r.terciles.set_index(["tercile", "quantity"]).loc[("T3-T1", "crude_did_refocusing")]
    report.keyfigures(
        [
            (L.fmt_pp(a["estimate"], lang) + " " + L.t("pp", lang), L.t("imp_box_did_ref", lang)),
            (L.fmt_pp(b["estimate"], lang) + " " + L.t("pp", lang), L.t("imp_box_did_post", lang)),
            (L.fmt_pp(crude["estimate"], lang) + " " + L.t("pp", lang), L.t("imp_box_crude", lang)),
        ]
    )
    report.para(
        L.t(
            "imp_s_summary",
            lang,
            scope=scope_label(p, lang),
            ref=est_ci_text(a["estimate"], a["ci_low"], a["ci_high"], lang),
            post=est_ci_text(b["estimate"], b["ci_low"], b["ci_high"], lang),
            g=int(a["n_clusters"]),
            cluster=cluster_word(r, lang),
        )
    )
    clear = a["ci_low"] > 0 or a["ci_high"] < 0
    report.para(L.t("imp_s_not_causal" if clear else "imp_s_no_evidence", lang), css="ka-caveat")


def before_after(r: ImpactResults, p: Prepared, *, lang: str | None = None) -> None:
    """Means per period and the differences with cluster-bootstrap CIs (capaian and share of targets met)."""
    lang = lang or p.settings.lang
    report.heading(L.t("imp_sec_before_after", lang))
    d = r.differences
    report.publish("period_differences", d, title=L.t("imp_sec_before_after", lang))
    rows = []
    for outcome, name in (("achievement", L.t("mean_achievement", lang)), ("met", L.t("met_share", lang))):
        g = d[d["outcome"] == outcome].set_index("quantity")
        for q in ("mean_pre", "mean_refocusing", "mean_post", "diff_refocusing", "diff_post"):
            x = g.loc[q]
            rows.append(
                {
                    L.t("imp_col_measure", lang): name,
                    L.t("imp_col_quantity", lang): L.t(f"imp_q_{q}", lang),
                    L.t("imp_col_estimate", lang): x["estimate"],
                    L.t("imp_col_ci", lang): ci_text(x["ci_low"], x["ci_high"], lang)
                    if q.startswith("diff")
                    else L.t(
                        "imp_ci_range",
                        lang,
                        lo=L.fmt_num(x["ci_low"], lang),
                        hi=L.fmt_num(x["ci_high"], lang),
                    ),
                }
            )
            if q.startswith("diff"):
                stem = "capaian" if outcome == "achievement" else "met_share"
                report.record(
                    f"diff_{stem}_{q[5:]}_vs_pre", x["estimate"], ci_low=x["ci_low"], ci_high=x["ci_high"]
                )
    show = pd.DataFrame(rows)
    report.table(show, lang=lang, formats={L.t("imp_col_estimate", lang): "num1"})
    report.para(
        L.t("imp_s_bootstrap", lang, g=int(d["n_clusters"].iloc[0]), cluster=cluster_word(r, lang)),
        css="ka-note",
    )


def terciles(r: ImpactResults, p: Prepared, *, lang: str | None = None) -> None:
    """Capaian per year for the least-, middle- and most-cut thirds of OPDs, and the crude DiD T3 − T1."""
    lang = lang or p.settings.lang
    report.heading(L.t("imp_sec_terciles", lang))
    yearly = r.tercile_years
    report.publish("capaian_by_tercile_year", yearly, title=L.t("imp_fig_terciles", lang))
    t = r.terciles.set_index(["tercile", "quantity"])
    fmt = {
        f"{x}_{y}": L.fmt_pp(t.loc[(x, f"change_{y}"), "estimate"], lang)
        for x in ("T1", "T3")
        for y in ("refocusing", "post")
    }
    reading = L.t(
        "imp_read_terciles",
        lang,
        d3=L.fmt_num(t.loc[("T3", "mean_pre"), "dose_mean"] * 100, lang, 0),
        d1=L.fmt_num(t.loc[("T1", "mean_pre"), "dose_mean"] * 100, lang, 0),
        **fmt,
    )
    report.figure(
        plots_impact.tercile_years(
            yearly, lang=lang, source=source_label(p, lang), refocusing=p.settings.periods.refocusing
        ),
        reading=reading,
    )
    rows = []
    for per in ("refocusing", "post"):
        row = {L.t("period", lang): L.period_label(per, lang)}
        for x in ("T1", "T2", "T3"):
            row[L.t(f"imp_col_{x.lower()}", lang)] = t.loc[(x, f"change_{per}"), "estimate"]
        c = t.loc[("T3-T1", f"crude_did_{per}")]
        row[L.t("imp_col_crude", lang)] = c["estimate"]
        row[L.t("imp_col_ci", lang)] = ci_text(c["ci_low"], c["ci_high"], lang)
        rows.append(row)
        report.record(f"crude_did_{per}_t3_minus_t1", c["estimate"], ci_low=c["ci_low"], ci_high=c["ci_high"])
        for x in ("T1", "T2", "T3"):
            e = t.loc[(x, f"change_{per}")]
            report.record(
                f"change_{per}_{x.lower()}",
                e["estimate"],
                ci_low=e["ci_low"],
                ci_high=e["ci_high"],
                dose_mean_pct=float(e["dose_mean"] * 100),
            )
    show = pd.DataFrame(rows)
    report.table(
        show, lang=lang, caption=L.t("imp_cap_terciles", lang), formats={c: "pp" for c in show.columns[1:-1]}
    )


def dose_response(r: ImpactResults, p: Prepared, *, lang: str | None = None) -> None:
    """Binned scatter of cut share against the change in capaian, with the OPDs behind it."""
    lang = lang or p.settings.lang
    report.heading(L.t("imp_sec_dose_response", lang))
    report.publish("dose_response_bins", r.bins, title=L.t("imp_fig_dose_response", lang))
    report.publish("dose_response_opd", r.points, title=L.t("imp_fig_dose_response", lang))
    report.figure(
        plots_impact.dose_response(r.bins, r.points, lang=lang, source=source_label(p, lang)),
        reading=dose_reading(r.bins, lang),
    )


def did(r: ImpactResults, p: Prepared, *, lang: str | None = None) -> None:
    """The continuous-dose DiD: table with CR1 and CR3 intervals; records the headline numbers."""
    lang = lang or p.settings.lang
    report.heading(L.t("imp_sec_did", lang))
    report.para(L.t("imp_s_did_model", lang, cluster=cluster_word(r, lang)))
    rows = []
    for term, per in (("treat_refocusing", "refocusing"), ("treat_post", "post")):
        x = term_row(r.did, term)
        record_estimate(f"did_{per}_per_10pp", x)
        rows.append(
            {
                L.t("period", lang): L.period_label(per, lang),
                L.t("imp_col_effect", lang): x["estimate"],
                L.t("imp_col_ci", lang): ci_text(x["ci_low"], x["ci_high"], lang),
                L.t("imp_col_ci_cr3", lang): ci_text(x["ci_low_cr3"], x["ci_high_cr3"], lang),
                L.t("imp_col_p", lang): p_text(x["p_value"], lang),
            }
        )
    show = pd.DataFrame(rows)
    x = r.did.iloc[0]
    report.table(
        show,
        lang=lang,
        formats={L.t("imp_col_effect", lang): "pp"},
        caption=L.t(
            "imp_cap_did",
            lang,
            n=L.fmt_num(x["n_obs"], lang, 0),
            g=int(x["n_clusters"]),
            cluster=cluster_word(r, lang),
        ),
    )
    report.publish("did", r.did, title=L.t("imp_sec_did", lang))


def event_study(r: ImpactResults, p: Prepared, *, lang: str | None = None) -> None:
    """Event-study coefficients (reference year at 0) with pointwise and simultaneous bands."""
    lang = lang or p.settings.lang
    report.heading(L.t("imp_sec_event", lang))
    es = r.event
    report.publish("event_study", es, title=L.t("imp_fig_event_study", lang))
    ref_year = p.settings.periods.reference_year
    est = es[~es["reference"]].set_index("year")
    first_ref = p.settings.periods.refocusing[0]
    last = int(est.index.max())
    pre = [y for y in est.index if y < ref_year]
    reading = L.t(
        "imp_read_event",
        lang,
        y1=first_ref,
        e1=L.fmt_pp(est.at[first_ref, "estimate"], lang),
        ylast=last,
        elast=L.fmt_pp(est.at[last, "estimate"], lang),
        ref=ref_year,
        ypre=pre[0] if pre else "–",
        epre=L.fmt_pp(est.at[pre[0], "estimate"], lang) if pre else "–",
    )
    report.figure(
        plots_impact.event_study(
            es, lang=lang, source=source_label(p, lang), refocusing=p.settings.periods.refocusing
        ),
        reading=reading,
    )
    for row in es.itertuples():
        if row.reference:
            report.record(f"es_{row.year}", 0.0, reference=True)
        else:
            report.record(
                f"es_{row.year}",
                row.estimate,
                ci_low=row.ci_low,
                ci_high=row.ci_high,
                sim_low=row.sim_low,
                sim_high=row.sim_high,
            )
    report.para(L.t("imp_s_pretrend", lang, n=len(pre) + 1), css="ka-caveat")


def checks(r: ImpactResults, p: Prepared, *, lang: str | None = None) -> None:
    """Diagnostics as a table of checks, then the detail behind each: ceiling, target revision, continuity."""
    lang = lang or p.settings.lang
    report.heading(L.t("imp_sec_checks", lang))
    main = term_row(r.did, "treat_refocusing")
    rob = r.robust[r.robust["term"] == "treat_refocusing"].set_index("outcome")
    at100, revised = r.share_at_100, r.share_revised
    mapped, counts = r.continuity, r.continuity_counts
    pre = r.event[(r.event["year"] < p.settings.periods.reference_year)]
    g = int(main["n_clusters"])
    capped = rob.loc["capped"] if "capped" in rob.index else None
    orig = rob.loc["achievement_original"] if "achievement_original" in rob.index else None
    rev = term_row(r.revision, "treat_refocusing", "revised") if len(r.revision) else None
    checks_rows = [
        (
            "imp_chk_clusters",
            g < impact.FEW_CLUSTERS,
            L.t(
                "imp_chk_clusters_r",
                lang,
                g=g,
                cluster=cluster_word(r, lang),
                cr1=ci_text(main["ci_low"], main["ci_high"], lang),
                cr3=ci_text(main["ci_low_cr3"], main["ci_high_cr3"], lang),
            ),
        ),
        (
            "imp_chk_pretrend",
            True,
            L.t(
                "imp_chk_pretrend_r",
                lang,
                n=len(pre) + 1,
                est=est_ci_text(pre["estimate"].iloc[0], pre["ci_low"].iloc[0], pre["ci_high"].iloc[0], lang)
                if len(pre)
                else "–",
            ),
        ),
        (
            "imp_chk_ceiling",
            capped is not None and abs(capped["estimate"]) < abs(main["estimate"]),
            L.t(
                "imp_chk_ceiling_r",
                lang,
                share=L.fmt_pct(at100, lang, ratio=True),
                main=L.fmt_pp(main["estimate"], lang),
                capped=L.fmt_pp(capped["estimate"], lang) if capped is not None else "–",
                met=L.fmt_pp(rob.loc["met", "estimate"], lang) if "met" in rob.index else "–",
            ),
        ),
        (
            "imp_chk_revision",
            rev is not None and rev["ci_low"] > 0,
            L.t(
                "imp_chk_revision_r",
                lang,
                share=L.fmt_pct(revised, lang, ratio=True),
                rev=est_ci_text(rev["estimate"], rev["ci_low"], rev["ci_high"], lang)
                if rev is not None
                else "–",
                orig=L.fmt_pp(orig["estimate"], lang) if orig is not None else "–",
                main=L.fmt_pp(main["estimate"], lang),
            ),
        ),
        (
            "imp_chk_continuity",
            bool(len(mapped)) and not mapped["mapped"].all(),
            L.t(
                "imp_chk_continuity_r",
                lang,
                n=len(mapped),
                mapped=int(mapped["mapped"].sum()) if len(mapped) else 0,
                cont=counts["continuing"],
                total=counts["units_from"],
                ended=counts["ended"],
                new=counts["new"],
            ),
        ),
    ]
    show = pd.DataFrame(
        {
            L.t("imp_col_check", lang): [L.t(k, lang) for k, _, _ in checks_rows],
            L.t("imp_col_status", lang): [
                L.t("imp_status_caution" if c else "imp_status_ok", lang) for _, c, _ in checks_rows
            ],
            L.t("imp_col_result", lang): [txt for _, _, txt in checks_rows],
        }
    )
    report.table(show, lang=lang, sortable=False)
    report.record("share_at_100", at100)
    report.record("share_targets_revised_refocusing", revised)
    report.record(
        "continuity_opd_names_changed",
        int(len(mapped)),
        mapped=int(mapped["mapped"].sum()) if len(mapped) else 0,
    )
    report.record(
        "continuity_units_ended", counts["ended"], continuing=counts["continuing"], new=counts["new"]
    )

    # the ceiling, in detail
    report.heading(L.t("imp_sec_ceiling", lang), level=3)
    ct = r.ceiling
    report.publish("ceiling_by_tercile", ct, title=L.t("imp_fig_ceiling_terciles", lang))
    ref_share = ct[ct["year"].isin(p.settings.periods.years("refocusing"))]
    reading = L.t(
        "imp_read_ceiling",
        lang,
        lo=L.fmt_pct(ct["share"].min(), lang, ratio=True),
        hi=L.fmt_pct(ct["share"].max(), lang, ratio=True),
        t3=L.fmt_pct(ref_share[ref_share["tercile"] == "T3"]["share"].mean(), lang, ratio=True),
        t1=L.fmt_pct(ref_share[ref_share["tercile"] == "T1"]["share"].mean(), lang, ratio=True),
    )
    report.figure(plots_impact.ceiling_terciles(ct, lang=lang, source=source_label(p, lang)), reading=reading)
    _robust_table(r, lang)
    if rev is not None:
        report.record("revision_per_10pp", rev["estimate"], ci_low=rev["ci_low"], ci_high=rev["ci_high"])
        report.para(
            L.t("imp_s_revision", lang, rev=est_ci_text(rev["estimate"], rev["ci_low"], rev["ci_high"], lang))
        )

    # nomenclature continuity, in detail
    report.heading(L.t("imp_sec_continuity", lang), level=3)
    if len(mapped):
        report.table(
            mapped.assign(
                mapped=mapped["mapped"].map({True: L.t("imp_yes", lang), False: L.t("imp_no", lang)})
            ).rename(
                columns={
                    "region_code": L.t("region", lang),
                    "opd_from": L.t("imp_col_opd_from", lang),
                    "opd_to": L.t("imp_col_opd_to", lang),
                    "n_indicators": L.t("imp_col_n_ind", lang),
                    "mapped": L.t("imp_col_mapped", lang),
                }
            ),
            lang=lang,
        )
    report.para(L.t("imp_s_continuity", lang, cont=counts["continuing"], total=counts["units_from"]))


def _robust_table(r: ImpactResults, lang: str) -> None:
    rows = []
    for outcome, stem in ROBUST_KEYS.items():
        sub = r.robust[r.robust["outcome"] == outcome].set_index("term")
        if sub.empty:
            continue
        row = {L.t("imp_col_outcome", lang): L.t(f"imp_out_{outcome}", lang)}
        for term, per in (("treat_refocusing", "refocusing"), ("treat_post", "post")):
            x = sub.loc[term]
            row[L.period_label(per, lang)] = est_ci_text(x["estimate"], x["ci_low"], x["ci_high"], lang)
            if stem:
                record_estimate(f"did_{per}_{stem}per_10pp", x)
        rows.append(row)
    report.table(pd.DataFrame(rows), lang=lang, caption=L.t("imp_cap_robust", lang), sortable=False)


def method_notes(p: Prepared, *, lang: str | None = None) -> None:
    """How the estimates were made and what limits them, as bullet points."""
    lang = lang or p.settings.lang
    report.heading(L.t("sec_notes", lang))
    report.bullets(
        [
            L.t(k, lang)
            for k in (
                "imp_note_unit",
                "imp_note_dose",
                "imp_note_se",
                "imp_note_pretrend",
                "imp_note_ceiling",
                "imp_note_revision",
                "imp_note_shortcut",
            )
        ]
    )
