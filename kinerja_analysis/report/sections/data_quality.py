"""Notebook 00 (data quality): each function shows one section of results computed by
:mod:`kinerja_analysis.analysis.diagnostics`, :mod:`~kinerja_analysis.analysis.compare` and the validator,
and records its key numbers. ``lang`` defaults to the report language, ``p.settings.lang``.
"""

from __future__ import annotations

import pandas as pd

from ... import labels as L
from ...analysis import compare, diagnostics
from ...analysis.prepare import Prepared
from ...ingest import validate
from .. import narrative
from .. import page as report
from ..charts import base as plots
from ..start import source_label


def summary_facts(p: Prepared, issues: pd.DataFrame | None = None) -> dict:
    """The counts the data-quality page's summary quotes: rows, OPDs, regions and years; the validator's
    errors and warnings (``issues`` of :func:`~kinerja_analysis.ingest.validate.validate_dataset`, run here
    when not given); rows without capaian; capaian at exactly 100 % (as
    :func:`~kinerja_analysis.analysis.diagnostics.share_at_100`); targets changed in APBD-P over the
    refocusing years (as :func:`~kinerja_analysis.analysis.diagnostics.share_revised_in`)."""
    k = p.kinerja
    if issues is None:
        issues = validate.validate_dataset(p.dataset, settings=p.settings)
    a = k["achievement"]
    ref = k[k["period"] == "refocusing"]
    rev = compare.share_revised(ref.assign(_all=1), by=["_all"])
    return {
        "n_rows": int(len(k)),
        "n_opds": int(len(k[["region_code", "opd"]].drop_duplicates())),
        "n_regions": int(k["region_code"].nunique()),
        "years": (int(k["year"].min()), int(k["year"].max())) if len(k) else (0, 0),
        "n_errors": int((issues["severity"] == "error").sum()),
        "n_warnings": int((issues["severity"] == "warning").sum()),
        "n_missing": int(a.isna().sum()),
        "n_with_capaian": int(a.notna().sum()),
        "n_at_100": int(((a - 100).abs() <= diagnostics.AT_100_TOL).sum()),
        "n_revised": int(round(float(rev["share"].iloc[0]) * int(rev["n"].iloc[0]))) if len(rev) else 0,
        "n_period_rows": int(len(ref)),
        "revised_years": p.settings.periods.refocusing,
    }


@report.batch()
def summary(p: Prepared, issues: pd.DataFrame | None = None, *, lang: str | None = None) -> None:
    """The page's opening findings: counts in boxes, then generated sentences with their numbers
    (:func:`summary_facts`, :func:`~kinerja_analysis.report.narrative.quality_reading`)."""
    lang = lang or p.settings.lang
    f = summary_facts(p, issues)
    report.heading(L.t("sec_summary", lang))

    def share(n, total):
        return L.fmt_pct(n / total, lang, ratio=True) if total else "–"

    report.keyfigures(
        [
            (narrative.count(f["n_rows"], lang), L.t("box_rows", lang)),
            (
                f"{narrative.count(f['n_errors'], lang)} · {narrative.count(f['n_warnings'], lang)}",
                L.t("box_issues", lang),
            ),
            (share(f["n_at_100"], f["n_with_capaian"]), L.t("box_at_100", lang)),
            (
                share(f["n_revised"], f["n_period_rows"]),
                L.t("box_revised", lang, years=narrative.years_label(f["revised_years"])),
            ),
        ]
    )
    report.bullets([narrative.unbroken(x) for x in narrative.quality_reading(f, lang)])
    report.record("n_at_100", f["n_at_100"], n_with_capaian=f["n_with_capaian"])
    report.record("n_targets_revised_refocusing", f["n_revised"], n_rows=f["n_period_rows"])


