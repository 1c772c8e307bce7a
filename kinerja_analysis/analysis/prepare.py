"""Prepare a data folder for analysis: load it, compute capaian, periods and each OPD's refocusing dose."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from .. import capaian, store
from ..config import Settings
from ..errors import DataError
from ..ingest import template
from ..paths import display_path
from . import anggaran as ag
from . import panel


@dataclass
class Prepared:
    """A loaded data folder with derived columns, optionally narrowed to one region."""

    dataset: template.Dataset
    kinerja: pd.DataFrame  # tidy kinerja + achievement, formula_used, band, met, flag, period
    anggaran: pd.DataFrame  # tidy anggaran + period
    dose: (
        pd.DataFrame
    )  # region_code, opd, dose (cut share over the refocusing years), sector (urusan or None)
    settings: Settings
    region: str = ""

    @property
    def region_name(self) -> str:
        return self.dataset.region_name(self.region) if self.region else ""


def load(data_dir, *, settings: Settings | None = None, region: str = "") -> Prepared:
    """Load ``data_dir`` and derive everything the reports use.

    >>> from kinerja_analysis import paths
    >>> p = load(paths.DEMO_DATA, region="99.01")
    >>> p.kinerja["region_code"].unique().tolist(), "achievement" in p.kinerja
    (['99.01'], True)
    """
    settings = settings or Settings()
    ds = template.load_folder(data_dir)
    region = str(region or "")
    if region and region not in set(ds.regions["region_code"]) | set(ds.kinerja["region_code"]):
        known = ", ".join(sorted(ds.regions["region_code"].astype(str)))
        # the folder relative to the project: this text reaches the index page
        raise DataError(f"region {region!r} is not in {display_path(ds.folder)}; known regions: {known}")
    derived = store.tables(
        "folder",
        {"data": ds.data_hash, "settings": _analysis_settings(settings)},
        lambda: derive(ds, settings),
        select={"region_code": region} if region else None,  # a region page copies its own rows only
    )
    k, a, dose = derived["kinerja"], derived["anggaran"], derived["dose"]
    return Prepared(dataset=ds, kinerja=k, anggaran=a, dose=dose, settings=settings, region=region)


def derive(ds: template.Dataset, settings: Settings) -> dict[str, pd.DataFrame]:
    """The whole folder's derived tables (``kinerja`` with capaian and period, ``anggaran`` with period,
    ``dose`` with each OPD's sector): the same for every page of a folder and settings, so :func:`load`
    keeps them in the prepared store (:mod:`kinerja_analysis.store`)."""
    k = capaian.compute(ds.kinerja, settings)
    k["period"] = k["year"].map(lambda y: settings.periods.of(int(y)) if pd.notna(y) else None)
    a = ds.anggaran.copy()
    a["period"] = a["year"].map(lambda y: settings.periods.of(int(y)) if pd.notna(y) else None)
    dose = ag.opd_dose(a, settings.periods)
    # each OPD's one sector (urusan), from its kinerja and anggaran rows: None where unknown
    parts = [t[["region_code", "opd", "year", "sector"]] for t in (k, a) if "sector" in t.columns]
    if parts:
        dose = dose.merge(panel.opd_sectors(pd.concat(parts)), on=["region_code", "opd"], how="left")
        dose["sector"] = dose["sector"].astype(object).where(dose["sector"].notna(), None)
    else:
        dose["sector"] = None
    return {"kinerja": k, "anggaran": a, "dose": dose}


def _analysis_settings(settings: Settings) -> dict:
    """The settings that change the derived tables: all but the page language."""
    return {n: v for n, v in dataclasses.asdict(settings).items() if n != "lang"}
