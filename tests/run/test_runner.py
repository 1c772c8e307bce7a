"""Batch runs: failure isolation, exit codes, skip-unchanged, provenance, timeouts, start retries, clean stop."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from kinerja_analysis.errors import ConfigError
from kinerja_analysis.run import execute, kernels, runner
from kinerja_analysis.run.execute import Job
from kinerja_analysis.run.provenance import job_fingerprint

pytestmark = pytest.mark.slow

CONFIG = """
[[set]]
name = "regions"
notebooks = "04_region_report"
data = "{data}"
out = "out"
[set.grid]
region = ["99.01", "00.00", "99.72"]
"""


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory, demo_dir):
    tmp = tmp_path_factory.mktemp("batch")
    (tmp / "runs.toml").write_text(CONFIG.format(data=demo_dir))
    cmd = [
        sys.executable,
        "-m",
        "kinerja_analysis.cli",
        "report",
        "--config",
        str(tmp / "runs.toml"),
        "--jobs",
        "2",
        "--warm-kernels",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=tmp)
    return tmp, cmd, proc


def test_broken_region_others_finish_marked_and_exit_1(broken_run):
    tmp, _, proc = broken_run
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = tmp / "out"
    manifest = json.loads((out / "manifest.json").read_text())
    status = {e["name"]: e for e in manifest["reports"]}
    assert {n: e["status"] for n, e in status.items()} == {
        "04_region_report-99.01": "ok",
        "04_region_report-00.00": "failed",
        "04_region_report-99.72": "ok",
    }
    assert "00.00" in status["04_region_report-00.00"]["error"]
    assert (out / "04_region_report-99.01.html").exists() and (out / "04_region_report-99.72.html").exists()
    assert (out / "executed" / "04_region_report-00.00.ipynb").exists()  # kept, with the error, for debugging
    index = (out / "index.html").read_text()
    assert 'class="status-failed"' in index and "00.00" in index
    # the summary names the failed report; plain log lines (not a tty) with start, end and duration
    assert "1 report(s) failed" in proc.stderr and "04_region_report-00.00" in proc.stderr
    assert any(
        line.startswith("OK") and " start " in line and " end " in line for line in proc.stdout.splitlines()
    )
    assert not list(out.glob(".*.tmp"))  # no half-written page left behind


def test_provenance_in_manifest(broken_run, demo_dir):
    tmp, _, _ = broken_run
    manifest = json.loads((tmp / "out" / "manifest.json").read_text())
    entry = next(e for e in manifest["reports"] if e["name"] == "04_region_report-99.01")
    for name in ("kinerja.csv", "anggaran.csv", "regions.csv"):
        assert entry["input_files"][name] == hashlib.sha256((demo_dir / name).read_bytes()).hexdigest()
    assert entry["parameters"] == {"data_dir": "data/demo", "lang": "en", "region": "99.01"}
    for key in (
        "started",
        "finished",
        "duration_s",
        "execute_s",
        "render_s",
        "host",
        "data_hash",
        "fingerprint",
    ):
        assert entry[key], key
    assert entry["versions"]["pandas"] and entry["versions"]["papermill"] and entry["versions"]["python"]
    assert "pyfixest" in entry["versions"]
    run = manifest["run"]
    assert run["n_failed"] == 1 and run["engine"] == "warm" and run["jobs"] == 2
    assert run["git_commit"] is None or len(run["git_commit"]) >= 40


def test_skip_unchanged_reruns_only_what_changed(broken_run):
    tmp, cmd, _ = broken_run
    out = tmp / "out"
    page = out / "04_region_report-99.01.html"
    before = page.stat().st_mtime_ns
    proc = subprocess.run(cmd + ["--skip-unchanged"], capture_output=True, text=True, timeout=300, cwd=tmp)
    assert proc.returncode == 1  # the broken report is run again, and fails again
    status = {e["name"]: e["status"] for e in json.loads((out / "manifest.json").read_text())["reports"]}
    assert status == {
        "04_region_report-99.01": "skipped",
        "04_region_report-00.00": "failed",
        "04_region_report-99.72": "skipped",
    }
    assert page.stat().st_mtime_ns == before
    job = Job("x", "04_region_report", {"data_dir": "data/demo", "region": "99.01"})
    assert job_fingerprint(job) != job_fingerprint(
        Job("x", "04_region_report", {"data_dir": "data/demo", "region": "99.02"})
    )


def _notebook(path: Path, source: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("flag = ''", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(source),
    ]
    nbformat.write(nb, path)
    return str(path)


def test_report_timeout_stops_a_hanging_kernel(tmp_path):
    nb = _notebook(tmp_path / "hang.ipynb", "import time\ntime.sleep(120)")
    t0 = time.monotonic()
    m = runner.run([Job("hang", nb)], tmp_path / "out", n_jobs=1, report_timeout=3, engine="warm")
    assert time.monotonic() - t0 < 60
    (e,) = m["reports"]
    assert e["status"] == "failed" and e["error"].startswith("timeout")
    assert kernels.live_kernels() == []


def test_kernel_start_is_retried(tmp_path, monkeypatch):
    nb = _notebook(tmp_path / "ok.ipynb", "print('hello')")
    real, calls = execute._execute, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel didn't respond in 60 seconds")
        return real(*args, **kwargs)

    monkeypatch.setattr(execute, "_execute", flaky)
    (e,) = runner.run([Job("ok", nb)], tmp_path / "out", n_jobs=1, engine="warm")["reports"]
    assert e["status"] == "ok" and e["kernel_starts"] == 2 and len(calls) == 2


def test_kernel_spec_is_this_environment():
    exe = kernels.check_kernel_spec()
    assert (
        exe in ("python", "python3")
        or Path(exe).resolve().parent == Path(sys.executable).resolve().parent
        or Path(exe).parent == Path(sys.executable).parent
    )
    with pytest.raises(ConfigError, match="ipykernel install --sys-prefix"):
        kernels.check_kernel_spec("no-such-kernel-kinerja")


def _marked(marker: str) -> list[int]:
    pids = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if marker.encode() in (p / "environ").read_bytes():
                    pids.append(int(p.name))
            except OSError:
                continue
    return pids


@pytest.mark.parametrize("engine_flag", [[], ["--warm-kernels"]])
def test_sigterm_stops_cleanly_without_orphan_kernels(tmp_path, engine_flag):
    started = tmp_path / "started"
    nb = _notebook(
        tmp_path / "hang.ipynb",
        f"import time, pathlib\npathlib.Path({str(started)!r}).touch()\ntime.sleep(300)",
    )
    (tmp_path / "runs.toml").write_text(
        f'[[set]]\nname="h"\nnotebooks=["{nb}"]\nout="out"\n[set.grid]\nflag=["a","b","c"]\n'
    )
    marker = f"KINERJA_TEST_MARKER={uuid.uuid4().hex}"
    env = {**os.environ, marker.split("=")[0]: marker.split("=")[1]}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kinerja_analysis.cli",
            "report",
            "--config",
            "runs.toml",
            "--jobs",
            "2",
            *engine_flag,
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert started.exists(), "no kernel started"
    assert len(_marked(marker)) > 2  # main, workers, kernels
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    deadline = time.monotonic() + 10
    while _marked(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _marked(marker) == []
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert {e["status"] for e in manifest["reports"]} == {"interrupted"} and manifest["run"]["interrupted"]
