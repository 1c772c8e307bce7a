"""Files written next to each report page: the LKjIP-format XLSX of its main tables and, on request, a PDF.

Called by the runner after a page is rendered. Each writer is independent; a failure here is recorded
in the manifest entry but never loses the page.
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

log = logging.getLogger("kinerja.companions")

#: Debian's package installs /usr/bin/chromium; other systems name it differently
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome binary (``KINERJA_CHROMIUM`` overrides), or None."""
    env = os.environ.get("KINERJA_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def main_tables(nb) -> list[dict]:
    from ..report.page import tables_from_notebook

    return [t for t in tables_from_notebook(nb) if t.get("main")]


def write_xlsx(tables: list[dict], path: Path) -> Path | None:
    """One sheet per main table, headers in the report language, formula injection neutralised."""
    if not tables:
        return None
    from .artefacts import write_xlsx as safe_write_xlsx

    sheets = {(t.get("sheet") or t.get("title") or t["name"]): pd.DataFrame(t["data"], columns=t["columns"])
              for t in tables}
    return safe_write_xlsx(sheets, path)  # sheet names made valid and unique, written atomically there


def print_pdf(html_path: Path, pdf_path: Path, *, timeout: float = 60) -> Path:
    """Print a page to PDF with headless Chromium (its print stylesheet applies)."""
    exe = find_chromium()
    if exe is None:
        raise FileNotFoundError("no chromium found for --pdf (install Debian's 'chromium' or set KINERJA_CHROMIUM)")
    with tempfile.TemporaryDirectory(prefix="kinerja-chromium-") as profile:
        tmp = pdf_path.with_name(f".{pdf_path.name}.{os.getpid()}.tmp.pdf")
        cmd = [exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
               f"--print-to-pdf={tmp}", html_path.resolve().as_uri()]
        subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        if not tmp.exists() or tmp.stat().st_size == 0:
            raise RuntimeError(f"chromium did not print {html_path.name}")
        os.replace(tmp, pdf_path)
    return pdf_path


def write(nb, out_dir: Path, name: str, entry: dict, *, pdf: bool = False) -> dict:
    """Write the companions of one report; return {kind: relative path or error text} for the manifest."""
    out: dict = {}
    try:
        x = write_xlsx(main_tables(nb), out_dir / f"{name}.xlsx")
        if x is not None:
            out["xlsx"] = x.name
    except Exception as exc:  # never lose the page over a companion
        out["xlsx_error"] = f"{type(exc).__name__}: {exc}"
        log.warning("xlsx for %s failed: %s", name, exc)
    if pdf and entry.get("html"):
        try:
            out["pdf"] = print_pdf(out_dir / entry["html"], out_dir / f"{name}.pdf").name
        except Exception as exc:
            out["pdf_error"] = f"{type(exc).__name__}: {exc}"
            log.warning("pdf for %s failed: %s", name, exc)
    return out
