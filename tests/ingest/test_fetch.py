"""`kinerja data fetch`: end to end against a local HTTP server on 127.0.0.1; never the internet."""

from __future__ import annotations

import functools
import http.server
import json
import socket
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from kinerja_analysis import cli
from kinerja_analysis.errors import DataError
from kinerja_analysis.ingest import fetch


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@contextmanager
def serve(folder: Path):
    """Serve ``folder`` on 127.0.0.1 at an ephemeral port in a thread; shut down afterwards."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _present(realdata):
    """The files of the table that the shared real-data folder holds (it lacks the kab/kota files)."""
    return [f for f in fetch.FILES if (realdata / f.folder / f.file).exists()]


def test_fetch_from_local_mirror_end_to_end(realdata, tmp_path, capsys, monkeypatch):
    dest = tmp_path / "raw"
    here = _present(realdata)
    assert len(here) == len(fetch.FILES) - 7  # all but the seven kab/kota years
    monkeypatch.setattr(fetch, "FILES", here)
    with serve(realdata) as url:
        assert cli.main(["data", "fetch", "--dest", str(dest), "--mirror", url]) == 0
        manifest = json.loads((dest / "manifest.json").read_text())
        assert len(manifest["files"]) == len(here)
        assert {e["status"] for e in manifest["files"]} == {"downloaded"}
        for e in manifest["files"]:
            assert fetch.sha256(dest / e["folder"] / e["file"]) == e["sha256"]
            assert fetch.git_blob_id(dest / e["folder"] / e["file"]) == e["blob"]
            assert e["url"].startswith(url) and e["retrieved"]
        assert fetch.verify(dest) == []
        # second run: everything present and verified, nothing downloaded
        again = fetch.fetch(dest, mirror=url)
        assert {e["status"] for e in again["files"]} == {"present"}
    out = capsys.readouterr().out
    assert "kinerja report --data" in out


def test_offline_is_a_clear_error_exit_1(tmp_path, capsys):
    url = f"http://127.0.0.1:{_closed_port()}"
    assert cli.main(["data", "fetch", "--dest", str(tmp_path), "--mirror", url, "--timeout", "5"]) == 1
    err = capsys.readouterr().err
    assert "offline" in err and "--mirror" in err and "Traceback" not in err


def test_checksum_mismatch_refused_and_not_kept(tmp_path):
    first = fetch.FILES[0]
    bad = tmp_path / "mirror" / first.folder
    bad.mkdir(parents=True)
    (bad / first.file).write_text("namapemda\nnot the real file\n")
    with serve(tmp_path / "mirror") as url, pytest.raises(DataError, match="size .* expected"):
        fetch.fetch(tmp_path / "raw", mirror=url)
    assert not (tmp_path / "raw" / first.folder / first.file).exists()
    assert list((tmp_path / "raw" / first.folder).iterdir()) == []  # no .part left behind


def test_default_urls_are_the_source_commits():
    for f in fetch.FILES:
        url = fetch.url_for(f.folder, f.file, path=f.path)
        repo, commit, _ = fetch.SOURCES[f.folder]
        assert url.startswith(f"https://raw.githubusercontent.com/{repo}/{commit}/")
    quarcs = {f.file: fetch.url_for(f.folder, f.file, path=f.path) for f in fetch.FILES if f.path}
    assert quarcs["gdp_pc.csv"].endswith(
        "/quarcs-lab/indonesia514/e2c0e6dbfb2487a2c03748f1ec11ee567fb72499/gdp/gdp_pc.csv"
    )
    assert quarcs["mapIdonesia514tp.geojson"].endswith("/maps/mapIdonesia514tp.geojson")


def test_checksum_table_matches_shared_files(realdata):
    problems = fetch.verify(realdata)
    assert problems == [
        f"missing: djpk-apbd-jaga/data_apbd_kabkota_level3-{y}.csv" for y in range(2019, 2026)
    ]
    assert fetch.verify(realdata, files=_present(realdata)) == []


def test_table_holds_the_kabkota_years_and_quarcs():
    names = {f.file: f for f in fetch.FILES}
    for y in range(2019, 2026):
        f = names[f"data_apbd_kabkota_level3-{y}.csv"]
        assert f.folder == "djpk-apbd-jaga" and len(f.blob) == 40
        assert (f.sha256 is None) == (y in (2019, 2020))  # only the blob id is known for 2019 and 2020
    assert names["data_apbd_kabkota_level3-2019.csv"].blob == "532a648204d2d71f320749a4cb3e21cafc8fa1f0"
    assert names["data_apbd_kabkota_level3-2025.csv"].sha256.startswith("4bd42d45ac86")
    assert {f.folder for f in fetch.FILES} == set(fetch.SOURCES)
    assert all(len(f.blob) == 40 for f in fetch.FILES)
    assert all(f.sha256 is not None and f.size for f in fetch.FILES if "kabkota_level3" not in f.file)
