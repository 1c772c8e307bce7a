"""What the province report (notebook 05) shows: each function takes frames computed by
:mod:`kinerja_analysis.analysis.province` (or :mod:`kinerja_analysis.analysis.pefa`) and shows its section's
heading, chart, table and reading, records its key results and publishes its table. Nothing here
computes a measure; the notebook computes, then calls these.

:func:`start` loads the real-data folder and the settings, declares the page and returns the
:class:`ProvinceReport` every section takes (data, settings, language, chart source line).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ... import config
from ... import labels as L
from ...analysis import province
from ...config import Periods, Settings
from ...ingest import realdata
from ...ingest.realdata import RealData
from .. import page as report
from ..charts import province as plots_province
from . import province_tables as tables
from . import real_cells as cells

#: ``analysis.province.anggaran_kind`` code -> message key of the reading
ANGGARAN_KIND_KEYS = {
    "partial": "pv_mean_partial",
    "pre": "pv_mean_pre",
    "first_refocusing": "pv_mean_2020",
    "later": "pv_mean_later",
}
#: the windows of ``analysis.province.outcome_vs_cut`` -> message key of the figure title
WINDOW_TITLE_KEYS = {"change_refocusing": "pv_fig_outcomes_ref", "change_post": "pv_fig_outcomes_post"}


# ---------------------------------------------------------------- start
@dataclass
class ProvinceReport:
    """The loaded real data plus the report's choices (periods, language, seed, bootstrap size)."""

    data: RealData
    settings: Settings

    @property
    def lang(self) -> str:
        return self.settings.lang

    @property
    def periods(self) -> Periods:
        return self.settings.periods

    @property
    def seed(self) -> int:
        return self.settings.seed

    @property
    def n_boot(self) -> int:
        return self.settings.n_bootstrap

    @property
    def source(self) -> str:
        """The source line of every chart."""
        return L.t("pv_source", self.lang)

    def name(self, code: str) -> str:
        """Province name without the "Provinsi " prefix (tables and charts are narrower)."""
        return self.data.region_name(code).replace("Provinsi ", "")


def start(
    data_dir: str = "",
    *,
    lang: str = "en",
    periods: str = "",
    n_boot: int = 2000,
    config_file: str = "",
    cache: bool | str = True,
) -> ProvinceReport:
    """Find and load the real data and the settings (``config_file``, then ``lang``, ``periods`` and
    ``n_boot``; the seed is the settings' seed), declare the page (title, provenance), return the report state.
    Only province-level rows are read, even from a folder that also holds kab/kota files. ``cache``:
    True for the user cache folder (``paths.cache_dir``: $KINERJA_CACHE, ``kinerja report --cache``),
    a folder, or False."""
    settings = config.for_page(config_file, periods=periods, lang=lang, n_bootstrap=n_boot)
    rd = realdata.load(realdata.find_folder(data_dir), cache=cache, level="provinsi")
    report.context(title=L.t("pv_title", lang), dataset=rd, lang=lang)
    return ProvinceReport(rd, settings)


def _money_cols(lang: str) -> dict:
    return {
        "budget_revised": L.t("pv_anggaran", lang) + " (" + L.t("rp_billion", lang) + ")",
        "spent": L.t("pv_realisasi", lang) + " (" + L.t("rp_billion", lang) + ")",
    }


def _over_note(serapan, lang: str) -> None:
    """The note that explains the serapan marker, under a table that has one."""
    if cells.any_over(serapan):
        report.para(L.t("rc_over_note", lang), css="ka-note")


def _measure(m: str, lang: str) -> str:
    return L.t(f"pv_m_{m}", lang)


# ---------------------------------------------------------------- sections
def introduction(r: ProvinceReport) -> None:
    """What the page covers (provinces, years) and that it is descriptive."""
    lang = r.lang
    n = r.data.anggaran["region_code"].nunique()
    years = sorted(r.data.anggaran["year"].unique())
    report.para(L.t("pv_intro", lang, n=n, y0=years[0], y1=years[-1]))
    report.para(L.t("pv_descriptive", lang, n=n), css="ka-caveat")


