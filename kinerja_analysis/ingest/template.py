"""Read an analyst data folder (DESIGN.md section 8) into a :class:`Dataset` of tidy tables.

A data folder holds ``kinerja.csv|xlsx`` (indicators), ``anggaran.csv|xlsx`` (budgets) and optionally
``regions.csv`` and ``opd_crosswalk.csv``. Each file is read by
:func:`~kinerja_analysis.ingest.table.read_table` (headers in English or Indonesian, Indonesian numbers,
spreadsheet quirks; problems collected in one issues table, no row dropped silently); quarterly rows are
aggregated to annual ones (:mod:`~kinerja_analysis.ingest.quarterly`) and renamed or merged OPDs mapped
through the crosswalk (:mod:`~kinerja_analysis.ingest.crosswalk`). Files are only ever parsed as text or as
xlsx XML (openpyxl, with defusedxml): nothing is unpickled, evaluated or executed.

:func:`preload` parses folders once and remembers them (the warm report engine does it before forking
its kernels); :func:`load_folder` then hands out a copy while the folder's files are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import paths, store
from ..errors import DataError
from ..files import fingerprint, sha256
from . import crosswalk as opd_crosswalk
from . import quarterly, urusan
from .issues import Issues
from .table import empty, read_table

#: the tables of a data folder: file stem -> table name
TABLE_FILES = (
    ("kinerja", "kinerja"),
    ("anggaran", "anggaran"),
    ("regions", "regions"),
    ("opd_crosswalk", "opd_crosswalk"),
)
#: parsed data folders, handed out as copies while their files are unchanged; see :func:`preload`
_MEMO = store.Memo()


@dataclass
class Dataset:
    """The tidy tables of one data folder, plus where they came from."""

    kinerja: pd.DataFrame
    anggaran: pd.DataFrame
    regions: pd.DataFrame
    crosswalk: pd.DataFrame
    issues: pd.DataFrame
    folder: Path
    files: dict = field(default_factory=dict)  # file name -> sha256
    synthetic: bool = False
    #: file name -> row accounting of :func:`read_table` (data rows in, kept, skipped, blank, ...)
    accounting: dict = field(default_factory=dict)

    @property
    def data_hash(self) -> str:
        """One SHA-256 over the input files' hashes (names sorted): a short fingerprint for reports."""
        return fingerprint(self.files)

    @property
    def errors(self) -> pd.DataFrame:
        return self.issues[self.issues["severity"] == "error"]

    def region_name(self, code: str) -> str:
        row = self.regions.loc[self.regions["region_code"] == code, "region_name"]
        return str(row.iloc[0]) if len(row) else str(code)


def find_table_file(folder: Path, stem: str, issues: Issues | None = None) -> Path | None:
    """The file holding table ``stem`` in a data folder; both a csv and an xlsx is an error (which one?)."""
    found = [folder / f"{stem}{s}" for s in (".csv", ".xlsx", ".xlsm") if (folder / f"{stem}{s}").exists()]
    if len(found) > 1 and issues is not None:
        issues.add(
            "ambiguous_file",
            "error",
            found[0].name,
            f"{' and '.join(p.name for p in found)} are both present; keep one of them "
            f"(reading {found[0].name})",
        )
    if not found:
        legacy = folder / f"{stem}.xls"
        if legacy.exists() and issues is not None:
            issues.add(
                "unreadable_file",
                "error",
                legacy.name,
                "old Excel 97-2003 (.xls) files are not read; save the file as .xlsx or .csv",
            )
    return found[0] if found else None


