"""The hand-made kab/kota fixture under the scraper's own file names.

The committed files carry "invented-" names, so that nothing in the repository is named like a file of the
real DJPK data set (a repository check looks for those names); the loader is tested on a temporary copy
under the real names (``data_apbd_kabkota_level3-YYYY.csv``, ``kode_kabkota.csv``), which it must read
without changes.

Two folders (tests/fixtures/kabkota/README.md lists what each plants):

- ``FOLDER``: the first fixture, kab/kota 2021-2022 and the two-row code table.
- ``TRAPS``: the extended fixture: everything in ``FOLDER`` plus kab/kota 2023-2025 (blank-label rows with
  money, 422/434 with 434 live and one pemda-year where the evidence points to 422, a copied Realisasi,
  serapan over 120 %, a partial last year) and a province file for 2024-2025 in the same folder, with
  ``kode_provinsi.csv`` and one more kab/kota code row.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

SOURCE = Path(__file__).parent / "fixtures" / "kabkota"
REAL_NAMES = {
    "invented-apbd-kabkota-2021.csv": "data_apbd_kabkota_level3-2021.csv",
    "invented-apbd-kabkota-2022.csv": "data_apbd_kabkota_level3-2022.csv",
    "invented-kode-kabkota.csv": "kode_kabkota.csv",
}
TRAP_NAMES = {
    **REAL_NAMES,
    "invented-apbd-kabkota-2023.csv": "data_apbd_kabkota_level3-2023.csv",
    "invented-apbd-kabkota-2024.csv": "data_apbd_kabkota_level3-2024.csv",
    "invented-apbd-kabkota-2025.csv": "data_apbd_kabkota_level3-2025.csv",
    "invented-apbd-provinsi-2024.csv": "data_apbd_provinsi_level3-2024.csv",
    "invented-apbd-provinsi-2025.csv": "data_apbd_provinsi_level3-2025.csv",
    "invented-kode-provinsi.csv": "kode_provinsi.csv",
}
#: code rows appended to kode_kabkota.csv in ``TRAPS`` (header line skipped)
EXTRA_CODES = "invented-kode-kabkota-extra.csv"


def _build(names: dict, extra_codes: bool = False) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="kinerja-kabkota-"))
    atexit.register(shutil.rmtree, folder, True)
    for committed, real in names.items():
        shutil.copyfile(SOURCE / committed, folder / real)
    if extra_codes:
        extra = (SOURCE / EXTRA_CODES).read_text(encoding="utf-8").splitlines()[1:]
        with open(folder / "kode_kabkota.csv", "a", encoding="utf-8") as fh:
            fh.write("".join(line + "\n" for line in extra))
    return folder


#: a temporary folder holding the first fixture under the scraper's file names
FOLDER = _build(REAL_NAMES)
#: a temporary folder holding the extended fixture (both levels, every trap)
TRAPS = _build(TRAP_NAMES, extra_codes=True)


def realdata_folder(root: Path) -> Path:
    """A real-data folder under ``root``/data: ``TRAPS`` as its DJPK files, a two-row BPS-Kemendagri bridge
    and the invented district GRDP table and map (tests/fixtures/quarcs), as the pemda and national pages
    (06, 07) read it."""
    quarcs = Path(__file__).parent / "fixtures" / "quarcs"
    data = root / "data"
    shutil.copytree(TRAPS, data / "djpk-apbd-jaga")
    br = data / "kode-wilayah-bps-kemendagri"
    br.mkdir()
    (br / "provinsi.csv").write_text("kode_bps,nama_bps,kode_dagri,nama_dagri\n99,FIKTIF,99,FIKTIF\n")
    (br / "kabkota.csv").write_text(
        "kode_bps,nama_bps,kode_dagri,nama_dagri\n9901,SATU,99.01,SATU\n9971,DUA,99.71,DUA\n"
    )
    q = data / "quarcs-indonesia514"
    q.mkdir()
    shutil.copyfile(quarcs / "invented-gdp-pc.csv", q / "gdp_pc.csv")
    shutil.copyfile(quarcs / "invented-map.geojson", q / "mapIdonesia514tp.geojson")
    return data


def pemda_jobs(data: Path, lang: str) -> list:
    """The national page (07), the pemda pages (06) of two kab/kota and a page for an unknown code."""
    from kinerja_analysis.run import plan

    wanted = {"07_national", "06_pemda-99.01", "06_pemda-99.71"}
    jobs = [j for j in plan.for_folder(data, regions=["all"], lang=lang) if j.name in wanted]
    return jobs + plan.for_folder(data, regions=["12.34"], lang=lang)
