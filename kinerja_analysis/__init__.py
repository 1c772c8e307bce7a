"""kinerja_analysis: the COVID-19 budget refocusing (2020-21) and the performance of Indonesian pemda/OPD.

The package holds the logic; the notebooks in ``notebooks/`` stay thin. One folder per stage, imports
pointing down (see the README's Layout section)::

    base (errors, paths, config, schema, labels, files, capaian)
      <- ingest/    raw files -> validated tidy tables
      <- analysis/  pure frames in, frames out
      <- report/    kernel side: what a notebook shows and records
      <- run/       host side: papermill, kernels, HTML pages, artefacts
      <- cli        the ``kinerja`` command

Submodules are imported lazily (``ka.analysis.compare``), so ``import kinerja_analysis as ka`` stays cheap
in every papermill kernel and has no side effects.
"""

from __future__ import annotations

import importlib
from pathlib import Path

__version__ = "0.1.0"


def submodule_getattr(package: str, folder: str | Path):
    """A module ``__getattr__`` that imports ``package.<name>`` on first use (module or subpackage)."""
    folder = Path(folder).resolve().parent if Path(folder).suffix else Path(folder)

    def __getattr__(name: str):
        if not name.startswith("_") and (
            (folder / f"{name}.py").exists() or (folder / name / "__init__.py").exists()
        ):
            return importlib.import_module(f"{package}.{name}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


__getattr__ = submodule_getattr(__name__, __file__)