@report.batch()
def data_checks(failures: pd.DataFrame, repaired: pd.DataFrame, r: ProvinceReport) -> None:
    """Files, budget identity (``failures``: where it fails), the double-counting trap (``repaired``: where
    counting the repeat once closes it), blanks, partial years, unmapped names."""
    lang, rd = r.lang, r.data
    report.heading(L.t("pv_sec_checks", lang))
    idt = rd.identity
    n_trap = int((rd.issues["rule"] == "duplicate_label").sum())
    report.bullets(
        [
            L.t(
                "pv_check_files",
                lang,
                files=len(rd.files),
                rows=L.fmt_num(len(rd.accounts) * 2, lang, 0),
                pemda=rd.anggaran["region_name"].nunique(),
            ),
            L.t("pv_check_identity", lang, ok=int(idt["ok"].sum()), n=len(idt)),
            L.t("pv_check_trap", lang, n=n_trap, closed=len(repaired)),
            *_repeat_lines(rd, lang),
            L.t("pv_check_blank", lang, n=int((rd.issues["rule"] == "blank_value").sum())),
            *_unclassified_lines(rd, lang),
            L.t("pv_check_partial", lang, years=", ".join(map(str, rd.partial_years)) or "–"),
            *_suspect_lines(rd, lang),
            L.t("pv_check_unmapped", lang, names=", ".join(rd.unmapped_names) or L.t("pv_none", lang)),
        ]
    )
    report.record("unclassified_rows", int(rd.unclassified["n_rows"].sum()) if len(rd.unclassified) else 0)
    if len(rd.suspect_years):
        report.publish("suspect_years", rd.suspect_years, title=L.t("pv_sec_checks", lang))
    if len(rd.repeat_decisions):
        report.publish("repeat_decisions", rd.repeat_decisions, title=L.t("pv_sec_checks", lang))
    report.record("identity_failures", len(failures))
    report.record("double_counted_rows", n_trap)
    if len(failures):
        show = pd.DataFrame(
            {
                L.t("pv_pemda", lang): failures["region_name"].astype(str),
                L.t("year", lang): failures["year"],
                L.t("pv_gap", lang): failures["gap_budget"],
                L.t("pv_gap_share", lang): failures["gap_share"],
                L.t("pv_blank_values", lang): failures["n_blank_values"],
            }
        )
        c = list(show.columns)
        report.table(
            show,
            lang=lang,
            caption=L.t("pv_identity_caption", lang),
            formats={c[2]: "rp", c[3]: "ratio_pct", c[4]: "int"},
        )
    n_blank = int((failures["n_blank_values"] > 0).sum())
    report.para(L.t("pv_identity_reading", lang, blank=n_blank, other=len(failures) - n_blank), css="ka-note")
    report.publish("budget_identity", idt, title=L.t("pv_identity_caption", lang))


def _short(name) -> str:
    return str(name).replace("Provinsi ", "")


def _repeat_lines(rd: RealData, lang: str) -> list[str]:
    """The 422/434 decisions, and where the evidence points the other way (none: no line)."""
    d = rd.repeat_decisions
    if d is None or d.empty:
        return []
    bad = d[~d["agrees"].astype(bool)]
    names = ", ".join(f"{_short(x.region_name)} {x.year}" for x in bad.itertuples()) or L.t("pv_none", lang)
    return [L.t("pv_check_repeat", lang, n=len(d), bad=len(bad), list=names)]


def _unclassified_lines(rd: RealData, lang: str) -> list[str]:
    """Blank-label rows and their money (none: no line)."""
    u = rd.unclassified
    if u is None or u.empty or not int(u["n_rows"].sum()):
        return []
    return [
        L.t(
            "pv_check_unclassified",
            lang,
            n=int(u["n_rows"].sum()),
            budget=L.fmt_num(float(u["budget"].sum()), lang, 0),
            spent=L.fmt_num(float(u["spent"].sum()), lang, 0),
        )
    ]


def _suspect_lines(rd: RealData, lang: str) -> list[str]:
    """Suspect years other than the partial one (already said), grouped by reason (none: no line)."""
    s = rd.suspect_years
    if s is None or s.empty:
        return []
    s = s[s["reason"] != "partial"]
    items = []
    for reason, g in s.groupby("reason", sort=True):
        where = ", ".join(f"{_short(x.region_name)} {x.year}" for x in g.itertuples())
        items.append(L.t(f"pv_suspect_{reason}", lang) + ": " + where)
    return [L.t("pv_check_suspect", lang, items="; ".join(items))] if items else []


