"""Report sections: each function computes one section's numbers, shows its heading, table, figure and
reading, records its key results, and returns the frame it showed (so analysts can explore further).

Notebooks are a list of these calls; everything here is testable without a kernel.
"""
from __future__ import annotations

import pandas as pd

from ...analysis import anggaran as ag
from ...analysis import compare
from ..charts import base as plots
from .. import page as report
from ... import labels as L
from ...analysis.prepare import Prepared
from ..start import scope_label, source_label

BAND_ORDER = ["sangat_baik", "baik", "cukup", "kurang", "sangat_kurang"]






# ---------------------------------------------------------------- budget
def budget_years(p: Prepared, lang: str = "en") -> pd.DataFrame:
    """Murni, perubahan and realisasi per year."""
    report.heading(L.t("sec_budget_years", lang))
    yearly = ag.summarise(p.anggaran, ["year"])
    report.publish("budget_by_year", yearly, title=L.t("fig_budget_years", lang))
    report.figure(plots.budget_by_year(yearly, lang=lang, source=source_label(p, lang)), reading=L.t("read_budget_years", lang))
    show = yearly.rename(columns={"year": L.t("year", lang), "budget_original": L.t("budget_original", lang) + " (" + L.t("rp_billion", lang) + ")",
                                  "budget_revised": L.t("budget_revised", lang) + " (" + L.t("rp_billion", lang) + ")",
                                  "spent": L.t("spent", lang) + " (" + L.t("rp_billion", lang) + ")",
                                  "cut_share": L.t("cut_share", lang), "absorption": L.t("absorption", lang)})
    cols = list(show.columns)
    report.table(show, lang=lang, formats={cols[1]: "rp", cols[2]: "rp", cols[3]: "rp", cols[4]: "ratio_pct", cols[5]: "ratio_pct"})
    ref = p.anggaran[p.anggaran["period"] == "refocusing"]
    total = ag.summarise(ref.assign(_all=1), ["_all"])
    report.record("total_cut_share_pct", float(total["cut_share"].iloc[0] * 100) if len(total) else None)
    report.record("total_cut_rp", float((total["budget_original"] - total["budget_revised"]).iloc[0]) if len(total) else None)
    return yearly


def cuts_by_type(p: Prepared, lang: str = "en") -> pd.DataFrame:
    """Cut share by spending type in the refocusing years."""
    report.heading(L.t("sec_budget_types", lang))
    years = p.settings.periods.years("refocusing")
    t = ag.summarise(p.anggaran[p.anggaran["year"].isin(years)], ["year", "spending_type"])
    report.publish("budget_by_type", t, title=L.t("fig_change_by_type", lang))
    report.figure(plots.change_by_type(t, lang=lang, source=source_label(p, lang)), reading=L.t("read_change_by_type", lang))
    both = ag.summarise(p.anggaran[p.anggaran["year"].isin(years)], ["spending_type"])
    for row in both.itertuples():
        report.record(f"cut_share_{row.spending_type}_pct", None if pd.isna(row.cut_share) else float(row.cut_share * 100))
    show = both.assign(spending_type=both["spending_type"].map(lambda s: L.spending_label(s, lang)))
    show = show.rename(columns={"spending_type": L.t("spending_type", lang),
                                "budget_original": L.t("budget_original", lang) + " (" + L.t("rp_billion", lang) + ")",
                                "budget_revised": L.t("budget_revised", lang) + " (" + L.t("rp_billion", lang) + ")",
                                "spent": L.t("spent", lang) + " (" + L.t("rp_billion", lang) + ")",
                                "cut_share": L.t("cut_share", lang), "absorption": L.t("absorption", lang)})
    c = list(show.columns)
    report.table(show, lang=lang, caption=f"{years[0]}–{years[-1]}",
                 formats={c[1]: "rp", c[2]: "rp", c[3]: "rp", c[4]: "ratio_pct", c[5]: "ratio_pct"})
    return t


