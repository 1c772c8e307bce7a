"""What one pemda page (notebook 06) shows: each function takes frames computed by
:mod:`kinerja_analysis.analysis.pemda` and shows its section's heading, chart, table and reading, records
its key results and publishes its table. Nothing here computes a measure.

:func:`start` loads the real-data folder, resolves the region code (Kemendagri ``75.71``, BPS ``7571`` or
DJPK ``30.03``) and returns the :class:`PemdaReport` every section takes. An unknown code raises a
:class:`~kinerja_analysis.errors.DataError` naming the code and the folder, so that page fails alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ... import config
from ... import labels as L
from ...analysis import pemda
from ...config import Periods, Settings
from ...errors import DataError, KinerjaError
from ...ingest import grdp, realdata, regions
from ...ingest.realdata import RealData
from .. import page as report
from ..charts import pemda as plots
from ..charts import province as plots_province
from .real_cells import any_over, cut_flag, pefa_cell, rp, rp_cell, serapan_cells, shift_rows

#: peer measure -> (message key of its label, decimals)
PEER_LABELS = {m: (f"pd_m_{m}", 1) for m in pemda.PEER_MEASURES}


@dataclass
class PemdaReport:
    """The loaded real data, the settings and the pemda the page is about."""

    data: RealData
    settings: Settings
    code: str  # Kemendagri code
    name: str
    kind: str  # provinsi | kabupaten | kota
    bps_code: str = ""
    grdp: pd.DataFrame | None = None  # district GRDP per capita (bps_code, year, grdp_pc), when present

    @property
    def lang(self) -> str:
        return self.settings.lang

    @property
    def periods(self) -> Periods:
        return self.settings.periods

    @property
    def source(self) -> str:
        return L.t("pv_source", self.lang)

    @property
    def is_province(self) -> bool:
        return self.kind == "provinsi"

    def district_grdp(self) -> pd.DataFrame:
        """This district's GRDP per capita rows (empty when the data or the BPS code is missing)."""
        cols = ["bps_code", "year", "grdp_pc"]
        if self.grdp is None or not self.bps_code:
            return pd.DataFrame(columns=cols)
        return self.grdp[self.grdp["bps_code"].astype(str) == self.bps_code][cols]


