"""Generated plain-language findings, from computed facts only: the region report's reading
(:func:`kinerja_analysis.analysis.compare.region_facts`, plus the region's display name under ``region``) and
the summaries that open the data-quality, budget and achievement pages (facts from their show modules'
``summary_facts``). Every sentence carries its number; verdicts are graded (:func:`recovery`)."""

from __future__ import annotations

import math

from .. import labels as L

#: a change smaller than this (pp) reads as "held"
HOLD_PP = 1.0
#: a spending type whose cut share (0-1) is smaller than this either way reads as unchanged
CUT_MIN = 0.005


def region_reading(f: dict, lang: str = "en") -> list[str]:
    """Sentences for a reviewer, chosen by the numbers (fell / held / rose; recovered or not).

    >>> f = {"region": "X", "cut_share": 0.2, "cut_amount": 5e10, "cut_barang_jasa": 0.3, "cut_modal": 0.4,
    ...      "btt_original": float("nan"), "btt_revised": float("nan"), "btt_spent": float("nan"),
    ...      "capaian": {"pre": 98.0, "refocusing": 94.0, "post": 97.5},
    ...      "n_top": 0, "top_cut": float("nan"), "top_change": float("nan"), "rest_change": float("nan")}
    >>> region_reading(f)[-1]
    'Capaian fell during refocusing by 4.0 pp and stayed near its earlier level afterwards (-0.5 pp versus before; 88 % of the fall regained).'
    """
    out = []
    if not math.isnan(f["cut_share"]):
        out.append(
            L.t(
                "s_total_cut_years",
                lang,
                years=years_label(f.get("cut_years", (2020, 2021))),
                region=f["region"],
                cut=L.fmt_pct(f["cut_share"], lang, ratio=True),
                amount=L.rp_billion(f["cut_amount"], lang),
                cut_bj=L.fmt_pct(f["cut_barang_jasa"], lang, ratio=True),
                cut_modal=L.fmt_pct(f["cut_modal"], lang, ratio=True),
            )
        )
    btt = btt_sentence(f, lang)
    if btt:
        out.append(btt)
    c = f["capaian"]
    if not any(math.isnan(c.get(k, float("nan"))) for k in ("pre", "refocusing")):
        out.append(capaian_sentence(c, lang))
        out.append(capaian_verdict(c, lang))
        if f["n_top"] and not math.isnan(f["top_change"]) and not math.isnan(f["rest_change"]):
            out.append(
                L.t(
                    "s_most_cut",
                    lang,
                    n=f["n_top"],
                    cut=L.fmt_pct(f["top_cut"], lang, ratio=True),
                    d_cut=moved(f["top_change"], lang),
                    d_rest=moved(f["rest_change"], lang),
                )
            )
    return out


def years_label(years: tuple[int, int]) -> str:
    """A year range as reports write it: "2020–21", or one year.

    >>> years_label((2020, 2021)), years_label((2020, 2020)), years_label((1999, 2001))
    ('2020–21', '2020', '1999–2001')
    """
    lo, hi = years
    if lo == hi:
        return str(lo)
    return f"{lo}–{str(hi)[-2:]}" if str(lo)[:2] == str(hi)[:2] else f"{lo}–{hi}"


def listed(items: list[str], lang: str) -> str:
    """Items joined as a sentence lists them: "a", "a and b", "a, b and c".

    >>> listed(["a"], "en"), listed(["a", "b", "c"], "id")
    ('a', 'a, b dan c')
    """
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " " + L.t("w_and", lang) + " " + items[-1]


def in_sentence(label: str) -> str:
    """A table label inside a sentence: its capital dropped, unless it starts an acronym.

    >>> in_sentence("Goods and services"), in_sentence("BTT")
    ('goods and services', 'BTT')
    """
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def unbroken(text: str) -> str:
    """Text whose numbers never wrap away from their unit: a no-break space before "%" and after "Rp".

    >>> unbroken("cut 12.6 % (Rp 5.0 billion)") == "cut 12.6\u00a0% (Rp\u00a05.0 billion)"
    True
    """
    return text.replace(" %", "\u00a0%").replace("Rp ", "Rp\u00a0")


