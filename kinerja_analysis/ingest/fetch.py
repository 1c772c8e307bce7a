"""``kinerja data fetch``: download the public real data sets into ``data/raw/`` and verify them.

The files come from the public GitHub repositories and commits named in each folder's SOURCE.txt
(raw.githubusercontent.com URLs), into the layout the reports read::

    data/raw/djpk-apbd-jaga/               DJPK/JAGA APBD province files 2018-2025 + DJPK code tables
    data/raw/bps-provinsi-indikator-rkp/   BPS province outcomes + national RKP targets
    data/raw/kode-wilayah-bps-kemendagri/  BPS <-> Kemendagri code bridge

Every file has a known SHA-256 (:data:`FILES`); a download that does not match is refused, and a file
already present with the right checksum is not downloaded again. ``data/raw/manifest.json`` records, per
file, the URL, retrieval date and SHA-256. ``--mirror URL`` replaces the base URL: the mirror must serve
the same layout (``URL/<folder>/<file>``). The package ships the checksums, never the data.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from .. import paths
from ..errors import DataError
from ..files import atomic_path, atomic_write, sha256

#: folder -> (repository, commit, path of the files inside the repository)
SOURCES = {
    "djpk-apbd-jaga": ("BetaUliansyah/jaga-apbd-scraper", "0300cce06ffe03afd746bc78b018320f847dda9a", ""),
    "bps-provinsi-indikator-rkp": (
        "haekalyulianto/Capaian_Indikator_Utama_Pembangunan",
        "9437c9ec8eb589276c1920830945ca9579126e64",
        "",
    ),
    "kode-wilayah-bps-kemendagri": (
        "zakiego/Kode-Wilayah-Administrasi-Indonesia-Relasi-BPS-Kemendagri",
        "8d5e83e7ffdb17e114ae2eeeb2cbfc1859f1813b",
        "csv/",
    ),
}
RAW_BASE = "https://raw.githubusercontent.com"

#: (folder, file, sha256, size in bytes), computed from the files the reports were built and tested on
FILES = [
    (
        "djpk-apbd-jaga",
        "data_apbd_provinsi_level3-2018.csv",
        "7f35258b7df15bb6d6a9bd3126a50ed2d76ea4b640512f398ca9fd315003b2f4",
        170693,
    ),
    (
        "djpk-apbd-jaga",
        "data_apbd_provinsi_level3-2019.csv",
        "656db535e1fe58fe2936f5f953c3ab53a18bc3d7877572b2d26fc3634380da0b",
        298575,
    ),
    (
        "djpk-apbd-jaga",
        "data_apbd_provinsi_level3-2020.csv",
        "c9fdfcd1c712b7f683e549f55adcf7333efb0c89d55b5d52527ea43145018c03",
        307290,
    ),
    (
        "djpk-apbd-jaga",
        "data_apbd_provinsi_level3-2021.csv",
        "2078dfcc288f7e2c68462fe64029bfdcf376cabcb6d76a89191e130a1e20b610",
        253264,
    ),
    (
        "djpk-apbd-jaga",
        "data_apbd_provinsi_level3-2022.csv",
        "cd02152a53814a4fd701ed091b0d0387c72ede92bd79ba6342af0764470e69ee",
        180712,
    ),
    (
        "djpk-apbd-jaga",
        "data_apbd_provinsi_level3-2023.csv",
        "e88c6214e1b7b8f6561626de8d8e3f91382fd6f1adedee8f2e91b94e5b24175a",
        182027,
    ),
    (
        "djpk-apbd-jaga",
        "data_apbd_provinsi_level3-2024.csv",
        "07ea98e383b5c75ffc5868378682b311e6b6909c2d3df7946dc924cb1e737e7b",
        171114,
    ),
    (
        "djpk-apbd-jaga",
        "data_apbd_provinsi_level3-2025.csv",
        "18f1229ea45e7c66d52d596e92593cfdfe3b81975cb9197b455b6c9a7aa01b75",
        166140,
    ),
    (
        "djpk-apbd-jaga",
        "kode_kabkota.csv",
        "6499ac73728123cf3a475fbfebc8e2018e95738ed8b2b0e1cb3f0457bd84c6a9",
        33388,
    ),
    (
        "djpk-apbd-jaga",
        "kode_provinsi.csv",
        "82f02331e5b006ccd50494cffedcc6a24e3ca4decfbef4a6ebf19148abff8c36",
        2170,
    ),
    (
        "bps-provinsi-indikator-rkp",
        "GINI.xlsx",
        "10749c7739f72ccd7437bb17ef47a808b7ca66c671b3133c0141be77f322f87c",
        8942,
    ),
    (
        "bps-provinsi-indikator-rkp",
        "IPM.xlsx",
        "1fafb4b304bb624b11a8c4c51ffa26837b473ccbbb800ef8180ed58ec55779a8",
        8930,
    ),
    (
        "bps-provinsi-indikator-rkp",
        "Indeks Pembangunan Manusia.xlsx",
        "222cc284754d9a30bb11fb8bf958df38c353caf6a77d99757e7aeab3a2add7da",
        14593,
    ),
    (
        "bps-provinsi-indikator-rkp",
        "Inflasi.xlsx",
        "61dfc5fee0e5e7bf4e4552b085267852c911c7b2ad247afcb284a6951a566339",
        14583,
    ),
    (
        "bps-provinsi-indikator-rkp",
        "KFD.xlsx",
        "473498a9467cde4425f3e69526b173dfd19fbb490b2f8c2c9e02c19b89cc61e7",
        16782,
    ),
    (
        "bps-provinsi-indikator-rkp",
        "LPE.xlsx",
        "a4fa9637fec0981b35fb4a92004061fe67353baf0bcb4fb29509859332d82195",
        8987,
    ),
    (
        "bps-provinsi-indikator-rkp",
        "Laju PDRB.xlsx",
        "ec3592255c474dc55eff8ef74227beee86ab9c9271de3e951192b55dd0e55877",
        15404,
    ),
    (
        "bps-provinsi-indikator-rkp",
        "Peta APBN Data.csv",
        "9a3af94299d0fb940359ac54f7cf2f2d75f147bd8637b5d6a3db8e7f2d0ab4bd",
        23291,
    ),
    (
        "bps-provinsi-indikator-rkp",
        "TK.xlsx",
        "ae8464500090564b916387e76048a14e7ba0f8d970f59b3cae3fe37ba909f580",
        9072,
    ),
    (
        "bps-provinsi-indikator-rkp",
        "TPT.xlsx",
        "5d0b0877412ea3fa6fbde82e93fea83f9c981b63666d051956395d0dfef497be",
        9019,
    ),
    (
        "bps-provinsi-indikator-rkp",
        "giniratio.xlsx",
        "24823c2115b013bfcb43e3b5b9095b597a3bf95a6c4f863dba046d9aa1c43f33",
        11480,
    ),
    (
        "bps-provinsi-indikator-rkp",
        "mappingprovinsi.csv",
        "221284730d051c19230372491ebf50f55b394a56a4dae2b431d80d617e48966b",
        552,
    ),
    (
        "bps-provinsi-indikator-rkp",
        "pengangguran.xlsx",
        "89e9607e73fdadfc92139b8aa4ce9e209e88d675ac02ac6c387a9d5c76eddf4d",
        11565,
    ),
    (
        "bps-provinsi-indikator-rkp",
        "persentasemiskin.xlsx",
        "5242b405001fcbd003ce1e5f69d653323329fb1aa3e90c9016274dc1da3b1d8f",
        11656,
    ),
    (
        "kode-wilayah-bps-kemendagri",
        "kabkota.csv",
        "e174585339042675a5d255889cf6d37dc1d1ef001fb47d90f0af7bd597b78fe5",
        18932,
    ),
    (
        "kode-wilayah-bps-kemendagri",
        "kecamatan.csv",
        "e09a9efc2d294179ecf5e2fb750888ccf58b70fcf18a6fe021024948cdcb7c92",
        249318,
    ),
    (
        "kode-wilayah-bps-kemendagri",
        "provinsi.csv",
        "1427d7a6502df3fb13e25396c80919b4b2c24164ae5446549e0bba25ef3eaeb1",
        1124,
    ),
]


def url_for(folder: str, name: str, mirror: str | None = None) -> str:
    """Where a file is fetched from: the source repository at its commit, or ``mirror/<folder>/<file>``.

    >>> url_for("kode-wilayah-bps-kemendagri", "provinsi.csv").split("/")[3:5]
    ['zakiego', 'Kode-Wilayah-Administrasi-Indonesia-Relasi-BPS-Kemendagri']
    >>> url_for("bps-provinsi-indikator-rkp", "Laju PDRB.xlsx", mirror="http://127.0.0.1:8000/")
    'http://127.0.0.1:8000/bps-provinsi-indikator-rkp/Laju%20PDRB.xlsx'
    """
    quoted = urllib.parse.quote(name)
    if mirror:
        return f"{mirror.rstrip('/')}/{folder}/{quoted}"
    repo, commit, prefix = SOURCES[folder]
    return f"{RAW_BASE}/{repo}/{commit}/{prefix}{quoted}"


def _download(url: str, dest: Path, expected: str, timeout: float) -> None:
    """Download ``url`` to ``dest`` through a temporary file that replaces ``dest`` only when the
    checksum matches (a failed or refused download leaves nothing behind)."""
    h = hashlib.sha256()
    with atomic_path(dest, suffix=".part") as tmp:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as resp, open(tmp, "wb") as fh:  # noqa: S310 (fixed https/mirror)
                for chunk in iter(lambda: resp.read(1 << 16), b""):
                    h.update(chunk)
                    fh.write(chunk)
        except urllib.error.HTTPError as exc:
            raise DataError(f"{url}: the server answered {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DataError(
                f"cannot download {url} ({reason}). Are you offline? Connect, or pass "
                f"--mirror URL pointing at a copy with the same folder layout."
            ) from None
        if h.hexdigest() != expected:
            raise DataError(
                f"{url}: checksum mismatch (expected sha256 {expected}, got {h.hexdigest()}); "
                f"the file was not kept"
            )


def fetch(
    dest: str | Path | None = None, *, mirror: str | None = None, timeout: float = 60, progress=None
) -> dict:
    """Download every file of :data:`FILES` into ``dest`` (``data/raw`` by default) and write
    ``manifest.json``. Files already present with the right checksum are kept. Returns the manifest.

    Raises :class:`~kinerja_analysis.errors.DataError` when a file cannot be fetched or verified.
    """
    dest = paths.RAW_DATA if dest is None else Path(dest)
    today = _dt.date.today().isoformat()
    manifest_path = dest / "manifest.json"
    old = {}
    if manifest_path.exists():
        try:
            old = {(e["folder"], e["file"]): e for e in json.loads(manifest_path.read_text())["files"]}
        except (ValueError, KeyError, TypeError):
            old = {}
    entries = []
    for folder, name, expected, size in FILES:
        target = dest / folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        url = url_for(folder, name, mirror)
        if target.exists() and target.stat().st_size == size and sha256(target) == expected:
            prev = old.get((folder, name), {})
            entry = {
                "folder": folder,
                "file": name,
                "url": prev.get("url", url),
                "sha256": expected,
                "size": size,
                "retrieved": prev.get("retrieved", today),
                "status": "present",
            }
        else:
            _download(url, target, expected, timeout)
            entry = {
                "folder": folder,
                "file": name,
                "url": url,
                "sha256": expected,
                "size": size,
                "retrieved": today,
                "status": "downloaded",
            }
        entries.append(entry)
        if progress:
            progress(entry)
    manifest = {
        "retrieved": today,
        "mirror": mirror,
        "sources": {
            f: {"repository": f"https://github.com/{r}", "commit": c, "path": p or "/"}
            for f, (r, c, p) in SOURCES.items()
        },
        "files": entries,
    }
    atomic_write(manifest_path, json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def verify(folder: str | Path) -> list[str]:
    """Problems with a real-data folder: missing files and checksum mismatches (empty list = all good)."""
    folder = Path(folder)
    problems = []
    for sub, name, expected, _size in FILES:
        p = folder / sub / name
        if not p.exists():
            problems.append(f"missing: {sub}/{name}")
        elif sha256(p) != expected:
            problems.append(f"checksum differs: {sub}/{name}")
    return problems