@report.batch()
def coverage(cov: pd.DataFrame, p: Prepared, *, lang: str | None = None) -> None:
    """Indicator rows per region and year (:func:`~kinerja_analysis.analysis.diagnostics.coverage`)."""
    lang = lang or p.settings.lang
    report.heading(L.t("sec_coverage", lang))
    wide = cov.copy()
    wide.insert(1, L.t("region", lang), wide["region_code"].map(p.dataset.region_name))
    report.table(
        L.headers(wide, lang), lang=lang, caption=L.t("n_indicators", lang) + " · " + L.t("year", lang)
    )
    report.record("n_indicator_rows", int(len(p.kinerja)))
    report.record("n_regions", int(p.kinerja["region_code"].nunique()))


@report.batch()
def validation_issues(issues: pd.DataFrame, p: Prepared, *, lang: str | None = None) -> None:
    """The validator's issues (:func:`~kinerja_analysis.ingest.validate.validate_dataset`): counts per check,
    then every error and warning with its file, sheet and row."""
    lang = lang or p.settings.lang
    report.heading(L.t("sec_issues", lang))
    n_err = int((issues["severity"] == "error").sum())
    n_warn = int((issues["severity"] == "warning").sum())
    report.para(
        L.t("s_no_issues", lang) if issues.empty else L.t("s_issues", lang, errors=n_err, warnings=n_warn)
    )
    if not issues.empty:
        counts = validate.summary(issues)  # one line per check, then every warning with file, sheet and row
        report.table(
            L.headers(
                counts.assign(
                    severity=L.translated(counts["severity"], "sev_", lang),
                    rule=[validate.rule_label(r, lang) for r in counts["rule"]],
                ),
                lang,
            ),
            lang=lang,
            caption=L.t("vr_by_rule", lang),
            formats={"n": "int"},
        )
        order = {"error": 0, "warning": 1, "info": 2}
        show = issues.assign(_o=issues["severity"].map(order)).sort_values(
            ["_o", "file", "row"], kind="stable"
        )
        show = show.drop(columns="_o").assign(
            severity=lambda d: L.translated(d["severity"], "sev_", lang),
            row=lambda d: [("" if pd.isna(r) else str(int(r))) for r in d["row"]],
        )
        if (
            lang != "en"
        ):  # the validator words its messages in English; use the rule's catalogue text where there is one
            show["message"] = [
                L.t(f"rule_{r}", lang) if f"rule_{r}" in L.TEXT else m
                for r, m in zip(show["rule"], show["message"], strict=False)
            ]
        if n_warn:
            report.para(L.t("vr_warnings_listed", lang))
        report.table(L.headers(show, lang), lang=lang, max_rows=300)
    report.record("n_errors", n_err)
    report.record("n_warnings", n_warn)


def flags(counts: pd.DataFrame, share_missing: float, p: Prepared, *, lang: str | None = None) -> None:
    """How often each flag occurs (:func:`~kinerja_analysis.analysis.diagnostics.flag_counts`), and the share
    of rows without capaian."""
    lang = lang or p.settings.lang
    report.heading(L.t("sec_missing", lang))
    show = pd.DataFrame(
        {
            L.t("flag", lang): L.translated(counts["flag"], "flag_", lang),
            L.t("count", lang): counts["n"],
            L.t("share_pct", lang): counts["share"],
        }
    )
    c = list(show.columns)
    report.table(show, lang=lang, formats={c[1]: "int", c[2]: "ratio_pct"})
    report.record("share_without_capaian", float(share_missing))


def polarity_mix(mix: pd.DataFrame, p: Prepared, *, lang: str | None = None) -> None:
    """Rows per polarity and formula used (:func:`~kinerja_analysis.analysis.diagnostics.polarity_mix`)."""
    lang = lang or p.settings.lang
    report.heading(L.t("sec_polarity", lang))
    show = pd.DataFrame(
        {
            L.t("polarity", lang): L.translated(mix["polarity"], "pol_", lang),
            L.t("formula", lang): L.translated(mix["formula_used"], "formula_", lang, "formula_none"),
            L.t("count", lang): mix["n"],
            L.t("share_pct", lang): mix["share"],
        }
    )
    c = list(show.columns)
    report.table(show, lang=lang, formats={c[2]: "int", c[3]: "ratio_pct"})