def count(n, lang: str) -> str:
    """A count with the language's thousands separator.

    >>> count(12345, "id"), count(12345, "en")
    ('12.345', '12,345')
    """
    return L.fmt_num(n, lang, 0)


def budget_reading(f: dict, lang: str = "en") -> list[str]:
    """The budget page's findings: the total cut in share and Rupiah with serapan, the spending types cut
    most, those raised, and BTT budgeted against spent. ``f`` comes from
    :func:`kinerja_analysis.report.sections.budget.summary_facts`; ``types`` runs from the most cut.

    >>> f = {"scope": "all regions", "years": (2020, 2021), "cut_share": 0.131, "cut_amount": 2.1e11,
    ...      "absorption": 0.9, "types": [("modal", 0.35, 9e10), ("pegawai", 0.0, 0.0), ("btt", -9.2, -2.4e10)],
    ...      "btt_year": 2020, "btt_original": 2.6e9, "btt_revised": 26.6e9, "btt_spent": float("nan")}
    >>> budget_reading(f)[1:3]
    ['The spending type cut most was capital (35.0 %, Rp 90.0 billion).', 'Raised in APBD-P: unforeseen (BTT) to 10.2 times its murni budget (+Rp 24.0 billion).']
    """
    out = []
    if not math.isnan(f["cut_share"]):
        key = "sum_budget_cut" if f["cut_share"] >= 0 else "sum_budget_rose"
        out.append(
            L.t(
                key,
                lang,
                years=years_label(f["years"]),
                scope=f["scope"],
                cut=L.fmt_pct(abs(f["cut_share"]), lang, ratio=True),
                amount=L.rp_billion(abs(f["cut_amount"]), lang),
                absorption=L.fmt_pct(f["absorption"], lang, ratio=True),
            )
        )
    cut = [(t, c, rp) for t, c, rp in f["types"] if c >= CUT_MIN][:2]
    if cut:
        items = [
            L.t(
                "sum_type_cut",
                lang,
                type=in_sentence(L.spending_label(t, lang)),
                cut=L.fmt_pct(c, lang, ratio=True),
                amount=L.rp_billion(rp, lang),
            )
            for t, c, rp in cut
        ]
        out.append(
            L.t("sum_types_cut" if len(cut) > 1 else "sum_type_cut_most", lang, types=listed(items, lang))
        )
    raised = [(t, c, rp) for t, c, rp in f["types"] if c <= -CUT_MIN]
    if raised:
        items = [
            L.t(
                "sum_type_multiple" if c <= -1 else "sum_type_raised",
                lang,
                type=in_sentence(L.spending_label(t, lang)),
                k=L.fmt_num(1 - c, lang, 1),
                rise=L.fmt_pct(-c, lang, ratio=True),
                amount=L.rp_billion(-rp, lang),
            )
            for t, c, rp in raised
        ]
        out.append(L.t("sum_types_raised", lang, types=listed(items, lang)))
    btt = btt_sentence(f, lang)
    if btt:
        out.append(btt)
    return out


