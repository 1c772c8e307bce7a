"""kinerja_analysis: the COVID-19 budget refocusing (2020-21) and the performance of Indonesian pemda/OPD.

The package holds the logic; the notebooks in ``notebooks/`` stay thin. Submodules are imported
lazily so that ``import kinerja_analysis as ka`` stays cheap in every papermill kernel.
"""
from __future__ import annotations

import importlib
from pathlib import Path

__version__ = "0.1.0"

_HERE = Path(__file__).resolve().parent


def __getattr__(name: str):
    """``ka.<module>`` imports that submodule on first use (every module of the package, by file name)."""
    if not name.startswith("_") and ((_HERE / f"{name}.py").exists() or (_HERE / name / "__init__.py").exists()):
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
