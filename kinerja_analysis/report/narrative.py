"""Generated plain-language readings for the region report, from computed facts only
(:func:`kinerja_analysis.analysis.compare.region_facts`, plus the region's display name under ``region``)."""

from __future__ import annotations

import math

from .. import labels as L

#: a change smaller than this (pp) reads as "held"
HOLD_PP = 1.0


def region_reading(f: dict, lang: str = "en") -> list[str]:
    """Sentences for a reviewer, chosen by the numbers (fell / held / rose; recovered or not).

    >>> f = {"region": "X", "cut_share": 0.2, "cut_amount": 5e10, "cut_barang_jasa": 0.3, "cut_modal": 0.4,
    ...      "btt_original": float("nan"), "btt_revised": float("nan"),
    ...      "capaian": {"pre": 98.0, "refocusing": 94.0, "post": 97.5},
    ...      "n_top": 0, "top_cut": float("nan"), "top_change": float("nan"), "rest_change": float("nan")}
    >>> region_reading(f)[-1]
    'Capaian fell during refocusing by 4.0 pp and stayed near its earlier level afterwards (-0.5 pp versus before; 88 % of the fall regained).'
    """
    out = []
    if not math.isnan(f["cut_share"]):
        out.append(
            L.t(
                "s_total_cut",
                lang,
                region=f["region"],
                cut=L.fmt_pct(f["cut_share"], lang, ratio=True),
                amount=L.rp_billion(f["cut_amount"], lang),
                cut_bj=L.fmt_pct(f["cut_barang_jasa"], lang, ratio=True),
                cut_modal=L.fmt_pct(f["cut_modal"], lang, ratio=True),
            )
        )
    if not math.isnan(f["btt_original"]) and not math.isnan(f["btt_revised"]):
        out.append(
            L.t(
                "s_btt",
                lang,
                orig=L.rp_billion(f["btt_original"], lang),
                rev=L.rp_billion(f["btt_revised"], lang),
            )
        )
    c = f["capaian"]
    if not any(math.isnan(c.get(k, float("nan"))) for k in ("pre", "refocusing")):
        out.append(
            L.t(
                "s_capaian",
                lang,
                pre=L.fmt_pct(c["pre"], lang),
                ref=L.fmt_pct(c["refocusing"], lang),
                post=L.fmt_pct(c.get("post"), lang),
            )
        )
        d_ref = c["refocusing"] - c["pre"]
        first = "s_fell" if d_ref <= -HOLD_PP else ("s_rose" if d_ref >= HOLD_PP else "s_held")
        sentence = L.t(
            first, lang, d=L.fmt_pp(d_ref, lang) if first == "s_held" else L.fmt_num(abs(d_ref), lang, 1)
        )
        if not math.isnan(c.get("post", float("nan"))):
            d_post = c["post"] - c["pre"]
            tail, regained = recovery(d_ref, d_post)
            share = L.fmt_pct(regained, lang, ratio=True, decimals=0) if regained == regained else ""
            clause = L.t("w_regained", lang, share=share) if share else ""
            sentence += " " + L.t(tail, lang, d=L.fmt_pp(d_post, lang), share=share, share_clause=clause)
        else:
            sentence += "."
        out.append(sentence)
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
