"""Rendered page text without what differs between two runs of the same report: run times (ISO or as the page
shows them, "30 November 2026, 16.33 WIB (10.7 s)") and nbconvert's cell ids."""

from __future__ import annotations

import re

_TIMES = (
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d( \([\d.]+ s\))?",
    r"\d{1,2} [A-Z][a-z]+ \d{4}, \d\d[.:]\d\d (WIB|WITA|WIT|UTC[+-]\d{4})( \([\d.,]+ s\))?",
)


def normalise(html: str) -> str:
    """
    >>> normalise("at 30 November 2026, 16.33 WIB (10.7 s) and 2026-11-30T09:33:05+00:00")
    'at <time> and <time>'
    """
    for pattern in _TIMES:
        html = re.sub(pattern, "<time>", html)
    return re.sub(r'id="cell-id=[0-9a-f-]+"', 'id="cell-id"', html)
