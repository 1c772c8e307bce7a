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
    effect_words,
    p_text,
    record_estimate,
    status_text,
    term_row,
    verdict_text,
)
from ..start import scope_label, source_label
from .impact_checks import checks, method_notes  # noqa: F401 - the notebook shows them as show.checks

#: term statuses without an estimate
NO_ESTIMATE = (
    "no_dose_variation",
    "no_dose_variation_within_sector",
    "no_pre_years",
    "no_years",
    "not_identified",
)


# ---------------------------------------------------------------- sections
@report.batch()
def summary(r: ImpactResults, p: Prepared, *, lang: str | None = None) -> None:
    """Key numbers in boxes, one paragraph in words that follow the numbers, the verdict and its rule, and
    a sentence for every edge of the data (few clusters, no dose variation, missing years, dropped OPDs)."""
    lang = lang or p.settings.lang
    report.heading(L.t("sec_summary", lang))
    head = r.headline
    a, b = term_row(head, "treat_refocusing"), term_row(head, "treat_post")
    sign, inc = _orientation(r)
    boxes = [
        (L.fmt_pp(sign * a["estimate"], lang) + " " + L.t("pp", lang), L.t(f"imp_box_did_ref{inc}", lang)),
        (L.fmt_pp(sign * b["estimate"], lang) + " " + L.t("pp", lang), L.t(f"imp_box_did_post{inc}", lang)),
    ]
    crude = _crude(r)
    if crude is not None:
        boxes.append((L.fmt_pp(crude["estimate"], lang) + " " + L.t("pp", lang), L.t("imp_box_crude", lang)))
    report.keyfigures(boxes)
    report.para(
        L.t(
            "imp_s_summary" if a["status"] not in NO_ESTIMATE else "imp_s_summary_none",
            lang,
            scope=scope_label(p, lang),
            ref=effect_words(a["estimate"], lang, r.dose_kind),
            post=effect_words(b["estimate"], lang, r.dose_kind),
            model=L.t(f"imp_model_{a['model']}", lang),
            ci=_interval_words(a, lang, sign),
        )
    )
    for text in verdict_text(r, lang):
        report.para(text, css="ka-caveat")
    said = {a["status"]}  # the verdict has already given the reason of the headline term
    for code in r.statuses:
        if code not in said:
            report.para(status_text(code, r, lang), css="ka-caveat")
    report.record(
        "impact_verdict",
        r.verdict.get("code"),
        model=r.verdict.get("model"),
        rule=r.verdict.get("rule"),
        sectors_known=bool(r.sectors_known),
    )
    report.record("impact_status", ";".join(r.statuses) or "ok", dose_kind=r.dose_kind)
    report.record("sector_share_of_dose_variation", r.sector_share)
    d = r.dropped
    report.record(
        "opds_dropped_from_models",
        len(d),
        rows=int(d["n_rows"].sum()) if len(d) else 0,
        reasons={k: int(v) for k, v in d["reason"].value_counts().items()} if len(d) else {},
        regions=sorted(d["region_code"].astype(str).unique()) if len(d) else [],
    )


def _orientation(r: ImpactResults) -> tuple[int, str]:
    """-1 and a key suffix where the data has only budget increases: the page then reads per 10 pp added."""
    return (-1, "_inc") if r.dose_kind == "increases" else (1, "")


def _interval_words(row, lang: str, sign: int = 1) -> str:
    """The intervals of one term in words: wild bootstrap first (the headline), CV3 beside it."""
    if row["interval"] != "wild":
        return L.t("imp_s_no_interval", lang)
    lo, hi = sorted((sign * row["ci_low_wild"], sign * row["ci_high_wild"]))
    lo3, hi3 = sorted((sign * row["ci_low_cv3"], sign * row["ci_high_cv3"]))
    return L.t(
        "imp_s_intervals" + ("_inc" if sign < 0 else ""),
        lang,
        wild=ci_text(lo, hi, lang),
        cv3=ci_text(lo3, hi3, lang),
        g=int(row["n_clusters"]),
    )


def _crude(r: ImpactResults):
    t = r.terciles
    if t is None or t.empty:
        return None
    t = t.set_index(["tercile", "quantity"])
    key = ("T3-T1", "crude_did_refocusing")
    return t.loc[key] if key in t.index else None


def _few(r: ImpactResults) -> bool:
    """Fewer clusters than a cluster-robust interval needs: the bootstrap intervals are not shown."""
    return int(r.did["n_clusters"].iloc[0]) < impact.MIN_CLUSTERS


@report.batch()
def before_after(r: ImpactResults, p: Prepared, *, lang: str | None = None) -> None:
    """Means per period and the differences, from regressions with the main model's inference (wild-cluster
    bootstrap, CV3 beside it), for capaian and the share of targets met."""
    lang = lang or p.settings.lang
    report.heading(L.t("imp_sec_before_after", lang))
    d = r.differences
    report.publish("period_differences", d, title=L.t("imp_sec_before_after", lang))
    few = _few(r)  # no cluster-robust interval with fewer than 5 clusters
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
                    L.t("imp_col_ci", lang): "–"
                    if few
                    else ci_text(x["ci_low"], x["ci_high"], lang)
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
                    f"diff_{stem}_{q[5:]}_vs_pre",
                    x["estimate"],
                    ci_low=None if few else x["ci_low"],
                    ci_high=None if few else x["ci_high"],
                )
    show = pd.DataFrame(rows)
    report.table(show, lang=lang, formats={L.t("imp_col_estimate", lang): "num1"})
    g = int(d["n_clusters"].iloc[0])
    key = "imp_status_few_clusters" if few else "diff_s_inference"
    report.para(L.t(key, lang, g=g, cluster=cluster_word(r, lang)), css="ka-note")