def achievement_reading(f: dict, lang: str = "en") -> list[str]:
    """The achievement page's findings: mean capaian per period, the graded verdict, the share of targets
    met per period, and how many OPDs fell or rose. ``f`` comes from
    :func:`kinerja_analysis.report.sections.achievement.summary_facts`.

    >>> f = {"capaian": {"pre": 99.0, "refocusing": 91.3, "post": 97.8},
    ...      "met": {"pre": 0.9, "refocusing": 0.6, "post": 0.85}, "n_opds": 40, "n_fell": 30, "n_rose": 2}
    >>> achievement_reading(f)[3]
    'From before to during refocusing capaian fell by at least 1.0 pp in 30 of 40 OPDs and rose by as much in 2.'
    """
    c, out = f["capaian"], []
    if any(math.isnan(c.get(k, float("nan"))) for k in ("pre", "refocusing")):
        return out
    out.append(capaian_sentence(c, lang))
    out.append(capaian_verdict(c, lang))
    m = f["met"]
    if not math.isnan(m.get("pre", float("nan"))):
        out.append(
            L.t(
                "sum_met",
                lang,
                pre=L.fmt_pct(m["pre"], lang, ratio=True),
                ref=L.fmt_pct(m.get("refocusing"), lang, ratio=True),
                post=L.fmt_pct(m.get("post"), lang, ratio=True),
            )
        )
    if f["n_opds"]:
        out.append(
            L.t(
                "sum_opds_fell",
                lang,
                d=L.fmt_num(HOLD_PP, lang, 1),
                fell=count(f["n_fell"], lang),
                rose=count(f["n_rose"], lang),
                n=count(f["n_opds"], lang),
            )
        )
    return out


def quality_reading(f: dict, lang: str = "en") -> list[str]:
    """The data-quality page's findings: what the data hold, the validator's errors and warnings, rows
    without capaian, capaian at exactly 100 % and targets changed in APBD-P, each as a count and a share.
    ``f`` comes from :func:`kinerja_analysis.report.sections.data_quality.summary_facts`.

    >>> f = {"n_rows": 1200, "n_opds": 30, "n_regions": 2, "years": (2018, 2023), "n_errors": 0,
    ...      "n_warnings": 0, "n_missing": 12, "n_at_100": 300, "n_with_capaian": 1188,
    ...      "n_revised": 50, "n_period_rows": 400, "revised_years": (2020, 2021)}
    >>> quality_reading(f)[1:3]
    ['The validator found no errors and no warnings.', '12 rows (1.0 %) have no capaian and drop out of every mean.']
    """
    out = [
        L.t(
            "sum_dq_rows",
            lang,
            rows=count(f["n_rows"], lang),
            opds=count(f["n_opds"], lang),
            regions=count(f["n_regions"], lang),
            years=years_label(f["years"]),
        )
    ]
    if f["n_errors"] or f["n_warnings"]:
        out.append(
            L.t(
                "sum_dq_issues",
                lang,
                errors=count(f["n_errors"], lang),
                warnings=count(f["n_warnings"], lang),
            )
        )
    else:
        out.append(L.t("sum_dq_no_issues", lang))

    def share(n, total):
        return L.fmt_pct(n / total, lang, ratio=True) if total else "–"

    out.append(
        L.t(
            "sum_dq_missing",
            lang,
            n=count(f["n_missing"], lang),
            share=share(f["n_missing"], f["n_rows"]),
        )
    )
    if f["n_with_capaian"]:
        out.append(
            L.t(
                "sum_dq_ceiling",
                lang,
                n=count(f["n_at_100"], lang),
                total=count(f["n_with_capaian"], lang),
                share=share(f["n_at_100"], f["n_with_capaian"]),
            )
        )
    if f["n_period_rows"]:
        out.append(
            L.t(
                "sum_dq_revised",
                lang,
                n=count(f["n_revised"], lang),
                total=count(f["n_period_rows"], lang),
                share=share(f["n_revised"], f["n_period_rows"]),
                years=years_label(f["revised_years"]),
            )
        )
    return out


def btt_sentence(f: dict, lang: str) -> str:
    """BTT in the first refocusing year (``btt_year``): murni, perubahan and how much of it was spent; empty
    when murni or perubahan is unknown.

    >>> btt_sentence({"btt_year": 2020, "btt_original": 2.6e9, "btt_revised": 26.6e9, "btt_spent": 13.3e9}, "en")
    'Unforeseen spending (BTT) in 2020: Rp 2.6 billion in pagu murni, Rp 26.6 billion after refocusing, of which Rp 13.3 billion (50.0 %) was spent.'
    """
    orig, rev, spent = f["btt_original"], f["btt_revised"], f.get("btt_spent", float("nan"))
    if math.isnan(orig) or math.isnan(rev):
        return ""
    args = {"year": f.get("btt_year", ""), "orig": L.rp_billion(orig, lang), "rev": L.rp_billion(rev, lang)}
    if math.isnan(spent) or not rev:
        return L.t("s_btt_year", lang, **args)
    share = L.fmt_pct(spent / rev, lang, ratio=True)
    return L.t("s_btt_spent", lang, spent=L.rp_billion(spent, lang), share=share, **args)


