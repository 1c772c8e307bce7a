"""The last sections of a pemda page (notebook 06): outcomes beside the cut, described and never read as
an effect, and the data caveats that apply to this one pemda. Frames in, page out; nothing computed here.
"""

from __future__ import annotations

import pandas as pd

from ... import labels as L
from ...analysis import pemda
from .. import page as report
from .pemda import PemdaReport
from .real_cells import measure_cells, rp, rp_cell

#: BPS province measures shown on a province page (codes of analysis.province.MEASURES)
_OUTCOME_DECIMALS = 2


@report.batch()
def outcomes(frame: pd.DataFrame, cut_pp: float, r: PemdaReport) -> None:
    """Outcomes beside the cut. For a kab/kota ``frame`` is :func:`kinerja_analysis.analysis.pemda.grdp_growth`
    of this district (GRDP per capita, quarcs data); for a province it is
    :func:`kinerja_analysis.analysis.province.outcome_changes` of this province (BPS). ``cut_pp`` is the
    pemda's cut intensity (NaN when it cannot be measured). Descriptive wording only."""
    lang = r.lang
    report.heading(L.t("pd_sec_outcomes", lang))
    cut_text = (
        L.t("pd_cut_is", lang, cut=L.fmt_pp(cut_pp, lang))
        if pd.notna(cut_pp)
        else L.t("pd_cut_unknown", lang)
    )
    if frame is None or frame.empty:
        key = "pd_outcomes_none_prov" if r.is_province else "pd_outcomes_none_kab"
        report.para(L.t(key, lang) + " " + cut_text, css="ka-note")
        return
    if r.is_province:
        show = pd.DataFrame(
            {
                L.t("pv_measure", lang): frame["measure"].map(lambda m: L.t(f"pv_m_{m}", lang)),
                **{
                    L.t(key, lang): measure_cells(frame[col], frame["measure"], lang)
                    for key, col in (
                        ("period_pre", "pre"),
                        ("period_refocusing", "refocusing"),
                        ("period_post", "post"),
                        ("pd_change_ref", "change_refocusing"),
                        ("pd_change_post", "change_post"),
                    )
                },
            }
        )
        report.table(show, lang=lang, caption=L.t("pd_outcomes_prov_caption", lang))
        report.para(cut_text + " " + L.t("pd_outcomes_descriptive", lang), css="ka-caveat")
        for x in frame.itertuples():
            report.record(f"outcome_{x.measure}_change_refocusing", x.change_refocusing)
        report.publish("outcomes", frame, title=L.t("pd_sec_outcomes", lang))
        return
    means = pemda.growth_by_period(frame, r.periods)
    report.para(
        L.t(
            "pd_grdp_reading",
            lang,
            name=r.name,
            pre=L.fmt_num(means["pre"], lang, 1),
            ref=L.fmt_num(means["refocusing"], lang, 1),
            post=L.fmt_num(means["post"], lang, 1),
        )
    )
    d = frame[frame["year"] >= r.periods.pre[0] - 1]
    show = pd.DataFrame(
        {
            L.t("year", lang): d["year"].astype(int).astype(str),
            L.t("pd_grdp_pc", lang): d["grdp_pc"],
            L.t("pd_growth", lang): d["growth_pct"],
        }
    )
    c = list(show.columns)
    report.table(show, lang=lang, formats={c[1]: "num1", c[2]: "pp"}, caption=L.t("pd_grdp_caption", lang))
    report.para(cut_text + " " + L.t("pd_outcomes_descriptive", lang), css="ka-caveat")
    for p, v in means.items():
        report.record(f"grdp_pc_growth_{p}_pct", v, unit="%")
    report.publish("grdp_per_capita", frame, title=L.t("pd_sec_outcomes", lang))


def _of(frame, name: str) -> pd.DataFrame:
    if frame is None or len(frame) == 0 or "region_name" not in frame.columns:
        return pd.DataFrame()
    return frame[frame["region_name"].astype(str) == name]


def _reason(code: str, lang: str) -> str:
    """A suspect-year reason code of the loader in the page's language (the code itself when unknown)."""
    key = f"pd_reason_{code}"
    return L.t(key, lang) if key in L.TEXT else str(code)