def ceiling(by_year: pd.DataFrame, overall: float, p: Prepared, *, lang: str | None = None) -> None:
    """Share of capaian at exactly 100 % per year (:func:`~kinerja_analysis.analysis.compare.share_at_ceiling`)
    and over all years (:func:`~kinerja_analysis.analysis.diagnostics.share_at_100`)."""
    lang = lang or p.settings.lang
    report.heading(L.t("sec_ceiling", lang))
    report.publish("share_at_100", by_year, title=L.t("fig_ceiling", lang))
    report.figure(
        plots.share_by_year(by_year, lang=lang, source=source_label(p, lang)),
        reading=L.t("read_ceiling", lang),
    )
    report.para(L.t("s_ceiling", lang, share=L.fmt_pct(overall, lang, ratio=True)))
    report.record("share_at_100", float(overall))


def revised_targets(
    by_year: pd.DataFrame, share_refocusing: float, p: Prepared, *, lang: str | None = None
) -> None:
    """Share of targets revised in APBD-P per year (:func:`~kinerja_analysis.analysis.compare.share_revised`)
    and over the refocusing years (:func:`~kinerja_analysis.analysis.diagnostics.share_revised_in`)."""
    lang = lang or p.settings.lang
    report.heading(L.t("sec_revised", lang))
    report.para(L.t("s_revised", lang, share=L.fmt_pct(share_refocusing, lang, ratio=True)))
    show = pd.DataFrame(
        {
            L.t("year", lang): by_year["year"],
            L.t("share_pct", lang): by_year["share"],
            L.t("count", lang): by_year["n"],
        }
    )
    c = list(show.columns)
    report.table(show, lang=lang, formats={c[1]: "ratio_pct", c[2]: "int"})
    report.record("share_targets_revised_refocusing", float(share_refocusing))


def crosswalk(cw: pd.DataFrame, p: Prepared, *, lang: str | None = None) -> None:
    """The renamed and merged OPDs (:func:`~kinerja_analysis.analysis.diagnostics.crosswalk_rows`)."""
    lang = lang or p.settings.lang
    report.heading(L.t("sec_crosswalk", lang))
    report.table(L.headers(cw, lang), lang=lang)


def model_dropouts(dropouts: pd.DataFrame, p: Prepared, *, lang: str | None = None) -> None:
    """OPDs with capaian but no cut share, who sit out the impact models, and why
    (:func:`~kinerja_analysis.analysis.diagnostics.model_dropouts`): a region without anggaran, an OPD
    without anggaran, or a pagu murni of zero."""
    lang = lang or p.settings.lang
    report.heading(L.t("dq_sec_dropouts", lang))
    report.record(
        "model_dropouts_n", len(dropouts), rows=int(dropouts["n_rows"].sum()) if len(dropouts) else 0
    )
    if dropouts.empty:
        report.para(L.t("dq_no_dropouts", lang))
        return
    report.publish("model_dropouts", dropouts, title=L.t("dq_sec_dropouts", lang))
    report.para(L.t("dq_dropouts", lang, n=len(dropouts), rows=int(dropouts["n_rows"].sum())))
    show = pd.DataFrame(
        {
            L.t("region", lang): dropouts["region_code"].map(p.dataset.region_name),
            L.t("opd", lang): dropouts["opd"],
            L.t("n_indicators", lang): dropouts["n_rows"],
            L.t("dq_col_reason", lang): [L.t(f"imp_drop_{r}", lang) for r in dropouts["reason"]],
        }
    )
    report.table(show, lang=lang, formats={L.t("n_indicators", lang): "int"})
