"""kinerja_analysis: the COVID-19 budget refocusing (2020-21) and the performance of Indonesian pemda/OPD.

The package holds the logic; the notebooks in ``notebooks/`` stay thin. Submodules are imported
lazily so that ``import kinerja_analysis as ka`` stays cheap in every papermill kernel.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = {
    "anggaran", "capaian", "cli", "compare", "config", "data", "demo", "errors", "impact", "labels",
    "narrative", "paths", "plots", "render", "report", "runner", "schema", "sections", "io", "validate",
}


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