def mark_synthetic(rd: RealData) -> str:
    """Mark a folder written by the synthetic national generator (its truth.json names the generator) as
    synthetic, so that the page carries the synthetic-data banner; return the title's data label key."""
    truth = rd.folder / "truth.json"
    if truth.is_file():
        try:
            rd.synthetic = "generator" in json.loads(truth.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    return "pd_data_synthetic" if rd.synthetic else "pd_data_real"


def resolve(code: str, codes: pd.DataFrame, folder) -> str:
    """The Kemendagri code of ``code`` (Kemendagri, BPS or DJPK form: :func:`kinerja_analysis.ingest.regions.resolve`)
    among the pemda of ``codes``; an unknown or ambiguous code raises DataError naming the folder."""
    try:
        return str(regions.resolve(str(code), codes))
    except KinerjaError as exc:
        raise DataError(f"{folder}: {exc}") from None


def _load_grdp(folder):
    """The district GRDP per capita of the folder (quarcs-indonesia514), or None when it is absent."""
    try:
        return grdp.load(folder)
    except DataError:  # absent or unreadable: the outcome section says so
        return None


def start(
    data_dir: str = "", *, region: str, lang: str = "en", periods: str = "", config_file: str = ""
) -> PemdaReport:
    """Load the data and settings, resolve ``region``, declare the page; return the report state."""
    settings = config.for_page(config_file, periods=periods, lang=lang)
    folder = realdata.find_folder(data_dir)
    dj = folder / realdata.DJPK_DIR if (folder / realdata.DJPK_DIR).is_dir() else folder
    code = resolve(region, regions.djpk_codes(dj), folder)
    rd = realdata.load(folder, level=regions.level_of(code))  # one level: never pooled with the other
    if not (rd.anggaran["region_code"] == code).any():
        raise DataError(f"region {region!r} ({code} {rd.region_name(code)}): no DJPK rows in {rd.folder}")
    row = rd.regions[rd.regions["region_code"] == code].iloc[0]
    r = PemdaReport(
        rd, settings, code, str(row["region_name"]), str(row["kind"]), str(row.get("bps_code", "") or "")
    )
    r.grdp = _load_grdp(rd.folder)
    years = sorted(pemda.of_region(rd.anggaran, code)["year"].unique())
    data = L.t(mark_synthetic(rd), lang)
    title = L.t("pd_title", lang, name=r.name, code=code, y0=years[0], y1=years[-1], data=data)
    report.context(title=title, dataset=rd, lang=lang, region=code)
    return r


def year_flags(r: PemdaReport, years, lang: str) -> list[str]:
    """Per year, the suspect-year reasons the loader found for this pemda (translated), "" when none:
    every table that shows a year's figures says when they should not be read as final."""
    sy = r.data.suspect_years
    if sy is None or sy.empty:
        return [""] * len(years)
    mine = sy[sy["region_name"].astype(str) == r.name]
    by_year = mine.groupby("year")["reason"].apply(list).to_dict()
    return [
        "; ".join(
            L.t(f"pd_reason_{x}", lang) if f"pd_reason_{x}" in L.TEXT else str(x)
            for x in by_year.get(int(y), [])
        )
        for y in years
    ]


def _level_full_years(r: PemdaReport) -> list[int]:
    a = r.data.anggaran
    same = a[(a["region_code"].astype(str).str.len() == 2) == r.is_province]
    return pemda.full_years(same)


# ---------------------------------------------------------------- sections
@report.batch()
def overview(totals: pd.DataFrame, r: PemdaReport) -> None:
    """Key figures of the latest full year, belanja Anggaran vs Realisasi per year with serapan, revenue;
    records the Rupiah keys of results.json for every full year of the data."""
    lang = r.lang
    full = totals[~totals["partial"]]
    report.para(L.t(f"pd_intro_{r.kind}", lang, name=r.name), css="ka-caveat")
    if len(full):
        last = full.iloc[-1]
        report.keyfigures(
            [
                (rp(last["belanja_spent"], lang), L.t("pd_kf_belanja", lang, year=int(last["year"]))),
                (
                    L.fmt_num(last["serapan_pct"], lang, 1) + " %",
                    L.t("pd_kf_serapan", lang, year=int(last["year"])),
                ),
                (rp(last["pendapatan_spent"], lang), L.t("pd_kf_pendapatan", lang, year=int(last["year"]))),
            ]
        )
    report.heading(L.t("pd_sec_totals", lang))
    report.figure(plots.totals(totals, lang=lang, source=r.source), reading=L.t("pd_read_totals", lang))
    show = pd.DataFrame(
        {
            L.t("year", lang): [f"{y}*" if p else str(y) for y, p in zip(totals["year"], totals["partial"])],
            L.t("pd_belanja_anggaran", lang): totals["belanja_budget"].map(lambda v: rp_cell(v, lang)),
            L.t("pd_belanja_realisasi", lang): totals["belanja_spent"].map(lambda v: rp_cell(v, lang)),
            L.t("absorption", lang): serapan_cells(totals["serapan_pct"], lang, ratio=False),
            L.t("pd_pendapatan_anggaran", lang): totals["pendapatan_budget"].map(lambda v: rp_cell(v, lang)),
            L.t("pd_pendapatan_realisasi", lang): totals["pendapatan_spent"].map(lambda v: rp_cell(v, lang)),
            L.t("pd_pendapatan_pct", lang): totals["pendapatan_pct"],
            L.t("pd_caveat", lang): year_flags(r, totals["year"], lang),
        }
    )
    c = list(show.columns)
    report.table(show, lang=lang, formats={c[6]: "pct"}, caption=L.t("pd_totals_caption", lang))
    if any_over(totals["serapan_pct"], ratio=False):
        report.para(L.t("rc_over_note_pemda", lang), css="ka-note")
    by_year = totals.set_index("year")
    for y in _level_full_years(r):
        row = by_year.loc[y] if y in by_year.index else pd.Series(dtype=float)
        for key, col in (
            ("belanja_anggaran", "belanja_budget"),
            ("belanja_realisasi", "belanja_spent"),
            ("pendapatan_anggaran", "pendapatan_budget"),
            ("pendapatan_realisasi", "pendapatan_spent"),
        ):
            report.record(f"{key}_{y}", row.get(col, np.nan), unit="Rp")
    report.publish("totals_by_year", totals, title=L.t("pd_sec_totals", lang))


@report.batch()
def spending(types: pd.DataFrame, status: str, shift: pd.DataFrame, r: PemdaReport) -> None:
    """Composition of realised belanja per year and what moved in the refocusing years (``status`` and
    ``shift``: :func:`kinerja_analysis.analysis.pemda.refocusing_shift`)."""
    lang, p = r.lang, r.periods
    report.heading(L.t("pd_sec_spending", lang))
    comp = types.assign(share=types["share_pct"] / 100)
    report.figure(
        plots_province.composition(comp, lang=lang, source=r.source, title_key="pd_fig_composition"),
        reading=L.t("pd_read_composition", lang),
    )
    base, ref = p.pre[1], f"{p.refocusing[0]}–{p.refocusing[1]}"
    if status != "ok":
        report.para(L.t(f"pd_status_{status}", lang, base=base, ref=ref), css="ka-caveat")
        report.record("refocusing_status", status)
        report.publish("belanja_by_type", types, title=L.t("pd_sec_spending", lang))
        return
    report.record("refocusing_status", status)
    cut = shift[shift["change_rp"] < 0]
    rise = shift[shift["change_rp"] > 0].sort_values("change_rp", ascending=False)

    def _items(d):
        return ", ".join(
            f"{L.spending_label(x.spending_type, lang)} {rp(x.change_rp, lang)} ({L.fmt_pp(x.change_pp, lang)} {L.t('pp', lang)})"
            for x in d.head(3).itertuples()
        ) or L.t("pv_none", lang)

    report.para(
        L.t("pd_read_shift", lang, name=r.name, base=base, ref=ref, cuts=_items(cut), rises=_items(rise))
    )
    report.figure(
        plots.shift(shift, lang=lang, source=r.source, title=L.t("pd_fig_shift", lang, base=base, ref=ref)),
        reading=L.t("pd_read_shift_fig", lang),
    )
    rows = shift_rows(shift)
    show = pd.DataFrame(
        {
            L.t("pd_type", lang): [
                L.t("rc_total_row", lang) if t == "__total__" else L.spending_label(t, lang)
                for t in rows["spending_type"]
            ],
            str(base): rows["base_rp"].map(lambda v: rp_cell(v, lang)),
            ref: rows["during_rp"].map(lambda v: rp_cell(v, lang)),
            L.t("pd_change_rp", lang): rows["change_rp"].map(lambda v: rp_cell(v, lang)),
            L.t("pd_share", lang, year=base): rows["share_base_pct"],
            L.t("pd_share", lang, year=ref): rows["share_during_pct"],
            "Δ " + L.t("pp", lang): rows["change_pp"],
            L.t("rc_cut_flag", lang): [cut_flag(-v, lang) for v in rows["change_rp"]],
        }
    )
    c = list(show.columns)
    report.table(
        show, lang=lang, formats={c[4]: "pct", c[5]: "pct", c[6]: "pp"}, caption=L.t("pd_shift_caption", lang)
    )
    report.para(L.t("pv_no_function", lang), css="ka-note")
    for x in shift.itertuples():
        report.record(f"shift_{x.spending_type}_rp", x.change_rp, unit="Rp")
        report.record(f"shift_{x.spending_type}_pp", x.change_pp, unit="pp")
    report.publish("belanja_by_type", types, title=L.t("pd_sec_spending", lang))
    report.publish("refocusing_shift", shift, title=L.t("pd_fig_shift", lang, base=base, ref=ref))


@report.batch()
def peers(table: pd.DataFrame, measures: pd.DataFrame, r: PemdaReport) -> None:
    """The pemda beside the other kab/kota of its province and all pemda of its kind (``table``:
    :func:`kinerja_analysis.analysis.pemda.peers`; ``measures``: national_measures)."""
    lang = r.lang
    report.heading(L.t("pd_sec_peers", lang))
    report.para(
        L.t(f"pd_peers_intro_{'prov' if r.is_province else 'kab'}", lang, kind=L.t(f"pd_kind_{r.kind}", lang))
    )
    if table.empty:
        report.para(L.t("pd_peers_none", lang), css="ka-note")
        return
    for col, key in (
        ("cut_intensity_pp", "pd_m_cut_intensity_pp"),
        ("serapan_last_pct", "pd_m_serapan_last_pct"),
    ):
        if pd.notna(measures.set_index("region_code").loc[r.code, col]):
            report.figure(
                plots.peer_strip(
                    measures,
                    col,
                    r.code,
                    lang=lang,
                    source=r.source,
                    title=L.t(key, lang),
                ),
                reading=L.t("pd_read_peer_strip", lang),
            )
    group = table["group"].map(lambda g: L.t(f"pd_group_{g}", lang))
    rank = [
        "–" if pd.isna(k) else L.t("pd_rank_of", lang, rank=int(k), n=int(n)).replace(" ", "\u00a0")
        for k, n in zip(table["rank"], table["n"])
    ]
    show = pd.DataFrame(
        {
            L.t("pv_measure", lang): table["measure"].map(lambda m: L.t(PEER_LABELS[m][0], lang)),
            L.t("pd_group", lang): group,
            r.name: table["value"],
            L.t("pd_rank", lang): rank,
            L.t("pd_median", lang): table["median"],
            L.t("pd_min", lang): table["min"],
            L.t("pd_max", lang): table["max"],
            L.t("rc_cut_flag", lang): [
                cut_flag(v, lang) if m == "cut_intensity_pp" else ""
                for m, v in zip(table["measure"], table["value"])
            ],
        }
    )
    c = list(show.columns)
    report.table(
        show,
        lang=lang,
        formats={c[2]: "num1", c[4]: "num1", c[5]: "num1", c[6]: "num1"},
        caption=L.t("pd_peers_caption", lang),
    )
    report.para(L.t("pd_peers_note", lang), css="ka-note")
    for x in table[table["group"] == "national"].itertuples():
        report.record(f"peer_{x.measure}", x.value, rank=x.rank, n=x.n, median=x.median)
    report.publish("peers", table, title=L.t("pd_sec_peers", lang))


@report.batch()
def pefa(scores: pd.DataFrame, r: PemdaReport) -> None:
    """PEFA-style PI-1, PI-2 and PI-3 per year with the two-of-three-years scores (``scores``:
    :func:`kinerja_analysis.analysis.pemda.pefa_scores` of this pemda); records pefa_pi1/2/3_YYYY."""
    lang = r.lang
    report.heading(L.t("pd_sec_pefa", lang))
    report.para(L.t("pd_pefa_caveat", lang), css="ka-caveat")
    s = scores.set_index("year") if len(scores) else pd.DataFrame()
    if s.empty:
        report.para(L.t("pd_pefa_none", lang), css="ka-note")
    else:

        def cell(pct, band):
            return [
                pefa_cell(v, b, lang)
                for v, b in zip(s.get(pct, pd.Series(np.nan, s.index)), s.get(band, pd.Series(None, s.index)))
            ]

        def col(name):
            return s[name].fillna("–").tolist() if name in s.columns else ["–"] * len(s)

        show = pd.DataFrame(
            {
                L.t("year", lang): [str(y) for y in s.index],
                L.t("pd_pi1", lang): cell("pi1_outturn_pct", "pi1_band"),
                L.t("pd_pi1_3y", lang): col("pi1_score_3y"),
                L.t("pd_pi2", lang): cell("pi2_variance_pct", "pi2_band"),
                L.t("pd_pi2_3y", lang): col("pi2_score_3y"),
                L.t("pd_pi3", lang): cell("pi3_outturn_pct", "pi3_band"),
                L.t("pd_pi3_3y", lang): col("pi3_score_3y"),
                L.t("pd_pi3_comp", lang): cell("pi3_variance_pct", "pi3_comp_band"),
                L.t("pd_caveat", lang): year_flags(r, s.index, lang),
            }
        )
        report.table(show, lang=lang, caption=L.t("pd_pefa_caption", lang))
        report.para(L.t("pd_pefa_reading", lang), css="ka-note")
    for y in _level_full_years(r):
        row = s.loc[y] if y in s.index else pd.Series(dtype=float)
        for key, col_ in (
            ("pi1", "pi1_outturn_pct"),
            ("pi2", "pi2_variance_pct"),
            ("pi3", "pi3_outturn_pct"),
        ):
            report.record(f"pefa_{key}_{y}", row.get(col_, np.nan), unit="%", band=row.get(f"{key}_band"))
    report.publish("pefa_scores", scores, title=L.t("pd_sec_pefa", lang))
