"""Prepare once (run.shared and the prepared store): the pages of a set read what the runner prepared, and the
pages and results.json are the same with and without the store (KINERJA_PREPARED=off)."""

from __future__ import annotations

import json

import pytest
from page_text import normalise

from kinerja_analysis import paths, store
from kinerja_analysis.analysis import prepare as template_prepare
from kinerja_analysis.run import runner, shared
from kinerja_analysis.run.execute import Job


def _entries(kind: str) -> set:
    where = paths.cache_dir() / "prepared"
    return {p.name for p in where.glob(f"{kind}-*")} if where.is_dir() else set()


def test_groups_one_per_family_folder_and_settings(demo_dir):
    jobs = [
        Job("a", "02_achievement_before_after", {"data_dir": str(demo_dir)}),
        Job("b", "04_region_report", {"data_dir": str(demo_dir), "region": "99.01"}),
        Job(
            "c",
            "04_region_report",
            {"data_dir": str(demo_dir), "region": "99.01", "periods": "2017-2019,2020-2021,2022-2023"},
        ),
        Job("d", "06_pemda", {"data_dir": "x", "region": "99.01"}),
        Job("e", "06_pemda", {"data_dir": "x", "region": "99.71"}),
        Job("f", "05_province_outcomes", {"data_dir": "x"}),
    ]
    g = shared.groups(jobs)
    assert [(x["family"], x["n_pages"], x["periods"]) for x in g] == [
        ("template", 2, ""),
        ("template", 1, "2017-2019,2020-2021,2022-2023"),
        ("pemda", 2, ""),
    ]


def test_a_page_reads_what_prepare_computed(demo_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("KINERJA_CACHE", str(tmp_path))
    store.forget()
    (rec,) = shared.prepare(
        shared.groups([Job("a", "02_achievement_before_after", {"data_dir": str(demo_dir)})])
    )
    assert rec["status"] == "ok" and rec["family"] == "template" and len(_entries("folder")) == 1
    store.forget()  # as a new kernel: only the Parquet copy is left

    def never(*a, **k):
        raise AssertionError("the page derived the tables again")

    monkeypatch.setattr(template_prepare, "derive", never)
    p = template_prepare.load(demo_dir, region="99.01")
    assert p.kinerja["achievement"].notna().any() and set(p.kinerja["region_code"]) == {"99.01"}


def test_a_pemda_page_uses_the_prepared_national_measures(monkeypatch, tmp_path):
    from kabkota_fixture import realdata_folder

    from kinerja_analysis.analysis import pemda
    from kinerja_analysis.report.sections import pemda as show

    monkeypatch.setenv("KINERJA_CACHE", str(tmp_path / "cache"))
    store.forget()
    data = realdata_folder(tmp_path)
    (rec,) = shared.prepare(shared.groups([Job("p", "06_pemda", {"data_dir": str(data), "region": "99.01"})]))
    assert rec["status"] == "ok"
    before = _entries("national_measures")
    assert len(before) == 2  # one per level: provinsi and kabkota
    store.forget()
    for code in ("99.01", "99"):  # a kab/kota and the province: the notebook's own call, unchanged
        r = show.start(str(data), region=code, lang="en")
        pemda.national_measures(r.data.anggaran, r.data.revenue, r.data.regions, r.periods, grdp=r.grdp)
    assert _entries("national_measures") == before  # the page's key is the prepared one: nothing new


def test_a_folder_that_does_not_load_is_left_to_its_pages(tmp_path):
    (rec,) = shared.prepare(
        shared.groups([Job("x", "02_achievement_before_after", {"data_dir": str(tmp_path / "none")})])
    )
    assert rec["status"] == "failed" and "not found" in rec["error"]


# ---------------------------------------------------------------- the same pages with and without the store
def _outputs(out, names):
    pages = {n: normalise((out / f"{n}.html").read_text()) for n in names}
    csvs = {
        str(p.relative_to(out)): p.read_bytes() for n in names for p in (out / "open-data" / n).rglob("*.csv")
    }
    results = json.loads((out / "results.json").read_text())["reports"]
    return pages, {n: results[n] for n in names}, csvs


def _same_without_the_store(out, jobs, tmp_path, monkeypatch, **options):
    """Render ``jobs`` again with the store off and compare with the pages in ``out`` (rendered with it)."""
    names = [j.name for j in jobs]
    monkeypatch.setenv(store.ENV, "off")
    off = runner.run(jobs, tmp_path / "off", n_jobs=2, **options)
    assert {p["status"] for p in off["run"]["prepared"]} == {"off"}
    assert [e["status"] for e in off["reports"]] == ["ok"] * len(jobs)
    a, b = _outputs(out, names), _outputs(tmp_path / "off", names)
    for name in names:
        assert a[0][name] == b[0][name], name
    assert a[1] == b[1] and all(a[1].values())
    assert a[2] == b[2] and a[2]


@pytest.mark.slow
def test_demo_pages_are_the_same_without_the_store(tmp_path, demo_dir, demo_reports, monkeypatch):
    from kinerja_analysis.run import plan

    out, _ = demo_reports("en")  # the CLI's run, with the store
    manifest = json.loads((out / "manifest.json").read_text())
    assert [p["status"] for p in manifest["run"]["prepared"]] == ["ok"]
    wanted = ("02_achievement_before_after", "04_region_report-99.01")
    jobs = [j for j in plan.for_folder(demo_dir, lang="en") if j.name in wanted]
    assert len(jobs) == 2
    _same_without_the_store(out, jobs, tmp_path, monkeypatch)


@pytest.mark.slow
def test_pemda_pages_are_the_same_without_the_store(tmp_path, pemda_pages, monkeypatch):
    from kabkota_fixture import pemda_jobs

    out, manifest = pemda_pages("id")  # rendered with the store, as every run is
    assert {p["family"]: p["status"] for p in manifest["run"]["prepared"]} == {
        "national": "ok",
        "pemda": "ok",
    }
    jobs = [j for j in pemda_jobs(out.parent / "data", "id") if j.name != "06_pemda-12.34"]  # 12.34 fails
    _same_without_the_store(out, jobs, tmp_path, monkeypatch, lang="id")
