"""Raw files to validated tidy tables: number and grid readers, the analyst template, quarterly rows,
OPD crosswalks, validation, DJPK/BPS/region-code loaders, downloads, blank templates and the demo data.
"""
from kinerja_analysis import submodule_getattr

__getattr__ = submodule_getattr(__name__, __file__)
