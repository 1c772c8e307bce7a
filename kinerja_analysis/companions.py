"""Files written next to each report page: the LKjIP-format XLSX of its main tables and, on request, a PDF.

Called by the runner after a page is rendered. Each writer is independent; a failure here is recorded
in the manifest entry but never loses the page.
"""
from __future__ import annotations

from pathlib import Path


def write(nb, out_dir: Path, name: str, entry: dict, *, pdf: bool = False) -> dict:
    """Write the companions of one report; return {kind: relative path} for the manifest."""
    return {}
