"""The demo report set's ``results.json`` against a committed snapshot: a refactoring (such as the move to
one folder per stage) must not change a recorded number, and a deliberate change of a method must update
the snapshot in the same commit (``KINERJA_UPDATE_SNAPSHOT=1 pytest tests/e2e/test_results_snapshot.py``).

Floats compare to 1e-6 relative: the within-region models solve with BLAS, whose last digits differ
between runs (seen: 1e-15 in estimates, 1e-9 in standard errors, even within one run).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SNAPSHOT = Path(__file__).resolve().parent / "expected" / "demo_results_en.json"


def differences(expected, found, where="") -> list[str]:
    """Every place where two JSON values differ (floats to 1e-6 relative).

    >>> differences({"a": [1.0, "x"]}, {"a": [1.0 + 1e-12, "x"]})
    []
    >>> differences({"a": 1.0, "b": 2}, {"a": 1.1})
    ['a: 1.0 != 1.1', 'b: missing']
    """
    if isinstance(expected, dict) and isinstance(found, dict):
        out = []
        for k in sorted(set(expected) | set(found)):
            if k not in found:
                out.append(f"{where}{k}: missing")
            elif k not in expected:
                out.append(f"{where}{k}: new")
            else:
                out += differences(expected[k], found[k], f"{where}{k}.")
        return out
    where = where.rstrip(".")
    if isinstance(expected, list) and isinstance(found, list) and len(expected) == len(found):
        return [
            d for i, (x, y) in enumerate(zip(expected, found)) for d in differences(x, y, f"{where}[{i}].")
        ]
    if isinstance(expected, float) and isinstance(found, (int, float)) and not isinstance(found, bool):
        return (
            []
            if math.isclose(expected, found, rel_tol=1e-6, abs_tol=1e-9)
            else [f"{where}: {expected} != {found}"]
        )
    return [] if expected == found else [f"{where}: {expected} != {found}"]


def test_demo_results_match_the_snapshot(demo_reports):
    out, _ = demo_reports("en")
    found = json.loads((out / "results.json").read_text(encoding="utf-8"))
    if os.environ.get("KINERJA_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    diff = differences(expected, found)
    assert not diff, f"{len(diff)} recorded result(s) changed:\n" + "\n".join(diff[:40])
