"""The index page's reading guide: one card per question a reviewer asks of a report set (which budgets were
cut and by how much; did capaian fall, hold or recover; were deeper cuts hit harder; is the data sound), each
with its headline number from the reports' results (what ``results.json`` holds) and a link to the HTML page
that answers it. :func:`kinerja_analysis.run.render.index_page` puts the cards above its table.
"""

from __future__ import annotations

import html

from .. import labels as L
from ..config import Periods, parse_periods
from ..report import narrative

#: the index's reading guide: each question, and the notebook whose page answers it
GUIDE = (("cut", "01_"), ("capaian", "02_"), ("dose", "03_"), ("data", "00_"))

GUIDE_CSS = (
    ".ka-guide{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:.8rem;margin:1rem 0 1.6rem}"
    "@media (max-width:640px){.ka-guide{grid-template-columns:1fr}}"
    ".ka-card{background:var(--bg-soft,#f4f6f9);border-radius:4px;padding:.7rem .9rem;"
    "border-left:4px solid var(--accent,#1f3a5f)}"
    ".ka-main .ka-card h3{font-size:1rem;margin:0 0 .2rem}.ka-card .ka-card-value{font-size:1.35rem;"
    "font-weight:700;color:var(--accent,#1f3a5f);margin:.2rem 0}.ka-card p{margin:.2rem 0;font-size:.92rem}"
    ".ka-card a{font-weight:600}.ka-analyst{font-size:.75rem;color:var(--muted,#666)}"
)


def _value(results: dict, key: str):
    v = (results.get(key) or {}).get("value")
    return None if v is None else v


def _periods_of(entry: dict):
    text = (entry.get("parameters") or {}).get("periods") or ""
    try:
        return parse_periods(text) if text else Periods()
    except Exception:  # a malformed parameter never breaks the index: the default years
        return Periods()


def _card(kind: str, entry: dict, lang: str) -> dict | None:
    """One reading-guide card from a report's results: its headline value and a sentence, or None when the
    report does not carry the numbers."""
    r = entry.get("results") or {}
    years = narrative.years_label(_periods_of(entry).refocusing)
    if kind == "cut":
        v = _value(r, "total_cut_share_pct")
        if v is None:
            return None
        rp = _value(r, "total_cut_rp")
        return {
            "value": L.fmt_pct(v, lang),
            "text": L.t("card_cut", lang, years=years, amount=L.rp_billion(rp, lang)),
        }
    if kind == "capaian":
        c = {p: _value(r, f"mean_capaian_{p}") for p in ("pre", "refocusing", "post")}
        if c["pre"] is None or c["refocusing"] is None:
            return None
        c = {p: float("nan") if x is None else float(x) for p, x in c.items()}
        value = " → ".join(L.fmt_num(x, lang, 1) for x in c.values()) + " %"
        return {"value": value, "text": L.t("card_capaian", lang) + " " + narrative.capaian_verdict(c, lang)}
    if kind == "dose":
        verdict = r.get("impact_verdict") or {}
        key = "did_refocusing_per_10pp"
        if verdict.get("model") == "sector" and _value(r, key + "_sector") is not None:
            key += "_sector"
        v = _value(r, key)
        if v is None:
            return None
        lo, hi = (r.get(key) or {}).get("ci_low"), (r.get(key) or {}).get("ci_high")
        ci = (
            "–"
            if lo is None or hi is None
            else f"{L.fmt_num(lo, lang, 1)} {L.t('w_to', lang)} {L.fmt_num(hi, lang, 1)}"
        )
        code = verdict.get("value") or "not_estimable"
        text = L.t(
            "card_dose",
            lang,
            years=years,
            ci=ci,
            model=L.t("card_model_sector" if key.endswith("_sector") else "card_model_baseline", lang),
            verdict=L.t(f"card_v_{code}", lang) if f"card_v_{code}" in L.TEXT else "",
        )
        return {"value": L.fmt_pp(v, lang) + " " + L.t("pp", lang), "text": text.strip()}
    n_err, n_warn = _value(r, "n_errors"), _value(r, "n_warnings")
    if n_err is None or n_warn is None:
        return None
    at100, revised = _value(r, "share_at_100"), _value(r, "share_targets_revised_refocusing")
    return {
        "value": f"{L.fmt_num(n_err, lang, 0)} · {L.fmt_num(n_warn, lang, 0)}",
        "text": L.t(
            "card_data",
            lang,
            at100=L.fmt_pct(at100, lang, ratio=True),
            revised=L.fmt_pct(revised, lang, ratio=True),
        ),
    }


def guide_cards(entries: list[dict], lang: str = "en") -> list[dict]:
    """The index's reading guide: per question of :data:`GUIDE` whose answering report ran, the question,
    the headline value and sentence from its ``results`` (the numbers of ``results.json``), and the link
    (``href``, ``title``) to that report's HTML page. Questions without such a report are left out.

    >>> e = [{"name": "00_data_quality", "status": "ok", "html": "00_data_quality.html", "title": "Data quality",
    ...       "results": {"n_errors": {"value": 0}, "n_warnings": {"value": 2}}}]
    >>> [(c["question"], c["value"], c["href"]) for c in guide_cards(e)]
    [('data', '0 · 2', '00_data_quality.html')]
    """
    cards = []
    for kind, prefix in GUIDE:
        for ent in entries:
            if (
                not str(ent.get("name", "")).startswith(prefix)
                or not ent.get("html")
                or ent.get("status") == "failed"
            ):
                continue
            card = _card(kind, ent, lang)
            if card is not None:
                cards.append(
                    {"question": kind, "href": ent["html"], "title": ent.get("title") or ent["name"], **card}
                )
                break
    return cards


def guide_html(cards: list[dict], lang: str) -> str:
    """The cards of :func:`guide_cards` as HTML, headed "Reading guide", then the heading of the report table;
    empty without cards."""
    e = html.escape
    if not cards:
        return ""
    items = "".join(
        f'<section class="ka-card" data-question="{e(c["question"])}"><h3>{e(L.t("q_" + c["question"], lang))}</h3>'
        f'<p class="ka-card-value">{e(c["value"])}</p><p>{e(narrative.unbroken(c["text"]))}</p>'
        f'<p><a href="{e(c["href"])}">{e(L.t("card_read", lang, title=c["title"]))} →</a></p></section>'
        for c in cards
    )
    return (
        f'<h2 id="guide">{e(L.t("index_guide", lang))}</h2><p class="ka-note">{e(L.t("index_guide_note", lang))}</p>'
        f'<div class="ka-guide">{items}</div><h2 id="reports">{e(L.t("index_all_reports", lang))}</h2>'
    )
