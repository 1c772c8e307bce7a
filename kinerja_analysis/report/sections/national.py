"""What the national page (notebook 07) shows: maps of Indonesia's districts and provinces for the
refocusing cut, serapan and the PEFA-style scores, and sortable tables of every pemda in the folder.
Frames in (:func:`kinerja_analysis.analysis.pemda.national_measures`), page out; nothing computed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ... import config
from ... import labels as L
from ...config import Settings
from ...errors import DataError
from ...ingest import grdp, realdata
from ...ingest.realdata import RealData
from .. import page as report
from ..charts import map as maps
from .pemda import mark_synthetic

#: mapped measures -> decimals of the legend
MAP_MEASURES = {"cut_intensity_pp": 1, "serapan_last_pct": 0, "pi1_gap_last_pp": 0}
#: the quarcs cells are Thiessen cells of the district centres: each is drawn within this many degrees
#: of its centre, so that the islands, not the sea, carry the colours
MAP_RADIUS = 0.7
#: table columns (measures of analysis.pemda.PEER_MEASURES)
TABLE_MEASURES = (
    "cut_intensity_pp",
    "serapan_refocusing_pct",
    "serapan_last_pct",
    "pi1_gap_last_pp",
    "pi2_variance_last_pct",
    "pi3_gap_last_pp",
    "grdp_growth_refocusing_pct",
)


@dataclass
class NationalReport:
    """The loaded real data, the settings, and the district map (empty when the folder has none)."""

    data: RealData
    settings: Settings
    districts: list = field(default_factory=list)
    grdp: pd.DataFrame | None = None
    centres: dict = field(default_factory=dict)  # {BPS code: (lon, lat)} of the map's district centres

    @property
    def lang(self) -> str:
        return self.settings.lang

    @property
    def periods(self):
        return self.settings.periods

    @property
    def source(self) -> str:
        return L.t("pv_source", self.lang) + ", quarcs-indonesia514"


def start(
    data_dir: str = "", *, lang: str = "en", periods: str = "", config_file: str = ""
) -> NationalReport:
    """Load the folder, the settings and (when present) the district map and GRDP; declare the page."""
    settings = config.for_page(config_file, periods=periods, lang=lang)
    rd = realdata.load(realdata.find_folder(data_dir))
    r = NationalReport(rd, settings)
    for attr, fn in (("districts", grdp.read_map), ("grdp", grdp.load)):
        try:
            setattr(r, attr, fn(rd.folder))
        except DataError:  # no quarcs-indonesia514 folder: the page says so
            pass
    if r.districts:
        r.centres = _centres(rd.folder)
    years = sorted(rd.anggaran["year"].unique())
    data = L.t(mark_synthetic(rd), lang)
    report.context(title=L.t("nt_title", lang, y0=years[0], y1=years[-1], data=data), dataset=rd, lang=lang)
    return r


def _centres(folder) -> dict:
    """{BPS code: (lon, lat)} from the map's COORD_X/COORD_Y properties (the centres its Thiessen cells
    were drawn around); empty when unreadable. To move into ingest.grdp.read_map (District.centre)."""
    import json

    for path in (folder / grdp.MAP_NAME, folder / grdp.FOLDER / grdp.MAP_NAME):
        if path.is_file():
            try:
                doc = json.loads(path.read_text(encoding="utf-8-sig"))
                return {
                    str(f["properties"]["districtID"]).removesuffix(".0"): (
                        float(f["properties"]["COORD_X"]),
                        float(f["properties"]["COORD_Y"]),
                    )
                    for f in doc["features"]
                }
            except (KeyError, TypeError, ValueError):
                return {}
    return {}


@report.batch()
def introduction(measures: pd.DataFrame, r: NationalReport) -> None:
    """How many pemda of each kind the folder holds, and what the page shows."""
    lang = r.lang
    n = measures["kind"].value_counts()
    report.para(
        L.t(
            "nt_intro",
            lang,
            prov=int(n.get("provinsi", 0)),
            kab=int(n.get("kabupaten", 0)),
            kota=int(n.get("kota", 0)),
        )
    )
    report.para(L.t("nt_descriptive", lang), css="ka-caveat")
    report.record("n_provinsi", int(n.get("provinsi", 0)))
    report.record("n_kabupaten", int(n.get("kabupaten", 0)))
    report.record("n_kota", int(n.get("kota", 0)))


def _district_values(measures: pd.DataFrame, column: str, level: str, r: NationalReport) -> pd.Series:
    """Values per district BPS code: the kab/kota's own (``level`` "kabkota") or its province's ("provinsi")."""
    m = measures.dropna(subset=[column])
    if level == "kabkota":
        k = m[m["kind"] != "provinsi"]
        return pd.Series(k[column].to_numpy(), index=k["bps_code"].astype(str))
    p = m[m["kind"] == "provinsi"]
    by_prov = dict(zip(p["bps_code"].astype(str), p[column]))
    prov_of = maps.province_of(r.districts)
    return pd.Series({d: by_prov.get(pv) for d, pv in prov_of.items()}, dtype=float)


@report.batch()
def maps_section(measures: pd.DataFrame, r: NationalReport) -> None:
    """One choropleth per measure and level (districts, provinces); districts without data are hatched
    and counted in the caption. Without the district map the section says so."""
    lang = r.lang
    report.heading(L.t("nt_sec_maps", lang))
    if not r.districts:
        report.para(L.t("nt_no_map", lang), css="ka-note")
        return
    shapes = maps.polygons(r.districts, radius=MAP_RADIUS, centres=r.centres)
    report.para(L.t("nt_maps_intro", lang, km=round(MAP_RADIUS * 111)))
    for level in ("kabkota", "provinsi"):
        for column, decimals in MAP_MEASURES.items():
            values = _district_values(measures, column, level, r)
            n_missing = sum(1 for c in shapes if pd.isna(values.get(c)))
            if n_missing == len(shapes):
                report.para(
                    L.t(f"nt_map_empty_{level}", lang, measure=L.t(f"pd_m_{column}", lang)), css="ka-note"
                )
                continue
            fig = maps.choropleth(
                shapes,
                values,
                lang=lang,
                source=r.source,
                title=L.t(f"nt_fig_{level}", lang, measure=L.t(f"pd_m_{column}", lang)),
                legend=L.t(f"pd_m_{column}", lang),
                decimals=decimals,
            )
            report.figure(fig, reading=L.t("nt_map_caption", lang, n=n_missing, total=len(shapes)))
            report.record(f"map_{level}_{column}_districts_without_data", n_missing)


@report.batch()
def tables(measures: pd.DataFrame, r: NationalReport) -> None:
    """Sortable tables of every province and every kab/kota with their measures."""
    lang = r.lang
    report.heading(L.t("nt_sec_tables", lang))
    names = measures.set_index("region_code")["region_name"]
    for level, sel in (
        ("provinsi", measures["kind"] == "provinsi"),
        ("kabkota", measures["kind"] != "provinsi"),
    ):
        d = measures[sel].sort_values("region_code")
        if d.empty:
            report.para(L.t(f"nt_none_{level}", lang), css="ka-note")
            continue
        show = pd.DataFrame(
            {
                L.t("nt_code", lang): d["region_code"],
                L.t("pv_pemda", lang): d["region_name"].astype(str),
                **(
                    {
                        L.t("pv_province", lang): d["province_code"].map(names).fillna(""),
                        L.t("nt_kind", lang): d["kind"].map(lambda k: L.t(f"nt_kind_{k}", lang)),
                    }
                    if level == "kabkota"
                    else {}
                ),
                **{L.t(f"pd_m_{m}", lang): d[m] for m in TABLE_MEASURES if d[m].notna().any()},
            }
        )
        nums = [c for c in show.columns if pd.api.types.is_float_dtype(show[c])]
        report.table(
            show,
            lang=lang,
            formats={c: "num1" for c in nums},
            caption=L.t(f"nt_table_{level}", lang, n=len(d)),
            sortable=True,
            max_rows=1000,
        )
    for m in ("cut_intensity_pp", "serapan_last_pct"):
        for kind, g in measures.groupby("kind"):
            report.record(f"median_{m}_{kind}", float(g[m].median()) if g[m].notna().any() else None)
    report.publish("all_pemda", measures, title=L.t("nt_sec_tables", lang))
