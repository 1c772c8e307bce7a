"""What the pages of a report set share, prepared once before the pages run.

Every page of a data folder starts from the same derived tables: the template folder's capaian, periods
and doses (:func:`kinerja_analysis.analysis.prepare.load`), or the real-data folder per level and the national
peer measures every pemda page ranks its pemda against (:func:`kinerja_analysis.analysis.pemda.national_measures`).
:func:`prepare` computes them once per data folder and settings, in the runner's process, into the prepared
store (:mod:`kinerja_analysis.store`, Parquet in the cache folder); the pages make the same calls as before
and read the result. With the warm-kernel engine, :func:`prepare` runs again in each warm process with
``remember=True`` (reading the store, parsing the folders once) before it forks the kernels, so each page
gets the tables in memory. A notebook run on its own in JupyterLab computes what it needs, as before.

Nothing here changes a page: the pages and ``results.json`` are the same with and without the store
(``KINERJA_PREPARED=off``; tests/run/test_shared.py compares them).
"""

from __future__ import annotations

import time
from pathlib import Path

from .. import config, paths, store
from ..paths import display_path

#: the notebooks whose pages share a template folder's derived tables
TEMPLATE_NOTEBOOKS = (
    "00_data_quality",
    "01_budget_refocusing",
    "02_achievement_before_after",
    "03_refocusing_impact",
    "04_region_report",
)
#: the notebooks whose pages share a real-data folder's national measures: per level, and both together
PEMDA_NOTEBOOKS = ("06_pemda",)
NATIONAL_NOTEBOOKS = ("07_national",)
#: notebook -> the family of pages that share its prepared tables
FAMILY = {
    **dict.fromkeys(TEMPLATE_NOTEBOOKS, "template"),
    **dict.fromkeys(PEMDA_NOTEBOOKS, "pemda"),
    **dict.fromkeys(NATIONAL_NOTEBOOKS, "national"),
}


def groups(jobs) -> list[dict]:
    """The distinct (notebook family, data folder, periods, settings file) of ``jobs``, in job order."""
    out: dict[tuple, dict] = {}
    for job in jobs:
        family = FAMILY.get(Path(job.notebook).stem)
        if family is None:
            continue
        p = job.parameters
        data_dir = str(paths.resolve(p["data_dir"])) if p.get("data_dir") else ""
        key = (family, data_dir, p.get("periods", ""), p.get("config_file", ""))
        out.setdefault(
            key,
            {"family": family, "data_dir": data_dir, "periods": key[2], "config_file": key[3], "n_pages": 0},
        )
        out[key]["n_pages"] += 1
    return list(out.values())


def prepare(groups_: list[dict], *, remember: bool = False) -> list[dict]:
    """Compute (or read) each group's shared tables into the prepared store; with ``remember`` also keep
    the parsed folders in this process (:func:`~kinerja_analysis.ingest.template.preload`,
    :func:`~kinerja_analysis.ingest.realdata.preload`). Returns one record per group (what, how long, and
    the error when its data does not load: the pages then show that error themselves)."""
    done = []
    for g in groups_:
        t0 = time.perf_counter()
        record = {k: g[k] for k in ("family", "periods", "config_file", "n_pages")}
        record["data_dir"] = display_path(g["data_dir"]) if g["data_dir"] else ""
        try:
            if store.enabled() or remember:  # with the store off a warm process still parses the folders once
                _PREPARE[g["family"]](g, remember=remember)
            record["status"] = "ok" if store.enabled() else "off"
        except Exception as exc:  # bad data: each page reports it in its own words
            record.update(status="failed", error=f"{type(exc).__name__}: {exc}")
        record["seconds"] = round(time.perf_counter() - t0, 3)
        done.append(record)
    return done


def _settings(g: dict) -> config.Settings:
    return config.for_page(g["config_file"], periods=g["periods"])


def _template(g: dict, *, remember: bool) -> None:
    from ..analysis import prepare as template_prepare  # here: a run of real-data pages never needs it
    from ..ingest import template

    if remember:
        template.preload([g["data_dir"]])
    template_prepare.load(g["data_dir"], settings=_settings(g))


def _realdata(g: dict, levels, *, remember: bool) -> None:
    from ..analysis import pemda  # here: it imports statsmodels, which a demo run never needs
    from ..ingest import grdp, realdata

    folder = realdata.find_folder(g["data_dir"])
    periods = _settings(g).periods
    try:
        g_table = grdp.load(folder)
    except Exception:  # no district GRDP: the pages pass None as well
        g_table = None
    for level in levels:
        if remember:
            realdata.preload(folder, [level])
        try:
            rd = realdata.load(folder, level=level)
        except Exception:  # a level this folder does not hold
            continue
        pemda.national_measures(rd.anggaran, rd.revenue, rd.regions, periods, grdp=g_table)


_PREPARE = {
    "template": _template,
    "pemda": lambda g, remember: _realdata(g, ("provinsi", "kabkota"), remember=remember),
    "national": lambda g, remember: _realdata(g, (None,), remember=remember),
}


__all__ = ["groups", "prepare"]
