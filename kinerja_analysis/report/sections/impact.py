"""Report sections of the impact notebook (03) and of the impact, peer and efficiency parts of the region
report (04). :func:`estimate` runs every model once; each section shows, records and returns its part.

Across regions, CIs resample (and standard errors cluster on) regions; within one region, OPDs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...analysis import compare, efficiency, impact, peers
from ..charts import impact as plots_impact
from .. import page as report
from ... import labels as L
from ...analysis import panel as P
from ...analysis.prepare import Prepared
from ..start import scope_label, source_label

#: robustness outcomes, in display order, and the result-key stem of each
ROBUST_KEYS = {"achievement": "", "capped": "capped_", "met": "met_", "achievement_original": "original_target_"}


@dataclass
class ImpactResults:
    """Everything the impact sections show, computed once by :func:`estimate`."""

    cluster: str
    panel: pd.DataFrame
    did: pd.DataFrame
    event: pd.DataFrame
    robust: pd.DataFrame
    revision: pd.DataFrame
    differences: pd.DataFrame
    terciles: pd.DataFrame
    bins: pd.DataFrame
    points: pd.DataFrame
    extra: dict = field(default_factory=dict)


def estimate(p: Prepared, *, full: bool = True, n_resamples: int | None = None) -> ImpactResults:
    """Build the panel and run every impact model of the report (across regions, or within ``p.region``).

    ``full=False`` runs only what the region report shows (DiD and dose–response).
    """
    s = p.settings
    cluster = "opd" if p.region or p.kinerja["region_code"].nunique() < 2 else "region"
    pan = P.build(p.kinerja, p.dose, periods=s.periods)
    n_boot = n_resamples or s.n_bootstrap
    bins, points = impact.dose_response(pan)
    out = ImpactResults(cluster=cluster, panel=pan, did=impact.did(pan, cluster=cluster, periods=s.periods),
                        event=pd.DataFrame(), robust=pd.DataFrame(), revision=pd.DataFrame(),
                        differences=pd.DataFrame(), terciles=pd.DataFrame(), bins=bins, points=points)
    if full:
        out.event = impact.event_study(pan, cluster=cluster, periods=s.periods, seed=s.seed)
        out.robust = impact.robustness(pan, cluster=cluster, periods=s.periods)
        if pan["revised"].notna().any() and pan["revised"].gt(0).any():
            out.revision = impact.did(pan, outcome="revised", cluster=cluster, periods=s.periods)
        out.differences = compare.period_differences(p.kinerja, cluster=cluster, n_resamples=n_boot, seed=s.seed)
        out.terciles = compare.tercile_comparison(p.kinerja, p.dose, cluster=cluster, n_resamples=n_boot, seed=s.seed)
    return out


# ---------------------------------------------------------------- helpers
def _ci(lo, hi, lang) -> str:
    return L.t("imp_ci_range", lang, lo=L.fmt_pp(lo, lang), hi=L.fmt_pp(hi, lang))


def _est_ci(est, lo, hi, lang) -> str:
    return L.t("imp_est_ci", lang, est=L.fmt_pp(est, lang), lo=L.fmt_pp(lo, lang), hi=L.fmt_pp(hi, lang))


def _term(df: pd.DataFrame, term: str, outcome: str = "achievement") -> pd.Series:
    return df[(df["term"] == term) & (df["outcome"] == outcome)].iloc[0]


def _record_est(key: str, row: pd.Series) -> None:
    report.record(key, row["estimate"], ci_low=row["ci_low"], ci_high=row["ci_high"], se=row.get("se"),
                  ci_low_cr3=row.get("ci_low_cr3"), ci_high_cr3=row.get("ci_high_cr3"),
                  n_clusters=row.get("n_clusters"))


def _p(v, lang) -> str:
    return "< " + L.fmt_num(0.001, lang, 3) if v < 0.001 else L.fmt_num(v, lang, 3)


def _cluster_word(r: ImpactResults, lang: str) -> str:
    return L.t("imp_cluster_region" if r.cluster == "region" else "imp_cluster_opd", lang)


# ---------------------------------------------------------------- notebook 03
def summary(p: Prepared, r: ImpactResults, lang: str = "en") -> None:
    """Key numbers in boxes and one paragraph, with the main caveat."""
    report.heading(L.t("sec_summary", lang))
    a, b = _term(r.did, "treat_refocusing"), _term(r.did, "treat_post")
    crude = r.terciles.set_index(["tercile", "quantity"]).loc[("T3-T1", "crude_did_refocusing")]
    report.keyfigures([
        (L.fmt_pp(a["estimate"], lang) + " " + L.t("pp", lang), L.t("imp_box_did_ref", lang)),
        (L.fmt_pp(b["estimate"], lang) + " " + L.t("pp", lang), L.t("imp_box_did_post", lang)),
        (L.fmt_pp(crude["estimate"], lang) + " " + L.t("pp", lang), L.t("imp_box_crude", lang)),
    ])
    report.para(L.t("imp_s_summary", lang, scope=scope_label(p, lang), ref=_est_ci(a["estimate"], a["ci_low"], a["ci_high"], lang),
                    post=_est_ci(b["estimate"], b["ci_low"], b["ci_high"], lang), g=int(a["n_clusters"]),
                    cluster=_cluster_word(r, lang)))
    clear = a["ci_low"] > 0 or a["ci_high"] < 0
    report.para(L.t("imp_s_not_causal" if clear else "imp_s_no_evidence", lang), css="ka-caveat")


def before_after(p: Prepared, r: ImpactResults, lang: str = "en", *, record_prefix: str = "") -> pd.DataFrame:
    """Means per period and the differences with cluster-bootstrap CIs (capaian and share of targets met)."""
    report.heading(L.t("imp_sec_before_after", lang))
    d = r.differences
    report.publish("period_differences", d, title=L.t("imp_sec_before_after", lang))
    rows = []
    for outcome, name in (("achievement", L.t("mean_achievement", lang)), ("met", L.t("met_share", lang))):
        g = d[d["outcome"] == outcome].set_index("quantity")
        for q in ("mean_pre", "mean_refocusing", "mean_post", "diff_refocusing", "diff_post"):
            x = g.loc[q]
            rows.append({L.t("imp_col_measure", lang): name, L.t("imp_col_quantity", lang): L.t(f"imp_q_{q}", lang),
                         L.t("imp_col_estimate", lang): x["estimate"],
                         L.t("imp_col_ci", lang): _ci(x["ci_low"], x["ci_high"], lang) if q.startswith("diff") else
                         L.t("imp_ci_range", lang, lo=L.fmt_num(x["ci_low"], lang), hi=L.fmt_num(x["ci_high"], lang))})
            if q.startswith("diff"):
                stem = "capaian" if outcome == "achievement" else "met_share"
                report.record(f"{record_prefix}diff_{stem}_{q[5:]}_vs_pre", x["estimate"], ci_low=x["ci_low"], ci_high=x["ci_high"])
    show = pd.DataFrame(rows)
    report.table(show, lang=lang, formats={L.t("imp_col_estimate", lang): "num1"})
    report.para(L.t("imp_s_bootstrap", lang, g=int(d["n_clusters"].iloc[0]), cluster=_cluster_word(r, lang)), css="ka-note")
    return d


def terciles(p: Prepared, r: ImpactResults, lang: str = "en") -> pd.DataFrame:
    """Capaian per year for the least-, middle- and most-cut thirds of OPDs, and the crude DiD T3 − T1."""
    report.heading(L.t("imp_sec_terciles", lang))
    terc = compare.dose_terciles(p.dose)
    k = p.kinerja.merge(terc[["region_code", "opd", "tercile"]], on=["region_code", "opd"], how="inner")
    yearly = compare.yearly_means(k, by=["tercile"])
    report.publish("capaian_by_tercile_year", yearly, title=L.t("imp_fig_terciles", lang))
    t = r.terciles.set_index(["tercile", "quantity"])
    fmt = {f"{x}_{y}": L.fmt_pp(t.loc[(x, f"change_{y}"), "estimate"], lang) for x in ("T1", "T3") for y in ("refocusing", "post")}
    reading = L.t("imp_read_terciles", lang, d3=L.fmt_num(t.loc[("T3", "mean_pre"), "dose_mean"] * 100, lang, 0),
                  d1=L.fmt_num(t.loc[("T1", "mean_pre"), "dose_mean"] * 100, lang, 0), **fmt)
    report.figure(plots_impact.tercile_years(yearly, lang=lang, source=source_label(p, lang), refocusing=p.settings.periods.refocusing),
                  reading=reading)
    rows = []
    for per in ("refocusing", "post"):
        row = {L.t("period", lang): L.period_label(per, lang)}
        for x in ("T1", "T2", "T3"):
            row[L.t(f"imp_col_{x.lower()}", lang)] = t.loc[(x, f"change_{per}"), "estimate"]
        c = t.loc[("T3-T1", f"crude_did_{per}")]
        row[L.t("imp_col_crude", lang)] = c["estimate"]
        row[L.t("imp_col_ci", lang)] = _ci(c["ci_low"], c["ci_high"], lang)
        rows.append(row)
        report.record(f"crude_did_{per}_t3_minus_t1", c["estimate"], ci_low=c["ci_low"], ci_high=c["ci_high"])
        for x in ("T1", "T2", "T3"):
            e = t.loc[(x, f"change_{per}")]
            report.record(f"change_{per}_{x.lower()}", e["estimate"], ci_low=e["ci_low"], ci_high=e["ci_high"],
                          dose_mean_pct=float(e["dose_mean"] * 100))
    show = pd.DataFrame(rows)
    report.table(show, lang=lang, caption=L.t("imp_cap_terciles", lang),
                 formats={c: "pp" for c in show.columns[1:-1]})
    return r.terciles


def dose_response(p: Prepared, r: ImpactResults, lang: str = "en") -> pd.DataFrame:
    """Binned scatter of cut share against the change in capaian, with the OPDs behind it."""
    report.heading(L.t("imp_sec_dose_response", lang))
    b = r.bins[r.bins["period"] == "refocusing"].sort_values("bin")
    report.publish("dose_response_bins", r.bins, title=L.t("imp_fig_dose_response", lang))
    report.publish("dose_response_opd", r.points, title=L.t("imp_fig_dose_response", lang))
    lo, hi = b.iloc[0], b.iloc[-1]
    reading = L.t("imp_read_dose", lang, c1=L.fmt_pp(lo["change"], lang), d1=L.fmt_num(lo["dose_mean"], lang, 0),
                  c5=L.fmt_pp(hi["change"], lang), d5=L.fmt_num(hi["dose_mean"], lang, 0))
    report.figure(plots_impact.dose_response(r.bins, r.points, lang=lang, source=source_label(p, lang)), reading=reading)
    return r.bins


def did(p: Prepared, r: ImpactResults, lang: str = "en", *, record_prefix: str = "") -> pd.DataFrame:
    """The continuous-dose DiD: table with CR1 and CR3 intervals; records the headline numbers."""
    report.heading(L.t("imp_sec_did", lang))
    report.para(L.t("imp_s_did_model", lang, cluster=_cluster_word(r, lang)))
    rows = []
    for term, per in (("treat_refocusing", "refocusing"), ("treat_post", "post")):
        x = _term(r.did, term)
        _record_est(f"{record_prefix}did_{per}_per_10pp", x)
        rows.append({L.t("period", lang): L.period_label(per, lang), L.t("imp_col_effect", lang): x["estimate"],
                     L.t("imp_col_ci", lang): _ci(x["ci_low"], x["ci_high"], lang),
                     L.t("imp_col_ci_cr3", lang): _ci(x["ci_low_cr3"], x["ci_high_cr3"], lang),
                     L.t("imp_col_p", lang): _p(x["p_value"], lang)})
    show = pd.DataFrame(rows)
    x = r.did.iloc[0]
    report.table(show, lang=lang, formats={L.t("imp_col_effect", lang): "pp"},
                 caption=L.t("imp_cap_did", lang, n=L.fmt_num(x["n_obs"], lang, 0), g=int(x["n_clusters"]),
                             cluster=_cluster_word(r, lang)))
    report.publish("did", r.did, title=L.t("imp_sec_did", lang))
    return r.did


def event_study(p: Prepared, r: ImpactResults, lang: str = "en", *, record_prefix: str = "") -> pd.DataFrame:
    """Event-study coefficients (reference year at 0) with pointwise and simultaneous bands."""
    report.heading(L.t("imp_sec_event", lang))
    es = r.event
    report.publish("event_study", es, title=L.t("imp_fig_event_study", lang))
    ref_year = p.settings.periods.reference_year
    est = es[~es["reference"]].set_index("year")
    first_ref = p.settings.periods.refocusing[0]
    last = int(est.index.max())
    pre = [y for y in est.index if y < ref_year]
    reading = L.t("imp_read_event", lang, y1=first_ref, e1=L.fmt_pp(est.at[first_ref, "estimate"], lang), ylast=last,
                  elast=L.fmt_pp(est.at[last, "estimate"], lang), ref=ref_year,
                  ypre=pre[0] if pre else "–", epre=L.fmt_pp(est.at[pre[0], "estimate"], lang) if pre else "–")
    report.figure(plots_impact.event_study(es, lang=lang, source=source_label(p, lang), refocusing=p.settings.periods.refocusing),
                  reading=reading)
    for row in es.itertuples():
        if row.reference:
            report.record(f"{record_prefix}es_{row.year}", 0.0, reference=True)
        else:
            report.record(f"{record_prefix}es_{row.year}", row.estimate, ci_low=row.ci_low, ci_high=row.ci_high,
                          sim_low=row.sim_low, sim_high=row.sim_high)
    report.para(L.t("imp_s_pretrend", lang, n=len(pre) + 1), css="ka-caveat")
    return es


def checks(p: Prepared, r: ImpactResults, lang: str = "en") -> pd.DataFrame:
    """Diagnostics as a table of checks, then the detail behind each: ceiling, target revision, continuity."""
    report.heading(L.t("imp_sec_checks", lang))
    main = _term(r.did, "treat_refocusing")
    rob = r.robust[r.robust["term"] == "treat_refocusing"].set_index("outcome")
    at100 = float(((p.kinerja["achievement"] - 100).abs() <= 1e-9)[p.kinerja["achievement"].notna()].mean())
    ref = p.kinerja[p.kinerja["period"] == "refocusing"]
    revised = float(compare.share_revised(ref.assign(_a=1), by=["_a"])["share"].iloc[0]) if len(ref) else np.nan
    mapped, counts = impact.continuity(p.kinerja, p.dataset.crosswalk, year_from=p.settings.periods.refocusing[0],
                                       year_to=p.settings.periods.refocusing[0] + 1)
    if p.region:
        mapped = mapped[mapped["region_code"] == p.region]
    pre = r.event[(r.event["year"] < p.settings.periods.reference_year)]
    g = int(main["n_clusters"])
    capped = rob.loc["capped"] if "capped" in rob.index else None
    orig = rob.loc["achievement_original"] if "achievement_original" in rob.index else None
    rev = _term(r.revision, "treat_refocusing", "revised") if len(r.revision) else None
    checks_rows = [
        ("imp_chk_clusters", g < 30, L.t("imp_chk_clusters_r", lang, g=g, cluster=_cluster_word(r, lang),
                                          cr1=_ci(main["ci_low"], main["ci_high"], lang), cr3=_ci(main["ci_low_cr3"], main["ci_high_cr3"], lang))),
        ("imp_chk_pretrend", True, L.t("imp_chk_pretrend_r", lang, n=len(pre) + 1,
                                         est=_est_ci(pre["estimate"].iloc[0], pre["ci_low"].iloc[0], pre["ci_high"].iloc[0], lang) if len(pre) else "–")),
        ("imp_chk_ceiling", capped is not None and abs(capped["estimate"]) < abs(main["estimate"]),
         L.t("imp_chk_ceiling_r", lang, share=L.fmt_pct(at100, lang, ratio=True), main=L.fmt_pp(main["estimate"], lang),
             capped=L.fmt_pp(capped["estimate"], lang) if capped is not None else "–",
             met=L.fmt_pp(rob.loc["met", "estimate"], lang) if "met" in rob.index else "–")),
        ("imp_chk_revision", rev is not None and rev["ci_low"] > 0,
         L.t("imp_chk_revision_r", lang, share=L.fmt_pct(revised, lang, ratio=True),
             rev=_est_ci(rev["estimate"], rev["ci_low"], rev["ci_high"], lang) if rev is not None else "–",
             orig=L.fmt_pp(orig["estimate"], lang) if orig is not None else "–", main=L.fmt_pp(main["estimate"], lang))),
        ("imp_chk_continuity", bool(len(mapped)) and not mapped["mapped"].all(),
         L.t("imp_chk_continuity_r", lang, n=len(mapped), mapped=int(mapped["mapped"].sum()) if len(mapped) else 0,
             cont=counts["continuing"], total=counts["units_from"], ended=counts["ended"], new=counts["new"])),
    ]
    show = pd.DataFrame({L.t("imp_col_check", lang): [L.t(k, lang) for k, _, _ in checks_rows],
                         L.t("imp_col_status", lang): [L.t("imp_status_caution" if c else "imp_status_ok", lang) for _, c, _ in checks_rows],
                         L.t("imp_col_result", lang): [txt for _, _, txt in checks_rows]})
    report.table(show, lang=lang, sortable=False)
    report.record("share_at_100", at100)
    report.record("share_targets_revised_refocusing", revised)
    report.record("continuity_opd_names_changed", int(len(mapped)), mapped=int(mapped["mapped"].sum()) if len(mapped) else 0)
    report.record("continuity_units_ended", counts["ended"], continuing=counts["continuing"], new=counts["new"])

    # the ceiling, in detail
    report.heading(L.t("imp_sec_ceiling", lang), level=3)
    ct = impact.ceiling_by_tercile(r.panel, p.dose)
    report.publish("ceiling_by_tercile", ct, title=L.t("imp_fig_ceiling_terciles", lang))
    ref_share = ct[ct["year"].isin(p.settings.periods.years("refocusing"))]
    reading = L.t("imp_read_ceiling", lang, lo=L.fmt_pct(ct["share"].min(), lang, ratio=True),
                  hi=L.fmt_pct(ct["share"].max(), lang, ratio=True),
                  t3=L.fmt_pct(ref_share[ref_share["tercile"] == "T3"]["share"].mean(), lang, ratio=True),
                  t1=L.fmt_pct(ref_share[ref_share["tercile"] == "T1"]["share"].mean(), lang, ratio=True))
    report.figure(plots_impact.ceiling_terciles(ct, lang=lang, source=source_label(p, lang)), reading=reading)
    _robust_table(r, lang)
    if rev is not None:
        report.record("revision_per_10pp", rev["estimate"], ci_low=rev["ci_low"], ci_high=rev["ci_high"])
        report.para(L.t("imp_s_revision", lang, rev=_est_ci(rev["estimate"], rev["ci_low"], rev["ci_high"], lang)))

    # nomenclature continuity, in detail
    report.heading(L.t("imp_sec_continuity", lang), level=3)
    if len(mapped):
        report.table(mapped.assign(mapped=mapped["mapped"].map({True: L.t("imp_yes", lang), False: L.t("imp_no", lang)}))
                     .rename(columns={"region_code": L.t("region", lang), "opd_from": L.t("imp_col_opd_from", lang),
                                      "opd_to": L.t("imp_col_opd_to", lang), "n_indicators": L.t("imp_col_n_ind", lang),
                                      "mapped": L.t("imp_col_mapped", lang)}), lang=lang)
    report.para(L.t("imp_s_continuity", lang, cont=counts["continuing"], total=counts["units_from"]))
    return show


def _robust_table(r: ImpactResults, lang: str) -> None:
    rows = []
    for outcome, stem in ROBUST_KEYS.items():
        sub = r.robust[r.robust["outcome"] == outcome].set_index("term")
        if sub.empty:
            continue
        row = {L.t("imp_col_outcome", lang): L.t(f"imp_out_{outcome}", lang)}
        for term, per in (("treat_refocusing", "refocusing"), ("treat_post", "post")):
            x = sub.loc[term]
            row[L.period_label(per, lang)] = _est_ci(x["estimate"], x["ci_low"], x["ci_high"], lang)
            if stem:
                _record_est(f"did_{per}_{stem}per_10pp", x)
        rows.append(row)
    report.table(pd.DataFrame(rows), lang=lang, caption=L.t("imp_cap_robust", lang), sortable=False)


def method_notes(p: Prepared, lang: str = "en") -> None:
    report.heading(L.t("sec_notes", lang))
    report.bullets([L.t(k, lang) for k in ("imp_note_unit", "imp_note_dose", "imp_note_se", "imp_note_pretrend",
                                           "imp_note_ceiling", "imp_note_revision", "imp_note_shortcut")])


# ---------------------------------------------------------------- region report (04)
def region_impact(p: Prepared, r: ImpactResults, lang: str = "en") -> pd.DataFrame:
    """Within one region: did its more-cut OPDs do worse? Dose–response figure and the DiD across its OPDs."""
    report.heading(L.t("imp_sec_region_impact", lang))
    a, b = _term(r.did, "treat_refocusing"), _term(r.did, "treat_post")
    _record_est("region_did_refocusing_per_10pp", a)
    _record_est("region_did_post_per_10pp", b)
    report.para(L.t("imp_s_region_did", lang, n=int(a["n_clusters"]), ref=_est_ci(a["estimate"], a["ci_low"], a["ci_high"], lang),
                    post=_est_ci(b["estimate"], b["ci_low"], b["ci_high"], lang)))
    bins = r.bins[r.bins["period"] == "refocusing"].sort_values("bin")
    lo, hi = bins.iloc[0], bins.iloc[-1]
    reading = L.t("imp_read_dose", lang, c1=L.fmt_pp(lo["change"], lang), d1=L.fmt_num(lo["dose_mean"], lang, 0),
                  c5=L.fmt_pp(hi["change"], lang), d5=L.fmt_num(hi["dose_mean"], lang, 0))
    report.publish("dose_response_opd", r.points, title=L.t("imp_fig_dose_response", lang))
    report.figure(plots_impact.dose_response(r.bins, r.points, lang=lang, source=source_label(p, lang)), reading=reading)
    report.para(L.t("imp_s_region_caveat", lang), css="ka-caveat")
    return r.did


def peer_comparison(p: Prepared, lang: str = "en") -> pd.DataFrame:
    """The region beside the mean and range of the other regions in the data."""
    from ...analysis import prepare as data

    report.heading(L.t("imp_sec_peers", lang))
    everyone = data.load(p.dataset.folder, settings=p.settings)
    national = peers.national_row(p.dataset.regions)
    k = everyone.kinerja
    m = peers.region_measures(k, everyone.anggaran, everyone.dose, periods=p.settings.periods)
    nat = m.loc[national[0]] if national and national[0] in m.index else None
    m = m.drop(index=[c for c in national if c in m.index])
    if len(m) < 2:
        report.para(L.t("imp_s_no_peers", lang))
        return m
    table = peers.peer_table(m, p.region, national=nat)
    report.publish("peer_comparison", table, title=L.t("imp_sec_peers", lang))
    yearly = compare.yearly_means(k[k["region_code"].isin(m.index)], by=["region_code"])
    own = yearly[yearly["region_code"] == p.region]
    py = (yearly[yearly["region_code"] != p.region].groupby("year")["mean"].agg(["mean", "min", "max"]).reset_index())
    refy = p.settings.periods.years("refocusing")
    row = table.set_index("measure")
    reading = L.t("imp_read_peers", lang, region=p.region_name, n=len(m) - 1,
                  v=L.fmt_pct(row.at["mean_capaian_refocusing", "value"], lang),
                  pm=L.fmt_pct(row.at["mean_capaian_refocusing", "peer_mean"], lang), y0=refy[0], y1=refy[-1])
    report.figure(plots_impact.peer_years(own, py, region_label=p.region_name, lang=lang, source=source_label(p, lang),
                                          refocusing=p.settings.periods.refocusing), reading=reading)
    show = pd.DataFrame({
        L.t("imp_col_measure", lang): [L.t(f"imp_m_{x}", lang) for x in table["measure"]],
        L.t("imp_col_this_region", lang): table["value"], L.t("imp_col_peer_mean", lang): table["peer_mean"],
        L.t("imp_col_peer_range", lang): [L.t("imp_ci_range", lang, lo=L.fmt_num(a, lang, 1), hi=L.fmt_num(b, lang, 1))
                                           for a, b in zip(table["peer_min"], table["peer_max"])],
        L.t("imp_col_rank", lang): [L.t("imp_rank", lang, r=int(x), n=int(n)) if pd.notna(x) else "–"
                                     for x, n in zip(table["rank"], table["n_regions"])]})
    if nat is not None:
        show.insert(3, L.t("imp_col_national", lang), table["national"])
    report.table(show, lang=lang, sortable=False, formats={L.t("imp_col_this_region", lang): "num1",
                                                           L.t("imp_col_peer_mean", lang): "num1"})
    report.para(L.t("imp_s_peers_note", lang) + ("" if nat is not None else " " + L.t("imp_s_no_national", lang)), css="ka-note")
    for x in table.itertuples():
        report.record(f"peer_{x.measure}", x.value, peer_mean=x.peer_mean, peer_min=x.peer_min, peer_max=x.peer_max,
                      rank=x.rank, n_regions=x.n_regions)
    return table


def efficiency_section(p: Prepared, lang: str = "en") -> pd.DataFrame:
    """Capaian against serapan per OPD in the refocusing years, as a quadrant chart and a table."""
    report.heading(L.t("imp_sec_efficiency", lang))
    years = p.settings.periods.years("refocusing")
    eff = efficiency.opd_efficiency(p.kinerja, p.anggaran, years=years)
    q, c, s = efficiency.quadrants(eff)
    report.publish("efficiency", q, title=L.t("imp_fig_efficiency", lang))
    counts = q["quadrant"].value_counts()
    reading = L.t("imp_read_efficiency", lang, y0=years[0], y1=years[-1], c=L.fmt_pct(c, lang), s=L.fmt_pct(s * 100, lang),
                  n_eff=int(counts.get("high_capaian_low_serapan", 0)), n_bad=int(counts.get("low_capaian_high_serapan", 0)))
    label = "opd" if p.region else "label"
    if not p.region:
        q = q.assign(label=q["region_code"] + " · " + q["opd"])
    report.figure(plots_impact.efficiency_quadrants(q, c, s, lang=lang, source=source_label(p, lang), label_col=label), reading=reading)
    show = pd.DataFrame({L.t("opd", lang): q["opd"], L.t("imp_col_capaian_short", lang): q["capaian"],
                         L.t("imp_col_serapan_short", lang): q["serapan"] * 100,
                         L.t("imp_col_eff_ratio", lang): q["efficiency_ratio"],
                         L.t("imp_col_unspent", lang): q["unspent_if_met"] * 100,
                         L.t("imp_col_quadrant", lang): q["quadrant"].map(lambda x: L.t(f"imp_q_{x}", lang) if isinstance(x, str) else "–")})
    cols = list(show.columns)
    report.table(show.sort_values(cols[3], ascending=False), lang=lang, sortable=True,
                 formats={cols[1]: "num1", cols[2]: "num1", cols[3]: "num2", cols[4]: "num1"})
    report.para(L.t("imp_s_efficiency_note", lang), css="ka-note")
    report.record("efficiency_ratio_median", float(q["efficiency_ratio"].median()))
    for quad in efficiency.QUADRANTS:
        report.record(f"n_opd_{quad}", int(counts.get(quad, 0)))
    return q
