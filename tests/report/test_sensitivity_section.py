"""The sensitivity section and the peers' DiD: they record their keys, speak both languages and turn every
status into a sentence instead of failing."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from kinerja_analysis.analysis import peers
from kinerja_analysis.analysis import prepare as data
from kinerja_analysis.analysis import sensitivity as S
from kinerja_analysis.report import page as report
from kinerja_analysis.report.sections import region
from kinerja_analysis.report.sections import sensitivity as show


@pytest.fixture
def captured(monkeypatch):
    """Recorded results and the paragraphs shown while a test runs."""
    got = {"record": {}, "para": []}
    real = report.record

    def record(key, value, *args, **kw):
        got["record"][key] = real(key, value, *args, **kw)
        return got["record"][key]

    monkeypatch.setattr(report, "record", record)
    monkeypatch.setattr(report, "para", lambda text, **kw: got["para"].append(text))
    return got


@pytest.fixture(scope="module")
def demo_sens(demo_prepared):
    return S.run(demo_prepared, draws=99)


@pytest.mark.parametrize("lang", ["en", "id"])
def test_sections_record_their_keys(demo_prepared, demo_sens, captured, lang):
    show.robustness(demo_sens, demo_prepared, lang=lang)
    show.randomisation(demo_sens, demo_prepared, lang=lang)
    show.trend_bound(demo_sens, demo_prepared, lang=lang)
    show.method_notes(demo_prepared, lang=lang)
    rec = captured["record"]
    for name in ("baseline", "cuts", "increases", "no_health", "programme", "spline_low", "spline_high"):
        assert f"robust_{name}_per_10pp" in rec
    assert rec["robust_baseline_per_10pp"]["ci_low"] < rec["robust_baseline_per_10pp"]["value"]
    assert rec["ri_p_within_region"]["value"] <= 0.05
    assert rec["trend_bound_status"]["value"] == "ok"
    b = rec["trend_bound_refocusing_m1_0"]
    assert b["ci_low"] < b["value"] < b["ci_high"]
    word = {"en": "reshuffle", "id": "pengacakan"}[lang]
    assert any(word in t for t in captured["para"])


def test_edge_statuses_become_sentences(demo_prepared, demo_sens, captured):
    rob = demo_sens.robustness.copy()
    rob.loc[rob["name"] == "increases", ["status", "estimate", "ci_low", "ci_high"]] = [
        "no_increases",
        None,
        None,
        None,
    ]
    s = dataclasses.replace(
        demo_sens,
        robustness=rob,
        bound=pd.DataFrame(),
        bound_status="no_pre_years",
        randomisation=demo_sens.randomisation.assign(status="no_variation"),
    )
    show.robustness(s, demo_prepared, lang="en")
    show.randomisation(s, demo_prepared, lang="en")
    show.trend_bound(s, demo_prepared, lang="en")
    text = " ".join(captured["para"])
    assert "no year before the reference year 2019" in text
    assert "No randomisation test" in text
    assert captured["record"]["robust_increases_per_10pp"]["status"] == "no_increases"


def test_peer_did_says_cannot_be_told_apart_on_demo(demo_dir, captured):
    p = data.load(demo_dir, region="99.02")
    everyone = data.load(demo_dir, settings=p.settings)
    c = peers.compare_with_peers(
        everyone.kinerja, everyone.anggaran, everyone.dose, p.dataset.regions, p.region, draws=99
    )
    region.peer_comparison(c, p, lang="id")
    assert any("tidak dapat dibedakan" in t for t in captured["para"])
    assert captured["record"]["peer_did_separation"]["value"] is None
    assert pd.isna(c.table.set_index("measure").at["did_refocusing_per_10pp", "rank"])


def test_few_clusters_bound_shows_estimate_and_caveat(demo_prepared, demo_sens, captured):
    b = demo_sens.bound.assign(ci_low=float("nan"), ci_high=float("nan"), bound_low=float("nan"))
    b = b.assign(bound_high=float("nan"), breakdown_m=float("nan"))
    show.trend_bound(dataclasses.replace(demo_sens, bound=b, bound_status="few_clusters"), demo_prepared)
    assert "Fewer than 5 clusters" in captured["para"][-1]
    assert captured["record"]["trend_bound_post_m0_5"]["breakdown_m"] is None
