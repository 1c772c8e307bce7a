"""The impact bundle and the data-quality measures: the fits behind the tables stay reachable, estimate takes
explicit inputs, and the measures shared by notebooks 00 and 03 agree with their per-year versions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from test_panel import synthetic

from kinerja_analysis.analysis import compare, diagnostics, estimates, impact
from kinerja_analysis.analysis import panel as P


def test_did_model_keeps_the_pyfixest_fits():
    pan = P.build(synthetic(2, regions=5, opds=6, indicators=2))
    m = impact.did_model(pan)
    tidy = m.cr1.tidy()
    assert tidy.loc["treat_refocusing", "Estimate"] == pytest.approx(
        m.table.set_index("term").at["treat_refocusing", "estimate"]
    )
    inf = m.inference["treat_refocusing"]  # 5 clusters: the wild bootstrap and CV3 are kept per term
    assert inf.status == "ok" and inf.estimate == pytest.approx(tidy.loc["treat_refocusing", "Estimate"])
    pd.testing.assert_frame_equal(m.table, impact.did(pan))
    es = impact.event_study_model(pan)
    assert len(es.cr1.tidy()) == len(es.table) - 1  # the reference year is not a coefficient


def test_estimate_keeps_fits_and_takes_explicit_inputs(demo_prepared):
    p = demo_prepared
    r = estimates.estimate(p.kinerja, p.dose, p.settings, crosswalk=p.dataset.crosswalk, n_resamples=99)
    assert r.cluster == estimates.default_cluster(p.kinerja) == "region"
    tidy = r.fits["did"].tidy()
    did = r.did.set_index("term")
    for term in ("treat_refocusing", "treat_post"):
        assert tidy.at[term, "Estimate"] == pytest.approx(did.at[term, "estimate"], rel=1e-12)
    assert {"did", "event_study", "revision"} <= set(r.fits)
    assert set(r.inference["did"]) == {"treat_refocusing", "treat_post"}
    # the demo names (or lets the reader infer) each OPD's urusan: the sector model is fitted and judged
    if r.sectors_known:
        assert "did_sector" in r.fits and r.verdict["model"] == "sector" and r.headline is r.did_sector
    assert len(r.fits["event_study"].tidy()) == int((~r.event["reference"]).sum())
    assert set(r.tercile_years["tercile"]) == {"T1", "T2", "T3"} and set(r.ceiling["tercile"]) == {
        "T1",
        "T2",
        "T3",
    }
    assert r.continuity_counts["units_from"] > 0
    assert r.share_revised == diagnostics.share_revised_in(p.kinerja)
    # within one region and clustered by OPD, only what the region report shows
    one = p.kinerja[p.kinerja["region_code"] == "99.03"]
    small = estimates.estimate(one, p.dose[p.dose["region_code"] == "99.03"], p.settings, full=False)
    assert (
        small.cluster == "opd" and small.event.empty and {"did"} <= set(small.fits) <= {"did", "did_sector"}
    )


def test_diagnostics_agree_with_the_per_year_measures(demo_prepared):
    k = demo_prepared.kinerja
    cov = diagnostics.coverage(k)
    years = [c for c in cov.columns if c not in ("region_code", "n_opd")]
    assert int(cov[years].sum().sum()) == len(k) and len(cov) == k["region_code"].nunique()
    by_year = compare.share_at_ceiling(k)
    assert diagnostics.share_at_100(k) == pytest.approx(
        (by_year["share"] * by_year["n"]).sum() / by_year["n"].sum()
    )
    flags = diagnostics.flag_counts(k)
    assert (flags["n"] > 0).all() and flags["share"].le(1).all()
    mix = diagnostics.polarity_mix(k)
    assert mix["n"].sum() == len(k) and mix["share"].sum() == pytest.approx(1)
    assert np.isnan(diagnostics.share_revised_in(k.iloc[:0]))


def test_region_facts_hand_values():
    k = pd.DataFrame(
        {
            "region_code": ["a"] * 4,
            "opd": ["x", "x", "y", "y"],
            "period": ["pre", "refocusing"] * 2,
            "achievement": [100.0, 90.0, 100.0, 98.0],
            "met": [True, False, True, False],
        }
    )
    dose = pd.DataFrame({"region_code": ["a", "a"], "opd": ["x", "y"], "dose": [0.4, 0.1]})
    a = pd.DataFrame(
        {
            "year": [2020, 2020],
            "spending_type": ["modal", "btt"],
            "budget_original": [100.0, 10.0],
            "budget_revised": [60.0, 30.0],
            "spent": [50.0, 30.0],
        }
    )
    f = compare.region_facts(k, a, dose, n_top=1)
    assert f["cut_share"] == pytest.approx(20 / 110) and f["cut_modal"] == pytest.approx(0.4)
    assert (f["btt_year"], f["btt_original"], f["btt_revised"], f["btt_spent"]) == (2020, 10.0, 30.0, 30.0)
    assert f["capaian"]["refocusing"] == 94.0 and np.isnan(f["capaian"]["post"])
    assert (f["n_top"], f["top_cut"], f["top_change"], f["rest_change"]) == (1, 0.4, -10.0, -2.0)
    every = compare.region_facts(k, a, dose)  # the default asks for more OPDs than there are: all, no rest
    assert every["n_top"] == 2 and every["top_change"] == -6.0 and np.isnan(every["rest_change"])
