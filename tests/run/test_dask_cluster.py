"""--executor dask on a real local cluster started as the README tells a user (``dask scheduler`` plus two
``dask worker ADDRESS --nthreads 1`` processes on 127.0.0.1): the same pages and results as the local
executor, and nothing of the cluster left running after it is stopped."""

from __future__ import annotations

import json
import sys

import pytest
from page_text import normalise

from kinerja_analysis import paths

pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")
psutil = pytest.importorskip("psutil")

sys.path.insert(0, str(paths.ROOT / "benchmarks"))
from _daskcluster import cli_cluster, dask_cli  # noqa: E402

from kinerja_analysis.run import runner  # noqa: E402
from kinerja_analysis.run.execute import Job  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    """(scheduler address, pids of every process below the worker CLIs while they run); stopped after."""
    if dask_cli() is None:
        pytest.skip("no `dask` command in this environment (the dask extra is not installed)")
    seen: set[int] = set()
    with cli_cluster(2, nthreads=1) as address:
        yield address, seen
    _, alive = psutil.wait_procs([p for p in map(_proc, seen) if p], timeout=10)
    assert not alive, f"cluster processes left running: {[p.cmdline() for p in alive]}"


def _proc(pid):
    try:
        return psutil.Process(pid)
    except psutil.Error:
        return None


def _jobs(demo_dir):
    params = {"data_dir": str(demo_dir), "region": "99.01"}
    return [Job(nb, nb, dict(params)) for nb in ("01_budget_refocusing", "02_achievement_before_after")]


def _outputs(out):
    pages = {p.name: normalise(p.read_text()) for p in out.glob("0*.html")}
    return pages, json.loads((out / "results.json").read_text())


def test_cli_cluster_reports_equal_local_reports(cluster, tmp_path, demo_dir):
    address, seen = cluster
    m = runner.run(_jobs(demo_dir), tmp_path / "dask", executor="dask", scheduler=address, engine="warm")
    assert [e["status"] for e in m["reports"]] == ["ok", "ok"], [e.get("error") for e in m["reports"]]
    assert m["run"]["executor"] == "dask" and m["run"]["scheduler"] == address
    with distributed.Client(address) as client:
        workers = client.run(lambda: __import__("os").getpid())
    assert {e["pid"] for e in m["reports"]} <= set(workers.values())  # they ran on the CLI-started workers
    # the workers and what they started (the warm-kernel process): checked to be gone at teardown
    for pid in workers.values():
        seen.add(pid)
        seen.update(c.pid for c in psutil.Process(pid).children(recursive=True))
    assert len(seen) > len(workers), "the reports' worker started a warm-kernel process"
    local = runner.run(_jobs(demo_dir), tmp_path / "local", n_jobs=2, engine="warm")
    assert [e["status"] for e in local["reports"]] == ["ok", "ok"]
    d, loc = _outputs(tmp_path / "dask"), _outputs(tmp_path / "local")
    assert len(d[0]) == 2 and d[0] == loc[0]
    assert d[1] == loc[1] and all(
        d[1]["reports"][n] for n in ("01_budget_refocusing", "02_achievement_before_after")
    )


def test_settings_reach_the_workers(cluster, monkeypatch, tmp_path):
    """A CLI-started worker does not inherit the submitting process's environment: the run sends the
    package's settings (``--cache``, KINERJA_TZ) and its own variables with every task."""
    from kinerja_analysis.run import executors

    address, _ = cluster
    monkeypatch.setenv("KINERJA_TZ", "Asia/Jayapura")  # set after the workers started
    monkeypatch.setenv("KINERJA_CACHE", str(tmp_path / "cache"))
    got = []
    names = ("KINERJA_TZ", "KINERJA_CACHE", "MPLBACKEND")
    executors.run_dask(
        lambda job: {k: __import__("os").environ.get(k) for k in names},  # a lambda: pickled by value
        [Job("a", "01_budget_refocusing")],
        scheduler=address,
        on_done=lambda job, entry: got.append(entry),
        env={"MPLBACKEND": "Agg"},
    )
    assert got == [
        {"KINERJA_TZ": "Asia/Jayapura", "KINERJA_CACHE": str(tmp_path / "cache"), "MPLBACKEND": "Agg"}
    ]