def anggaran_meaning(by_year: pd.DataFrame, r: ProvinceReport) -> None:
    """What DJPK "Anggaran" means in each year, with the BTT evidence for 2020.
    ``by_year``: :func:`kinerja_analysis.analysis.province.anggaran_by_year`."""
    lang, y = r.lang, by_year
    report.heading(L.t("pv_sec_meaning", lang))
    partial = r.data.partial_years
    kinds = province.anggaran_kind(y["year"], r.periods, partial)
    report.figure(
        plots_province.btt_ratio(y[~y["year"].isin(partial)], lang=lang, source=r.source),
        reading=L.t("pv_read_btt", lang),
    )
    show = pd.DataFrame(
        {
            L.t("year", lang): y["year"],
            **{v: y[k] for k, v in _money_cols(lang).items()},
            L.t("absorption", lang): cells.serapan_cells(y["absorption"], lang),
            L.t("pv_btt_ratio", lang): y["btt_ratio"],
            L.t("pv_meaning", lang): [L.t(ANGGARAN_KIND_KEYS[k], lang) for k in kinds],
        }
    )
    c = list(show.columns)
    report.table(show, lang=lang, formats={c[1]: "rp", c[2]: "rp", c[4]: "num2"})
    _over_note(y["absorption"], lang)
    row = y[y["year"] == r.periods.refocusing[0]]
    if len(row):
        report.record("btt_spent_over_budget_2020", float(row["btt_ratio"].iloc[0]))
    report.publish("anggaran_by_year", y, title=L.t("pv_sec_meaning", lang))


@report.batch()
def totals(yearly: pd.DataFrame, by_province: pd.DataFrame, r: ProvinceReport) -> None:
    """Total belanja Anggaran vs Realisasi per year (``yearly``) and absorption per province and year
    (``by_province``)."""
    lang = r.lang
    report.heading(L.t("pv_sec_totals", lang))
    report.figure(
        plots_province.budget_vs_spent(yearly, lang=lang, source=r.source, partial=r.data.partial_years),
        reading=L.t("pv_read_totals", lang),
    )
    t = by_province.assign(province=by_province["region_code"].map(r.name))
    report.publish(
        "belanja_by_province_year",
        t[["region_code", "province", "year", "budget_revised", "spent", "absorption"]],
        title=L.t("pv_sec_totals", lang),
    )
    wide = t.pivot_table(index="province", columns="year", values="absorption").reset_index()
    wide.columns = [L.t("pv_province", lang)] + [str(c) for c in wide.columns[1:]]
    years = list(wide.columns[1:])
    keys = {c: wide[c].tolist() for c in years}
    report.table(
        wide.assign(**{c: cells.serapan_cells(wide[c], lang) for c in years}),
        lang=lang,
        caption=L.t("pv_absorption_caption", lang),
        sort_keys=keys,
    )
    _over_note(t["absorption"], lang)
    for row in yearly.itertuples():
        report.record(f"total_belanja_budget_{row.year}", float(row.budget_revised))
        report.record(f"total_belanja_spent_{row.year}", float(row.spent))