@report.batch()
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
        few = _few(r)
        row[L.t("imp_col_crude", lang)] = c["estimate"]
        row[L.t("imp_col_ci", lang)] = "–" if few else ci_text(c["ci_low"], c["ci_high"], lang)
        rows.append(row)
        report.record(
            f"crude_did_{per}_t3_minus_t1",
            c["estimate"],
            ci_low=None if few else c["ci_low"],
            ci_high=None if few else c["ci_high"],
        )
        for x in ("T1", "T2", "T3"):
            e = t.loc[(x, f"change_{per}")]
            report.record(
                f"change_{per}_{x.lower()}",
                e["estimate"],
                ci_low=None if few else e["ci_low"],
                ci_high=None if few else e["ci_high"],
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
    """The continuous-dose DiD, baseline and (when sectors are known) sector × year: the wild-bootstrap
    interval first, CV3 beside it, CR1 last; records the contract keys."""
    lang = lang or p.settings.lang
    report.heading(L.t("imp_sec_did", lang))
    report.para(L.t("imp_s_did_model", lang, cluster=cluster_word(r, lang)))
    models = [("", r.did)] + ([("_sector", r.did_sector)] if len(r.did_sector) else [])
    rows = []
    for suffix, table in models:
        for term, per in (("treat_refocusing", "refocusing"), ("treat_post", "post")):
            x = term_row(table, term)
            record_estimate(f"did_{per}_per_10pp{suffix}", x)
            rows.append(
                {
                    L.t("imp_col_model", lang): L.t(f"imp_model_{x['model']}", lang),
                    L.t("period", lang): L.period_label(per, lang),
                    L.t("imp_col_effect", lang): x["estimate"],
                    L.t("imp_col_ci_wild", lang): ci_text(x["ci_low_wild"], x["ci_high_wild"], lang),
                    L.t("imp_col_p_wild", lang): p_text(x["p_wild"], lang),
                    L.t("imp_col_ci_cv3", lang): ci_text(x["ci_low_cv3"], x["ci_high_cv3"], lang),
                    L.t("imp_col_p_cv3", lang): p_text(x["p_cv3"], lang),
                    L.t("imp_col_ci_cr1", lang): ci_text(x["ci_low_cr1"], x["ci_high_cr1"], lang),
                }
            )
    x = r.did.iloc[0]
    report.table(
        pd.DataFrame(rows),
        lang=lang,
        sortable=False,
        formats={L.t("imp_col_effect", lang): "pp"},
        caption=L.t(
            "imp_cap_did",
            lang,
            n=L.fmt_num(x["n_obs"], lang, 0),
            g=int(x["n_clusters"]),
            cluster=cluster_word(r, lang),
            draws=L.fmt_num(x["draws"], lang, 0),
        ),
    )
    if len(r.did_sector):
        two_way = (r.did_sector["cluster_cr1"] == "region+sector").any()
        report.para(
            L.t("imp_s_sector_cr1_twoway" if two_way else "imp_s_sector_cr1_oneway", lang), css="ka-note"
        )
    report.publish("did", pd.concat([r.did, r.did_sector], ignore_index=True), title=L.t("imp_sec_did", lang))


@report.batch()
def event_study(r: ImpactResults, p: Prepared, *, lang: str | None = None) -> None:
    """Event-study coefficients (reference year at 0) with pointwise CV3 intervals and a Bonferroni band."""
    lang = lang or p.settings.lang
    report.heading(L.t("imp_sec_event", lang))
    es = r.event
    report.record("event_study_status", r.event_status, reference_year=r.event_reference)
    if es.empty:
        report.para(status_text(r.event_status, r, lang), css="ka-caveat")
        return
    if r.event_status != "ok":
        report.para(status_text(r.event_status, r, lang), css="ka-caveat")
    report.publish("event_study", es, title=L.t("imp_fig_event_study", lang))
    ref_year = r.event_reference
    est = es[~es["reference"]].set_index("year")
    pre = [y for y in est.index if y < ref_year]
    after = [y for y in est.index if y > ref_year]
    reading = ""
    if after:
        first, last = after[0], after[-1]
        reading = L.t(
            "imp_read_event",
            lang,
            y1=first,
            e1=L.fmt_pp(est.at[first, "estimate"], lang),
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
    has_band = es["band_low"].notna().any()
    g = int(es["n_clusters"].iloc[0])
    why = [x for x in es["status"] if x not in ("ok", "reference")]
    report.para(
        L.t("imp_s_event_model", lang, model=L.t(f"imp_model_{es['model'].iloc[0]}", lang)), css="ka-note"
    )
    report.para(
        L.t(
            "imp_s_band"
            if has_band
            else (
                "imp_status_few_clusters" if g < impact.MIN_CLUSTERS or not why else f"imp_status_{why[0]}"
            ),
            lang,
            k=int((~es["reference"]).sum()),
            crit=L.fmt_num(es["band_crit"].dropna().iloc[0], lang, 2) if has_band else "–",
            g=g,
            cluster=cluster_word(r, lang),
        ),
        css="ka-note",
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
                interval="cv3",
                band_low=row.band_low,
                band_high=row.band_high,
                band="bonferroni_cv3",
                band_crit=row.band_crit,
                ci_low_cr1=row.ci_low_cr1,
                ci_high_cr1=row.ci_high_cr1,
                status=row.status,
                model=row.model,
            )
    report.para(
        L.t("imp_s_pretrend" if pre else "imp_s_pretrend_none", lang, n=len(pre) + 1), css="ka-caveat"
    )
