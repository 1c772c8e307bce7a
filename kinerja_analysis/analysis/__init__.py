"""Pure functions, frames in and frames out: the prepared data set, budget measures, PEFA, comparisons,
bootstraps, the estimation panel, impact models, efficiency, peers and the province measures.
"""

from kinerja_analysis import submodule_getattr

__getattr__ = submodule_getattr(__name__, __file__)