@report.batch()
def composition(comp: pd.DataFrame, groups: pd.DataFrame, r: ProvinceReport) -> None:
    """National composition of realised belanja by spending type (``comp``, by year) and the shift of the
    cut and COVID type groups from the last pre year (``groups``: :func:`~kinerja_analysis.analysis.province.group_shift`)."""
    lang = r.lang
    report.heading(L.t("pv_sec_composition", lang))
    report.figure(
        plots_province.composition(comp, lang=lang, source=r.source), reading=L.t("pv_read_composition", lang)
    )
    base, y1 = r.periods.pre[1], r.periods.refocusing[0]
    cut = groups.set_index("year")["cut_share_pct"]
    cov = groups.set_index("year")["covid_share_pct"]
    report.para(
        L.t(
            "pv_read_composition_data",
            lang,
            base=base,
            y1=y1,
            cut0=L.fmt_num(cut.get(base), lang, 1),
            cut1=L.fmt_num(cut.get(y1), lang, 1),
            cov0=L.fmt_num(cov.get(base), lang, 1),
            cov1=L.fmt_num(cov.get(y1), lang, 1),
        )
    )
    delta = "Δ " + str(base) + " (" + L.t("pp", lang) + ")"
    show = pd.DataFrame(
        {
            L.t("year", lang): groups["year"],
            L.t("pv_share_cut_types", lang): groups["cut_share_pct"],
            delta: groups["cut_change_pp"],
            L.t("pv_share_covid_types", lang): groups["covid_share_pct"],
            delta + " ": groups["covid_change_pp"],
        }
    )
    c = list(show.columns)
    report.table(
        show,
        lang=lang,
        formats={c[1]: "pct", c[2]: "pp", c[3]: "pct", c[4]: "pp"},
        caption=L.t("pv_composition_caption", lang),
    )
    text = cells.rupiah_cuts(comp, base, y1, lang)
    if text:
        report.para(text)
        years = [y for y in (base, *r.periods.years("refocusing")) if y in set(comp["year"])]
        report.table(cells.type_table(comp, years, lang), lang=lang, caption=L.t("rc_types_caption", lang))
        spent = comp.pivot_table(index="spending_type", columns="year", values="spent", aggfunc="sum")
        for t in spent.index:  # the Rupiah behind the sentence, for the index and results.json
            report.record(f"spent_{t}_{base}", float(spent.at[t, base]), unit="Rp")
            report.record(f"spent_{t}_{y1}", float(spent.at[t, y1]), unit="Rp")
    report.para(L.t("pv_no_function", lang), css="ka-note")
    if base in set(groups["year"]):
        for row in groups[groups["year"] != base].itertuples():
            report.record(f"shift_capital_goods_pp_{row.year}", float(row.cut_change_pp))
            report.record(f"shift_btt_bansos_hibah_pp_{row.year}", float(row.covid_change_pp))
    report.publish("composition_by_year", comp, title=L.t("pv_fig_composition", lang))


@report.batch()
def cut_ranking(cuts: pd.DataFrame, r: ProvinceReport) -> None:
    """Cut intensity per province (``cuts``: :func:`~kinerja_analysis.analysis.province.cut_intensity`), ranked."""
    lang = r.lang
    report.heading(L.t("pv_sec_cut", lang))
    report.para(
        L.t(
            "pv_cut_definition",
            lang,
            base=r.periods.pre[1],
            y0=r.periods.refocusing[0],
            y1=r.periods.refocusing[1],
        )
    )
    if cuts.empty:
        report.para(_no_cut_text(r), css="ka-caveat")
        return
    named = cuts.assign(name=cuts["region_code"].map(r.name))
    report.figure(
        plots_province.cut_intensity(named, lang=lang, source=r.source), reading=L.t("pv_read_cut", lang)
    )
    report.record("cut_intensity_median_pp", float(cuts["cut_intensity_pp"].median()))
    report.record("cut_intensity_max_pp", float(cuts["cut_intensity_pp"].max()))
    report.publish("cut_intensity", named, title=L.t("pv_fig_cut", lang))


def _no_cut_text(r: ProvinceReport) -> str:
    years = sorted(int(y) for y in r.data.anggaran["year"].unique())
    return L.t(
        "pv_no_cut",
        r.lang,
        base=r.periods.pre[1],
        y0=r.periods.refocusing[0],
        y1=r.periods.refocusing[1],
        years=f"{years[0]}–{years[-1]}" if years else "–",
    )


def _pefa_years(scores: pd.DataFrame, r: ProvinceReport) -> list[int]:
    """The years whose three-year scores the PEFA tables show: the last refocusing year and the last year."""
    return sorted({r.periods.refocusing[1], int(scores["year"].max())})


