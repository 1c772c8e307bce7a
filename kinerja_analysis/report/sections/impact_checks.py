"""Notebook 03 (refocusing impact), the checks part: how far the estimate can be trusted (few clusters,
sector shocks, pre-trend, ceiling, target revision, nomenclature continuity), the robustness table and the
method notes. ``lang`` defaults to the report language, ``p.settings.lang``.
"""

from __future__ import annotations

import pandas as pd

from ... import labels as L
from ...analysis import impact
from ...analysis.estimates import ImpactResults
from ...analysis.prepare import Prepared
from .. import page as report
from ..charts import impact as plots_impact
from ..estimate_text import ci_text, cluster_word, est_ci_text, record_estimate, term_row
from ..start import source_label

#: robustness outcomes, in display order, and the result-key stem of each
ROBUST_KEYS = {
    "achievement": "",
    "capped": "capped_",
    "met": "met_",
    "achievement_original": "original_target_",
}


@report.batch()
def checks(r: ImpactResults, p: Prepared, *, lang: str | None = None) -> None:
    """Diagnostics as a table of checks, then the detail behind each: ceiling, target revision, continuity."""
    lang = lang or p.settings.lang
    report.heading(L.t("imp_sec_checks", lang))
    main = term_row(r.did, "treat_refocusing")
    rob = r.robust[r.robust["term"] == "treat_refocusing"].set_index("outcome")
    at100, revised = r.share_at_100, r.share_revised
    mapped, counts = r.continuity, r.continuity_counts
    pre = r.event[r.event["year"] < r.event_reference] if len(r.event) else r.event
    g = int(main["n_clusters"])
    head = term_row(r.headline, "treat_refocusing")
    capped = rob.loc["capped"] if "capped" in rob.index else None
    orig = rob.loc["achievement_original"] if "achievement_original" in rob.index else None
    rev = term_row(r.revision, "treat_refocusing", "revised") if len(r.revision) else None
    checks_rows = [
        (
            "imp_chk_clusters",
            g < impact.FEW_CLUSTERS,
            L.t(
                "imp_chk_clusters_r" if g >= impact.MIN_CLUSTERS else "imp_status_few_clusters",
                lang,
                g=g,
                cluster=cluster_word(r, lang),
                cr1=ci_text(head["ci_low_cr1"], head["ci_high_cr1"], lang),
                wild=ci_text(head["ci_low_wild"], head["ci_high_wild"], lang),
                cv3=ci_text(head["ci_low_cv3"], head["ci_high_cv3"], lang),
            ),
        ),
        (
            "imp_chk_sector",
            not r.sectors_known or r.verdict.get("code") != "strong",
            _sector_check(r, lang),
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
            rev is not None and bool(rev["ci_low"] > 0),
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
    if rev is not None and pd.notna(rev["estimate"]):
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


def _sector_check(r: ImpactResults, lang: str) -> str:
    if not r.sectors_known:
        return L.t("imp_v_model_baseline", lang)
    base, sec = term_row(r.did, "treat_refocusing"), term_row(r.did_sector, "treat_refocusing")
    return L.t(
        "imp_chk_sector_r",
        lang,
        share=L.fmt_pct(r.sector_share, lang, 0, ratio=True),
        base=est_ci_text(base["estimate"], base["ci_low"], base["ci_high"], lang),
        sector=est_ci_text(sec["estimate"], sec["ci_low"], sec["ci_high"], lang),
    )


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
                "imp_note_assumption",
                "imp_note_sector",
                "imp_note_se",
                "imp_note_wild",
                "imp_note_cv3",
                "imp_note_band",
                "imp_note_can",
                "imp_note_cannot",
                "imp_note_pretrend",
                "imp_note_ceiling",
                "imp_note_revision",
                "imp_note_shortcut",
            )
        ]
    )
