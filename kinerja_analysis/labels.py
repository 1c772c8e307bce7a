"""Every piece of report text, in English and Bahasa Indonesia, plus number formatting per language.

All headings, axis labels and generated sentences live in the message catalogues ``messages/*.json`` and
are looked up here, so that a page is never mixed-language.
``tests/base/test_config_labels.py`` fails when a key lacks either language.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import check_option

if TYPE_CHECKING:  # only for annotations: pandas is not imported for a label lookup
    import pandas as pd

LANGS = ("en", "id")
MESSAGES = Path(__file__).resolve().parent / "messages"


def _load_catalogues() -> dict[str, dict[str, str]]:
    """Read every message catalogue (``messages/*.json``: {key: {"en": ..., "id": ...}}) into one dict.

    Each topic keeps its own catalogue file; a key defined in two files is an error.
    """
    text: dict[str, dict[str, str]] = {}
    for path in sorted(MESSAGES.glob("*.json")):
        for key, entry in json.loads(path.read_text(encoding="utf-8")).items():
            if key in text:
                raise ValueError(f"message key {key!r} is defined twice (again in {path.name})")
            text[key] = entry
    return text


TEXT: dict[str, dict[str, str]] = _load_catalogues()


def t(key: str, lang: str = "en", **fmt) -> str:
    """Text for ``key`` in ``lang``, formatted with ``fmt``.

    >>> t("band_baik", "id"), t("source_line", "en", source="x")
    ('Baik', 'Source: x')
    """
    check_option("lang", lang, LANGS)
    entry = TEXT[key]
    text = entry[lang]
    return text.format(**fmt) if fmt else text


def fmt_num(x, lang: str = "en", decimals: int = 1) -> str:
    """A number with the language's separators; '–' for missing.

    >>> fmt_num(1234567.891, "id", 2), fmt_num(1234567.891, "en", 2), fmt_num(float("nan")), fmt_num(-0.01, "id")
    ('1.234.567,89', '1,234,567.89', '–', '0,0')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    try:
        import pandas as pd

        if pd.isna(x):
            return "–"
    except (TypeError, ValueError):
        pass
    x = float(x)
    if round(x, decimals) == 0:
        x = 0.0  # no "-0,0" for a tiny negative
    s = f"{x:,.{decimals}f}"
    if lang == "id":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s


def fmt_pct(x, lang: str = "en", decimals: int = 1, *, ratio: bool = False) -> str:
    """A percentage; with ``ratio=True`` the input is a 0-1 share.

    >>> fmt_pct(0.4567, "id", ratio=True), fmt_pct(87.5, "en")
    ('45,7 %', '87.5 %')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{fmt_num(x * 100 if ratio else x, lang, decimals)} %"


def fmt_pp(x, lang: str = "en", decimals: int = 1) -> str:
    """A signed difference in percentage points (number only; the unit word comes from the sentence).

    >>> fmt_pp(-3.21, "id"), fmt_pp(2.0, "en")
    ('-3,2', '+2.0')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return ("+" if x > 0 else "") + fmt_num(x, lang, decimals)


def rp_billion(x, lang: str = "en", decimals: int = 1) -> str:
    """Rupiah as miliar (10^9), number only.

    >>> rp_billion(14_500_000_000, "id")
    '14,5'
    """
    return fmt_num(None if x is None else x / 1e9, lang, decimals)


def spending_label(code: str, lang: str = "en") -> str:
    key = f"st_{code}"
    return t(key, lang) if key in TEXT else str(code)


def band_label(code: str, lang: str = "en") -> str:
    key = f"band_{code}"
    return t(key, lang) if key in TEXT else str(code)


def period_label(name: str, lang: str = "en") -> str:
    return t(f"period_{name}", lang)


def headers(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Column names in the report language, where the catalogue has them (tidy names as keys)."""
    return df.rename(columns={c: t(c, lang) for c in df.columns if isinstance(c, str) and c in TEXT})


def translated(values: pd.Series, prefix: str, lang: str, empty_key: str | None = None) -> pd.Series:
    """Each value's catalogue text under ``prefix`` where there is one; ``empty_key``'s text for blanks."""

    def one(v):
        if (v == "" or v is None or v != v) and empty_key:
            return t(empty_key, lang)
        key = f"{prefix}{v}"
        return t(key, lang) if key in TEXT else v

    return values.map(one)
