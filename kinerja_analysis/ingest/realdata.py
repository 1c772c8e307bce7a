"""Real public data (DJPK APBD, BPS outcomes): finding the folder and loading it once.

A real-data folder has the layout of ``../shared/realdata`` and of ``data/raw/`` after
``kinerja data fetch``: ``djpk-apbd-jaga/``, ``bps-provinsi-indikator-rkp/``, ``kode-wilayah-bps-kemendagri/``.
Province-level budget data has no OPD detail, so it gets the province report (notebook 05), not the OPD
notebooks (the report set is planned by :func:`kinerja_analysis.run.plan.for_folder`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import errors, paths, store
from ..errors import DataError
from ..files import atomic_path, atomic_write, fingerprint, sha256
from . import bps, djpk, djpk_checks, regions

#: folders loaded by :func:`preload`, handed out as copies while their files are unchanged
_MEMO = store.Memo()
DJPK_DIR, BPS_DIR, CODES_DIR = "djpk-apbd-jaga", "bps-provinsi-indikator-rkp", "kode-wilayah-bps-kemendagri"
ENV_VAR = "KINERJA_REALDATA"


def is_realdata_folder(folder: str | Path) -> bool:
    """True when ``folder`` holds DJPK/JAGA APBD CSVs (directly or in a djpk-apbd-jaga/ subfolder)."""
    folder = Path(folder)
    return any(folder.glob("data_apbd_*.csv")) or any(folder.glob("*/data_apbd_*.csv"))


def candidates() -> list[Path]:
    """Where an empty ``data_dir`` looks, in order: data/raw, $KINERJA_REALDATA, ../shared/realdata."""
    out = [paths.RAW_DATA]
    if os.environ.get(ENV_VAR):
        out.append(Path(os.environ[ENV_VAR]).expanduser())
    out.append(paths.ROOT.parent / "shared" / "realdata")
    return out


def find_folder(data_dir: str = "") -> Path:
    """The real-data folder: ``data_dir`` when given (relative to the project root), else the first of
    :func:`candidates` that holds DJPK files. Raises DataError telling the user to run the download."""
    if data_dir:
        folder = paths.resolve(data_dir)
        if not is_realdata_folder(folder):
            raise DataError(
                f"{folder}: no DJPK files (data_apbd_*.csv, directly or in {DJPK_DIR}/); "
                "run `kinerja data fetch` to download the public data into data/raw/"
            )
        return folder
    for folder in candidates():
        if folder.is_dir() and is_realdata_folder(folder):
            return folder
    looked = ", ".join(str(c) for c in candidates())
    raise DataError(
        f"no real data folder found (looked in {looked}); run `kinerja data fetch` to download "
        f"the public data into data/raw/, or set {ENV_VAR}"
    )


def _djpk_dir(folder: Path) -> Path:
    return folder / DJPK_DIR if (folder / DJPK_DIR).is_dir() else folder


@dataclass
class RealData:
    """Everything the province report uses, loaded once."""

    folder: Path
    accounts: pd.DataFrame  # every DJPK account row, classified (djpk.read_accounts)
    anggaran: pd.DataFrame  # tidy anggaran (belanja), pemda totals by spending type
    revenue: pd.DataFrame  # tidy revenue (PAD, TKDD, other)
    identity: pd.DataFrame  # budget identity per pemda-year
    issues: pd.DataFrame  # flagged account rows (duplicates, blanks, negatives)
    regions: pd.DataFrame  # regions table from the code files
    outcomes: pd.DataFrame  # BPS province outcomes (tidy)
    national: pd.DataFrame  # the "INDONESIA" rows with their kind
    rkp: pd.DataFrame  # national RKP targets vs actual with capaian
    partial_years: list = field(default_factory=list)  # years partial in any level held
    suspect_years: pd.DataFrame = field(default_factory=pd.DataFrame)  # djpk_checks.suspect_years
    unclassified: pd.DataFrame = field(default_factory=pd.DataFrame)  # blank-label amounts per pemda-year
    repeat_decisions: pd.DataFrame = field(default_factory=pd.DataFrame)  # the 422/434 decisions
    level: str | None = None  # the level kept ("provinsi", "kabkota"), None for both
    unmapped_names: list = field(default_factory=list)
    files: dict = field(default_factory=dict)  # relative path -> sha256
    synthetic: bool = False  # real public data, never the demo

    @property
    def data_hash(self) -> str:
        return fingerprint(self.files)

    def region_name(self, code: str) -> str:
        hit = self.regions.loc[self.regions["region_code"] == code, "region_name"]
        return str(hit.iloc[0]) if len(hit) else str(code)


def _hashes(folder: Path) -> dict:
    out = {}
    for sub in (DJPK_DIR, BPS_DIR, CODES_DIR):
        d = folder / sub
        if d.is_dir():
            for p in sorted(d.iterdir()):
                if p.is_file() and p.suffix.lower() in (".csv", ".xlsx"):
                    out[f"{sub}/{p.name}"] = sha256(p)
    if not out:  # a bare folder of DJPK files
        for p in sorted(folder.glob("data_apbd_*.csv")):
            out[p.name] = sha256(p)
    return out


CHECKS = ("identity", "issues", "partial_years", "suspect_years", "unclassified", "repeat_decisions")


def checks(acc: pd.DataFrame, cache_file: Path | None = None, level: str | None = None) -> dict:
    """The :mod:`~kinerja_analysis.ingest.djpk_checks` tables of ``acc`` (keys: :data:`CHECKS`). With the
    accounts' cache file (``djpk.cache_file``) they are kept beside it per level, as Parquet (and the list of
    partial years as JSON; nothing is ever unpickled), so that each page of a many-page run computes them
    once; an unreadable copy is recomputed."""
    folder = None
    if cache_file is not None:
        folder = cache_file.with_name(f"{cache_file.stem}-checks-{level or 'all'}")
        got = _read_checks(folder)
        if got is not None:
            return got
    out = {
        "identity": djpk_checks.budget_identity(acc),
        "issues": djpk_checks.issues(acc),
        "partial_years": djpk_checks.partial_years(acc),
        "suspect_years": djpk_checks.suspect_years(acc),
        "unclassified": djpk_checks.unclassified(acc),
        "repeat_decisions": djpk_checks.repeat_decisions(acc),
    }
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, value in out.items():
            if name == "partial_years":
                atomic_write(folder / "partial_years.json", json.dumps([int(y) for y in value]))
            else:
                with atomic_path(folder / f"{name}.parquet") as tmp:
                    value.to_parquet(tmp, index=False)
    return out


def _read_checks(folder: Path) -> dict | None:
    try:
        got = {"partial_years": json.loads((folder / "partial_years.json").read_text(encoding="utf-8"))}
        for name in CHECKS:
            if name != "partial_years":
                got[name] = pd.read_parquet(folder / f"{name}.parquet")
    except (OSError, ValueError):
        return None  # absent, damaged or foreign: computed again and replaced
    return got


def load(folder: str | Path, *, cache: bool | str | Path = True, level: str | None = None) -> RealData:
    """Load a real-data folder: DJPK accounts (Parquet-cached in :func:`kinerja_analysis.paths.cache_dir`,
    or the folder ``cache`` names; ``False``: no cache), code tables, BPS files. ``level`` ("provinsi" or
    "kabkota") keeps only that level's rows, so that a folder holding both never pools them; ``None``
    keeps both (every table has a ``level`` column). Raises DataError when the level has no rows.
    After :func:`preload`, a copy of the remembered load while the folder's files are unchanged."""
    folder = Path(folder)
    hit = _MEMO.get(folder.resolve(), level, str(cache))
    if hit is not None:
        return hit
    dj = _djpk_dir(folder)
    codes = (
        regions.djpk_codes(dj)
        if (dj / "kode_provinsi.csv").exists() or (dj / "kode_kabkota.csv").exists()
        else regions.codes_near(djpk.files(dj))
    )
    acc = djpk.read_accounts(dj, cache=cache)
    if level is not None:
        errors.check_option("level", level, djpk.LEVELS)
        acc = acc[(acc["level"] == level).to_numpy()].reset_index(drop=True)
        for col in acc.select_dtypes("category").columns:  # names of the other level must not linger
            acc[col] = acc[col].cat.remove_unused_categories()
        if acc.empty:
            raise DataError(f"{dj}: no {level} rows (files data_apbd_{level}_level3-YYYY.csv) in this folder")
    ang = djpk.anggaran_from_accounts(acc, codes)
    rev = djpk.revenue_from_accounts(acc, codes)
    bps_dir = folder / BPS_DIR
    if bps_dir.is_dir() and (folder / CODES_DIR).is_dir():
        bridge = regions.bps_bridge(folder / CODES_DIR)
        outcomes = bps.load_outcomes(bps_dir, bridge=bridge)
        national = bps.load_national(bps_dir)
        rkp = bps.rkp_capaian(bps.load_rkp_targets(bps_dir), national)
    else:
        outcomes = pd.DataFrame(columns=["region_code", "year", "measure", "value", "polarity"])
        national = pd.DataFrame(columns=["measure", "year", "value", "kind"])
        rkp = pd.DataFrame(
            columns=["measure", "year", "target_lower", "target_upper", "actual", "achievement", "note"]
        )
    return RealData(
        folder=folder,
        accounts=acc,
        anggaran=ang,
        revenue=rev,
        regions=codes,
        outcomes=outcomes,
        national=national,
        rkp=rkp,
        **checks(acc, djpk.cache_file(dj, cache), level),
        level=level,
        unmapped_names=ang.attrs.get("unmapped_names", []),
        files=_hashes(folder),
    )


def preload(folder: str | Path, levels=(None, *djpk.LEVELS), *, cache: bool | str | Path = True) -> None:
    """Load ``folder`` once per level of ``levels`` and remember it, for :func:`load` to hand out copies
    (tables copied, lists and dicts deep-copied) while the folder's files are unchanged. The warm-kernel
    process calls it before it forks the report kernels. A level without rows, or a folder that does not
    load, is skipped: the report shows the error."""
    for level in levels:
        try:
            rd = load(folder, cache=cache, level=level)
        except Exception:  # left to the report, which shows the error
            continue
        _MEMO.put(Path(folder).resolve(), rd, level, str(cache))


def forget() -> None:
    """Drop every folder remembered by :func:`preload`."""
    _MEMO.clear()
