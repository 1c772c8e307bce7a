"""Raw files to validated tidy tables: number and grid readers, template tables (issues, table, vocab,
template), quarterly rows, the OPD crosswalk, validation, DJPK (djpk, djpk_labels, djpk_checks), BPS and
region-code loaders, real-data folders, downloads, blank templates and the demo data (demo, demo_catalogue,
demo_files).
"""

from kinerja_analysis import submodule_getattr

__getattr__ = submodule_getattr(__name__, __file__)