@report.batch()
def pefa(scores: pd.DataFrame, pi1_counts: pd.DataFrame, pi2_counts: pd.DataFrame, r: ProvinceReport) -> None:
    """PEFA-style PI-1 and PI-2 (``scores``: :func:`kinerja_analysis.analysis.pefa.yearly`; the counts per band
    and year: :func:`~kinerja_analysis.analysis.province.pefa_counts`)."""
    lang = r.lang
    report.heading(L.t("pv_sec_pefa", lang))
    report.para(L.t("pv_pefa_caveat", lang), css="ka-caveat")
    if scores.empty or scores["pi1_band"].isna().all():
        report.para(L.t("pv_pefa_none", lang), css="ka-note")
        return
    none = scores[scores["no_score"].astype(bool)] if "no_score" in scores.columns else scores.iloc[:0]
    if len(none):
        names = ", ".join(f"{r.name(x.region_code)} {x.year}" for x in none.itertuples())
        report.para(L.t("pv_pefa_noscore", lang, n=len(none), list=names), css="ka-note")
    report.figure(
        plots_province.pefa_counts(pi1_counts, lang=lang, source=r.source), reading=L.t("pv_read_pefa", lang)
    )
    report.figure(
        plots_province.pefa_counts(pi2_counts, lang=lang, source=r.source, title_key="pv_fig_pefa2"),
        reading=L.t("pv_read_pefa2", lang),
    )
    for ind, pct, caption in (
        ("pi1", "pi1_outturn_pct", "pv_pefa1_caption"),
        ("pi2", "pi2_variance_pct", "pv_pefa2_caption"),
    ):
        report.table(
            tables.pefa(scores, ind, pct, r.name, _pefa_years(scores, r), lang),
            lang=lang,
            caption=L.t(caption, lang),
            sortable=True,
        )
    for yr, g in scores.dropna(subset=["pi1_band"]).groupby("year"):
        report.record(f"pefa_pi1_share_A_{yr}", float((g["pi1_band"] == "A").mean()))
    report.publish("pefa_scores", scores, title=L.t("pv_sec_pefa", lang))


@report.batch()
def outcomes(stats: pd.DataFrame, fits: list[dict], r: ProvinceReport, *, n_provinces: int) -> None:
    """BPS outcomes against cut intensity: per window a scatter with OLS line and bootstrap r (``fits``:
    :func:`~kinerja_analysis.analysis.province.outcome_fits`), and the table of ``stats``
    (:func:`~kinerja_analysis.analysis.province.outcome_vs_cut`)."""
    lang = r.lang
    report.heading(L.t("pv_sec_outcomes", lang))
    if stats.empty or "r" not in stats.columns or stats["r"].isna().all():
        report.para(L.t("pv_outcomes_none", lang), css="ka-caveat")
        if len(stats):
            report.publish("outcomes_vs_cut", stats, title=L.t("pv_sec_outcomes", lang))
        return
    report.para(L.t("pv_descriptive", lang, n=n_provinces), css="ka-caveat")
    for window, key in WINDOW_TITLE_KEYS.items():
        panels = [
            {**f, "title": _measure(f["measure"], lang), "ylabel": L.t("pv_change_axis", lang)}
            for f in fits
            if f["window"] == window
        ]
        if panels:
            report.figure(
                plots_province.scatter_fits(panels, lang=lang, source=r.source, title=L.t(key, lang)),
                reading=L.t("pv_read_outcomes", lang),
            )
    report.table(tables.outcomes(stats, lang), lang=lang)
    for row in stats.dropna(subset=["r"]).itertuples():
        report.record(f"corr_{row.measure}_{row.window}", row.r, ci_low=row.r_lo, ci_high=row.r_hi, n=row.n)
    report.publish("outcomes_vs_cut", stats, title=L.t("pv_sec_outcomes", lang))


@report.batch()
def rkp_targets(rkp: pd.DataFrame, r: ProvinceReport) -> None:
    """National RKP targets against the actual (``rkp``: :func:`~kinerja_analysis.analysis.province.rkp_since`)."""
    lang, d = r.lang, rkp
    report.heading(L.t("pv_sec_rkp", lang))
    show, keys = tables.rkp(d, lang)
    report.table(show, lang=lang, formats={L.t("achievement", lang): "pct"}, sort_keys=keys)
    report.para(L.t("pv_rkp_reading", lang), css="ka-note")
    for row in d.dropna(subset=["achievement"]).itertuples():
        report.record(f"rkp_capaian_{row.measure}_{row.year}", float(row.achievement))
    report.publish("rkp_targets", d, title=L.t("pv_sec_rkp", lang))


def notes(r: ProvinceReport, *, n_provinces: int) -> None:
    """What to keep in mind: the meaning of "Anggaran", the double-counting trap, IPM, descriptive only, sources."""
    report.heading(L.t("sec_notes", r.lang))
    report.bullets(
        [
            L.t("pv_note_anggaran", r.lang),
            L.t("pv_note_trap", r.lang),
            L.t("pv_note_ipm", r.lang),
            L.t("pv_descriptive", r.lang, n=n_provinces),
            L.t("pv_note_sources", r.lang),
        ]
    )
