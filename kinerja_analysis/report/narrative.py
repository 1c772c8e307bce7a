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
    'Capaian fell during refocusing by 4.0 pp and stayed near its earlier level afterwards (-0.5 pp versus before).'
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
            if abs(d_post) < HOLD_PP:
                tail = "s_stayed"
            elif d_ref <= -HOLD_PP and d_post > d_ref:
                tail = "s_recovered" if d_post >= -HOLD_PP else "s_not_recovered"
            else:
                tail = "s_not_recovered" if d_post < 0 else "s_recovered"
            sentence += " " + L.t(tail, lang, d=L.fmt_pp(d_post, lang))
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
                    d_cut=L.fmt_pp(f["top_change"], lang),
                    d_rest=L.fmt_pp(f["rest_change"], lang),
                )
            )
    return out