def composition_shift(p: Prepared, lang: str = "en") -> pd.DataFrame:
    """Where the money went: change of each spending type's share from the last pre year to each refocusing year."""
    report.heading(L.t("sec_composition", lang))
    comp = ag.composition(p.anggaran, by=("year",))
    y0 = p.settings.periods.pre[1]
    y1 = p.settings.periods.refocusing[0]
    shift = ag.composition_shift(comp, y0, y1, by=())
    report.publish("composition_shift", shift, title=L.t("fig_shift", lang, y0=y0, y1=y1))
    report.figure(plots.composition_shift(shift, y0, y1, lang=lang, source=source_label(p, lang)), reading=L.t("read_shift", lang))
    return shift


def most_cut_opds(p: Prepared, lang: str = "en", n: int = 15) -> pd.DataFrame:
    """The OPDs cut most over the refocusing years, with their capaian change."""
    report.heading(L.t("sec_opd_cuts", lang) if not p.region else L.t("sec_most_cut", lang))
    change = compare.opd_period_change(p.kinerja, p.dose)
    d = p.dose.merge(change[["region_code", "opd", "pre", "refocusing", "post", "change_refocusing"]],
                     on=["region_code", "opd"], how="left")
    d["label"] = d["opd"] if p.region else d["region_code"] + " · " + d["opd"]
    report.publish("opd_cuts", d.drop(columns=["label"]), title=L.t("fig_opd_cuts", lang))
    report.figure(plots.opd_cuts(d, n=n, lang=lang, source=source_label(p, lang), label_col="label"),
                  reading=L.t("read_opd_cuts", lang))
    top = d.nlargest(n, "dose")
    show = pd.DataFrame({
        L.t("region", lang): top["region_code"], L.t("opd", lang): top["opd"],
        L.t("dose", lang): top["dose"] * 100,
        L.t("mean_achievement", lang) + " · " + L.t("period_pre", lang): top["pre"],
        L.t("mean_achievement", lang) + " · " + L.t("period_refocusing", lang): top["refocusing"],
        "Δ (" + L.t("pp", lang) + ")": top["change_refocusing"],
    })
    if p.region:
        show = show.drop(columns=[L.t("region", lang)])
    c = list(show.columns)
    report.table(show, lang=lang, formats={col: ("pp" if col.startswith("Δ") else "pct") for col in c if col not in (L.t("region", lang), L.t("opd", lang))})
    return d


# ---------------------------------------------------------------- capaian
def capaian_periods(p: Prepared, lang: str = "en", *, record_prefix: str = "") -> pd.DataFrame:
    """Mean capaian and share of targets met per period, with a yearly line."""
    report.heading(L.t("sec_period_means", lang) if not p.region else L.t("sec_capaian_periods", lang))
    pm = compare.period_means(p.kinerja)
    report.publish("capaian_by_period", pm, title=L.t("sec_period_means", lang))
    by_region = not p.region and p.kinerja["region_code"].nunique() > 1
    yearly = compare.yearly_means(p.kinerja, by=["region_code"] if by_region else [])
    if by_region:
        yearly["region"] = yearly["region_code"].map(p.dataset.region_name)
    report.figure(plots.capaian_by_year(yearly, lang=lang, source=source_label(p, lang), group_col="region" if by_region else None,
                                        refocusing=p.settings.periods.refocusing),
                  reading=L.t("read_capaian_years", lang))
    for row in pm.itertuples():
        report.record(f"{record_prefix}mean_capaian_{row.period}", float(row.mean))
        report.record(f"{record_prefix}met_share_{row.period}", float(row.met_share))
    show = pd.DataFrame({L.t("period", lang): pm["period"].map(lambda x: L.period_label(x, lang)),
                         L.t("mean_achievement", lang): pm["mean"], L.t("met_share", lang): pm["met_share"],
                         L.t("n_indicators", lang): pm["n"]})
    c = list(show.columns)
    report.table(show, lang=lang, formats={c[1]: "pct", c[2]: "ratio_pct", c[3]: "int"})
    return pm


def bands(p: Prepared, lang: str = "en") -> pd.DataFrame:
    report.heading(L.t("sec_bands", lang))
    bs = compare.band_shares(p.kinerja, by=["period"])
    report.publish("bands_by_period", bs, title=L.t("fig_bands", lang))
    order = [k for _, k in p.settings.bands]
    report.figure(plots.bands_by_period(bs, order, lang=lang, source=source_label(p, lang)), reading=L.t("read_bands", lang))
    return bs