def capaian_sentence(c: dict, lang: str) -> str:
    """Mean capaian before, during and after refocusing (``c``: period -> mean, %)."""
    return L.t(
        "s_capaian",
        lang,
        pre=L.fmt_pct(c["pre"], lang),
        ref=L.fmt_pct(c["refocusing"], lang),
        post=L.fmt_pct(c.get("post"), lang),
    )


def capaian_verdict(c: dict, lang: str) -> str:
    """The graded verdict in words: fell / held / rose during refocusing, then recovered, partly recovered
    (with the share of the fall regained), stayed, or did not recover (:func:`recovery`).

    >>> capaian_verdict({"pre": 99.0, "refocusing": 91.3, "post": 97.8}, "en")
    'Capaian fell during refocusing by 7.7 pp and partly recovered afterwards: 84 % of the fall was regained (-1.2 pp versus before).'
    >>> capaian_verdict({"pre": 99.0, "refocusing": 98.5, "post": float("nan")}, "id")
    'Capaian bertahan selama refocusing (perubahan -0,5 poin persen).'
    """
    d_ref = c["refocusing"] - c["pre"]
    first = "s_fell" if d_ref <= -HOLD_PP else ("s_rose" if d_ref >= HOLD_PP else "s_held")
    sentence = L.t(
        first, lang, d=L.fmt_pp(d_ref, lang) if first == "s_held" else L.fmt_num(abs(d_ref), lang, 1)
    )
    if math.isnan(c.get("post", float("nan"))):
        return sentence + "."
    d_post = c["post"] - c["pre"]
    tail, regained = recovery(d_ref, d_post)
    share = L.fmt_pct(regained, lang, ratio=True, decimals=0) if regained == regained else ""
    clause = L.t("w_regained", lang, share=share) if share else ""
    return sentence + " " + L.t(tail, lang, d=L.fmt_pp(d_post, lang), share=share, share_clause=clause)


def recovery(d_ref: float, d_post: float) -> tuple[str, float]:
    """The graded verdict on what happened after refocusing, from the changes (pp) of capaian during and
    after refocusing against before, and the share of the fall regained (NaN when nothing fell).

    >>> recovery(-4.0, -0.5)
    ('s_stayed', 0.875)
    >>> recovery(-10.0, -2.5)
    ('s_partly_recovered', 0.75)
    >>> recovery(-4.0, -4.5)
    ('s_not_recovered', -0.125)
    >>> recovery(0.2, 3.0)[0], recovery(3.0, -2.0)[0]
    ('s_rose_after', 's_fell_after')
    """
    fell = d_ref <= -HOLD_PP
    regained = (d_post - d_ref) / -d_ref if fell else float("nan")
    if abs(d_post) < HOLD_PP:
        return "s_stayed", regained
    if fell:
        if d_post >= -HOLD_PP:
            return "s_recovered", regained
        return ("s_partly_recovered" if regained > 0.05 else "s_not_recovered"), regained
    return ("s_rose_after" if d_post > 0 else "s_fell_after"), regained


def moved(d: float, lang: str) -> str:
    """A change in pp in words: "fell by 12.2 pp", "rose by 3.0 pp", "held (+0.4 pp)".

    >>> moved(-12.21, "en"), moved(3.0, "id"), moved(0.4, "en")
    ('fell by 12.2 pp', 'naik 3,0 poin persen', 'held (+0.4 pp)')
    """
    if abs(d) < HOLD_PP:
        return L.t("w_held", lang, d=L.fmt_pp(d, lang))
    return L.t("w_fell" if d < 0 else "w_rose", lang, d=L.fmt_num(abs(d), lang, 1))
