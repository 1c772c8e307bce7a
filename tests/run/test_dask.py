"""--executor dask: the same report tasks on a Dask cluster (LocalCluster on 127.0.0.1, two workers) give the
same reports as the local executor, apart from timestamps."""

from __future__ import annotations

import json

import pytest
from page_text import normalise

pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

from kinerja_analysis.run import runner  # noqa: E402
from kinerja_analysis.run.execute import Job  # noqa: E402

pytestmark = pytest.mark.slow


def _jobs(demo_dir):
    return [
        Job(f"04_region_report-{c}", "04_region_report", {"data_dir": str(demo_dir), "region": c})
        for c in ("99.01", "99.71")
    ]


def _outputs(out):
    pages = {p.name: normalise(p.read_text()) for p in out.glob("04_*.html")}
    csvs = {str(p.relative_to(out)): p.read_bytes() for p in (out / "open-data").rglob("*.csv")}
    return pages, json.loads((out / "results.json").read_text()), csvs


def test_dask_reports_equal_local_reports(tmp_path, demo_dir):
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        m = runner.run(_jobs(demo_dir), tmp_path / "dask", executor="dask", client=client, engine="warm")
        hosts = client.run(lambda: __import__("os").getpid())
    assert [e["status"] for e in m["reports"]] == ["ok", "ok"], [e.get("error") for e in m["reports"]]
    assert m["run"]["executor"] == "dask"
    assert {e["pid"] for e in m["reports"]} <= set(hosts.values())  # they ran on the cluster's workers
    local = runner.run(_jobs(demo_dir), tmp_path / "local", n_jobs=1, engine="warm")
    assert [e["status"] for e in local["reports"]] == ["ok", "ok"]
    d, loc = _outputs(tmp_path / "dask"), _outputs(tmp_path / "local")
    assert len(d[0]) == 2 and d[0] == loc[0]
    assert d[1] == loc[1] and d[1]["reports"]["04_region_report-99.01"]
    assert d[2] == loc[2] and d[2]


def test_dask_needs_a_scheduler_address(tmp_path, demo_dir):
    from kinerja_analysis.errors import ConfigError

    with pytest.raises(ConfigError, match="--scheduler"):
        runner.run(_jobs(demo_dir)[:1], tmp_path, executor="dask")
