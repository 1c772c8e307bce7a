"""Notebook 03, sensitivity part: how much the impact estimate depends on its assumptions, from
:func:`kinerja_analysis.analysis.sensitivity.run`. Each function shows one part and records its key
numbers; ``lang`` defaults to the report language, ``p.settings.lang``.
"""

from __future__ import annotations

import math

import pandas as pd

from ... import labels as L
from ...analysis.prepare import Prepared
from ...analysis.sensitivity import SensitivityResults
from .. import page as report
from ..estimate_text import ci_text, est_ci_text, p_text


def _reading(row, lang: str) -> str:
    """A row's status as a sentence: the verdict when there is an estimate, else why there is none."""
    status = row["status"]
    if status == "ok":
        return L.t("sens_clear" if row["strong"] else "sens_not_clear", lang)
    rule = row["detail"] if row["detail"] in ("sector", "names") else "names"
    return L.t(f"sens_status_{status}", lang, detail=L.t(f"sens_rule_{rule}", lang))


@report.batch()
def robustness(s: SensitivityResults, p: Prepared, *, lang: str | None = None) -> None:
    """The dose robustness rows as one table, each with its wild-bootstrap and CV3 interval."""
    lang = lang or p.settings.lang
    report.heading(L.t("sens_sec_robust", lang))
    report.para(L.t("sens_s_robust", lang) + " " + L.t(f"sens_model_{s.model}", lang))
    t = s.robustness
    report.publish("dose_robustness", t, title=L.t("sens_sec_robust", lang))
    show = pd.DataFrame(
        {
            L.t("sens_col_variant", lang): t[f"label_{lang}"],
            L.t("sens_col_effect", lang): t["estimate"],
            L.t("sens_col_ci_wild", lang): [
                ci_text(a, b, lang) for a, b in zip(t["ci_low"], t["ci_high"], strict=True)
            ],
            L.t("sens_col_ci_cv3", lang): [
                ci_text(a, b, lang) for a, b in zip(t["ci_low_cv3"], t["ci_high_cv3"], strict=True)
            ],
            L.t("sens_col_n", lang): t["n_obs"],
            L.t("sens_col_reading", lang): [_reading(r, lang) for _, r in t.iterrows()],
        }
    )
    report.table(
        show,
        lang=lang,
        sortable=False,
        formats={L.t("sens_col_effect", lang): "pp", L.t("sens_col_n", lang): "int"},
        caption=L.t("sens_cap_robust", lang, g=int(t["n_clusters"].max() or 0)),
    )
    for r in t.itertuples():
        report.record(
            f"robust_{r.name}_per_10pp",
            r.estimate,
            ci_low=r.ci_low,
            ci_high=r.ci_high,
            ci_low_cv3=r.ci_low_cv3,
            ci_high_cv3=r.ci_high_cv3,
            p_wild=r.p_wild,
            n_obs=r.n_obs,
            n_clusters=r.n_clusters,
            status=r.status,
            strong=bool(r.strong),
            detail=r.detail,
            model=s.model,
        )


@report.batch()
def randomisation(s: SensitivityResults, p: Prepared, *, lang: str | None = None) -> None:
    """The randomisation tests: p-values from reshuffling the doses within region (and sector)."""
    lang = lang or p.settings.lang
    report.heading(L.t("sens_sec_ri", lang))
    report.para(L.t("sens_s_ri", lang))
    for r in s.randomisation.itertuples():
        if r.status == "ok":
            report.para(
                L.t(
                    f"sens_ri_{r.strata}",
                    lang,
                    n=L.fmt_num(r.draws, lang, 0),
                    how=L.t("sens_ri_exact" if r.exact else "sens_ri_random", lang),
                    p=p_text(r.p_value, lang),
                    k=r.n_strata,
                    est=L.fmt_pp(r.observed, lang),
                )
                # with random draws p cannot go below 1 / (draws + 1): say so rather than imply "0"
                + ("" if r.exact or r.p_value > 1.5 / (r.draws + 1) else " " + L.t("sens_ri_min", lang))
            )
        else:
            report.para(L.t("sens_ri_none", lang), css="ka-caveat")
        report.record(
            f"ri_p_within_{r.strata}",
            r.p_value,
            observed=r.observed,
            draws=r.draws,
            exact=bool(r.exact),
            n_strata=r.n_strata,
            status=r.status,
        )
    if not s.sectors_known:
        report.para(L.t("sens_ri_no_sector", lang), css="ka-note")


@report.batch()
def trend_bound(s: SensitivityResults, p: Prepared, *, lang: str | None = None) -> None:
    """The relative-magnitudes bound for pre-trends, or the sentence saying why there is none."""
    lang = lang or p.settings.lang
    report.heading(L.t("sens_sec_bound", lang))
    ref = p.settings.periods.reference_year
    report.record("trend_bound_status", s.bound_status)
    if s.bound_status not in ("ok", "few_clusters") or s.bound.empty:
        report.para(L.t(f"sens_bound_{s.bound_status}", lang, ref=ref), css="ka-caveat")
        return
    b = s.bound
    report.publish("trend_bound", b, title=L.t("sens_sec_bound", lang))
    pre = "; ".join(
        f"{x['year']}: " + est_ci_text(x["estimate"], x["ci_low"], x["ci_high"], lang)
        for x in b.attrs.get("pre", [])
    )
    report.para(
        L.t("sens_s_bound", lang, ref=ref, delta=L.fmt_num(b["delta"].iloc[0], lang, 2), pre=pre or "–")
    )
    show = pd.DataFrame(
        {
            L.t("period", lang): [L.period_label(x, lang) for x in b["period"]],
            L.t("sens_col_m", lang): [L.fmt_num(m, lang, 1) for m in b["m"]],
            L.t("sens_col_effect_ref", lang): b["estimate"],
            L.t("sens_col_ci_wild", lang): [
                ci_text(a, c, lang) for a, c in zip(b["ci_low"], b["ci_high"], strict=True)
            ],
            L.t("sens_col_bound", lang): [
                ci_text(a, c, lang) for a, c in zip(b["bound_low"], b["bound_high"], strict=True)
            ],
        }
    )
    report.table(show, lang=lang, sortable=False, formats={L.t("sens_col_effect_ref", lang): "pp"})
    for per, g in b.groupby("period", sort=False):
        bd = g["breakdown_m"].iloc[0]
        for r in g.itertuples():
            report.record(
                f"trend_bound_{per}_m{str(r.m).replace('.', '_')}",
                r.estimate,
                ci_low=r.bound_low,
                ci_high=r.bound_high,
                delta=r.delta,
                k=r.k,
                breakdown_m=None if math.isinf(bd) else bd,  # NaN (few clusters) is recorded as null
            )
        if pd.isna(bd):
            continue
        key = (
            "sens_breakdown_none"
            if bd == 0
            else ("sens_breakdown_inf" if math.isinf(bd) else "sens_breakdown")
        )
        label = L.period_label(per, lang)
        text = L.t(key, lang, period=label[:1].upper() + label[1:], m=L.fmt_num(bd, lang, 1))
        report.para(text, css="ka-note")
    if s.bound_status == "few_clusters":
        report.para(L.t("sens_status_few_clusters", lang, detail=""), css="ka-caveat")


def method_notes(p: Prepared, *, lang: str | None = None) -> None:
    """What the sensitivity analyses assume and what they cannot show, as bullet points."""
    lang = lang or p.settings.lang
    report.heading(L.t("sens_sec_notes", lang), level=3)
    report.bullets([L.t(k, lang) for k in ("sens_note_rows", "sens_note_ri", "sens_note_bound")])
