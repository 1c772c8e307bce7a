"""Section show functions: each notebook's sections, fed with results computed by kinerja_analysis.analysis,
record the keys of DESIGN.md section 8, return nothing (so a notebook cell shows only what they display) and
take settings-driven labels from the settings."""

from __future__ import annotations

import pytest

from kinerja_analysis import config
from kinerja_analysis.analysis import anggaran as ag
from kinerja_analysis.analysis import compare, diagnostics, efficiency, estimates, impact, peers
from kinerja_analysis.analysis import panel as P
from kinerja_analysis.analysis import prepare as data
from kinerja_analysis.ingest import validate
from kinerja_analysis.report import page as report
from kinerja_analysis.report.sections import achievement, budget, data_quality, region
from kinerja_analysis.report.sections import impact as show_impact


@pytest.fixture
def recorded(monkeypatch):
    """The results recorded while a test runs, key -> entry (the real ``record`` still checks each key)."""
    got: dict = {}
    real = report.record

    def record(key, value, *args, **kw):
        got[key] = real(key, value, *args, **kw)
        return got[key]

    monkeypatch.setattr(report, "record", record)
    return got


@pytest.fixture(scope="module")
def region_p(demo_dir):
    return data.load(demo_dir, region="99.02")


def test_data_quality_sections_record_their_keys(demo_prepared, recorded):
    p = demo_prepared
    k = p.kinerja
    shown = [
        data_quality.coverage(diagnostics.coverage(k), p),
        data_quality.validation_issues(validate.validate_dataset(p.dataset, settings=p.settings), p),
        data_quality.flags(diagnostics.flag_counts(k), diagnostics.share_missing(k), p),
        data_quality.polarity_mix(diagnostics.polarity_mix(k), p, lang="id"),
        data_quality.ceiling(compare.share_at_ceiling(k), diagnostics.share_at_100(k), p),
        data_quality.revised_targets(compare.share_revised(k), diagnostics.share_revised_in(k), p),
        data_quality.crosswalk(diagnostics.crosswalk_rows(p.dataset.crosswalk), p),
    ]
    assert shown == [None] * len(shown)
    assert set(recorded) == {
        "n_indicator_rows",
        "n_regions",
        "n_errors",
        "n_warnings",
        "share_without_capaian",
        "share_at_100",
        "share_targets_revised_refocusing",
    }
    assert recorded["n_indicator_rows"]["value"] == len(k) and recorded["n_regions"]["value"] == 6
    by_year = compare.share_at_ceiling(k)
    assert recorded["share_at_100"]["value"] == pytest.approx(
        (by_year["share"] * by_year["n"]).sum() / by_year["n"].sum()
    )


def test_budget_and_achievement_sections_record_their_keys(demo_prepared, recorded):
    p = demo_prepared
    years = p.settings.periods.years("refocusing")
    per_year, pooled = ag.cuts_by_type(p.anggaran, years)
    shift = ag.composition_shift(ag.composition(p.anggaran, by=["year"]), 2019, 2020, by=[])
    shown = [
        budget.budget_years(ag.summarise(p.anggaran, ["year"]), ag.period_total(p.anggaran), p),
        budget.cuts_by_type(per_year, pooled, p),
        budget.composition_shift(shift, p, from_year=2019, to_year=2020),
        budget.most_cut_opds(compare.opd_cuts(p.kinerja, p.dose), p, n=5),
        achievement.capaian_periods(
            compare.period_means(p.kinerja), compare.yearly_means(p.kinerja, by=["region_code"]), p
        ),
        achievement.bands(compare.band_shares(p.kinerja), p),
        achievement.opd_capaian(compare.opd_period_change(p.kinerja, p.dose), p),
    ]
    assert shown == [None] * len(shown)
    types = set(pooled["spending_type"])
    assert set(recorded) == (
        {"total_cut_share_pct", "total_cut_rp"}
        | {f"cut_share_{t}_pct" for t in types}
        | {f"{m}_{per}" for m in ("mean_capaian", "met_share") for per in ("pre", "refocusing", "post")}
    )
    ref = p.anggaran[p.anggaran["year"].isin(years)]
    expect = (ref["budget_original"].sum() - ref["budget_revised"].sum()) / ref["budget_original"].sum() * 100
    assert recorded["total_cut_share_pct"]["value"] == pytest.approx(expect)


