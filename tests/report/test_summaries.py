"""The summaries that open the data-quality, budget and achievement pages, and the region summary ([reviewer]:
findings first, each with its number). Every generated sentence's numbers are compared, in order, with an
independent recomputation from the demo data by plain pandas; the summary of the region page counts the
same most-cut OPDs its table lists."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kinerja_analysis import labels as L
from kinerja_analysis.analysis import compare
from kinerja_analysis.analysis import prepare as data
from kinerja_analysis.report import page as report
from kinerja_analysis.report.sections import achievement, budget, data_quality, region

LANGS = ["en", "id"]


def _numbers(text: str) -> list[str]:
    """The numbers of a sentence as written (years split at the dash: 2020–21 gives 2020 and 21)."""
    return re.findall(r"\d+(?:[.,]\d+)*", text)


def _fmt(x, lang, decimals=1):
    return L.fmt_num(x, lang, decimals)


@pytest.fixture
def shown(monkeypatch):
    """What a summary displays: its key-figure boxes and its bullet sentences."""
    got = {"boxes": [], "bullets": []}
    monkeypatch.setattr(report, "keyfigures", got["boxes"].extend)
    monkeypatch.setattr(report, "bullets", lambda items: got["bullets"].extend(items))
    monkeypatch.setattr(report, "heading", lambda *a, **k: None)
    return got


@pytest.mark.parametrize("lang", LANGS)
def test_budget_summary_numbers_match_the_budget_rows(demo_prepared, shown, lang):
    p = demo_prepared
    budget.summary(p, lang=lang)
    a = p.anggaran
    ref = a[a["year"].isin([2020, 2021])]
    o, r, s = ref["budget_original"].sum(), ref["budget_revised"].sum(), ref["spent"].sum()
    first = ["2020", "21", _fmt(100 * (o - r) / o, lang), _fmt((o - r) / 1e9, lang), _fmt(100 * s / r, lang)]
    g = ref.groupby("spending_type")[["budget_original", "budget_revised"]].sum()
    g["cs"] = (g["budget_original"] - g["budget_revised"]) / g["budget_original"]
    g = g.sort_values("cs", ascending=False, kind="stable")
    cut = g[g["cs"] >= 0.005].head(2)
    types = [n for c in cut.itertuples() for n in (_fmt(100 * c.cs, lang), _fmt((c[1] - c[2]) / 1e9, lang))]
    raised = []
    for c in g[g["cs"] <= -0.005].itertuples():
        more = _fmt((c[2] - c[1]) / 1e9, lang)
        raised += [_fmt(c[2] / c[1], lang), more] if c.cs <= -1 else [_fmt(-100 * c.cs, lang), more]
    b = a[(a["year"] == 2020) & (a["spending_type"] == "btt")]
    bo, br, bs = b["budget_original"].sum(), b["budget_revised"].sum(), b["spent"].sum()
    btt = [
        "2020",
        _fmt(bo / 1e9, lang),
        _fmt(br / 1e9, lang),
        _fmt(bs / 1e9, lang),
        _fmt(100 * bs / br, lang),
    ]
    assert [_numbers(x) for x in shown["bullets"]] == [first, types, raised, btt], shown["bullets"]
    assert len(cut) == 2 and raised  # the demo plants both: the test must see them
    assert L.spending_label(cut.index[0], lang).lower() in shown["bullets"][1].lower()
    assert shown["boxes"][0][0] == L.fmt_pct(100 * (o - r) / o, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_achievement_summary_numbers_and_graded_verdict_match_the_indicator_rows(demo_prepared, shown, lang):
    p = demo_prepared
    achievement.summary(p, lang=lang)
    k = p.kinerja[p.kinerja["achievement"].notna()]
    mean = {per: k.loc[k["period"] == per, "achievement"].mean() for per in ("pre", "refocusing", "post")}
    met = {per: k.loc[k["period"] == per, "met"].astype(float).mean() for per in mean}
    d_ref, d_post = mean["refocusing"] - mean["pre"], mean["post"] - mean["pre"]
    regained = (d_post - d_ref) / -d_ref
    opd = k.groupby(["region_code", "opd", "period"])["achievement"].mean().unstack()
    ch = (opd["refocusing"] - opd["pre"]).dropna()
    expected = [
        [_fmt(mean[x], lang) for x in mean],
        [_fmt(-d_ref, lang), L.fmt_num(100 * regained, lang, 0), _fmt(-d_post, lang)],
        [_fmt(100 * met[x], lang) for x in met],
        [_fmt(1.0, lang), str((ch <= -1).sum()), str(len(ch)), str((ch >= 1).sum())],
    ]
    assert [_numbers(x) for x in shown["bullets"]] == expected, shown["bullets"]
    # the demo plants a fall during refocusing and a partial recovery after it
    assert d_ref <= -1 and d_post < -1 and 0.05 < regained < 1
    words = {"en": ("fell", "partly recovered"), "id": ("turun", "pulih sebagian")}[lang]
    assert all(w in shown["bullets"][1] for w in words)


@pytest.mark.parametrize("lang", LANGS)
def test_data_quality_summary_counts_match_the_indicator_rows(demo_prepared, shown, lang):
    p = demo_prepared
    issues = pd.DataFrame({"severity": ["error", "warning", "warning"]})  # a validator result, given
    data_quality.summary(p, issues, lang=lang)
    k = p.kinerja
    a = k["achievement"]
    at_100 = (a - 100).abs() < 1e-6  # exactly 100 up to floating-point noise
    ref = k[k["period"] == "refocusing"]
    revised = (
        ref["target_original"].notna() & ref["target"].notna() & (ref["target"] != ref["target_original"])
    ).sum()

    def n(x):
        return L.fmt_num(x, lang, 0)

    expected = [
        [
            n(len(k)),
            n(k.groupby(["region_code", "opd"]).ngroups),
            n(k["region_code"].nunique()),
            "2018",
            "23",
        ],
        ["1", "2"],
        [n(a.isna().sum()), _fmt(100 * a.isna().mean(), lang)],
        [n(at_100.sum()), n(a.notna().sum()), _fmt(100 * at_100.sum() / a.notna().sum(), lang), "100"],
        [n(revised), n(len(ref)), "2020", "21", _fmt(100 * revised / len(ref), lang)],
    ]
    assert [_numbers(x) for x in shown["bullets"]] == expected, shown["bullets"]
    assert revised and at_100.any() and a.isna().any()  # the demo plants each


def test_data_quality_summary_says_so_when_the_validator_finds_nothing(demo_prepared, shown):
    data_quality.summary(demo_prepared, pd.DataFrame({"severity": pd.Series([], dtype=str)}), lang="en")
    assert shown["bullets"][1] == L.t("sum_dq_no_issues", "en")


@pytest.mark.parametrize("lang", LANGS)
def test_region_summary_counts_the_opds_of_its_most_cut_table_and_says_how_much_btt_was_spent(
    demo_dir, monkeypatch, shown, lang
):
    p = data.load(demo_dir, region="99.01")
    facts = compare.region_facts(p.kinerja, p.anggaran, p.dose, periods=p.settings.periods)
    region.key_figures(facts, p, lang=lang)
    tables = []
    monkeypatch.setattr(report, "table", lambda df, **kw: tables.append(df))
    monkeypatch.setattr(report, "figure", lambda *a, **k: None)
    budget.most_cut_opds(compare.opd_cuts(p.kinerja, p.dose), p, n=facts["n_top"], lang=lang)
    listed = tables[0][L.t("opd", lang)].tolist()
    top = p.dose[p.dose["region_code"] == "99.01"].nlargest(compare.MOST_CUT_N, "dose")
    assert listed == top["opd"].tolist() and facts["n_top"] == len(listed) == compare.MOST_CUT_N
    most = next(x for x in shown["bullets"] if L.t("s_most_cut", lang).split("{")[0] in x)
    assert _numbers(most)[:2] == [str(len(listed)), _fmt(100 * top["dose"].mean(), lang)]
    a = p.anggaran
    b = a[(a["year"] == 2020) & (a["spending_type"] == "btt")]
    spent = next(x for x in shown["bullets"] if "BTT" in x)
    assert _numbers(spent) == [
        "2020",
        _fmt(b["budget_original"].sum() / 1e9, lang),
        _fmt(b["budget_revised"].sum() / 1e9, lang),
        _fmt(b["spent"].sum() / 1e9, lang),
        _fmt(100 * b["spent"].sum() / b["budget_revised"].sum(), lang),
    ]
