"""What each notebook shows: one module per notebook. Each function takes results computed by
:mod:`kinerja_analysis.analysis` and shows, records and publishes them.
"""

from kinerja_analysis import submodule_getattr

__getattr__ = submodule_getattr(__name__, __file__)