def test_impact_sections_record_the_contract_keys(demo_prepared, recorded):
    """Notebook 03's sections record did_*_per_10pp with CIs (DESIGN.md section 8), equal to the model."""
    p = demo_prepared
    est = estimates.estimate(p.kinerja, p.dose, p.settings, crosswalk=p.dataset.crosswalk, n_resamples=199)
    assert est.cluster == "region"
    for section in (
        show_impact.summary,
        show_impact.before_after,
        show_impact.terciles,
        show_impact.dose_response,
        show_impact.did,
        show_impact.event_study,
        show_impact.checks,
    ):
        assert section(est, p, lang="id") is None
    show_impact.method_notes(p)
    direct = impact.did(P.build(p.kinerja, p.dose)).set_index("term")
    for key, term in (("did_refocusing_per_10pp", "treat_refocusing"), ("did_post_per_10pp", "treat_post")):
        assert recorded[key]["value"] == pytest.approx(direct.loc[term, "estimate"], rel=1e-12)
        assert recorded[key]["ci_low"] == pytest.approx(direct.loc[term, "ci_low"], rel=1e-12)
        assert recorded[key]["ci_high"] == pytest.approx(direct.loc[term, "ci_high"], rel=1e-12)
    assert recorded["es_2019"]["value"] == 0 and "ci_low" in recorded["es_2020"]
    assert {
        "crude_did_refocusing_t3_minus_t1",
        "did_refocusing_capped_per_10pp",
        "did_refocusing_met_per_10pp",
        "did_refocusing_original_target_per_10pp",
        "revision_per_10pp",
        "share_at_100",
        "diff_capaian_refocusing_vs_pre",
        "continuity_units_ended",
    } <= set(recorded)
    # the same numbers as notebook 00 where both report them
    assert recorded["share_at_100"]["value"] == diagnostics.share_at_100(p.kinerja)
    # the capped model is attenuated on the demo too
    assert abs(recorded["did_refocusing_capped_per_10pp"]["value"]) < abs(
        recorded["did_refocusing_per_10pp"]["value"]
    )


def test_region_sections_record_within_region_estimates(demo_dir, region_p, recorded):
    p = region_p
    r = estimates.estimate(p.kinerja, p.dose, p.settings, full=False)
    assert r.cluster == "opd" and r.event.empty
    region.region_impact(r, p)
    everyone = data.load(demo_dir, settings=p.settings)
    c = peers.compare_with_peers(
        everyone.kinerja,
        everyone.anggaran,
        everyone.dose,
        p.dataset.regions,
        p.region,
        periods=p.settings.periods,
    )
    region.peer_comparison(c, p)
    q, cap, ser = efficiency.quadrants(efficiency.opd_efficiency(p.kinerja, p.anggaran, years=[2020, 2021]))
    region.efficiency(q, p, thresholds=(cap, ser))
    region.notes(p)
    assert (
        recorded["region_did_refocusing_per_10pp"]["ci_low"]
        < recorded["region_did_refocusing_per_10pp"]["value"]
    )
    assert c.table["n_regions"].iloc[0] == 6 and c.n_peers == 5 and "peer_mean_capaian_pre" in recorded
    assert sum(recorded[f"n_opd_{q}"]["value"] for q in efficiency.QUADRANTS) > 20


def test_region_peers_without_other_regions_say_so(region_p, recorded, monkeypatch):
    paras = []
    monkeypatch.setattr(report, "para", lambda text, **kw: paras.append(text))
    p = region_p
    c = peers.compare_with_peers(
        p.kinerja, p.anggaran, p.dose, p.dataset.regions, p.region, periods=p.settings.periods
    )
    assert c.table is None
    region.peer_comparison(c, p)
    assert len(paras) == 1 and not recorded


@pytest.mark.parametrize("refocusing, label", [((2020, 2021), "2020–21"), ((2020, 2020), "2020")])
def test_key_figures_name_the_refocusing_years_of_the_settings(demo_dir, monkeypatch, refocusing, label):
    periods = config.Periods(pre=(2018, 2019), refocusing=refocusing, post=(refocusing[1] + 1, 2023))
    p = data.load(demo_dir, region="99.01", settings=config.Settings(periods=periods))
    boxes = []
    monkeypatch.setattr(report, "keyfigures", boxes.extend)
    facts = compare.region_facts(p.kinerja, p.anggaran, p.dose, periods=p.settings.periods)
    assert region.key_figures(facts, p) is None
    assert boxes[0][1].endswith(" " + label)
