"""The package's named exceptions, in one place (as papermill keeps its own in one module)."""
from __future__ import annotations


class KinerjaError(Exception):
    """Base class: every error the package raises on purpose derives from it."""


class DataError(KinerjaError):
    """Input data that cannot be used. ``issues`` holds the validation table when there is one."""

    def __init__(self, message: str, issues=None):
        super().__init__(message)
        self.issues = issues


class ParseError(DataError):
    """A value that cannot be parsed, with where it came from."""


class ConfigError(KinerjaError):
    """A bad settings file, report-set config or option."""


class ParameterError(KinerjaError):
    """A notebook parameter that is unknown or of the wrong type."""


class ReportError(KinerjaError):
    """One or more reports failed; ``failures`` lists them."""

    def __init__(self, message: str, failures=None):
        super().__init__(message)
        self.failures = failures or []
