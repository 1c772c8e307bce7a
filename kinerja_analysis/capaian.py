"""Capaian kinerja (achievement, in percent): the formulas, the range-target rule and the bands.

The rules are those of DESIGN.md section 4. Positive polarity scores ``R / T × 100``. Negative
polarity ("lower is better") scores ``(2T − R) / T × 100`` by default (PermenPANRB 8/2021), or
``T / R × 100`` when the settings say so. A range target [L, U] scores 100 inside the range and is
scored against the nearer bound outside it. A per-row ``formula`` overrides the polarity default,
because published LKjIPs mix conventions within one report.

Nothing here raises on bad rows: a row that cannot be scored gets NaN and a flag naming why, so that
a missing or zero target never turns into a silent 0.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import labels, schema
from .config import BAND_SCHEMES, Settings
from .errors import ConfigError, DataError, check_option

#: the three formulas a row can be scored with (DESIGN.md section 4)
FORMULAS = ("R/T", "(2T-R)/T", "T/R")
#: ``formula_used`` of a row whose actual lies inside its range target, which scores 100 by rule
IN_RANGE = "in_range"
#: flag names, in the order they are joined (";") in the ``flag`` column
FLAGS = (
    "missing_target",
    "missing_actual",
    "target_zero",
    "actual_zero",
    "negative_achievement",
    "capped",
    "unknown_formula",
    "unknown_polarity",
)

_RT, _NEG, _TR, _IN = 1, 2, 3, 4  # formula codes; 0 = none, -1 = unknown formula text
_FORMULA_NAMES = np.array(["", *FORMULAS, IN_RANGE], dtype=object)
_FORMULA_CODE = {"R/T": _RT, "(2T-R)/T": _NEG, "T/R": _TR}
_POLARITY_CODE = {"positive": 1, "negative": 2, "range": 3}  # 0 = unknown
# every combination of flags, so that joining them is one lookup per row, not a Python loop
_FLAG_TABLE = np.array(
    [";".join(f for i, f in enumerate(FLAGS) if bits >> i & 1) for bits in range(1 << len(FLAGS))],
    dtype=object,
)
# Rounding before comparing with a band edge: 0.57 * 100 is 57.00000000000001 in floating point, and
# a capaian of 90.99999999999999 that is really 91 must land in the 91 band.
_EDGE_DECIMALS = 9


def _is_blank(value) -> bool:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return True
    return str(value).strip() == ""


def _formula_code(value) -> int:
    """Code of a formula as typed: "R/T", "r / t", "(2T−R)/T × 100"; 0 for blank, -1 for unknown text."""
    if _is_blank(value):
        return 0
    key = re.sub(r"\s+", "", str(value).lower()).replace("\u2212", "-").replace("\u2013", "-")
    key = re.sub(r"[x×*]100%?$", "", key)
    name = schema.FORMULA_VALUES.get(key)
    return _FORMULA_CODE[name] if name else -1


def _polarity_code(value) -> int:
    if _is_blank(value):
        return 0
    name = schema.POLARITY_VALUES.get(str(value).strip().lower())
    return _POLARITY_CODE.get(name, 0)


def _codes(values, n: int, convert) -> np.ndarray:
    """Convert a column of labels through ``convert``, once per distinct label (fast on millions of rows)."""
    if values is None:
        return np.zeros(n, dtype=np.int8)
    if np.ndim(values) == 0:
        return np.full(n, convert(values), dtype=np.int8)
    if not isinstance(values, (pd.Series, pd.Index)):
        values = pd.Series(values)
    codes, uniques = pd.factorize(values)
    table = np.array([convert(u) for u in uniques] + [convert(None)], dtype=np.int8)
    return table[codes]  # a missing label has code -1, which picks the last entry: convert(None)


def _as_float(values, name: str, n: int | None = None) -> np.ndarray:
    try:
        if isinstance(values, (pd.Series, pd.Index)):
            out = values.to_numpy(dtype=float, na_value=np.nan)
        else:
            out = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"{name} must hold numbers (parse text with kinerja_analysis.ingest.numbers)"
        ) from exc
    if n is not None and out.ndim == 0:
        out = np.full(n, float(out))
    return out


def _check_options(negative_formula, cap) -> tuple[int, float | None]:
    neg = _formula_code(negative_formula)
    if neg not in (_NEG, _TR):
        raise ConfigError(f"negative_formula must be '(2T-R)/T' or 'T/R', found {negative_formula!r}")
    if cap is not None:
        try:
            cap = float(cap)
        except (TypeError, ValueError):
            raise ConfigError(f"cap must be a number or None, found {cap!r}") from None
        if not np.isfinite(cap) or cap <= 0:
            raise ConfigError(f"cap must be a positive number or None, found {cap!r}")
    return neg, cap


def _score(T, R, Tu, pol, fo, neg, cap):
    """The vectorised rules on float arrays and int8 codes; see :func:`achievement`.

    Returns the capaian, the code of the formula used (an index into ``_FORMULA_NAMES``) and the flag
    bits (an index into ``_FLAG_TABLE``), so that callers build string columns by one lookup.
    """
    has_range = ~np.isnan(Tu)
    if has_range.any():
        # the range's bounds in increasing order, whichever way round they were typed
        L = np.where(has_range, np.minimum(T, Tu), T)
        U = np.where(has_range, np.maximum(T, Tu), T)
        below, above = R < L, R > U  # False where anything is NaN
        inside = has_range & ~(below | above) & ~np.isnan(R) & ~np.isnan(T)
        Teff = np.where(below, L, np.where(above, U, T))
    else:  # point targets only: skip the range arithmetic (most tables)
        above, inside, Teff = R > T, np.zeros(len(T), dtype=bool), T

    # polarity default (unknown, positive, negative, range); "range" polarity: deviation either side is
    # bad, so R/T below the target and (2T - R)/T above it
    code = np.array([0, _RT, neg, _RT], dtype=np.int8).take(pol)
    np.putmask(code, (pol == 3) & above, _NEG)
    if fo.any():  # a per-row formula wins; unknown formula text scores nothing
        code = np.where(fo != 0, np.maximum(fo, 0), code).astype(np.int8)

    # every formula is num / den: R/T, (2T - R)/T, T/R. 100 * R / T rather than R / T * 100, which is
    # exact whenever the true quotient is (76 * 100 / 100 = 76).
    is_tr = code == _TR
    num = np.where(is_tr, Teff, np.where(code == _NEG, 2.0 * Teff - R, R))
    den = np.where(is_tr, R, Teff)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = 100.0 * num / den
    scored = code > 0
    outside = ~inside
    target_zero = scored & outside & (Teff == 0)
    actual_zero = is_tr & outside & (R == 0)
    np.putmask(value, ~scored | target_zero | actual_zero, np.nan)
    in_range = inside & scored
    np.putmask(value, in_range, 100.0)
    negative = value < 0  # (2T - R)/T when R > 2T: kept, and flagged
    capped = np.zeros(len(value), dtype=bool)
    if cap is not None:
        capped = value > cap
        np.putmask(value, capped, cap)

    masks = (
        np.isnan(T),
        np.isnan(R),
        target_zero,
        actual_zero,
        negative,
        capped,
        fo < 0,
        (pol == 0) & (fo == 0),
    )  # in the order of FLAGS
    bits = np.zeros(len(value), dtype=np.uint8)
    for i, mask in enumerate(masks):
        bits |= mask.view(np.uint8) << np.uint8(i)
    used = np.where(np.isnan(value), np.int8(0), code)
    np.putmask(used, in_range, _IN)
    return value, used, bits


def _strings(codes: np.ndarray, names: np.ndarray):
    """A string column (pandas' default string dtype) from codes into a table of names.

    pandas 3 stores strings in Arrow; building the column there by one ``take`` is about 20 times faster
    than handing pandas millions of Python strings to convert.
    """
    dtype = pd.Series([""]).dtype  # "str" on pandas 3, object on pandas 2
    if dtype == np.dtype(object):
        return names[codes]
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        return pd.array(pc.take(pa.array(list(names), type=pa.large_string()), pa.array(codes)), dtype=dtype)
    except (ImportError, TypeError, ValueError):  # pragma: no cover - string dtype without pyarrow
        return pd.array(names[codes], dtype=dtype)


def achievement(
    target,
    actual,
    polarity,
    *,
    target_upper=None,
    formula=None,
    negative_formula: str = "(2T-R)/T",
    cap: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Capaian (percent) of each row, the formula used and the flags, vectorised.

    Parameters
    ----------
    target, actual : array-like of float
        T and R; NaN where missing.
    polarity : array-like of str or str
        "positive", "negative" or "range" (Indonesian and short forms of :data:`schema.POLARITY_VALUES`
        accepted). "range" means a deviation either side is bad: R/T below the target, (2T−R)/T above it.
    target_upper : array-like of float, optional
        Upper bound U where the target is a range [target, U]; NaN for a point target. Inside the range
        the capaian is 100 (``formula_used`` "in_range"); below it L is the target, above it U.
    formula : array-like of str, optional
        Per-row override: "R/T", "(2T-R)/T" or "T/R" (any case and spacing); blank keeps the default.
    negative_formula : {"(2T-R)/T", "T/R"}
        Default formula for negative polarity.
    cap : float, optional
        Cap the capaian at this value (e.g. 120); off by default.

    Returns
    -------
    achievement : numpy.ndarray of float
        NaN where the row cannot be scored; never a silent 0.
    formula_used : numpy.ndarray of str
        One of :data:`FORMULAS` or "in_range"; "" where the capaian is NaN.
    flag : numpy.ndarray of str
        Names from :data:`FLAGS` joined by ";"; "" when none.

    Examples
    --------
    >>> value, used, flag = achievement([100, 10, 0, 80], [90, 12, 5, 70],
    ...                                 ["positive", "negative", "positive", "+"],
    ...                                 target_upper=[np.nan, np.nan, np.nan, 90])
    >>> value.round(1).tolist()
    [90.0, 80.0, nan, 87.5]
    >>> used.tolist(), flag.tolist()
    (['R/T', '(2T-R)/T', '', 'R/T'], ['', '', 'target_zero', ''])
    """
    neg, cap = _check_options(negative_formula, cap)
    columns = (target, actual, polarity, target_upper, formula)
    lengths = {len(x) for x in columns if x is not None and np.ndim(x) > 0}
    if len(lengths) > 1:
        raise DataError(
            f"target, actual, polarity, target_upper and formula differ in length: {sorted(lengths)}"
        )
    n = lengths.pop() if lengths else 1
    T = _as_float(target, "target", n)
    R = _as_float(actual, "actual", n)
    Tu = np.full(n, np.nan) if target_upper is None else _as_float(target_upper, "target_upper", n)
    pol, fo = _codes(polarity, n, _polarity_code), _codes(formula, n, _formula_code)
    value, used, bits = _score(T, R, Tu, pol, fo, neg, cap)
    return value, _FORMULA_NAMES[used], _FLAG_TABLE[bits]


def _bands(scheme) -> list[tuple[float, str]]:
    if isinstance(scheme, str):
        if scheme not in BAND_SCHEMES:
            raise ConfigError(
                f"unknown band scheme {scheme!r}; known: {', '.join(BAND_SCHEMES)} "
                "(schemes from a settings file: pass Settings().bands)"
            )
        return BAND_SCHEMES[scheme]
    bands = [(float(lower), str(key)) for lower, key in scheme]
    lowers = [b[0] for b in bands]
    if not bands or any(a <= b for a, b in zip(lowers, lowers[1:])):
        raise ConfigError(f"a band scheme lists (lower bound, key) from the top band down, found {scheme!r}")
    return bands


def band(
    achievement, scheme: str | Sequence[tuple[float, str]] = "default", *, lang: str | None = None
) -> pd.Series:
    """Band (predikat) of each capaian; bands are half-open, [lower, next lower).

    Parameters
    ----------
    achievement : array-like of float
        Capaian in percent.
    scheme : str or list of (lower, key)
        A name in :data:`kinerja_analysis.config.BAND_SCHEMES`, or the bands themselves from the top
        band down (``Settings().bands``). The default scheme: ≥ 91 sangat_baik, 76–<91 baik, 66–<76
        cukup, 51–<66 kurang, < 51 sangat_kurang.
    lang : {"id", "en"}, optional
        Give report labels ("Sangat Baik", "Very good"; :func:`kinerja_analysis.labels.band_label`)
        instead of keys.

    Returns
    -------
    pandas.Series
        Ordered categorical, worst band first; NaN where the capaian is NaN (or below the lowest band).
        Keeps the index of a Series passed in.

    Examples
    --------
    >>> band([91, 90.999, 50.9, np.nan]).tolist()
    ['sangat_baik', 'baik', 'sangat_kurang', nan]
    >>> band([76], lang="id").tolist()
    ['Baik']
    """
    bands = _bands(scheme)
    check_option("lang", lang, (None, "id", "en"))
    lowers = np.array([lower for lower, _ in reversed(bands)])
    keys = [key for _, key in reversed(bands)]
    values = _as_float(achievement, "achievement")
    values = np.atleast_1d(values)
    rounded = np.round(values, _EDGE_DECIMALS)
    # the number of lower bounds reached, less one; NaN reaches none and gets -1 (a missing band)
    codes = np.full(len(rounded), -1, dtype=np.int8)
    for lower in lowers:
        codes += rounded >= lower
    if lang:
        keys = [labels.band_label(k, lang) for k in keys]
    index = achievement.index if isinstance(achievement, pd.Series) else None
    categorical = pd.Categorical.from_codes(codes, categories=keys, ordered=True)
    return pd.Series(categorical, index=index, name="band")


def met(achievement) -> pd.arrays.BooleanArray:
    """Whether each target was met (capaian ≥ 100); NA where the capaian is NaN.

    Examples
    --------
    >>> met([100.0, 99.9, np.nan]).tolist()
    [True, False, <NA>]
    """
    values = np.atleast_1d(_as_float(achievement, "achievement"))
    nan = np.isnan(values)
    return pd.arrays.BooleanArray(np.where(nan, False, np.round(values, _EDGE_DECIMALS) >= 100), nan)


def compute(df: pd.DataFrame, settings: Settings | None = None) -> pd.DataFrame:
    """Add capaian, formula, band, met and flags to a tidy kinerja table.

    Parameters
    ----------
    df : pandas.DataFrame
        Tidy kinerja rows (:data:`kinerja_analysis.schema.KINERJA_COLUMNS`): needs ``target``, ``actual``
        and ``polarity``; ``target_upper``, ``formula`` and ``target_original`` are used when present.
    settings : Settings, optional
        ``negative_formula``, ``cap``, ``bands`` and ``target_basis``; defaults to ``Settings()``.

    Returns
    -------
    pandas.DataFrame
        A copy with every input column unchanged plus ``achievement``, ``formula_used``, ``band``
        (categorical), ``met`` (boolean, NA where no capaian), ``flag`` and ``achievement_original``.
        ``achievement_original`` is scored against ``target_original`` where given (as a point target:
        the murni target of a row that APBD-P revised), else it equals the capaian against ``target``.
        With ``settings.target_basis == "original"`` the ``achievement`` column is that one.

    Examples
    --------
    >>> rows = pd.DataFrame({"target": [100.0, 10.0], "actual": [95.0, 12.0],
    ...                      "polarity": ["positive", "negative"], "target_original": [120.0, np.nan]})
    >>> out = compute(rows)
    >>> out[["achievement", "band", "met", "achievement_original"]].round(2)
       achievement         band    met  achievement_original
    0         95.0  sangat_baik  False                 79.17
    1         80.0         baik  False                 80.00
    """
    settings = settings if settings is not None else Settings()
    absent = [c for c in ("target", "actual", "polarity") if c not in df.columns]
    if absent:
        raise DataError(
            f"kinerja table lacks column(s) {', '.join(absent)}; found: {', '.join(map(str, df.columns))}"
        )
    neg, cap = _check_options(settings.negative_formula, settings.cap)
    n = len(df)
    T = _as_float(df["target"], "target")
    R = _as_float(df["actual"], "actual")
    Tu = _as_float(df["target_upper"], "target_upper") if "target_upper" in df.columns else np.full(n, np.nan)
    pol = _codes(df["polarity"], n, _polarity_code)
    fo = _codes(df["formula"] if "formula" in df.columns else None, n, _formula_code)

    revised = _score(T, R, Tu, pol, fo, neg, cap)
    original = revised
    if "target_original" in df.columns:
        To = _as_float(df["target_original"], "target_original")
        use = ~np.isnan(To)
        if use.any():
            # the murni target is a single number: a range is kept only where the target was not revised
            upper = np.where(To[use] != T[use], np.nan, Tu[use])
            sub = _score(To[use], R[use], upper, pol[use], fo[use], neg, cap)
            original = tuple(a.copy() for a in revised)
            for whole, part in zip(original, sub):
                whole[use] = part
    value, used, bits = original if settings.target_basis == "original" else revised

    out = df.copy()
    out["achievement"] = value
    out["formula_used"] = _strings(used, _FORMULA_NAMES)
    out["band"] = band(value, settings.bands).array
    out["met"] = met(value)
    out["flag"] = _strings(bits, _FLAG_TABLE)
    out["achievement_original"] = original[0]
    return out
