"""The index page as a reading guide ([reviewer] item 10): one card per question with its headline number
taken from the reports' results (what results.json holds) and a link to the HTML page that answers it; the
table links pages, the executed notebook only small beside them; a real-data run shows its own columns."""

from __future__ import annotations

import re

import pytest

from kinerja_analysis import labels as L
from kinerja_analysis.run import guide, render


def _entries():
    def v(x, **kw):
        return {"value": x, **kw}

    return [
        {
            "name": "00_data_quality",
            "title": "Data quality",
            "status": "ok",
            "html": "00_data_quality.html",
            "executed": "executed/00_data_quality.ipynb",
            "results": {
                "n_errors": v(1),
                "n_warnings": v(12),
                "share_at_100": v(0.0579),
                "share_targets_revised_refocusing": v(0.101),
            },
        },
        {
            "name": "01_budget_refocusing",
            "title": "Budget refocusing",
            "status": "ok",
            "html": "01_budget_refocusing.html",
            "executed": "executed/01_budget_refocusing.ipynb",
            "parameters": {"periods": "2017-2019,2020-2020,2021-2023"},
            "results": {"total_cut_share_pct": v(12.584), "total_cut_rp": v(1.2636e12)},
        },
        {
            "name": "02_achievement_before_after",
            "title": "Achievement",
            "status": "ok",
            "html": "02_achievement_before_after.html",
            "results": {
                "mean_capaian_pre": v(100.0026),
                "mean_capaian_refocusing": v(92.32),
                "mean_capaian_post": v(98.618),
            },
        },
        {
            "name": "03_refocusing_impact",
            "title": "Impact",
            "status": "ok",
            "html": "03_refocusing_impact.html",
            "results": {
                "impact_verdict": v("strong", model="sector"),
                "did_refocusing_per_10pp": v(-3.77, ci_low=-4.19, ci_high=-3.47),
                "did_refocusing_per_10pp_sector": v(-3.054, ci_low=-5.14, ci_high=-1.966),
            },
        },
    ]


def _num(text: str, lang: str) -> float:
    t = text.replace(".", "").replace(",", ".") if lang == "id" else text.replace(",", "")
    return float(t)


@pytest.mark.parametrize("lang", ["en", "id"])
def test_cards_quote_the_results_and_link_the_page_that_answers(lang):
    entries = _entries()
    cards = {c["question"]: c for c in guide.guide_cards(entries, lang)}
    assert list(cards) == ["cut", "capaian", "dose", "data"]
    r = {e["name"][:2]: e["results"] for e in entries}
    nums = re.compile(r"-?\d+(?:[.,]\d+)*")
    assert _num(nums.findall(cards["cut"]["value"])[0], lang) == round(
        r["01"]["total_cut_share_pct"]["value"], 1
    )
    assert "2020" in cards["cut"]["text"] and "2020–" not in cards["cut"]["text"]  # the run's own periods
    assert _num(nums.findall(cards["cut"]["text"])[-1], lang) == round(
        r["01"]["total_cut_rp"]["value"] / 1e9, 1
    )
    got = [_num(x, lang) for x in nums.findall(cards["capaian"]["value"])]
    assert got == [round(r["02"][f"mean_capaian_{p}"]["value"], 1) for p in ("pre", "refocusing", "post")]
    assert L.t("s_fell", lang, d="").split()[1] in cards["capaian"]["text"]  # the graded verdict
    sector = r["03"]["did_refocusing_per_10pp_sector"]  # the verdict's model, not the baseline
    assert _num(nums.findall(cards["dose"]["value"])[0], lang) == round(sector["value"], 1)
    ci = [_num(x, lang) for x in nums.findall(cards["dose"]["text"])[-2:]]
    assert ci == [round(sector["ci_low"], 1), round(sector["ci_high"], 1)]
    assert L.t("card_v_strong", lang) in cards["dose"]["text"]
    assert [_num(x, lang) for x in nums.findall(cards["data"]["value"])] == [1, 12]
    assert L.fmt_pct(0.0579, lang, ratio=True) in cards["data"]["text"]
    by_name = {e["name"][:2]: e["html"] for e in entries}
    assert [c["href"] for c in cards.values()] == [by_name[k] for k in ("01", "02", "03", "00")]


def test_index_page_links_html_pages_and_keeps_notebooks_small():
    page = render.index_page(_entries(), title="t", lang="en", run_time="2026-11-30T09:33:05+00:00")
    cards = re.findall(r'<section class="ka-card".*?</section>', page, re.S)
    assert len(cards) == 4
    for c in cards:
        (href,) = re.findall(r'href="([^"]+)"', c)
        assert href.endswith(".html")
    ipynb = re.findall(r'(<small class="ka-analyst">)?<a href="([^"]+\.ipynb)"', page)
    assert len(ipynb) == 2 and all(small for small, _ in ipynb)
    assert page.index('class="ka-guide"') < page.index("<table")  # the guide comes above the table
    assert "30 November 2026, 16:33 WIB" in page  # the run time as local time


def test_questions_without_their_report_have_no_card():
    entries = [e for e in _entries() if not e["name"].startswith(("00", "03"))]
    entries[0]["status"] = "failed"  # a failed budget page answers nothing
    assert [c["question"] for c in guide.guide_cards(entries, "en")] == ["capaian"]
    assert 'class="ka-guide"' not in render.index_page([], title="t")


def test_a_real_data_province_run_shows_its_own_columns_not_the_demo_dashes():
    entries = [
        {"name": "05_province", "status": "ok", "results": {"cut_intensity_median_pp": {"value": 4.2}}}
    ]
    page = render.index_page(entries, title="t", lang="en")
    assert L.t("index_cut_intensity_median_pp", "en") in page and 'data-sort="4.2"' in page
    assert L.t("index_total_cut_share_pct", "en") not in page
