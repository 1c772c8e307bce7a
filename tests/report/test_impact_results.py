"""The results.json contract of the impact report (issue 14): the baseline model under the old keys with the
wild-bootstrap interval in ci_low/ci_high, CV3 and CR1 beside it, the verdict with its rule, the status, and
the sector × year model under ``*_sector`` keys when the data has sectors."""

from __future__ import annotations

import pytest

from kinerja_analysis.analysis import estimates
from kinerja_analysis.report import page as report
from kinerja_analysis.report.sections import impact as show

TERM_FIELDS = {
    "value",
    "ci_low",
    "ci_high",
    "p_value",
    "interval",
    "se",
    "ci_low_cr1",
    "ci_high_cr1",
    "p_cr1",
    "se_cv3",
    "ci_low_cv3",
    "ci_high_cv3",
    "p_cv3",
    "p_wild",
    "draws",
    "strong",
    "status",
    "n_clusters",
    "model",
    "cluster_cr1",
}


@pytest.fixture(scope="module")
def small(demo_prepared):
    p = demo_prepared
    keep = p.dose.groupby("region_code").head(12)[["region_code", "opd"]]
    return p, p.kinerja.merge(keep, on=["region_code", "opd"]), p.dose.merge(keep, on=["region_code", "opd"])


def _record(monkeypatch):
    got: dict = {}
    real = report.record
    monkeypatch.setattr(report, "para", lambda *a, **k: None)

    def record(key, value, *args, **kw):
        got[key] = real(key, value, *args, **kw)
        return got[key]

    monkeypatch.setattr(report, "record", record)
    return got


def _show(r, p):
    for section in (show.summary, show.did, show.event_study):
        section(r, p, lang="en")


def test_contract_keys_hold_the_baseline_with_the_wild_interval(small, monkeypatch):
    p, k, d = small
    k, d = k.drop(columns="sector", errors="ignore"), d.drop(columns="sector", errors="ignore")
    got = _record(monkeypatch)
    r = estimates.estimate(k, d, p.settings, full=True, n_resamples=49, draws=499)
    _show(r, p)
    base = r.did.set_index("term")
    for key, term in (("did_refocusing_per_10pp", "treat_refocusing"), ("did_post_per_10pp", "treat_post")):
        x = got[key]
        assert TERM_FIELDS <= set(x) and x["model"] == "baseline" and x["interval"] == "wild"
        assert x["value"] == pytest.approx(base.at[term, "estimate"])
        assert (x["ci_low"], x["ci_high"]) == pytest.approx(
            (base.at[term, "ci_low_wild"], base.at[term, "ci_high_wild"])
        )
        assert x["ci_low"] != pytest.approx(x["ci_low_cr1"])  # the headline is not the CR1 interval
        assert x["ci_low_cv3"] < x["value"] < x["ci_high_cv3"]
    assert (
        "did_refocusing_per_10pp_sector" not in got and got["sector_share_of_dose_variation"]["value"] is None
    )
    v = got["impact_verdict"]
    assert (
        v["value"] in estimates.VERDICTS and v["model"] == "baseline" and v["rule"] == estimates.VERDICT_RULE
    )
    assert v["value"] == ("strong" if got["did_refocusing_per_10pp"]["strong"] else v["value"])
    assert got["impact_status"]["value"] == "ok" and got["opds_dropped_from_models"]["value"] == 0
    es = got["es_2020"]
    assert (
        es["band"] == "bonferroni_cv3"
        and es["band_low"] < es["ci_low"] < es["value"] < es["ci_high"] < es["band_high"]
    )
    assert got["event_study_status"]["value"] == "ok" and got["es_2019"]["reference"]


def test_sector_keys_when_the_data_has_sectors(small, monkeypatch):
    p, k, d = small
    # a made-up urusan per OPD (four sectors, by the OPD's position in its region)
    rank = d.groupby("region_code").cumcount() % 4
    k, d = k.drop(columns="sector", errors="ignore"), d.assign(sector=[f"1.0{x + 1}" for x in rank])
    got = _record(monkeypatch)
    r = estimates.estimate(k, d, p.settings, full=True, n_resamples=49, draws=499)
    _show(r, p)
    assert r.sectors_known and got["impact_verdict"]["model"] == "sector"
    for per in ("refocusing", "post"):
        base, sec = got[f"did_{per}_per_10pp"], got[f"did_{per}_per_10pp_sector"]
        assert base["model"] == "baseline" and sec["model"] == "sector" and TERM_FIELDS <= set(sec)
        assert sec["value"] != pytest.approx(base["value"]) and sec["ci_low"] < sec["value"] < sec["ci_high"]
    share = got["sector_share_of_dose_variation"]["value"]
    assert 0 <= share < 1
