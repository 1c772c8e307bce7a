"""The package's named exceptions, in one place (as papermill keeps its own in one module)."""

from __future__ import annotations


class KinerjaError(Exception):
    """Base class: every error the package raises on purpose derives from it."""


class DataError(KinerjaError):
    """Input data that cannot be used. ``issues`` holds the validation table when there is one."""

    def __init__(self, message: str, issues=None):
        super().__init__(message)
        self.issues = issues


class FileReadError(DataError):
    """A data file (or part of it) that cannot be read: the validation ``rule`` it breaks and, when known,
    the spreadsheet ``row`` and ``column`` where reading failed."""

    def __init__(self, message: str, *, rule: str = "unreadable_file", row=None, column: str = ""):
        super().__init__(message)
        self.rule, self.row, self.column = rule, row, column


class ParseError(DataError):
    """A value that cannot be parsed, with where it came from."""


class ConfigError(KinerjaError, ValueError):
    """A bad settings file, report-set config or option (a ValueError too, as Python's own option checks)."""


class ParameterError(KinerjaError):
    """A notebook parameter that is unknown or of the wrong type."""


def check_option(name: str, value, allowed) -> None:
    """The one check of a choice among known values: raise :class:`ConfigError` naming the option, the
    allowed values and the nearest one.

    >>> check_option("lang", "en", ("en", "id"))
    >>> check_option("lang", "eng", ("en", "id"))
    Traceback (most recent call last):
    ...
    kinerja_analysis.errors.ConfigError: lang must be one of 'en', 'id'; did you mean 'en'? (found 'eng')
    """
    allowed = tuple(allowed)
    if value in allowed:
        return
    import difflib

    near = difflib.get_close_matches(str(value), [str(a) for a in allowed], n=1)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    raise ConfigError(f"{name} must be one of {', '.join(repr(a) for a in allowed)}{hint} (found {value!r})")
