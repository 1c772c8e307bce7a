"""The host side: the notebook registry, report plans (runs.toml), papermill execution, kernels, the warm
engine, executors, provenance, HTML pages and the artefacts beside them.
"""

from kinerja_analysis import submodule_getattr

__getattr__ = submodule_getattr(__name__, __file__)
