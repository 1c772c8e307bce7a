"""Planning pemda pages for a real-data (DJPK) folder: ``--region`` as one code, a comma list, repeats or
``all``; Kemendagri, BPS and DJPK codes resolved to the Kemendagri code in the page name; an unknown code
fails its own page only; a runs.toml grid over regions works the same way. On the invented kab/kota
fixture (province 99 "Provinsi Fiktif": DJPK 90.00, kab/kota 90.01 -> 99.01, 90.02 -> 99.71, 90.03 -> 99.03)."""

from __future__ import annotations

import shutil
import textwrap

import pytest
from kabkota_fixture import TRAPS

from kinerja_analysis.run import plan


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The extended fixture plus a BPS-Kemendagri bridge in which BPS 9977 is Kota Contoh Dua (99.71)."""
    root = tmp_path_factory.mktemp("pemda-plan")
    dj = root / "djpk-apbd-jaga"
    shutil.copytree(TRAPS, dj)
    br = root / "kode-wilayah-bps-kemendagri"
    br.mkdir()
    (br / "provinsi.csv").write_text("kode_bps,nama_bps,kode_dagri,nama_dagri\n99,FIKTIF,99,FIKTIF\n")
    (br / "kabkota.csv").write_text(
        "kode_bps,nama_bps,kode_dagri,nama_dagri\n9901,SATU,99.01,SATU\n9977,DUA,99.71,DUA\n9903,TIGA,99.03,TIGA\n"
    )
    return root


def _pages(jobs):
    return [(j.name, j.parameters.get("region")) for j in jobs]


def test_split_regions_takes_lists_and_repeats():
    assert plan.split_regions(["99.01,99.71", " 9903 ", ""]) == ["99.01", "99.71", "9903"]
    assert plan.split_regions("all") == ["all"] and plan.split_regions(None) == []


def test_pemda_in_folder_lists_both_levels_with_codes(folder):
    got = plan.pemda_in_folder(folder)
    assert list(got) == ["99", "99.01", "99.03", "99.71"]  # provinces first; "Kab. Tanpa Kode" has no code
    assert got["99.71"] == "Kota Contoh Dua"


def test_one_code_in_each_form_gives_the_kemendagri_page(folder):
    for code in ("99.71", "9977", "90.02"):  # Kemendagri, BPS, DJPK
        (job,) = plan.for_folder(folder, regions=[code], lang="id")
        assert (job.name, job.notebook) == ("06_pemda-99.71", "06_pemda")
        assert job.parameters["region"] == "99.71" and job.parameters["lang"] == "id"
        assert job.region == "99.71 Kota Contoh Dua"
    (job,) = plan.for_folder(folder, regions=["90.00"])  # DJPK province code
    assert job.name == "06_pemda-99"


def test_a_list_and_repeats_give_one_page_each_without_duplicates(folder):
    jobs = plan.for_folder(folder, regions=["99.01,9977", "99.03", "99.01"])
    assert [j.name for j in jobs] == ["06_pemda-99.01", "06_pemda-99.71", "06_pemda-99.03"]


def test_all_gives_the_national_page_first_then_every_pemda(folder):
    jobs = plan.for_folder(folder, regions=["all"])
    assert [j.name for j in jobs] == [
        "07_national",
        "06_pemda-99",
        "06_pemda-99.01",
        "06_pemda-99.03",
        "06_pemda-99.71",
    ]
    assert "region" not in jobs[0].parameters


def test_without_regions_the_folder_keeps_the_province_report(folder):
    (job,) = plan.for_folder(folder)
    assert job.notebook == "05_province_outcomes"


def test_an_unknown_code_is_planned_as_its_own_failing_page(folder, caplog):
    jobs = plan.for_folder(folder, regions=["12.34,99.01", "nonsense"])
    assert _pages(jobs) == [
        ("06_pemda-12.34", "12.34"),
        ("06_pemda-99.01", "99.01"),
        ("06_pemda-nonsense", "nonsense"),
    ]
    assert "12.34" in caplog.text and "nonsense" in caplog.text and "the others still run" in caplog.text


def test_a_runs_toml_grid_over_regions_resolves_codes_for_real_data(folder, tmp_path):
    text = f"""
    [[set]]
    name = "pemda"
    notebooks = "06_pemda"
    data = "{folder.as_posix()}"
    out = "out/pemda"
    [set.grid]
    region = ["9977", "90.01", "12.34"]
    """
    (rs,) = plan.parse(textwrap.dedent(text), source=tmp_path / "runs.toml", base=tmp_path)
    assert _pages(rs.jobs) == [
        ("06_pemda-99.71", "99.71"),
        ("06_pemda-99.01", "99.01"),
        ("06_pemda-12.34", "12.34"),
    ]
    assert rs.jobs[0].region == "99.71 Kota Contoh Dua"
    assert len(rs.warnings) == 1 and "12.34" in rs.warnings[0]
    text_all = text.replace('["9977", "90.01", "12.34"]', '"all"')
    (rs,) = plan.parse(textwrap.dedent(text_all), source=tmp_path / "runs.toml", base=tmp_path)
    assert [j.name for j in rs.jobs] == ["06_pemda-99", "06_pemda-99.01", "06_pemda-99.03", "06_pemda-99.71"]
