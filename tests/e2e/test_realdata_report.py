"""The province report on real data: loader totals against an independent csv-module sum, the hand-checked
Gorontalo figure, the sections shown from computed frames, and the report end to end (skipped when
../shared/realdata is absent). The province measures without real data: tests/analysis/test_province.py."""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import pytest

from kinerja_analysis import schema
from kinerja_analysis.analysis import pefa, province
from kinerja_analysis.config import DEFAULT_SEED
from kinerja_analysis.errors import DataError
from kinerja_analysis.ingest import djpk
from kinerja_analysis.ingest import realdata as rdm
from kinerja_analysis.report import page
from kinerja_analysis.report.sections import province as show
from kinerja_analysis.run import plan as run_plan


# ---------------------------------------------------------------- real files
@pytest.fixture(scope="module")
def djpk_dir(realdata):
    return realdata / "djpk-apbd-jaga"


@pytest.fixture(scope="module")
def ang(djpk_dir):
    return djpk.load(djpk_dir)


def test_every_file_is_read(djpk_dir):
    acc = djpk.read_accounts(djpk_dir)
    for path in djpk.files(djpk_dir):
        with open(path, newline="", encoding="utf-8") as fh:
            n_rows = sum(1 for _ in csv.DictReader(fh))
        assert (acc["source_file"] == path.name).sum() * 2 == n_rows, path.name


def test_totals_equal_an_independent_csv_sum(djpk_dir, ang):
    want = defaultdict(lambda: [0.0, 0.0])
    for path in djpk.files(djpk_dir):
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["level1coa90"].startswith("5") and row["nilai"].strip():
                    want[(row["namapemda"], int(row["tahun"]))][row["jenis"] == "Realisasi"] += float(
                        row["nilai"]
                    )
    got = ang.groupby([ang["region_name"].astype(str), "year"])[["budget_revised", "spent"]].sum()
    assert len(got) == len(want) == 34 * 8
    for key, (budget, spent) in want.items():
        assert got.loc[key, "budget_revised"] == pytest.approx(budget, rel=1e-12)
        assert got.loc[key, "spent"] == pytest.approx(spent, rel=1e-12)


def test_hand_checked_gorontalo_2019(ang):
    g = ang[(ang["region_name"] == "Provinsi Gorontalo") & (ang["year"] == 2019)]
    assert g["region_code"].unique().tolist() == ["75"]
    assert g["budget_revised"].sum() / 1e9 == pytest.approx(1955.7, abs=0.05)
    assert g["spent"].sum() / 1e9 == pytest.approx(1939.5, abs=0.05)


def test_labels_all_mapped_and_codes_strings(ang):
    assert ang["spending_type"].isin(schema.SPENDING_TYPES).all()
    assert ang.attrs["unmapped_names"] == []
    assert ang["region_code"].map(lambda c: isinstance(c, str) and len(c) == 2).all()
    assert ang["region_code"].nunique() == 34


def test_identity_trap_and_partial_year(djpk_dir):
    acc = djpk.read_accounts(djpk_dir)
    idt = djpk.budget_identity(acc).set_index(["region_name", "year"])
    # the 434 repeat broke these by exactly the repeated amount; counted once the identity holds
    for key in [("Provinsi Lampung", 2022), ("Provinsi Sumatera Barat", 2023), ("Provinsi Papua", 2024)]:
        assert idt.loc[key, "ok"] and not abs(idt.loc[key, "gap_budget_if_double_counted"]) <= 1e6
    assert (djpk.issues(acc)["rule"] == "duplicate_label").sum() == 14
    assert djpk.partial_years(acc) == [2025]


def test_find_folder_and_plan(realdata, monkeypatch, tmp_path):
    monkeypatch.setattr(rdm.paths, "RAW_DATA", tmp_path / "empty")
    monkeypatch.setenv("KINERJA_REALDATA", str(realdata))
    assert rdm.find_folder("") == realdata
    jobs = run_plan.for_folder(realdata, lang="id")
    assert [j.notebook for j in jobs] == ["05_province_outcomes"] and jobs[0].parameters["lang"] == "id"
    with pytest.raises(DataError, match="kinerja data fetch"):
        rdm.find_folder(str(tmp_path))


@pytest.mark.slow
def test_report_end_to_end(province_pages):
    tmp_path, manifest = province_pages("en")
    assert manifest["run"]["n_failed"] == 0, manifest["reports"][0].get("error")
    res = json.loads((tmp_path / "results.json").read_text())["reports"]["05_province_outcomes"]
    assert res["total_belanja_budget_2019"]["value"] > 0
    assert res["btt_spent_over_budget_2020"]["value"] > 10  # the 2020 "Anggaran" caveat in numbers
    assert res["double_counted_rows"]["value"] == 14
    assert "ci_low" in res["corr_poverty_rate_change_refocusing"]
    html = (tmp_path / "05_province_outcomes.html").read_text(encoding="utf-8")
    assert "Descriptive, not causal" in html and "largely the budget set BEFORE refocusing" in html


def test_sections_show_the_frames_the_notebook_computes(realdata):
    """Notebook 05 outside a kernel: compute with analysis.province, show with report.sections.province."""
    r = show.start(str(realdata), n_boot=200)
    assert r.seed == DEFAULT_SEED and r.n_boot == 200 and r.periods.refocusing == (2020, 2021)
    show.data_checks(
        province.identity_failures(r.data.identity), province.repaired_by_dedup(r.data.identity), r
    )
    by_year = province.anggaran_by_year(r.data.anggaran)
    show.anggaran_meaning(by_year, r)
    complete = province.complete_years(r.data.anggaran)
    assert 2025 not in set(complete["year"])
    comp = province.shares(complete, by=("year",))
    show.composition(comp, province.group_shift(comp, r.periods.pre[1]), r)
    cuts = province.cut_intensity(complete, r.periods)
    show.cut_ranking(cuts, r)
    assert "name" not in cuts.columns  # showing adds the names to its own copy
    stats = province.outcome_vs_cut(r.data.outcomes, cuts, r.periods, n_boot=r.n_boot, seed=r.seed)
    show.outcomes(
        stats, province.outcome_fits(r.data.outcomes, cuts, r.periods, stats), r, n_provinces=len(cuts)
    )
    scores = pefa.yearly(r.data.anggaran)
    show.pefa(scores, province.pefa_counts(scores, "pi1_band"), province.pefa_counts(scores, "pi2_band"), r)
    res = page.recorded()
    assert res["double_counted_rows"]["value"] == 14 and len(cuts) == 34
    assert res["btt_spent_over_budget_2020"]["value"] == pytest.approx(
        by_year.set_index("year").at[2020, "btt_ratio"]
    )
    assert res["btt_spent_over_budget_2020"]["value"] > 10
    assert res["shift_capital_goods_pp_2020"]["value"] < 0
    modal = complete[complete["spending_type"] == "modal"].groupby("year")["spent"].sum()
    assert res["spent_modal_2019"]["value"] == pytest.approx(modal[2019])  # the Rupiah-cut sentence's numbers
    assert res["spent_modal_2020"]["value"] == pytest.approx(modal[2020]) and modal[2020] < modal[2019]
    assert {"ci_low", "ci_high", "n"} <= set(res["corr_poverty_rate_change_refocusing"])
