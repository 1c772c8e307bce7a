"""Indonesian and English number text: parse it, detect a column's style, format it back.

Indonesian style groups thousands with ``.`` and writes the decimal mark as ``,`` ("1.234.567,89");
some exports use English style ("1,234,567.89"). A cell such as "1.234" means 1234 in one style and
1.234 in the other, so the style is decided once per column from its unambiguous cells
(:func:`detect_style`), never per cell. A cell that is only valid in the other style ("89.95" in an
Indonesian column) is read in that style: the cell itself settles what it means.

Units inside numbers ("232 Org", "6,5 bulan") and magnitude words ("Rp14,5 miliar", "2 T") are read
only when they follow a number, and a unit only when it is a known one (:data:`.units.UNITS`): "1O0"
(a letter O) is not 1 with a unit "O0" but a typing slip, and :func:`suggest_digits` says what it
probably meant. Nothing is ever stripped from a label: "Belanja Modal" is not a number.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers as _abc
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import ParseError
from . import units

Style = Literal["id", "en"]

#: normalised (stripped, lower-case) texts that mean "no value"
MISSING_MARKERS = frozenset(
    {
        "",
        "n/a",
        "na",
        "-",
        "—",
        "–",
        "tidak ada data",
        "tidak ada",
        "nan",
        "none",
        "null",
        "#n/a",
        "..",
    }
)

_SEP = {"id": (".", ","), "en": (",", ".")}  # style -> (thousands separator, decimal mark)

# A number as typed in one style: grouped or plain integer part, optional decimals, or a bare ",5".
_CORE = {
    "id": r"(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?|,[0-9]+",
    "en": r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+",
}
_CORE_RE = {k: re.compile(v) for k, v in _CORE.items()}

# Cells that only one style can read. "1.234" and "1,234" (one group of exactly three digits after a
# non-zero lead of at most three digits) are ambiguous and give no evidence; so do plain integers.
_EVIDENCE = {
    "id": (
        r"[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+|[0-9]{1,3}(?:\.[0-9]{3}){2,}|[0-9]+,(?:[0-9]{1,2}|[0-9]{4,})"
        r"|[0-9]{4,},[0-9]{3}|0,[0-9]{3}"
    ),
    "en": (
        r"[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+|[0-9]{1,3}(?:,[0-9]{3}){2,}|[0-9]+\.(?:[0-9]{1,2}|[0-9]{4,})"
        r"|[0-9]{4,}\.[0-9]{3}|0\.[0-9]{3}"
    ),
}
# the text's first number (a maximal run of digits, dots and commas ending in a digit) is one of the above;
# ASCII classes and no look-arounds, so that pyarrow runs it in C++ (RE2) rather than Python's re
_FIRST_TOKEN = r"^[^0-9]*(?:{})(?:$|[^0-9.,]|[.,](?:$|[^0-9]))"
_EVIDENCE_RE = {s: re.compile(_FIRST_TOKEN.format(p)) for s, p in _EVIDENCE.items()}
#: below this many text cells parse_column loops in Python: building Arrow arrays costs more than it saves
VECTOR_MIN = 256

_MINUS = "-\u2212\u2013\u2010\u2011"  # hyphen-minus, minus sign, en dash, hyphens (Word turns "-" into these)
_MAGNITUDE = {
    "miliar": 1e9,
    "milyar": 1e9,
    "miliard": 1e9,
    "milyard": 1e9,
    "m": 1e9,
    "billion": 1e9,
    "bn": 1e9,
    "juta": 1e6,
    "jt": 1e6,
    "million": 1e6,
    "triliun": 1e12,
    "trilyun": 1e12,
    "t": 1e12,
    "trillion": 1e12,
    "ribu": 1e3,
    "rb": 1e3,
    "thousand": 1e3,
}
# A unit after a number: starts with a letter; digits only directly after a letter ("m2"), so that
# "5 Mei 2020" (a date) and "80 s.d. 90" (a range) are not read as 5 and 80.
_UNIT = r"[^\W\d_](?:[^\W\d_]|[ /.'\u2019\u00b2\u00b3\u00b0-]|(?<=[^\W\d_])\d)*"
_NUMBER_RE = re.compile(
    rf"(?P<sign>[{_MINUS}+])?\s*"
    r"(?:(?i:rp\.?|idr)\s*)?"
    rf"(?P<sign2>[{_MINUS}])?\s*"
    r"(?P<num>[0-9][0-9.,]*[0-9]|[0-9]|[.,][0-9]+)(?:[.,]-{1,2})?"  # "Rp 1.500.000,-": ",-" is no cents
    r"(?:(?P<exp>[eE][-+]?[0-9]+))?"
    r"(?:\s*(?P<mag>(?i:miliar|milyar|miliard|milyard|billion|bn|juta|jt|million|triliun|trilyun|trillion"
    r"|ribu|rb|thousand)|M|T)\.?(?![^\W\d_]))?"  # a bare M/T only right after a number, and only in capitals
    r"(?:\s*(?P<pct>%))?"
    rf"(?:\s*(?P<unit>{_UNIT}))?"
)
_PAREN_RE = re.compile(r"\((.*)\)")
_RANGE_RE = re.compile(
    rf"(?P<a>[{_MINUS}]?\s*(?:(?i:rp\.?|idr)\s*)?[0-9].*?)\s*"
    r"(?:[-\u2013\u2014]|(?i:s\.\s?d\.?|s/d|sampai(?:\s+dengan)?\b|hingga\b|to\b))"
    rf"\s*(?P<b>[{_MINUS}]?\s*(?:(?i:rp\.?|idr)\s*)?[0-9].*?)"
)
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u200b": "", "\ufeff": ""})


def _clean(text: str) -> str:
    return text.translate(_SPACES).strip()


def _is_missing_value(x) -> bool:
    if x is None or x is pd.NA or x is pd.NaT:
        return True
    return isinstance(x, (float, np.floating)) and math.isnan(x)


def _is_date(x) -> bool:
    return isinstance(x, (_dt.date, _dt.time, _dt.timedelta, np.datetime64, np.timedelta64))


def _core_to_float(core: str, style: Style) -> float:
    """Convert the digits-and-separators part of a number; fall back to the other style when only it fits."""
    for s in (style, "en" if style == "id" else "id"):
        if _CORE_RE[s].fullmatch(core):
            thousands, decimal = _SEP[s]
            return float(core.replace(thousands, "").replace(decimal, "."))
    raise ValueError(core)


def detect_style(texts: Iterable) -> Style:
    """Decide whether a column of number texts is Indonesian ("id") or English ("en") style.

    Each cell gives evidence only when a single style can read it: "89,95", "1.234.567" and "1.234,5"
    are Indonesian; "89.95", "1,234.5" and "1,234,567" are English. "1.234", "1,234" and "12" are
    ambiguous. The majority of the evidence wins; a tie or no evidence gives "id".

    Parameters
    ----------
    texts : iterable
        The column's raw cells; cells that are not text give no evidence.

    Returns
    -------
    {"id", "en"}

    Examples
    --------
    >>> detect_style(["1,234.5", "89.95", "1.234"])
    'en'
    >>> detect_style(["1.234", "12"])
    'id'
    """
    if not (isinstance(texts, pd.Series) and texts.dtype == "string[pyarrow]"):
        cells = [v for v in texts if isinstance(v, str)]
        if len(cells) < VECTOR_MIN:  # a short column: a Python loop beats building Arrow arrays
            n_id, n_en = (sum(_EVIDENCE_RE[s].search(c) is not None for c in cells) for s in ("id", "en"))
            return "en" if n_en > n_id else "id"
        texts = _text_series(cells)
    n_id, n_en = (
        int(texts.str.contains(_FIRST_TOKEN.format(_EVIDENCE[s]), regex=True).fillna(False).sum())
        for s in ("id", "en")
    )
    return "en" if n_en > n_id else "id"


def _check_style(style) -> Style:
    if style not in ("id", "en"):
        raise ValueError(f"style must be 'id' or 'en', found {style!r}")
    return style


def parse_number(text, style: Style = "id") -> float:
    """Parse one number as typed in Indonesian (default) or English style.

    Reads "Rp"/"Rp."/"IDR" prefixes, a "%" suffix (the number stays in percent), a known unit after the
    number ("232 Org"; :data:`.units.UNITS`), magnitude words after the number (rb/ribu 1e3, jt/juta
    1e6, M/miliar/milyar 1e9, T/triliun/trilyun 1e12; a bare M or T only in capitals), signs "-" and "−"
    and accounting negatives "(5)". Real numbers (from Excel) pass through.

    Parameters
    ----------
    text : str or number
        The cell.
    style : {"id", "en"}
        How to read a cell that both styles could read, such as "1.234".

    Returns
    -------
    float
        NaN for a missing marker such as "", "-" or "n/a" (see :data:`MISSING_MARKERS`).

    Raises
    ------
    ParseError
        When the text is not a number (a label, a range, a date, letters in the digits such as "1O0").

    Examples
    --------
    >>> parse_number("1.234.567,89"), parse_number("89.95", style="en"), parse_number("Rp14,5 miliar")
    (1234567.89, 89.95, 14500000000.0)
    >>> parse_number("232 Org"), parse_number("(5)"), parse_number("n/a")
    (232.0, -5.0, nan)
    """
    style = _check_style(style)
    if _is_missing_value(text):
        return math.nan
    if isinstance(text, (bool, np.bool_)) or _is_date(text):
        raise ParseError(f"expected a number, found {type(text).__name__} {text!r}")
    if isinstance(text, (_abc.Real, Decimal)):
        return float(text)
    if not isinstance(text, str):
        raise ParseError(f"expected a number, found {type(text).__name__} {text!r}")
    s = _clean(text)
    if s.lower() in MISSING_MARKERS:
        return math.nan
    negative = False
    paren = _PAREN_RE.fullmatch(s)
    if paren:  # accounting negative "(5.000)"
        negative, s = True, paren.group(1).strip()
    m = _NUMBER_RE.fullmatch(s)
    if m is None or (m["sign"] and m["sign2"]) or (negative and (m["sign"] or m["sign2"])):
        raise ParseError(f"not a number: {text!r}")
    if m["unit"] and not units.is_unit(m["unit"]):
        raise ParseError(f"not a number with a known unit: {text!r}")
    try:
        value = _core_to_float(m["num"], style)
    except ValueError:
        raise ParseError(f"not a number in {style!r} or the other style: {text!r}") from None
    if m["exp"]:
        value *= 10.0 ** int(m["exp"][1:])
    if m["mag"]:
        value *= _MAGNITUDE[m["mag"].lower()]
    sign = m["sign"] or m["sign2"]
    if negative or (sign and sign != "+"):
        value = -value
    return value


def parse_range(text, style: Style = "id") -> tuple[float, float] | None:
    """Parse a range such as "80–90", "7-8 bulan" or "80 s.d. 90"; None when the text is not a range.

    Connectors: "-", "–", "—", "s.d.", "s/d", "sampai (dengan)", "hingga", "to". A leading "-5" is a
    negative number, not a range. Bounds come back in increasing order.

    Parameters
    ----------
    text : str
        The cell.
    style : {"id", "en"}
        Number style of both bounds.

    Returns
    -------
    tuple of float or None
        (lower, upper).

    Examples
    --------
    >>> parse_range("80 s.d. 90"), parse_range("6,5-7 bulan"), parse_range("-5")
    ((80.0, 90.0), (6.5, 7.0), None)
    """
    style = _check_style(style)
    if not isinstance(text, str):
        return None
    m = _RANGE_RE.fullmatch(_clean(text))
    if m is None:
        return None
    try:
        a, b = parse_number(m["a"], style), parse_number(m["b"], style)
    except ParseError:
        return None
    if math.isnan(a) or math.isnan(b):
        return None
    return (min(a, b), max(a, b))


def _parse_other(x, style: Style, allow_range: bool) -> tuple[float, float, str]:
    """(value, upper, status) of one cell the vectorised path did not settle."""
    if _is_missing_value(x):
        return math.nan, math.nan, "missing"
    try:
        value = parse_number(x, style)
    except ParseError:
        bounds = parse_range(x, style) if allow_range else None
        if bounds is None:
            return math.nan, math.nan, "invalid"
        return bounds[0], bounds[1], "range"
    return value, math.nan, "missing" if math.isnan(value) else "ok"


_NUMBER_TYPES = {float: 1, int: 1, np.float64: 1, np.float32: 1, np.int64: 1, np.int32: 1, str: 0}


def _text_series(texts) -> pd.Series:
    """Text cells as an Arrow string Series (its regexes run in C++), cleaned of odd spaces."""
    try:
        out = pd.Series(texts, dtype="string[pyarrow]")
    except ImportError:  # pragma: no cover - pyarrow is a dependency, but keep working without it
        out = pd.Series(texts, dtype=object)
    # the character classes hold the characters themselves: pandas sends "\u" escapes to Python's re
    out = out.str.replace("[\u00a0\u202f\u2007]", " ", regex=True)
    return out.str.replace("[\u200b\ufeff]", "", regex=True).str.strip()


# A plain number with an optional sign, Rp prefix, % and a letters-only unit. Written so that pandas hands
# it to pyarrow (RE2, in C++) rather than to Python's re: ASCII classes, no \s, no look-arounds, no
# escapes such as \u; and with no ambiguous nested repeats (no catastrophic backtracking in Python).
_FAST_PREFIX = "[-\u2212]?[ \t]*(?:(?i:rp\\.?|idr)[ \t]*)?"  # a real minus-sign character, not an escape
_FAST_WORD = units.ascii_unit_pattern()  # a known unit: "5 Mei" and "1O0" take the slow path (and fail)
_FAST_UNIT = rf"(?:{_FAST_WORD}(?:[ /.'-]+{_FAST_WORD})*[ /.'-]*)?"
# the same shape with any letters: cuts the number out of a cell already matched (a long alternation of
# unit words makes RE2's replace ten times slower)
_ANY_UNIT = r"(?:[A-Za-z]+(?:[ /.'-]+[A-Za-z]+)*[ /.'-]*)?"


_MAGNITUDE_START = (
    r"^(?:(?i:miliar|milyar|miliard|milyard|billion|bn|juta|jt|million|triliun|trilyun"
    r"|trillion|ribu|rb|thousand)|M|T)(?:[^a-zA-Z]|$)"
)


def parse_column(values, *, allow_range: bool = False, style: Style | None = None) -> pd.DataFrame:
    """Parse a column of number cells without raising; each cell gets a status.

    Plain numbers ("1.234,5", "-12", "89%", "232 Org") and real numbers take a vectorised path; the
    remaining distinct texts are parsed one by one.

    Parameters
    ----------
    values : pandas.Series or sequence
        Raw cells: text, real numbers (from Excel), None/NaN.
    allow_range : bool
        Read ranges such as "80–90" into ``value`` (lower) and ``upper``; otherwise a range is invalid.
    style : {"id", "en"}, optional
        Number style; detected from the column when None (:func:`detect_style`).

    Returns
    -------
    pandas.DataFrame
        Same index as ``values``; columns ``value`` (float), ``upper`` (float, NaN unless a range),
        ``status`` ("ok", "missing", "range" or "invalid"), ``raw`` (the original text; "" for
        None/NaN). ``attrs["style"]`` holds the style used. A date where a number belongs is "invalid".

    Examples
    --------
    >>> out = parse_column(["89,95", "1.234", "-", "80–90", "Belanja Modal"], allow_range=True)
    >>> out["value"].tolist()
    [89.95, 1234.0, nan, 80.0, nan]
    >>> out["status"].tolist(), out.attrs["style"]
    (['ok', 'ok', 'missing', 'range', 'invalid'], 'id')
    """
    if style is not None:
        style = _check_style(style)
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    n = len(series)
    value = np.full(n, np.nan)
    upper = np.full(n, np.nan)
    status = np.full(n, "ok", dtype=object)
    raw = np.full(n, "", dtype=object)
    arr = series.to_numpy(dtype=object)
    kind = np.fromiter((_NUMBER_TYPES.get(type(v), 2) for v in arr), dtype=np.int8, count=n)

    # real numbers (Excel cells typed as numbers) pass through
    num_pos = np.flatnonzero(kind == 1)
    if num_pos.size:
        value[num_pos] = arr[num_pos].astype(float)
        nan = np.isnan(value[num_pos])
        status[num_pos[nan]] = "missing"
        raw[num_pos[~nan]] = [str(v) for v in arr[num_pos[~nan]]]

    str_pos = np.flatnonzero(kind == 0)
    raw[str_pos] = arr[str_pos]
    if style is None:
        style = detect_style(arr[str_pos])
    if len(str_pos) >= VECTOR_MIN:
        value[str_pos], upper[str_pos], status[str_pos] = _parse_texts(arr[str_pos], style, allow_range)
    else:  # a short column: a Python loop beats building Arrow arrays
        kind[str_pos] = 2
    for i in np.flatnonzero(kind == 2):  # None, pd.NA, dates, booleans, Decimal, ...; text of a short column
        value[i], upper[i], status[i] = _parse_other(arr[i], style, allow_range)
        raw[i] = "" if _is_missing_value(arr[i]) else str(arr[i])

    out = pd.DataFrame({"value": value, "upper": upper, "status": status, "raw": raw}, index=series.index)
    out.attrs["style"] = style
    return out


def _parse_texts(cells: np.ndarray, style: Style, allow_range: bool):
    """(value, upper, status) of text cells: plain numbers vectorised, each other distinct text once."""
    n = len(cells)
    value = np.full(n, np.nan)
    upper = np.full(n, np.nan)
    status = np.full(n, "ok", dtype=object)
    texts = _text_series(cells)
    missing = texts.str.lower().isin(list(MISSING_MARKERS)).to_numpy(dtype=bool)
    status[missing] = "missing"

    core = rf"{_FAST_PREFIX}({_CORE[style]})[ \t]*%?[ \t]*"
    fast = texts.str.fullmatch(core + _FAST_UNIT).fillna(False).to_numpy(dtype=bool) & ~missing
    if fast.any():  # a unit starting with a magnitude word ("5 jt") takes the slow path
        unit = texts[fast].str.replace(f"^{core}", "", regex=True)
        fast[fast] = ~unit.str.contains(_MAGNITUDE_START, regex=True).fillna(False).to_numpy(dtype=bool)
    if fast.any():
        thousands, decimal = _SEP[style]
        sel = texts[fast]
        num = (
            sel.str.replace(f"^{core}{_ANY_UNIT}$", r"\1", regex=True)
            .str.replace(thousands, "", regex=False)
            .str.replace(decimal, ".", regex=False)
        )
        sign = np.where(sel.str.startswith(("-", "\u2212")).to_numpy(dtype=bool), -1.0, 1.0)
        value[fast] = num.astype(float).to_numpy(dtype=float) * sign

    slow = ~(fast | missing)
    if slow.any():
        codes, uniques = pd.factorize(texts[slow].astype(object))
        parsed = [_parse_other(u, style, allow_range) for u in uniques]
        v, u, st = (np.asarray(c, dtype=object) for c in zip(*parsed))
        value[slow], upper[slow], status[slow] = v[codes].astype(float), u[codes].astype(float), st[codes]
    return value, upper, status


def unknown_unit(text) -> str | None:
    """The word after a number that kept a cell from being read because it is not a known unit, else None.

    >>> unknown_unit("6 Mei"), unknown_unit("232 Org"), unknown_unit("Belanja Modal")
    ('Mei', None, None)
    """
    if not isinstance(text, str):
        return None
    m = _NUMBER_RE.fullmatch(_clean(text))
    return m["unit"] if m and m["unit"] and not units.is_unit(m["unit"]) else None


def suggest_digits(text, style: Style = "id") -> str | None:
    """The number a cell probably meant when letters stand for digits ("1O0", "9O", "l00", "5S"), else None.

    The letters that look like a digit are replaced (:data:`.units.DIGIT_LOOKALIKES`); the result is
    offered only when it then reads as a number, and only for text that does not read as one already.

    Examples
    --------
    >>> suggest_digits("1O0"), suggest_digits("9O %"), suggest_digits("l00"), suggest_digits("5S")
    ('100', '90 %', '100', '55')
    >>> suggest_digits("232 Org") is None, suggest_digits("Belanja Modal") is None
    (True, True)
    """
    style = _check_style(style)
    if not isinstance(text, str):
        return None
    try:
        parse_number(text, style)
        return None
    except ParseError:
        pass
    fixed = units.digits_for_letters(_clean(text))
    if fixed is None:
        return None
    try:
        parse_number(fixed, style)
    except ParseError:
        return None
    return fixed


def format_number(x, style: Style = "id", decimals: int = 2) -> str:
    """Format a number for people, the inverse of :func:`parse_number`.

    Parameters
    ----------
    x : float
        The number; NaN and None give "".
    style : {"id", "en"}
        "id" writes "1.234.567,89", "en" writes "1,234,567.89".
    decimals : int
        Digits after the decimal mark.

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(1234567.891), format_number(-0.5, style="en", decimals=1)
    ('1.234.567,89', '-0.5')
    """
    style = _check_style(style)
    if _is_missing_value(x):
        return ""
    x = float(x)
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    text = f"{x:,.{int(decimals)}f}"
    if style == "id":
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    return text