def _repeat_table(repeats: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The 422/434 decisions of one pemda, amounts in short Rupiah."""
    cols = {
        L.t("year", lang): repeats["year"].astype(int).astype(str),
        L.t("pd_kept", lang): repeats["kept_code"].astype(str),
    }
    for key, col in (("pd_kept_spent", "kept_spent"), ("pd_dropped_spent", "dropped_spent")):
        if col in repeats.columns:
            cols[L.t(key, lang)] = repeats[col].map(lambda v: rp_cell(v, lang))
    if "evidence_code" in repeats.columns:
        cols[L.t("pd_evidence", lang)] = repeats["evidence_code"].astype(str).replace("", "–")
    if "reason" in repeats.columns:
        cols[L.t("pd_reason", lang)] = repeats["reason"].astype(str)
    return pd.DataFrame(cols)


@report.batch()
def caveats(unclassified: pd.DataFrame, missing: list[int], r: PemdaReport) -> None:
    """The data caveats for this pemda (``unclassified``: :func:`kinerja_analysis.analysis.pemda.unclassified`;
    ``missing``: :func:`~kinerja_analysis.analysis.pemda.missing_years`): blank-label rows, 422/434
    decisions, suspect or provisional years, the budget identity, missing years. Records
    ``unclassified_rp_YYYY`` (Realisasi on blank-label rows, Rp) for every full year."""
    lang, rd = r.lang, r.data
    report.heading(L.t("pd_sec_caveats", lang))
    items = []
    if len(unclassified):
        amounts = "; ".join(
            f"{int(x.year)}: {x.n_rows} × {rp(x.spent, lang)}" for x in unclassified.itertuples()
        )
        items.append(L.t("pd_cv_unclassified", lang, detail=amounts))
    else:
        items.append(L.t("pd_cv_unclassified_none", lang))
    repeats = _of(rd.repeat_decisions, r.name)
    items.append(L.t("pd_cv_repeat", lang, n=len(repeats)))
    if len(repeats) and "agrees" in repeats.columns and (~repeats["agrees"].astype(bool)).any():
        bad = repeats[~repeats["agrees"].astype(bool)]
        items.append(L.t("pd_cv_repeat_disagree", lang, years=", ".join(map(str, bad["year"]))))
    suspect = _of(rd.suspect_years, r.name)
    if len(suspect):
        items.append(
            L.t(
                "pd_cv_suspect",
                lang,
                detail="; ".join(f"{int(x.year)} ({_reason(x.reason, lang)})" for x in suspect.itertuples()),
            )
        )
    else:
        items.append(L.t("pd_cv_suspect_none", lang))
    items.append(
        L.t("pd_cv_partial", lang, years=", ".join(map(str, rd.partial_years)) or L.t("pv_none", lang))
    )
    items.append(L.t("pd_cv_missing", lang, years=", ".join(map(str, missing)) or L.t("pv_none", lang)))
    idt = _of(rd.identity, r.name)
    bad = idt[~idt["ok"]] if len(idt) else idt
    items.append(
        L.t(
            "pd_cv_identity",
            lang,
            ok=len(idt) - len(bad),
            n=len(idt),
            years=", ".join(map(str, bad["year"])) or "–",
        )
    )
    items.append(L.t("pd_cv_anggaran", lang))
    report.bullets(items)
    if len(repeats):
        report.table(_repeat_table(repeats, lang), lang=lang, caption=L.t("pd_repeat_caption", lang))
    if len(suspect):
        show = pd.DataFrame(
            {
                L.t("year", lang): suspect["year"].astype(int).astype(str),
                L.t("pd_reason", lang): suspect["reason"].astype(str).map(lambda x: _reason(x, lang)),
                L.t("pd_detail", lang): suspect["detail"].astype(str),
            }
        )
        report.table(show, lang=lang, caption=L.t("pd_suspect_caption", lang))
    u = unclassified.set_index("year") if len(unclassified) else pd.DataFrame(columns=["spent"])
    a = rd.anggaran
    same = a[(a["region_code"].astype(str).str.len() == 2) == r.is_province]
    for y in pemda.full_years(same):
        report.record(
            f"unclassified_rp_{y}",
            float(u.loc[y, "spent"]) if y in u.index else 0.0,
            unit="Rp",
            anggaran=float(u.loc[y, "budget"]) if y in u.index else 0.0,
        )
    report.publish("unclassified_rows", unclassified, title=L.t("pd_sec_caveats", lang))
