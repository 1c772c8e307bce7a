"""The hand-made kab/kota fixture under the scraper's own file names.

The committed files carry "invented-" names, so that nothing in the repository is named like a file of the
real DJPK data set (a repository check looks for those names); the loader is tested on a temporary copy
under the real names (``data_apbd_kabkota_level3-YYYY.csv``, ``kode_kabkota.csv``), which it must read
without changes.
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


def _build() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="kinerja-kabkota-"))
    atexit.register(shutil.rmtree, folder, True)
    for committed, real in REAL_NAMES.items():
        shutil.copyfile(SOURCE / committed, folder / real)
    return folder


#: a temporary folder holding the fixture under the scraper's file names
FOLDER = _build()