def opd_capaian(p: Prepared, lang: str = "en") -> pd.DataFrame:
    """Mean capaian per OPD and period (a long, sortable table)."""
    report.heading(L.t("sec_opd_capaian", lang))
    ch = compare.opd_period_change(p.kinerja, p.dose)
    show = pd.DataFrame({L.t("region", lang): ch["region_code"], L.t("opd", lang): ch["opd"],
                         L.t("dose", lang): ch["dose"] * 100,
                         L.period_label("pre", lang): ch["pre"], L.period_label("refocusing", lang): ch["refocusing"],
                         L.period_label("post", lang): ch["post"],
                         "Δ " + L.period_label("refocusing", lang) + " (" + L.t("pp", lang) + ")": ch["change_refocusing"]})
    c = list(show.columns)
    report.table(show, lang=lang, sortable=True, formats={col: "pct" for col in c[2:6]} | {c[6]: "pp"})
    return ch


# ---------------------------------------------------------------- data quality
def coverage(p: Prepared, lang: str = "en") -> pd.DataFrame:
    report.heading(L.t("sec_coverage", lang))
    k = p.kinerja
    cov = k.groupby(["region_code", "year"]).agg(opd=("opd", "nunique"), indicators=("indicator_id", "size"),
                                                 with_capaian=("achievement", "count")).reset_index()
    wide = cov.pivot_table(index="region_code", columns="year", values="indicators", aggfunc="sum").reset_index()
    wide.columns = [str(c) for c in wide.columns]
    wide.insert(1, L.t("region", lang), wide["region_code"].map(p.dataset.region_name))
    wide.insert(2, L.t("n_opd", lang), wide["region_code"].map(k.groupby("region_code")["opd"].nunique()))
    report.table(L.headers(wide, lang), lang=lang,
                 caption=L.t("n_indicators", lang) + " · " + L.t("year", lang))
    report.record("n_indicator_rows", int(len(k)))
    report.record("n_regions", int(k["region_code"].nunique()))
    return cov


def flags(p: Prepared, lang: str = "en") -> pd.DataFrame:
    report.heading(L.t("sec_missing", lang))
    f = p.kinerja["flag"].fillna("").str.split(";").explode()
    f = f[f.ne("")]
    counts = f.value_counts().rename_axis("flag").reset_index(name="n")
    counts["share"] = counts["n"] / len(p.kinerja)
    show = pd.DataFrame({L.t("flag", lang): L.translated(counts["flag"], "flag_", lang), L.t("count", lang): counts["n"],
                         L.t("share_pct", lang): counts["share"]})
    c = list(show.columns)
    report.table(show, lang=lang, formats={c[1]: "int", c[2]: "ratio_pct"})
    report.record("share_without_capaian", float(p.kinerja["achievement"].isna().mean()))
    return counts


def polarity_mix(p: Prepared, lang: str = "en") -> pd.DataFrame:
    report.heading(L.t("sec_polarity", lang))
    mix = p.kinerja.groupby(["polarity", "formula_used"], dropna=False).size().rename("n").reset_index()
    mix["share"] = mix["n"] / mix["n"].sum()
    show = pd.DataFrame({L.t("polarity", lang): L.translated(mix["polarity"], "pol_", lang),
                         L.t("formula", lang): L.translated(mix["formula_used"], "formula_", lang, "formula_none"),
                         L.t("count", lang): mix["n"], L.t("share_pct", lang): mix["share"]})
    c = list(show.columns)
    report.table(show, lang=lang, formats={c[2]: "int", c[3]: "ratio_pct"})
    return mix


def ceiling(p: Prepared, lang: str = "en") -> pd.DataFrame:
    report.heading(L.t("sec_ceiling", lang))
    s = compare.share_at_ceiling(p.kinerja)
    report.publish("share_at_100", s, title=L.t("fig_ceiling", lang))
    report.figure(plots.share_by_year(s, lang=lang, source=source_label(p, lang)), reading=L.t("read_ceiling", lang))
    overall = float(((p.kinerja["achievement"] - 100).abs() < 1e-9)[p.kinerja["achievement"].notna()].mean())
    report.para(L.t("s_ceiling", lang, share=L.fmt_pct(overall, lang, ratio=True)))
    report.record("share_at_100", overall)
    return s


