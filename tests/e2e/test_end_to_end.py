"""`kinerja report` on the demo data into a temporary folder: pages, index, manifest and results.json,
with the recorded numbers checked against the same numbers computed directly with the package."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from kinerja_analysis.analysis import anggaran as ag
from kinerja_analysis.analysis import compare
from kinerja_analysis.analysis import prepare as data

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report_run(demo_reports):
    return demo_reports("en")


def test_index_manifest_and_pages_exist(report_run):
    out, proc = report_run
    assert "index.html" in proc.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    names = [r["name"] for r in manifest["reports"]]
    assert {"00_data_quality", "01_budget_refocusing", "02_achievement_before_after"} <= set(names)
    regions = [n for n in names if n.startswith("04_region_report-")]
    assert len(regions) >= 6
    assert all(r["status"] == "ok" for r in manifest["reports"]), [
        r.get("error") for r in manifest["reports"]
    ]
    index = (out / "index.html").read_text()
    for r in manifest["reports"]:
        assert (out / r["html"]).exists()
        assert f'href="{r["html"]}"' in index
        assert (out / r["executed"]).exists()


def test_pages_show_expected_headings_and_no_code(report_run):
    out, _ = report_run
    expected = {
        "00_data_quality.html": [
            "Data quality",
            "Coverage",
            "Achievement at the 100 % ceiling",
            "Targets revised in APBD-P",
        ],
        "01_budget_refocusing.html": ["Budget refocusing", "Cuts by spending type", "OPDs cut most"],
        "02_achievement_before_after.html": ["Capaian by period", "Categories by period"],
        "04_region_report-99.01.html": ["Region report", "Summary", "The most-cut OPDs and their capaian"],
    }
    for page, heads in expected.items():
        html = (out / page).read_text()
        for h in heads:
            assert h in html, (page, h)
        assert "import kinerja_analysis" not in html
        assert "SYNTHETIC DEMO DATA" in html
        assert "Traceback" not in html and "Warning" not in html
        assert re.findall(r'(?:src|href)="(?:https?:)?//', html) == []
        assert re.search(r'<img [^>]*src="data:image/png;base64,', html)


def test_pages_stay_within_the_size_budget(report_run):
    out, _ = report_run
    for page in out.glob("*.html"):
        assert page.stat().st_size < 5 * 1024 * 1024, f"{page.name}: {page.stat().st_size / 1e6:.1f} MB"


def test_results_equal_direct_computation(report_run, demo_dir):
    out, _ = report_run
    results = json.loads((out / "results.json").read_text())["reports"]
    p = data.load(demo_dir)
    pm = compare.period_means(p.kinerja).set_index("period")
    for per in ("pre", "refocusing", "post"):
        assert results["02_achievement_before_after"][f"mean_capaian_{per}"]["value"] == pytest.approx(
            pm.at[per, "mean"], rel=1e-12
        )
    ref = p.anggaran[p.anggaran["year"].isin([2020, 2021])]
    cut = (ref["budget_original"].sum() - ref["budget_revised"].sum()) / ref["budget_original"].sum() * 100
    assert results["01_budget_refocusing"]["total_cut_share_pct"]["value"] == pytest.approx(cut, rel=1e-12)
    r1 = data.load(demo_dir, region="99.01")
    pm1 = compare.period_means(r1.kinerja).set_index("period")
    rr = results["04_region_report-99.01"]
    assert rr["mean_capaian_refocusing"]["value"] == pytest.approx(pm1.at["refocusing", "mean"], rel=1e-12)
    s = ag.summarise(r1.anggaran[r1.anggaran["year"].isin([2020, 2021])].assign(_a=1), ["_a"])
    assert rr["total_cut_share_pct"]["value"] == pytest.approx(float(s["cut_share"].iloc[0]) * 100, rel=1e-12)


def test_failed_notebook_is_isolated_and_kept(tmp_path, demo_dir):
    from kinerja_analysis.run import runner

    jobs = [
        runner.Job(name="ok", notebook="02_achievement_before_after", parameters={"data_dir": str(demo_dir)}),
        runner.Job(
            name="broken",
            notebook="04_region_report",
            parameters={"data_dir": str(demo_dir), "region": "00.00"},
        ),
    ]
    manifest = runner.run(jobs, tmp_path, n_jobs=1)
    status = {r["name"]: r for r in manifest["reports"]}
    assert status["ok"]["status"] == "ok"
    assert status["broken"]["status"] == "failed" and "00.00" in status["broken"]["error"]
    assert (tmp_path / "executed" / "broken.ipynb").exists()
    assert "failed" in (tmp_path / "index.html").read_text()


def test_cli_usage_errors_exit_2():
    proc = subprocess.run(
        [sys.executable, "-m", "kinerja_analysis.cli", "report", "--lang", "fr"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "invalid choice" in proc.stderr
