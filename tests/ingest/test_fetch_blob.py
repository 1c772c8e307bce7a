"""`kinerja data fetch` on invented files: git blob ids (the only checksum known for the 2019-2020 kab/kota
files), SHA-256 as a second check, refusal, resume and verify(). A loopback mirror, never the internet."""

from __future__ import annotations

import hashlib
import json
import subprocess

import pytest
from test_fetch import serve

from kinerja_analysis.errors import DataError
from kinerja_analysis.ingest import fetch

BODIES = {
    "a-2019.csv": b"namapemda,nilai\nKab. Contoh Satu,1\n",
    "b-2021.csv": b"namapemda,nilai\nKota Contoh Dua,2\n",
    "c.geojson": b'{"type": "FeatureCollection", "features": []}\n',
}


def _blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _mirror(tmp_path, bodies=BODIES):
    root = tmp_path / "mirror" / "djpk-apbd-jaga"
    root.mkdir(parents=True, exist_ok=True)
    for name, data in bodies.items():
        (root / name).write_bytes(data)
    return tmp_path / "mirror"


def _table(bodies=BODIES):
    """a-2019: blob only (as the 2019/2020 kab/kota files); b-2021: blob + sha256, size unknown; c: all."""
    a, b, c = (bodies[k] for k in ("a-2019.csv", "b-2021.csv", "c.geojson"))
    return [
        fetch.File("djpk-apbd-jaga", "a-2019.csv", None, _blob(a), None),
        fetch.File("djpk-apbd-jaga", "b-2021.csv", None, _blob(b), hashlib.sha256(b).hexdigest()),
        fetch.File(
            "djpk-apbd-jaga", "c.geojson", len(c), _blob(c), hashlib.sha256(c).hexdigest(), "maps/c.geojson"
        ),
    ]


def test_blob_id_is_gits(tmp_path):
    p = tmp_path / "x.csv"
    p.write_bytes(BODIES["a-2019.csv"])
    try:
        want = subprocess.run(["git", "hash-object", str(p)], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("git is not available")
    assert fetch.git_blob_id(p) == want.stdout.strip() == _blob(BODIES["a-2019.csv"])


def test_download_verifies_blob_and_sha(tmp_path):
    table, dest = _table(), tmp_path / "raw"
    with serve(_mirror(tmp_path)) as url:
        man = fetch.fetch(dest, mirror=url, files=table)
    assert [e["status"] for e in man["files"]] == ["downloaded"] * 3
    for e, f in zip(man["files"], table):
        assert (dest / f.folder / f.file).read_bytes() == BODIES[f.file]
        assert e["blob"] == f.blob and e["size"] == len(BODIES[f.file])
        # where the SHA-256 was unknown the manifest records the one computed from the verified file
        assert e["sha256"] == hashlib.sha256(BODIES[f.file]).hexdigest()
    assert json.loads((dest / "manifest.json").read_text())["files"] == man["files"]
    assert fetch.verify(dest, files=table) == []


def test_blob_mismatch_refused_when_only_the_blob_is_known(tmp_path):
    bodies = dict(BODIES, **{"a-2019.csv": b"namapemda,nilai\nKab. Contoh Satu,9\n"})  # same size, one byte
    table = _table()  # checksums of the right bodies
    with serve(_mirror(tmp_path, bodies)) as url, pytest.raises(DataError) as err:
        fetch.fetch(tmp_path / "raw", mirror=url, files=table)
    msg = str(err.value)
    assert "a-2019.csv" in msg and "git blob id" in msg and table[0].blob in msg and "not kept" in msg
    assert not (tmp_path / "raw" / "djpk-apbd-jaga" / "a-2019.csv").exists()


def test_blob_checked_even_when_sha256_matches_its_table_entry(tmp_path):
    # a table entry whose sha256 is right but whose blob id is wrong: the second check refuses it
    b = BODIES["b-2021.csv"]
    entry = fetch.File("djpk-apbd-jaga", "b-2021.csv", None, "0" * 40, hashlib.sha256(b).hexdigest())
    with serve(_mirror(tmp_path)) as url, pytest.raises(DataError, match="expected git blob id 0000"):
        fetch.fetch(tmp_path / "raw", mirror=url, files=[entry])


def test_sha_mismatch_refused(tmp_path):
    bodies = dict(BODIES, **{"b-2021.csv": b"namapemda,nilai\nKota Contoh Dua,3\n"})
    with serve(_mirror(tmp_path, bodies)) as url, pytest.raises(DataError, match="expected sha256"):
        fetch.fetch(tmp_path / "raw", mirror=url, files=_table())
    # the file before it was verified and stays: a second run resumes from there
    assert (tmp_path / "raw" / "djpk-apbd-jaga" / "a-2019.csv").exists()
    assert not (tmp_path / "raw" / "djpk-apbd-jaga" / "b-2021.csv").exists()


def test_resume_skips_verified_and_replaces_corrupt(tmp_path):
    table, dest = _table(), tmp_path / "raw"
    broken = dict(BODIES, **{"c.geojson": b"{}"})
    with serve(_mirror(tmp_path, broken)) as url:
        with pytest.raises(DataError, match="c.geojson: size 2 bytes, expected"):
            fetch.fetch(dest, mirror=url, files=table)
        _mirror(tmp_path)  # the mirror is repaired
        # a file corrupted locally since is downloaded again, the verified one is kept
        (dest / "djpk-apbd-jaga" / "b-2021.csv").write_bytes(b"truncated")
        man = fetch.fetch(dest, mirror=url, files=table)
    assert [e["status"] for e in man["files"]] == ["present", "downloaded", "downloaded"]
    assert fetch.verify(dest, files=table) == []


def test_verify_names_each_problem(tmp_path):
    table, dest = _table(), tmp_path / "raw"
    (dest / "djpk-apbd-jaga").mkdir(parents=True)
    (dest / "djpk-apbd-jaga" / "a-2019.csv").write_bytes(b"other bytes")
    (dest / "djpk-apbd-jaga" / "c.geojson").write_bytes(BODIES["c.geojson"])
    problems = fetch.verify(dest, files=table)
    assert problems[0].startswith("djpk-apbd-jaga/a-2019.csv: checksum mismatch (expected git blob id")
    assert problems[1] == "missing: djpk-apbd-jaga/b-2021.csv"
    assert len(problems) == 2
