"""Provenance and the checks made before anything runs: job fingerprints, the code hash, versions, the
notebook registry, unknown engines and executors (no kernel is started here)."""

from __future__ import annotations

import pytest

from kinerja_analysis import __version__, paths, store
from kinerja_analysis.errors import ConfigError
from kinerja_analysis.files import folder_fingerprint
from kinerja_analysis.run import execute, notebooks, provenance, runner
from kinerja_analysis.run.execute import Job


def test_job_fingerprint_follows_parameters_data_and_notebook(tmp_path, demo_dir):
    job = Job("x", "04_region_report", {"data_dir": "data/demo", "region": "99.01"})
    assert provenance.job_fingerprint(job) == provenance.job_fingerprint(job, {})
    assert provenance.job_fingerprint(job) != provenance.job_fingerprint(
        Job("x", "04_region_report", {"data_dir": "data/demo", "region": "99.02"})
    )
    # the data folder counts by its files' contents: a cached hash of another folder changes the print
    cache = {paths.resolve("data/demo"): "0" * 64}
    assert provenance.job_fingerprint(job, cache) != provenance.job_fingerprint(job)
    assert provenance.job_fingerprint(job, {}) == provenance.job_fingerprint(
        job, {paths.resolve("data/demo"): folder_fingerprint(demo_dir)}
    )


def test_code_hash_covers_the_whole_package():
    assert store.PACKAGE == paths.ROOT / "kinerja_analysis"
    assert len(provenance.code_hash()) == 64 and provenance.code_hash is store.code_hash


def test_job_fingerprint_follows_the_package_code(monkeypatch):
    """--skip-unchanged re-runs a report after an edit of the package, not only after a version bump."""
    job = Job("x", "02_achievement_before_after", {"data_dir": "data/demo"})
    before = provenance.job_fingerprint(job)
    monkeypatch.setattr(provenance, "code_hash", lambda: "0" * 64)
    assert provenance.job_fingerprint(job) != before


def test_versions_name_the_package_and_key_libraries():
    v = provenance.versions()
    assert v["kinerja_analysis"] == __version__ and v["pandas"] and v["python"]
    assert set(provenance.KEY_LIBRARIES) <= set(v)


def test_notebook_registry_and_parameter_checks():
    assert notebooks.notebook_path("04_region_report") == paths.NOTEBOOKS / "04_region_report.ipynb"
    assert all(notebooks.notebook_path(k).exists() for k in notebooks.NOTEBOOKS)
    assert notebooks.check_parameters("04_region_report", {"region": "99.01"}) == {"region": "99.01"}


def test_unknown_engine_and_executor_fail_before_anything_runs(tmp_path):
    assert execute.engine_name("fresh") is None and execute.engine_name("") is None
    with pytest.raises(ConfigError, match="engine must be one of 'fresh', 'warm'"):
        execute.engine_name("tepid")
    job = Job("r", "02_achievement_before_after", {"data_dir": "data/demo"})
    with pytest.raises(ConfigError, match="executor must be one of 'local', 'dask'"):
        runner.run([job], tmp_path, executor="slurm")
    assert not (tmp_path / "manifest.json").exists()
