"""Graceful edges of the impact page (issue 14): each thin-data case ends in a clear sentence on the page
and a recorded status, never a crash and never a misleading number. One test per edge, on the demo data
cut down to what the edge needs."""

from __future__ import annotations

import numpy as np
import pytest

from kinerja_analysis.analysis import estimates
from kinerja_analysis.report import page as report
from kinerja_analysis.report.estimate_text import status_text, verdict_text
from kinerja_analysis.report.sections import impact as show

SECTIONS = (
    show.summary,
    show.before_after,
    show.terciles,
    show.dose_response,
    show.did,
    show.event_study,
    show.checks,
)


@pytest.fixture(scope="module")
def small(demo_prepared):
    """The demo with its first 12 OPDs per region: the same shape, a quarter of the rows."""
    p = demo_prepared
    keep = p.dose.groupby("region_code").head(12)[["region_code", "opd"]]
    k = p.kinerja.merge(keep, on=["region_code", "opd"])
    return p, k, p.dose.merge(keep, on=["region_code", "opd"])


def render(p, k, d, monkeypatch, lang="en"):
    """Estimate and show every section; return the results, the paragraphs shown and what was recorded."""
    texts, got = [], {}
    monkeypatch.setattr(report, "para", lambda text, **kw: texts.append(text))
    real = report.record

    def record(key, value, *args, **kw):
        got[key] = real(key, value, *args, **kw)
        return got[key]

    monkeypatch.setattr(report, "record", record)
    r = estimates.estimate(k, d, p.settings, crosswalk=p.dataset.crosswalk, n_resamples=49, draws=199)
    for section in SECTIONS:
        assert section(r, p, lang=lang) is None
    return r, texts, got


def said(code, r, texts, lang="en"):
    """Whether the page shows the sentence of an edge status, filled in for these results."""
    return any(status_text(code, r, lang) in t for t in texts)


def test_no_dose_variation(small, monkeypatch):
    p, k, d = small
    r, texts, got = render(p, k, d.assign(dose=0.2), monkeypatch)
    assert got["impact_status"]["value"].split(";")[0] == "no_dose_variation"
    assert got["did_refocusing_per_10pp"]["value"] is None
    assert got["did_refocusing_per_10pp"]["status"] == "no_dose_variation"
    assert got["impact_verdict"]["value"] == "not_estimable"
    assert said("no_dose_variation", r, texts)


def test_data_ending_in_2021(small, monkeypatch):
    p, k, d = small
    r, texts, got = render(p, k[k["year"] <= 2021], d, monkeypatch)
    assert got["did_post_per_10pp"]["value"] is None and got["did_post_per_10pp"]["status"] == "no_years"
    assert got["did_refocusing_per_10pp"]["value"] < 0 and got["did_refocusing_per_10pp"]["status"] == "ok"
    assert "no_years" in got["impact_status"]["value"]
    assert said("no_years", r, texts)
    assert set(r.event["year"]) == {2018, 2019, 2020, 2021}


def test_no_reference_year(small, monkeypatch):
    p, k, d = small
    r, texts, got = render(p, k[k["year"] != 2019], d, monkeypatch)
    assert got["event_study_status"] == {"value": "reference_moved", "reference_year": 2018}
    assert got["es_2018"]["value"] == 0 and got["es_2018"]["reference"]
    assert "es_2019" not in got and "reference_moved" in got["impact_status"]["value"]
    assert any("2018" in t and "2019" in t for t in texts)


def test_no_pre_years(small, monkeypatch):
    p, k, d = small
    r, texts, got = render(p, k[k["year"] >= 2020], d, monkeypatch)
    assert r.event.empty and got["event_study_status"]["value"] == "no_pre_years"
    assert got["did_refocusing_per_10pp"]["value"] is None
    assert got["impact_verdict"]["value"] == "not_estimable"
    assert said("no_pre_years", r, texts)


def test_two_regions(small, monkeypatch):
    p, k, d = small
    two = sorted(k["region_code"].unique())[:2]
    r, texts, got = render(p, k[k["region_code"].isin(two)], d[d["region_code"].isin(two)], monkeypatch)
    x = got["did_refocusing_per_10pp"]
    assert x["value"] < 0 and x["ci_low"] is None and x["ci_high"] is None and x["status"] == "few_clusters"
    assert got["impact_verdict"]["value"] == "no_inference"
    # no "bootstrap CI" over 2 regions, and no band
    assert got["crude_did_refocusing_t3_minus_t1"].get("ci_low") is None
    assert got["diff_capaian_refocusing_vs_pre"].get("ci_low") is None
    assert r.event["band_low"].isna().all() and r.event["ci_low"].isna().all()
    assert verdict_text(r, "en")[0] in texts and said("few_clusters", r, texts)


def test_budget_increases_only(small, monkeypatch):
    p, k, d = small
    r, texts, got = render(p, k, d.assign(dose=-d["dose"].abs()), monkeypatch)
    assert r.dose_kind == "increases" and "dose_increases" in got["impact_status"]["value"]
    summary = texts[0]
    assert "budget added" in summary and " lost" not in summary and "per 10 pp of cut" not in summary
    assert not any(" lost" in t for t in texts)
    # the recorded contract value stays per 10 pp of cut, the page turns the sign
    assert got["did_refocusing_per_10pp"]["value"] > 0 and "fell by" in summary


def test_regions_without_budget_and_zero_murni_are_listed(small, monkeypatch):
    p, k, d = small
    gone = sorted(d["region_code"].unique())[0]
    d2 = d[d["region_code"] != gone].copy()
    i = d2.index[0]
    d2.loc[i, ["dose", "budget_original"]] = [np.nan, 0.0]
    r, texts, got = render(p, k, d2, monkeypatch)
    dropped = got["opds_dropped_from_models"]
    assert dropped["value"] == 13 and dropped["reasons"] == {"no_budget_region": 12, "zero_murni": 1}
    assert gone in dropped["regions"] and r.did["n_clusters"].iloc[0] == 5
    assert said("opds_dropped", r, texts)


def test_edges_read_in_indonesian(small, monkeypatch):
    p, k, d = small
    two = sorted(k["region_code"].unique())[:2]
    kk = k[k["region_code"].isin(two) & (k["year"] <= 2021)]
    r, texts, got = render(
        p, kk, d[d["region_code"].isin(two)].assign(dose=lambda x: -x["dose"].abs()), monkeypatch, "id"
    )
    assert any("tambahan anggaran" in t for t in texts) and not any("{" in t for t in texts)
