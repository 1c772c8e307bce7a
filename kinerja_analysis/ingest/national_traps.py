"""The traps of the synthetic national folder (:mod:`~kinerja_analysis.ingest.national`): where each is
planted (pemda-years drawn without overlap, so that one trap never hides another), how it changes the
values, and how it is listed in ``truth.json``."""

from __future__ import annotations

import numpy as np

from .national_catalogue import (
    CODES,
    DISAGREE,
    I422,
    I434,
    IBLANK,
    IDENTICAL,
    LEVELS,
    LIVE434,
    ONLY422,
    ONLY434,
    SECTION,
    transfer_pattern,
)

I433, I513 = CODES.index("433"), CODES.index("513")
BELANJA = np.flatnonzero(SECTION == "belanja")
EVIDENCE = {LIVE434: "434", IDENTICAL: "", DISAGREE: "422"}


def default_modes(level: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The repeat mode per pemda-year before traps: kab/kota 434 live (422 at Realisasi 0) from 2023,
    provinces 422 = 434 in 2022-2024, 434 alone from 2025, 422 alone before."""
    mode = np.full((len(level), len(y)), ONLY422, np.int8)
    kab = (level == 1)[:, None]
    mode[:, :] = np.where(kab & (y >= 2023)[None, :], LIVE434, mode)
    mode[:, :] = np.where(~kab & ((y >= 2022) & (y <= 2024))[None, :], IDENTICAL, mode)
    mode[:, y >= 2025] = ONLY434
    return mode


def plan(pm, years: tuple, mode: np.ndarray, rng) -> dict:
    """Pemda-years for each trap (lists of (pemda index, year index)); ``mode`` is changed in place for the
    kab/kota-years without 434 and those where the evidence points to 422."""
    n, ny = mode.shape
    y = np.array(years)
    kab, prov = (pm.level == 1)[:, None], (pm.level == 0)[:, None]
    nk = int(kab.sum())
    used = np.zeros((n, ny), bool)
    full = (y < 2025)[None, :] if y[-1] >= 2025 else np.ones((1, ny), bool)

    def pick(mask, k, *, prior=False):
        mask = mask & ~used & full
        if prior:  # the year before must exist and be free too
            mask[:, 1:] &= ~used[:, :-1]
            mask[:, 0] = False
        cand = np.flatnonzero(mask.ravel())
        sel = np.sort(rng.choice(cand, min(k, len(cand)), replace=False)) if len(cand) else []
        out = [divmod(int(i), ny) for i in sel]
        for p, yi in out:
            used[p, yi] = True
            if prior:
                used[p, yi - 1] = True
        return out

    def years_in(*ys):
        return np.isin(y, ys)[None, :]

    share = max(1, round(nk * 0.003))
    t = {"copied": pick(prov & years_in(2022), 1, prior=True)}
    t["copied"] += pick(kab & years_in(2021), share, prior=True)
    live_both = np.zeros_like(used)
    live_both[:, 1:] = (mode[:, 1:] == LIVE434) & (mode[:, :-1] == LIVE434)
    t["copied"] += pick(kab & live_both, share, prior=True)
    t["no_434"] = pick(kab & (mode == LIVE434), max(1, round(nk * 0.1)))
    t["disagree"] = pick(kab & (mode == LIVE434), max(2, round(nk * 0.02)))
    for p, yi in t["no_434"]:
        mode[p, yi] = ONLY422
    for p, yi in t["disagree"]:
        mode[p, yi] = DISAGREE
    t["blank_label"] = pick(kab & years_in(2020, 2021, 2022, 2023, 2024), max(2, round(nk * 0.15)))
    t["blank_budget"] = pick(kab & (mode == ONLY422), 1)
    t["blank_spent"] = pick(kab, max(1, round(nk * 0.02)))
    t["negative_budget"] = pick(kab, max(1, round(nk * 0.01)))
    t["negative_spent"] = pick(kab | prov, max(1, round(nk * 0.01)))
    t["serapan_low"] = pick(kab, max(1, round(nk * 0.015)))
    t["serapan_high"] = pick(kab, max(1, round(nk * 0.015)))
    t["zero_realisasi"] = pick(kab & (mode == ONLY422), 1)
    t["mode"] = mode
    return t


def before_spent(budget: np.ndarray, traps: dict) -> None:
    """Negative Anggaran (Belanja Bunga written as a correction): its Realisasi follows it."""
    for p, yi in traps["negative_budget"]:
        budget[p, yi, I513] = -max(abs(int(budget[p, yi, I513])), 100_000_000)


def after_spent(budget, spent, present, mode, traps: dict, rng) -> tuple[np.ndarray, np.ndarray]:
    """Plant the traps on the finished values; returns the blank Anggaran and Realisasi cells."""
    blank_b, blank_s = np.zeros(budget.shape, bool), np.zeros(budget.shape, bool)
    for name, factor in (("serapan_low", 0.45), ("serapan_high", 1.35)):
        for p, yi in traps[name]:
            noise = rng.uniform(0.97, 1.03, len(BELANJA))
            spent[p, yi, BELANJA] = np.round(budget[p, yi, BELANJA] * factor * noise).astype(np.int64)
    for p, yi in traps["zero_realisasi"]:
        spent[p, yi, :] = 0
    for p, yi in traps["negative_spent"]:
        spent[p, yi, I433] = -int(round(rng.uniform(1e8, 5e9), -3))
    for i, (p, yi) in enumerate(traps["blank_label"]):
        present[p, yi, IBLANK] = True
        amount = 0 if i == 0 else int(round(budget[p, yi, BELANJA].sum() * rng.uniform(0.005, 0.05), -3))
        budget[p, yi, IBLANK] = amount
        spent[p, yi, IBLANK] = round(amount * rng.uniform(0.5, 1.0))
    traps["blank_account"] = []
    for cells, key in ((blank_b, "blank_budget"), (blank_s, "blank_spent")):
        for p, yi in traps[key]:
            a = int(rng.choice(BELANJA[budget[p, yi, BELANJA] > 0]))
            cells[p, yi, a] = True
            traps["blank_account"].append((key, p, yi, a))
    for p, yi in traps["copied"]:
        before = spent[p, yi - 1].copy()
        live = before[I422] if mode[p, yi - 1] in (ONLY422, DISAGREE) else before[I434]
        s422, s434 = (int(v) for v in transfer_pattern(mode[p, yi], live, 0)[2:])
        spent[p, yi] = before
        spent[p, yi, I422], spent[p, yi, I434] = s422, s434
    return blank_b, blank_s


def key(pm, years):
    """(pemda index, year index) -> {"level", "region_name", "year"}."""

    def k(p, yi) -> dict:
        return {"level": LEVELS[pm.level[p]], "region_name": pm.name[p], "year": int(years[yi])}

    return k


def decisions(pm, years, mode) -> list[dict]:
    """Every pemda-year with both 422 and 434: 434 kept (the rule), and where the evidence points."""
    k = key(pm, years)
    out = []
    for p, yi in zip(*np.nonzero(np.isin(mode, list(EVIDENCE)))):
        m = int(mode[p, yi])
        out.append(k(p, yi) | {"kept_code": "434", "dropped_code": "422"} | {"evidence_code": EVIDENCE[m]})
        out[-1]["agrees"] = m != DISAGREE
    return out


def listing(pm, years, data: dict) -> dict:
    """Where every trap sits, for truth.json."""
    t, k = data["traps"], key(pm, years)
    budget, spent = data["budget"], data["spent"]
    traps = {
        name: [k(p, yi) for p, yi in t[name]]
        for name in ("no_434", "disagree", "serapan_low", "serapan_high", "zero_realisasi")
    }
    traps["blank_label"] = [
        k(p, yi) | {"anggaran": int(budget[p, yi, IBLANK]), "realisasi": int(spent[p, yi, IBLANK])}
        for p, yi in t["blank_label"]
    ]
    traps["blank_value"] = [
        k(p, yi) | {"code": CODES[a], "jenis": "Anggaran" if which == "blank_budget" else "Realisasi"}
        for which, p, yi, a in t["blank_account"]
    ]
    traps["negative_value"] = [
        k(p, yi) | {"code": "513", "jenis": "Anggaran"} for p, yi in t["negative_budget"]
    ] + [k(p, yi) | {"code": "433", "jenis": "Realisasi"} for p, yi in t["negative_spent"]]
    traps["uncoded"] = [pm.name[p] for p in range(len(pm.name)) if not pm.code[p]]
    traps["only_434"] = sorted({int(years[yi]) for yi in np.nonzero(data["mode"] == ONLY434)[1]})
    traps["label_variants"] = [
        {"level": "both", "years": "<=2022", "label": "52. Belanja Barang Jasa"},
        {"level": "both", "years": ">=2023", "label": "52. Belanja Barang dan Jasa"},
        {"level": "kabkota", "years": "2019", "label": "512. Belanja Barang & Jasa"},
        {"level": "kabkota", "years": "2021", "label": "5. BELANJA DAERAH"},
        {"level": "kabkota", "years": "2024", "label": "414. Lain-lain PAD yang Sah"},
    ]
    return {"copied_realisasi": [k(p, yi) for p, yi in t["copied"]], "traps": traps}
