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


def test_fetch_from_local_mirror_end_to_end(realdata, tmp_path, capsys):
    dest = tmp_path / "raw"
    with serve(realdata) as url:
        assert cli.main(["data", "fetch", "--dest", str(dest), "--mirror", url]) == 0
        manifest = json.loads((dest / "manifest.json").read_text())
        assert len(manifest["files"]) == len(fetch.FILES)
        assert {e["status"] for e in manifest["files"]} == {"downloaded"}
        for e in manifest["files"]:
            assert fetch.sha256(dest / e["folder"] / e["file"]) == e["sha256"]
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
    bad = tmp_path / "mirror" / fetch.FILES[0][0]
    bad.mkdir(parents=True)
    (bad / fetch.FILES[0][1]).write_text("namapemda\nnot the real file\n")
    with serve(tmp_path / "mirror") as url, pytest.raises(DataError, match="checksum mismatch"):
        fetch.fetch(tmp_path / "raw", mirror=url)
    assert not (tmp_path / "raw" / fetch.FILES[0][0] / fetch.FILES[0][1]).exists()


def test_default_urls_are_the_source_commits():
    for folder, name, *_ in fetch.FILES:
        url = fetch.url_for(folder, name)
        repo, commit, _ = fetch.SOURCES[folder]
        assert url.startswith(f"https://raw.githubusercontent.com/{repo}/{commit}/")


def test_checksum_table_matches_shared_files(realdata):
    assert fetch.verify(realdata) == []