def revised_targets(p: Prepared, lang: str = "en") -> pd.DataFrame:
    report.heading(L.t("sec_revised", lang))
    s = compare.share_revised(p.kinerja)
    ref = p.kinerja[p.kinerja["period"] == "refocusing"]
    share = float(compare.share_revised(ref.assign(_all=1), by=["_all"])["share"].iloc[0]) if len(ref) else float("nan")
    report.para(L.t("s_revised", lang, share=L.fmt_pct(share, lang, ratio=True)))
    show = pd.DataFrame({L.t("year", lang): s["year"], L.t("share_pct", lang): s["share"], L.t("count", lang): s["n"]})
    c = list(show.columns)
    report.table(show, lang=lang, formats={c[1]: "ratio_pct", c[2]: "int"})
    report.record("share_targets_revised_refocusing", share)
    return s


def validation_issues(p: Prepared, lang: str = "en") -> pd.DataFrame:
    from ...ingest import validate

    report.heading(L.t("sec_issues", lang))
    issues = validate.validate_dataset(p.dataset, settings=p.settings)
    n_err = int((issues["severity"] == "error").sum())
    n_warn = int((issues["severity"] == "warning").sum())
    report.para(L.t("s_no_issues", lang) if issues.empty else L.t("s_issues", lang, errors=n_err, warnings=n_warn))
    if not issues.empty:
        counts = validate.summary(issues)  # one line per check, then every warning with file, sheet and row
        report.table(L.headers(counts.assign(severity=L.translated(counts["severity"], "sev_", lang),
                                            rule=[validate.rule_label(r, lang) for r in counts["rule"]]), lang),
                     lang=lang, caption=L.t("vr_by_rule", lang), formats={"n": "int"})
        order = {"error": 0, "warning": 1, "info": 2}
        show = issues.assign(_o=issues["severity"].map(order)).sort_values(["_o", "file", "row"], kind="stable")
        show = show.drop(columns="_o").assign(severity=lambda d: L.translated(d["severity"], "sev_", lang),
                                              row=lambda d: [("" if pd.isna(r) else str(int(r))) for r in d["row"]])
        if lang != "en":  # the validator words its messages in English; use the rule's catalogue text where there is one
            show["message"] = [L.t(f"rule_{r}", lang) if f"rule_{r}" in L.TEXT else m
                               for r, m in zip(show["rule"], show["message"])]
        if n_warn:
            report.para(L.t("vr_warnings_listed", lang))
        report.table(L.headers(show, lang), lang=lang, max_rows=300)
    report.record("n_errors", n_err)
    report.record("n_warnings", n_warn)
    return issues


def crosswalk(p: Prepared, lang: str = "en") -> pd.DataFrame:
    cw = p.dataset.crosswalk
    report.heading(L.t("sec_crosswalk", lang))
    if p.region:
        cw = cw[cw["region_code"] == p.region]
    cols = [c for c in ("region_code", "opd_old", "opd_new", "year_effective", "note") if c in cw.columns]
    report.table(L.headers(cw[cols], lang), lang=lang)
    return cw


# ---------------------------------------------------------------- region story
def key_figures(p: Prepared, lang: str = "en") -> dict:
    """The region report's summary boxes and the generated plain-language reading."""
    from .. import narrative

    facts = narrative.region_facts(p)
    report.heading(L.t("sec_summary", lang))
    boxes = [(L.fmt_pct(facts["cut_share"], lang, ratio=True), L.t("cut_share", lang).replace(" (%)", "") + " 2020–21"),
             (L.fmt_pct(facts["capaian"].get("pre"), lang), L.t("mean_achievement", lang).replace(" (%)", "") + " · " + L.period_label("pre", lang)),
             (L.fmt_pct(facts["capaian"].get("refocusing"), lang), L.period_label("refocusing", lang)),
             (L.fmt_pct(facts["capaian"].get("post"), lang), L.period_label("post", lang))]
    report.keyfigures(boxes)
    for sentence in narrative.region_reading(facts, lang):
        report.para(sentence)
    report.para(L.t("s_descriptive", lang), css="ka-caveat")
    return facts


def notes(p: Prepared, lang: str = "en") -> None:
    report.heading(L.t("sec_notes", lang))
    report.bullets([L.t("note_djpk", lang), L.t("s_descriptive", lang)])


