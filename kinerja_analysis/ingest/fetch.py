"""``kinerja data fetch``: download the public real data sets into ``data/raw/`` and verify them.

The files come from the public GitHub repositories and commits named in each folder's SOURCE.txt
(raw.githubusercontent.com URLs), into the layout the reports read::

    data/raw/djpk-apbd-jaga/               DJPK/JAGA APBD province files 2018-2025, kab/kota files
                                           2019-2025 + DJPK code tables
    data/raw/bps-provinsi-indikator-rkp/   BPS province outcomes + national RKP targets
    data/raw/kode-wilayah-bps-kemendagri/  BPS <-> Kemendagri code bridge
    data/raw/quarcs-indonesia514/          district GRDP per capita (gdp_pc.csv) + district map (GeoJSON)

Every file has a known git blob id (SHA-1 over ``b"blob <size>\\0"`` + bytes, what ``git hash-object``
prints) and, for all but the 2019 and 2020 kab/kota files, a known SHA-256 (:data:`FILES`). A download
must match every checksum known for it, or it is refused and not kept; a file already present and
matching is not downloaded again (so a second run resumes after a failure). ``data/raw/manifest.json``
records, per file, the URL, retrieval date, size, SHA-256 and blob id. ``--mirror URL`` replaces the base
URL: the mirror must serve the same layout (``URL/<folder>/<file>``). The package ships the checksums,
never the data.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import NamedTuple

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
    "quarcs-indonesia514": ("quarcs-lab/indonesia514", "e2c0e6dbfb2487a2c03748f1ec11ee567fb72499", ""),
}
RAW_BASE = "https://raw.githubusercontent.com"


class File(NamedTuple):
    """One public file: where it goes, its size, git blob id and SHA-256 (None where not known), and its
    path in the source repository when that is not the folder prefix + file name."""

    folder: str
    file: str
    size: int | None
    blob: str
    sha256: str | None
    path: str = ""


#: every file ``kinerja data fetch`` brings, with its checksums (metadata of the files the reports were
#: built and tested on; the kab/kota checksums are those of djpk-apbd-jaga/SOURCE.txt)
# fmt: off
FILES = [
    File("djpk-apbd-jaga", "data_apbd_provinsi_level3-2018.csv", 170693, "c3eef8026eae6e10d99298cba0df79f6078db73c", "7f35258b7df15bb6d6a9bd3126a50ed2d76ea4b640512f398ca9fd315003b2f4"),
    File("djpk-apbd-jaga", "data_apbd_provinsi_level3-2019.csv", 298575, "5ce5b7a7db2f7baadf857967eb1363b9c1a906ac", "656db535e1fe58fe2936f5f953c3ab53a18bc3d7877572b2d26fc3634380da0b"),
    File("djpk-apbd-jaga", "data_apbd_provinsi_level3-2020.csv", 307290, "55696519217eabbf6cb3112516796039235f2a27", "c9fdfcd1c712b7f683e549f55adcf7333efb0c89d55b5d52527ea43145018c03"),
    File("djpk-apbd-jaga", "data_apbd_provinsi_level3-2021.csv", 253264, "1d8db1bd06e2929431bdf38027959cb2f37d1af4", "2078dfcc288f7e2c68462fe64029bfdcf376cabcb6d76a89191e130a1e20b610"),
    File("djpk-apbd-jaga", "data_apbd_provinsi_level3-2022.csv", 180712, "f52c6d8ec19734441fcb6af9c7716770369c096f", "cd02152a53814a4fd701ed091b0d0387c72ede92bd79ba6342af0764470e69ee"),
    File("djpk-apbd-jaga", "data_apbd_provinsi_level3-2023.csv", 182027, "bcf76f20fc93474415b9f7c9d13340d90c8f3f77", "e88c6214e1b7b8f6561626de8d8e3f91382fd6f1adedee8f2e91b94e5b24175a"),
    File("djpk-apbd-jaga", "data_apbd_provinsi_level3-2024.csv", 171114, "09a181c17d8b6fb3f6b3428e9e42ab25a865d69a", "07ea98e383b5c75ffc5868378682b311e6b6909c2d3df7946dc924cb1e737e7b"),
    File("djpk-apbd-jaga", "data_apbd_provinsi_level3-2025.csv", 166140, "46aca5a16a86414407cd61d81caec6c925f1a523", "18f1229ea45e7c66d52d596e92593cfdfe3b81975cb9197b455b6c9a7aa01b75"),
    File("djpk-apbd-jaga", "data_apbd_kabkota_level3-2019.csv", None, "532a648204d2d71f320749a4cb3e21cafc8fa1f0", None),
    File("djpk-apbd-jaga", "data_apbd_kabkota_level3-2020.csv", None, "f9f246e5ab22e0f4ed4ba068638c8656c14c6c59", None),
    File("djpk-apbd-jaga", "data_apbd_kabkota_level3-2021.csv", None, "bd1ea53aeb22b75c7979b50764dc76784f098b12", "41b8625dcd35b6428cbe2857f73071cda1c4dbc570abb279de7890003b72718c"),
    File("djpk-apbd-jaga", "data_apbd_kabkota_level3-2022.csv", None, "7e83d8b8416f1a8a5010a3f2fa1d22b278bf1ab3", "d7bf337b5db58d77b92341aa3f025945fceee1cf54b561a445cb47db176245a1"),
    File("djpk-apbd-jaga", "data_apbd_kabkota_level3-2023.csv", None, "4c06c44dd1682d36f281ebc362c78f4df4825c08", "639c03c3646b84157ac32e6d02702778a69a1db6006d85537ca1d29742da0aff"),
    File("djpk-apbd-jaga", "data_apbd_kabkota_level3-2024.csv", None, "3c85870764f76daed6eadbc40e51769181cebcb7", "8b3b64857e188c3bd45b0d030548aba2e522a9d7d92fad0dc87bf72320ea8411"),
    File("djpk-apbd-jaga", "data_apbd_kabkota_level3-2025.csv", None, "2112fe6a70b4cc49ebfb6b8a32adca9542b1ebda", "4bd42d45ac86cef01c7a4e844535cf179b6178d4ea017e9998f13027e410f30e"),
    File("djpk-apbd-jaga", "kode_kabkota.csv", 33388, "8c07a0699df0df9d8c29042adf96c340ff9a8a3f", "6499ac73728123cf3a475fbfebc8e2018e95738ed8b2b0e1cb3f0457bd84c6a9"),
    File("djpk-apbd-jaga", "kode_provinsi.csv", 2170, "dc82d81837eb10195854eef04be4d6fd2ce43c70", "82f02331e5b006ccd50494cffedcc6a24e3ca4decfbef4a6ebf19148abff8c36"),
    File("bps-provinsi-indikator-rkp", "GINI.xlsx", 8942, "da02885d2a0c260e6acdbf6f0ebe318c9dcbd8aa", "10749c7739f72ccd7437bb17ef47a808b7ca66c671b3133c0141be77f322f87c"),
    File("bps-provinsi-indikator-rkp", "IPM.xlsx", 8930, "e433a53a6f5b0ba1a789e7d11af325796ef3764e", "1fafb4b304bb624b11a8c4c51ffa26837b473ccbbb800ef8180ed58ec55779a8"),
    File("bps-provinsi-indikator-rkp", "Indeks Pembangunan Manusia.xlsx", 14593, "40132629c620b05a67551903ab6694cb2c135407", "222cc284754d9a30bb11fb8bf958df38c353caf6a77d99757e7aeab3a2add7da"),
    File("bps-provinsi-indikator-rkp", "Inflasi.xlsx", 14583, "3bbe493d298ce3b5bf2ff055fe42da4e9400c3b3", "61dfc5fee0e5e7bf4e4552b085267852c911c7b2ad247afcb284a6951a566339"),
    File("bps-provinsi-indikator-rkp", "KFD.xlsx", 16782, "9bd608500459d1a3a4ce8d7ec95cd51c67f4033b", "473498a9467cde4425f3e69526b173dfd19fbb490b2f8c2c9e02c19b89cc61e7"),
    File("bps-provinsi-indikator-rkp", "LPE.xlsx", 8987, "f50d3a199d3b279e699f47028ca8ba184030edda", "a4fa9637fec0981b35fb4a92004061fe67353baf0bcb4fb29509859332d82195"),
    File("bps-provinsi-indikator-rkp", "Laju PDRB.xlsx", 15404, "a372a1f9cd6eee0cc37af3179d80e8dabb65e2c7", "ec3592255c474dc55eff8ef74227beee86ab9c9271de3e951192b55dd0e55877"),
    File("bps-provinsi-indikator-rkp", "Peta APBN Data.csv", 23291, "ae50bdf50fd2957dd423cd9e36e775bfab5bca12", "9a3af94299d0fb940359ac54f7cf2f2d75f147bd8637b5d6a3db8e7f2d0ab4bd"),
    File("bps-provinsi-indikator-rkp", "TK.xlsx", 9072, "8179e7e3242b81bedef185083df0076efd9e00e7", "ae8464500090564b916387e76048a14e7ba0f8d970f59b3cae3fe37ba909f580"),
    File("bps-provinsi-indikator-rkp", "TPT.xlsx", 9019, "e8c4ed016d471fe4ee082ac9a95479d4027afc6b", "5d0b0877412ea3fa6fbde82e93fea83f9c981b63666d051956395d0dfef497be"),
    File("bps-provinsi-indikator-rkp", "giniratio.xlsx", 11480, "5f0d571a88e043f37f714457220f54fd519722bf", "24823c2115b013bfcb43e3b5b9095b597a3bf95a6c4f863dba046d9aa1c43f33"),
    File("bps-provinsi-indikator-rkp", "mappingprovinsi.csv", 552, "7e82673b2452750f9904ce34a607810649ad7d73", "221284730d051c19230372491ebf50f55b394a56a4dae2b431d80d617e48966b"),
    File("bps-provinsi-indikator-rkp", "pengangguran.xlsx", 11565, "5e6099f8f74803e2140d8246cef6eb8531e140d2", "89e9607e73fdadfc92139b8aa4ce9e209e88d675ac02ac6c387a9d5c76eddf4d"),
    File("bps-provinsi-indikator-rkp", "persentasemiskin.xlsx", 11656, "a46529bc7b33d6bf9fb97162294bb8873b91743c", "5242b405001fcbd003ce1e5f69d653323329fb1aa3e90c9016274dc1da3b1d8f"),
    File("kode-wilayah-bps-kemendagri", "kabkota.csv", 18932, "ecfedd84f7fe91497a7f5612214b6efdd5d86f72", "e174585339042675a5d255889cf6d37dc1d1ef001fb47d90f0af7bd597b78fe5"),
    File("kode-wilayah-bps-kemendagri", "kecamatan.csv", 249318, "3c35cbe0b8c5f3b5d7ca885c4707b87d878d7318", "e09a9efc2d294179ecf5e2fb750888ccf58b70fcf18a6fe021024948cdcb7c92"),
    File("kode-wilayah-bps-kemendagri", "provinsi.csv", 1124, "9c7ae535ea59afcb12b39302e361a892dbc97538", "1427d7a6502df3fb13e25396c80919b4b2c24164ae5446549e0bba25ef3eaeb1"),
    File("quarcs-indonesia514", "gdp_pc.csv", 163956, "fc6ae9469c267860dc0cb0facf1f6efb16d0cdd3", "94cf31b4df7d7d23a3aa6104895a3ae3aa14f5c22cb5b1b6d666b3e47bf1f292", "gdp/gdp_pc.csv"),
    File("quarcs-indonesia514", "mapIdonesia514tp.geojson", 296843, "995c541283cba5e6129addd89d129661ffded5d8", "b2bfc9aeaa3c381c17d68ae93a952896923cd0a623b6f46d0a40d985892b23ca", "maps/mapIdonesia514tp.geojson"),
]
# fmt: on


def git_blob_id(path: str | Path) -> str:
    """The git blob id of a file: SHA-1 over ``b"blob <size>\\0"`` + its bytes (``git hash-object``).

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile(delete=False) as fh:
    ...     _ = fh.write(b"hello\\n")
    >>> git_blob_id(fh.name)  # git hash-object of "hello\\n"
    'ce013625030ba8dba906f756967f9e9ca394464a'
    >>> os.unlink(fh.name)
    """
    path = Path(path)
    h = hashlib.sha1(f"blob {path.stat().st_size}\0".encode())  # noqa: S324 (git's id, not security)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check(path: str | Path, f: File) -> str:
    """What is wrong with ``path`` as the file ``f`` ("" when size, SHA-256 and blob id all match)."""
    path = Path(path)
    if not path.exists():
        return "missing"
    size = path.stat().st_size
    if f.size is not None and size != f.size:
        return f"size {size} bytes, expected {f.size}"
    if f.sha256 is not None and (got := sha256(path)) != f.sha256:
        return f"checksum mismatch (expected sha256 {f.sha256}, got {got})"
    if (got := git_blob_id(path)) != f.blob:
        return f"checksum mismatch (expected git blob id {f.blob}, got {got})"
    return ""


def url_for(folder: str, name: str, mirror: str | None = None, path: str = "") -> str:
    """Where a file is fetched from: the source repository at its commit, or ``mirror/<folder>/<file>``.
    ``path`` is the file's path in the repository when it is not the folder's prefix + ``name``.

    >>> url_for("kode-wilayah-bps-kemendagri", "provinsi.csv").split("/")[3:5]
    ['zakiego', 'Kode-Wilayah-Administrasi-Indonesia-Relasi-BPS-Kemendagri']
    >>> url_for("bps-provinsi-indikator-rkp", "Laju PDRB.xlsx", mirror="http://127.0.0.1:8000/")
    'http://127.0.0.1:8000/bps-provinsi-indikator-rkp/Laju%20PDRB.xlsx'
    >>> url_for("quarcs-indonesia514", "gdp_pc.csv", path="gdp/gdp_pc.csv").endswith("499/gdp/gdp_pc.csv")
    True
    """
    if mirror:
        return f"{mirror.rstrip('/')}/{folder}/{urllib.parse.quote(name)}"
    repo, commit, prefix = SOURCES[folder]
    return f"{RAW_BASE}/{repo}/{commit}/{urllib.parse.quote(path or prefix + name)}"


def _download(url: str, dest: Path, f: File, timeout: float) -> None:
    """Download ``url`` to ``dest`` through a temporary file that replaces ``dest`` only when every known
    checksum matches (a failed or refused download leaves nothing behind)."""
    with atomic_path(dest, suffix=".part") as tmp:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as resp, open(tmp, "wb") as fh:  # noqa: S310 (fixed https/mirror)
                for chunk in iter(lambda: resp.read(1 << 16), b""):
                    fh.write(chunk)
        except urllib.error.HTTPError as exc:
            raise DataError(f"{url}: the server answered {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DataError(
                f"cannot download {url} ({reason}). Are you offline? Connect, or pass "
                f"--mirror URL pointing at a copy with the same folder layout."
            ) from None
        problem = check(tmp, f)
        if problem:
            raise DataError(f"{url}: {problem}; the file was not kept")


def _entry(f: File, target: Path, url: str, retrieved: str, status: str) -> dict:
    return {
        "folder": f.folder,
        "file": f.file,
        "url": url,
        "sha256": f.sha256 or sha256(target),
        "blob": f.blob,
        "size": target.stat().st_size,
        "retrieved": retrieved,
        "status": status,
    }


def fetch(
    dest: str | Path | None = None,
    *,
    mirror: str | None = None,
    timeout: float = 60,
    progress=None,
    files: list[File] | None = None,
) -> dict:
    """Download every file of :data:`FILES` (or of ``files``) into ``dest`` (``data/raw`` by default) and
    write ``manifest.json``. Files already present and verified are kept. Returns the manifest.

    Raises :class:`~kinerja_analysis.errors.DataError` when a file cannot be fetched or verified; the
    files verified before it stay, so running again resumes.
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
    for f in FILES if files is None else files:
        target = dest / f.folder / f.file
        target.parent.mkdir(parents=True, exist_ok=True)
        url = url_for(f.folder, f.file, mirror, f.path)
        if target.exists() and not check(target, f):
            prev = old.get((f.folder, f.file), {})
            entry = _entry(f, target, prev.get("url", url), prev.get("retrieved", today), "present")
        else:
            _download(url, target, f, timeout)
            entry = _entry(f, target, url, today, "downloaded")
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


def verify(folder: str | Path, *, files: list[File] | None = None) -> list[str]:
    """Problems with a real-data folder: missing files, size and checksum mismatches (SHA-256 where known,
    git blob id always). Empty list = all good."""
    folder = Path(folder)
    problems = []
    for f in FILES if files is None else files:
        problem = check(folder / f.folder / f.file, f)
        if problem == "missing":
            problems.append(f"missing: {f.folder}/{f.file}")
        elif problem:
            problems.append(f"{f.folder}/{f.file}: {problem}")
    return problems
