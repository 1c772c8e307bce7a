"""Every chart of the reports, in one consistent style, drawn without pyplot's global state."""

from kinerja_analysis import submodule_getattr

__getattr__ = submodule_getattr(__name__, __file__)
