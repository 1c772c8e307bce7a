"""Real public data (DJPK APBD, BPS outcomes): recognising such a folder and planning its report set.

Placeholder until the real-data loaders land (issue [realdata]); see io/djpk.py and io/bps.py.
"""
from __future__ import annotations

from pathlib import Path


def is_realdata_folder(folder: str | Path) -> bool:
    """True when ``folder`` holds DJPK/JAGA APBD CSVs (directly or in a djpk-apbd-jaga/ subfolder)."""
    folder = Path(folder)
    return any(folder.glob("data_apbd_*.csv")) or any(folder.glob("*/data_apbd_*.csv"))


def plan_jobs(folder: str | Path, *, lang: str = "en") -> list:
    raise NotImplementedError("the real-data report set is not built yet")
