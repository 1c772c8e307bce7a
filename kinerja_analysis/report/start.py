"""The first call of every report notebook: settings, data, title, provenance and banner; and the labels
every section prints for the data it shows (its source, its scope)."""

from __future__ import annotations

from .. import config
from .. import labels as L
from ..analysis import prepare
from ..analysis.prepare import Prepared
from ..ingest import template
from . import page as report


def start(
    title_key: str,
    *,
    data_dir: str,
    region: str = "",
    periods: str = "",
    lang: str = "en",
    config_file: str = "",
    default_region: bool = False,
) -> Prepared:
    """The first call of every report notebook: settings, data, title, provenance and banner.

    With ``default_region=True`` an empty ``region`` means the first region in the data, so a region
    notebook runs on the demo data with no edits.
    """
    settings = config.for_page(config_file, periods=periods, lang=lang)
    if default_region and not region:
        ds = template.load_folder(data_dir)
        region = str(sorted(ds.regions["region_code"].astype(str))[0])
    p = prepare.load(data_dir, settings=settings, region=region)
    title = L.t(title_key, lang, region=f"{p.region_name}" if region else "")
    report.context(title=title, dataset=p.dataset, lang=lang, region=region)
    return p


def source_label(p: Prepared, lang: str) -> str:
    """The source line of a chart: the demo's name, or the data folder's."""
    return L.t("source_demo", lang) if p.dataset.synthetic else p.dataset.folder.name


def scope_label(p: Prepared, lang: str) -> str:
    """What a page covers: the region's name, or all regions."""
    return p.region_name if p.region else L.t("all_regions", lang)