def load_folder(folder: str | Path, *, strict: bool = False) -> Dataset:
    """Load a data folder in the template format.

    Quarterly (triwulan) indicator rows are aggregated to annual rows first
    (:func:`kinerja_analysis.ingest.quarterly.to_annual`), so ``kinerja`` always holds one row per
    region/year/OPD/indicator.

    Parameters
    ----------
    folder : path of the data folder (relative paths are taken from the project root)
    strict : raise :class:`DataError` when validation finds errors

    Examples
    --------
    >>> from kinerja_analysis import paths
    >>> ds = load_folder(paths.DEMO_DATA)
    >>> ds.synthetic, sorted(ds.kinerja["year"].unique().tolist())[:2]
    (True, [2018, 2019])
    """
    folder = paths.resolve(folder)
    if not strict:
        hit = _MEMO.get(folder)
        if hit is not None:
            return hit
    return _parse(folder, strict=strict)


def _parse(folder: Path, *, strict: bool = False) -> Dataset:
    """:func:`load_folder` without the memo: read and check every table of ``folder``."""
    if not folder.is_dir():
        raise DataError(f"data folder not found: {folder}")
    issues = Issues()
    files: dict[str, str] = {}
    tables, accounting = {}, {}
    for stem, table in TABLE_FILES:
        p = find_table_file(folder, stem, issues)
        if p is None:
            if table in ("kinerja", "anggaran"):
                issues.add(
                    "missing_file", "error", f"{stem}.csv", f"{stem}.csv or {stem}.xlsx not found in {folder}"
                )
            tables[table] = empty(table)
            continue
        files[p.name] = sha256(p)
        accounting[p.name] = {}
        tables[table] = read_table(p, table, issues, accounting=accounting[p.name])
    crosswalk = tables["opd_crosswalk"]
    kinerja = quarterly.to_annual(tables["kinerja"], issues)
    kinerja = opd_crosswalk.apply(kinerja, crosswalk)
    anggaran = opd_crosswalk.apply(tables["anggaran"], crosswalk)
    # after the crosswalk: a renamed or merged OPD is judged by its current name
    names = ", ".join(f for f in accounting if f.split(".")[0] in ("kinerja", "anggaran"))
    urusan.infer({"kinerja": kinerja, "anggaran": anggaran}, issues, file=names)
    regions = tables["regions"]
    if regions.empty:
        codes = sorted(set(kinerja["region_code"]) | set(anggaran["region_code"]))
        regions = pd.DataFrame({"region_code": codes, "region_name": codes})
    synthetic = (folder / "truth.json").exists()
    ds = Dataset(
        kinerja=kinerja,
        anggaran=anggaran,
        regions=regions,
        crosswalk=crosswalk,
        issues=issues.frame(),
        folder=folder,
        files=files,
        synthetic=synthetic,
        accounting=accounting,
    )
    if strict and not ds.errors.empty:
        raise DataError(
            f"{folder}: {len(ds.errors)} data error(s); run `kinerja validate {folder}`", ds.issues
        )
    return ds


def preload(folders) -> None:
    """Parse each data folder once and remember it, for :func:`load_folder` to hand out copies.

    Afterwards ``load_folder(folder)`` (without ``strict``) returns a copy of the remembered
    :class:`Dataset` (tables copied, dicts and lists deep-copied, so what a caller does to its copy never
    reaches the next) while the folder's files (names, sizes, modification times) are unchanged, and
    parses as usual otherwise. A folder that does not parse is skipped: :func:`load_folder` reports its
    error when it is asked for it. :func:`forget` clears the memo.

    >>> from kinerja_analysis import paths
    >>> preload([paths.DEMO_DATA])
    >>> a, b = load_folder(paths.DEMO_DATA), load_folder(paths.DEMO_DATA)
    >>> a.kinerja.equals(b.kinerja), a.kinerja is b.kinerja
    (True, False)
    >>> forget()
    """
    for f in folders:
        try:
            folder = paths.resolve(f)
            _MEMO.put(folder, _parse(folder))
        except Exception:  # a folder that does not load is left to the report, which shows the error
            continue


def forget() -> None:
    """Drop every data set remembered by :func:`preload`."""
    _MEMO.clear()
