"""A synthetic national folder in the DJPK/JAGA scraper's exact format, with every known trap planted and
the truth written beside it.

:func:`write` makes, for 34 provinces and 508 kab/kota (or ``small=True``: 3 provinces x 4 kab/kota),
2019-2025, the layout ``kinerja data fetch`` produces::

    DIR/djpk-apbd-jaga/data_apbd_provinsi_level3-YYYY.csv, data_apbd_kabkota_level3-YYYY.csv,
                       kode_provinsi.csv, kode_kabkota.csv
    DIR/kode-wilayah-bps-kemendagri/provinsi.csv, kabkota.csv      (BPS <-> Kemendagri bridge)
    DIR/quarcs-indonesia514/gdp_pc.csv, mapIdonesia514tp.geojson   (district GRDP per capita, grid map)
    DIR/truth.json                                                 (what a correct loader must find)

Every name and number is invented ("Provinsi Sintetis 37", "Kab. Sintetis 3701"). Kemendagri province
codes are numbers no real province uses (37-50, 54-60, ...), DJPK ``kodepemda`` run 01-34, and BPS codes
differ from Kemendagri codes where real ones do (the first two kabupaten of each province swap, as Kab.
Gorontalo and Boalemo do; the last two provinces swap, as Papua and Papua Barat do).

Traps planted (all listed in ``truth.json``): rows whose three account labels are blank carrying money;
422 and 434 "Pendapatan Transfer Antar Daerah" both present (434 live in kab/kota from 2023 with 422 at
Realisasi 0, identical values in provinces 2022-2024, a few pemda-years where the evidence points to 422,
some kab/kota-years without 434, 434 alone in 2025); label variants across years ("52. Belanja Barang
Jasa" / "52. Belanja Barang dan Jasa"); blank ``nilai``; negative values; Realisasi copied from the year
before; serapan under 60 % and over 120 %; a year with Realisasi 0; a partial last year (2025); and a
kab/kota missing from ``kode_kabkota.csv``. The Anggaran budget identity holds with the code the evidence
supports. Same seed and size, same bytes. Values are drawn and written vectorised (numpy, pyarrow).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..config import DEFAULT_SEED
from . import national_files, national_traps
from .national_catalogue import (
    ACCOUNTS,
    CODES,
    DISAGREE,
    I422,
    I434,
    I611,
    I621,
    IBLANK,
    LEVELS,
    ONLY422,
    SECTION,
    YEAR_EFFECT,
    YEARS,
    labels,
    pemda_table,
    transfer_pattern,
)


def _draw(pm, years: tuple, rng):
    """Anggaran (int64 Rupiah) and realisation rates of every pemda x year x account, and the repeat mode."""
    n, ny, na = len(pm.name), len(years), len(ACCOUNTS)
    y = np.array(years)
    share = np.array([[a[5], a[6]] for a in ACCOUNTS])[:, pm.level].T[:, None, :] * np.ones((1, ny, 1))
    for k, effects in YEAR_EFFECT.items():
        share[:, :, CODES.index(k)] *= np.array([effects.get(int(t), 1.0) for t in y])[None, :]
    belanja = pm.size[:, None] * 1.05 ** (y - y[0])[None, :] * np.exp(rng.normal(0, 0.04, (n, ny)))
    belanja *= np.where(y == 2020, 0.93, 1.0)[None, :]
    budget = np.round(belanja[:, :, None] * share * np.exp(rng.normal(0, 0.08, (n, ny, na))), -3)
    is_p = SECTION == "pendapatan"
    pend = budget[:, :, SECTION == "belanja"].sum(axis=2) * rng.uniform(0.90, 0.97, (n, ny))
    budget[:, :, is_p] = np.round(
        pend[:, :, None] * share[:, :, is_p] * np.exp(rng.normal(0, 0.03, (n, ny, is_p.sum()))), -3
    )
    budget = budget.astype(np.int64)
    rate = np.where(
        (SECTION == "belanja")[None, None, :],
        rng.uniform(0.86, 0.97, (n, ny, na)),
        rng.uniform(0.93, 1.04, (n, ny, na)),
    )
    rate[:, :, CODES.index("531")] *= np.where(y == 2020, 2.5, 1.0)[None, :]
    return budget, rate, national_traps.default_modes(pm.level, y)


def _repeats(budget, spent, present, mode, rng) -> None:
    """Spread the transfer drawn into 422 over 422/434 by mode: the live code carries it, the other gets a
    stale Anggaran and Realisasi 0 (the same values in IDENTICAL years)."""
    t_b, t_s = budget[:, :, I422].copy(), spent[:, :, I422].copy()
    stale = np.round(t_b * rng.uniform(0.2, 0.8, t_b.shape), -3).astype(np.int64)
    p422, p434, b422, b434 = transfer_pattern(mode, t_b, stale)
    *_, s422, s434 = transfer_pattern(mode, t_s, np.zeros_like(t_s))
    present[:, :, I422], present[:, :, I434] = p422, p434
    budget[:, :, I422], budget[:, :, I434] = b422, b434
    spent[:, :, I422], spent[:, :, I434] = s422, s434


def silpa(budget, mode) -> np.ndarray:
    """SiLPA Anggaran that balances the budget identity with the code the evidence supports (434 where it
    is live; 422 where only 422 exists or the evidence points to it)."""
    transfer = np.where((mode == ONLY422) | (mode == DISAGREE), budget[:, :, I422], budget[:, :, I434])
    pend = budget[:, :, SECTION == "pendapatan"].sum(axis=2) - budget[:, :, I422] - budget[:, :, I434]
    fin_in = budget[:, :, SECTION == "financing_in"].sum(axis=2) - budget[:, :, I611]
    belanja = budget[:, :, SECTION == "belanja"].sum(axis=2)
    return belanja - pend - transfer + budget[:, :, SECTION == "financing_out"].sum(axis=2) - fin_in


def generate(
    *,
    seed: int = DEFAULT_SEED,
    small: bool = False,
    provinces: int | None = None,
    kabkota: int | None = None,
    years: tuple = YEARS,
) -> dict:
    """Everything :func:`write` writes, as arrays: the pemda table, Anggaran/Realisasi (int64 Rupiah),
    which rows exist, blank cells, the repeat mode per pemda-year and the planted traps."""
    rng = np.random.default_rng(seed)
    provinces = provinces or (3 if small else 34)
    kabkota = kabkota or (12 if small else 508)
    years = tuple(int(y) for y in years)
    pm = pemda_table(provinces, kabkota, rng)
    budget, rate, mode = _draw(pm, years, rng)
    traps = national_traps.plan(pm, years, mode, rng)
    national_traps.before_spent(budget, traps)
    spent = np.round(budget * rate).astype(np.int64)
    present = np.ones(budget.shape, bool)
    present[:, :, IBLANK] = False
    _repeats(budget, spent, present, mode, rng)
    sil = silpa(budget, mode)
    budget[:, :, I621] += np.maximum(-sil, 0)  # a surplus goes into the reserve fund
    budget[:, :, I611] = np.maximum(sil, 0)
    spent[:, :, I611] = budget[:, :, I611]
    if years[-1] >= 2025:  # the scrape caught the last year mid-year
        part = rng.uniform(0.3, 0.5, spent[:, -1, :].shape)
        spent[:, -1, :] = np.round(spent[:, -1, :] * part).astype(np.int64)
    blank_b, blank_s = national_traps.after_spent(budget, spent, present, mode, traps, rng)
    return {
        "pemda": pm,
        "years": years,
        "budget": budget,
        "spent": spent,
        "present": present,
        "mode": mode,
        "blank_budget": blank_b,
        "blank_spent": blank_s,
        "traps": traps,
        "seed": seed,
    }


def truth(data: dict) -> dict:
    """The planted truth: per level, pemda and year the belanja and pendapatan Anggaran and Realisasi
    totals in Rupiah (integers, blank cells as 0, 422 left out where 434 is present), the unclassified
    (blank-label) amounts, the 422/434 decisions with their evidence, copied-Realisasi years, serapan
    under 60 % / over 120 %, partial and provisional years, and where each trap sits."""
    pm, years = data["pemda"], data["years"]
    present = data["present"]
    b = np.where(present & ~data["blank_budget"], data["budget"], 0)
    s = np.where(present & ~data["blank_spent"], data["spent"], 0)
    both = present[:, :, I422] & present[:, :, I434]
    counted = present.copy()
    counted[:, :, I422] &= ~both

    def total(v, section):
        return (v * (counted & (SECTION == section)[None, None, :])).sum(axis=2)

    cols = ["level", "region_name", "region_code", "year", "belanja_anggaran", "belanja_realisasi"]
    cols += ["pendapatan_anggaran", "pendapatan_realisasi", "unclassified_anggaran", "unclassified_realisasi"]
    parts = [total(b, "belanja"), total(s, "belanja"), total(b, "pendapatan"), total(s, "pendapatan")]
    parts += [b[:, :, IBLANK], s[:, :, IBLANK]]
    rows = []
    for p in range(len(pm.name)):
        for yi, y in enumerate(years):
            head = [LEVELS[pm.level[p]], pm.name[p], pm.code[p], y]
            rows.append(head + [int(x[p, yi]) for x in parts])
    last = years[-1] if years[-1] >= 2025 else None
    bel_b, bel_s = parts[0].astype(float), parts[1].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = bel_s / bel_b
    low = (share < 0.6) & (np.array(years) != last)[None, :]
    high = (share > 1.2) | ((bel_b == 0) & (bel_s > 0))
    key = national_traps.key(pm, years)
    out = {
        "generator": "kinerja_analysis.ingest.national",
        "seed": data["seed"],
        "years": list(years),
        "levels": {lv: int((pm.level == i).sum()) for i, lv in enumerate(LEVELS)},
        "pemda": [
            {"level": LEVELS[pm.level[p]], "region_name": pm.name[p], "region_code": pm.code[p]}
            | {"djpk_code": pm.djpk[p], "bps_code": pm.bps[p], "province_code": pm.code[pm.province[p]]}
            for p in range(len(pm.name))
        ],
        "totals": {"columns": cols, "rows": rows},
        "repeat_decisions": national_traps.decisions(pm, years, data["mode"]),
        "serapan_low": [key(p, yi) for p, yi in zip(*np.nonzero(low))],
        "serapan_high": [key(p, yi) for p, yi in zip(*np.nonzero(high))],
        "partial": {lv: [last] if last else [] for lv in LEVELS},
        "provisional": {lv: [last - 1] if last else [] for lv in LEVELS},
    }
    out.update(national_traps.listing(pm, years, data))
    return out


def write(
    folder,
    *,
    seed: int = DEFAULT_SEED,
    small: bool = False,
    provinces: int | None = None,
    kabkota: int | None = None,
    years: tuple = YEARS,
    with_truth: bool = True,
) -> list[Path]:
    """Write the synthetic national folder (see the module docstring); returns the files written."""
    data = generate(seed=seed, small=small, provinces=provinces, kabkota=kabkota, years=years)
    return national_files.write_all(Path(folder), data, labels, truth(data) if with_truth else None)


def expected_rows(data: dict) -> int:
    """Rows of the account files: an Anggaran and a Realisasi row for every account present."""
    return int(data["present"].sum()) * 2
