"""The kernel side of a report: what a notebook shows and records (page), its start, generated readings,
LKjIP tables, charts and the sections that show each notebook's results.
"""

from kinerja_analysis import submodule_getattr

__getattr__ = submodule_getattr(__name__, __file__)
