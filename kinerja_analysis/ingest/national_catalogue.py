"""The catalogue of the synthetic national folder (:mod:`~kinerja_analysis.ingest.national`): the
accounts with their labels and shares, the year effects, the repeat modes of "Pendapatan Transfer Antar
Daerah", and the invented pemda with their Kemendagri, DJPK and BPS codes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError

LEVELS = ("provinsi", "kabkota")
YEARS = tuple(range(2019, 2026))
P1, B1, F1 = "4. Pendapatan Daerah", "5. Belanja Daerah", "6. Pembiayaan Daerah"
L54, FIN, FOUT = (
    "54. Belanja Lainnya",
    "61. Penerimaan Pembiayaan Daerah",
    "62. Pengeluaran Pembiayaan Daerah",
)
#: (code, level 1, level 2, level 3, section, share of pendapatan / belanja / belanja, provinsi, kab/kota)
ACCOUNTS = [
    ("411", P1, "41. PAD", "411. Pajak Daerah", "pendapatan", 0.20, 0.07),
    ("412", P1, "41. PAD", "412. Retribusi Daerah", "pendapatan", 0.01, 0.02),
    (
        "413",
        P1,
        "41. PAD",
        "413. Hasil Pengelolaan Kekayaan Daerah yang Dipisahkan",
        "pendapatan",
        0.01,
        0.01,
    ),
    ("414", P1, "41. PAD", "414. Lain-Lain PAD yang Sah", "pendapatan", 0.04, 0.04),
    ("421", P1, "42. TKDD", "421. Pendapatan Transfer Pemerintah Pusat", "pendapatan", 0.66, 0.72),
    ("422", P1, "43. Pendapatan Lainnya", "422. Pendapatan Transfer Antar Daerah", "pendapatan", 0.03, 0.08),
    ("431", P1, "43. Pendapatan Lainnya", "431. Pendapatan Hibah", "pendapatan", 0.02, 0.03),
    (
        "433",
        P1,
        "43. Pendapatan Lainnya",
        "433. Lain-lain Pendapatan Sesuai dengan Ketentuan Peraturan Perundang-Undangan",
        "pendapatan",
        0.03,
        0.03,
    ),  # fmt: skip
    ("434", P1, "43. Pendapatan Lainnya", "434. Pendapatan Transfer Antar Daerah", "pendapatan", 0.0, 0.0),
    ("511", B1, "51. Belanja Pegawai", "511. Belanja Pegawai", "belanja", 0.25, 0.38),
    ("512", B1, "52. Belanja Barang Jasa", "512. Belanja Barang dan Jasa", "belanja", 0.27, 0.27),
    ("520", B1, "53. Belanja Modal", "520. Belanja Modal", "belanja", 0.15, 0.19),
    ("513", B1, L54, "513. Belanja Bunga", "belanja", 0.002, 0.001),
    ("514", B1, L54, "514. Belanja Subsidi", "belanja", 0.002, 0.0),
    ("515", B1, L54, "515. Belanja Hibah", "belanja", 0.12, 0.04),
    ("516", B1, L54, "516. Belanja Bantuan Sosial", "belanja", 0.01, 0.01),
    ("531", B1, L54, "531. Belanja Tidak Terduga", "belanja", 0.005, 0.005),
    ("541", B1, L54, "541. Belanja Bagi Hasil", "belanja", 0.10, 0.0),
    ("542", B1, L54, "542. Belanja Bantuan Keuangan", "belanja", 0.06, 0.05),
    ("611", F1, FIN, "611. Sisa Lebih Perhitungan Anggaran Tahun Sebelumnya", "financing_in", 0.0, 0.0),
    ("612", F1, FIN, "612. Pencairan Dana Cadangan", "financing_in", 0.001, 0.001),
    ("614", F1, FIN, "614. Penerimaan Pinjaman Daerah", "financing_in", 0.002, 0.001),
    ("621", F1, FOUT, "621. Pembentukan Dana Cadangan", "financing_out", 0.002, 0.002),
    ("622", F1, FOUT, "622. Penyertaan Modal Daerah", "financing_out", 0.006, 0.004),
    ("623", F1, FOUT, "623. Pembayaran Cicilan Pokok Utang yang Jatuh Tempo", "financing_out", 0.003, 0.002),
    ("", "", "", "", "unclassified", 0.0, 0.0),  # the blank-label rows
]
CODES = [a[0] for a in ACCOUNTS]
SECTION = np.array([a[4] for a in ACCOUNTS])
I422, I434, I611, I621 = (CODES.index(c) for c in ("422", "434", "611", "621"))
IBLANK = len(ACCOUNTS) - 1
#: belanja year effects (the refocusing): type -> {year: factor on the Anggaran share}
YEAR_EFFECT = {"512": {2020: 0.8, 2021: 0.9}, "520": {2020: 0.65, 2021: 0.8}, "531": {2020: 6.0, 2021: 3.0}}
YEAR_EFFECT["516"] = {2020: 2.0, 2021: 1.5}
#: repeat modes of "Pendapatan Transfer Antar Daerah" per pemda-year
ONLY422, LIVE434, IDENTICAL, DISAGREE, ONLY434 = range(5)
#: Kemendagri province codes no real province uses (the invented fixture's 99 and DJPK 90 left out)
FREE_PROVINCE_CODES = [c for c in range(37, 99) if not (51 <= c <= 53 or 61 <= c <= 65 or 71 <= c <= 76)]
FREE_PROVINCE_CODES = [c for c in FREE_PROVINCE_CODES if c not in (81, 82, 90, 91, 92, 93, 94, 95, 96)]


def transfer_pattern(mode, live, stale):
    """(422 present, 434 present, 422 value, 434 value) per pemda-year for a repeat ``mode``: the live
    code carries ``live``, the other ``stale`` (the same ``live`` in IDENTICAL years).

    >>> m = np.array([ONLY422, LIVE434, IDENTICAL, DISAGREE, ONLY434])
    >>> [x.tolist() for x in transfer_pattern(m, np.full(5, 9), np.full(5, 1))]
    [[True, True, True, True, False], [False, True, True, True, True], [9, 1, 9, 9, 0], [0, 9, 9, 1, 9]]
    """
    p422, p434 = mode != ONLY434, mode != ONLY422
    v422 = np.where(mode == LIVE434, stale, np.where(p422, live, 0))
    v434 = np.where(mode == DISAGREE, stale, np.where(p434, live, 0))
    return p422, p434, v422, v434


@dataclass
class Pemda:
    """The synthetic pemda, one row per array index (provinces first)."""

    level: np.ndarray  # 0 provinsi, 1 kabkota
    name: list
    province: np.ndarray  # index of the province (its own index for a province)
    code: list  # Kemendagri, "" for the kab/kota left out of kode_kabkota.csv
    djpk: list
    bps: list
    size: np.ndarray  # belanja Anggaran of the first year, Rupiah


def pemda_table(provinces: int, kabkota: int, rng) -> Pemda:
    """Provinces and kab/kota with invented names and codes; the last kab/kota of province 0 has no code."""
    if not 1 <= provinces <= 89 or kabkota < provinces or kabkota > 98 * provinces:
        raise ConfigError(f"need 1-89 provinces and 1-98 kab/kota each; got {provinces}, {kabkota}")
    pool = FREE_PROVINCE_CODES + [c for c in range(10, 99) if c not in FREE_PROVINCE_CODES]
    pcode = [f"{c:02d}" for c in pool[:provinces]]
    pbps = list(pcode)
    if provinces >= 2:
        pbps[-1], pbps[-2] = pbps[-2], pbps[-1]
    level, name, prov, code, djpk, bps = [], [], [], [], [], []
    for i, c in enumerate(pcode):
        level.append(0), name.append(f"Provinsi Sintetis {c}"), prov.append(i), code.append(c)
        djpk.append(f"{i + 1:02d}.00"), bps.append(pbps[i])
    per = [kabkota // provinces + (i < kabkota % provinces) for i in range(provinces)]
    for i, n in enumerate(per):
        n_kota = max(1, round(n / 5.5)) if n > 1 else 0
        parts = [f"{j + 1:02d}" for j in range(n - n_kota)] + [f"{71 + j:02d}" for j in range(n_kota)]
        bparts = list(parts)
        if n - n_kota >= 2:
            bparts[0], bparts[1] = bparts[1], bparts[0]
        for j, (part, bpart) in enumerate(zip(parts, bparts)):
            kind = "Kota" if part >= "71" else "Kab."
            uncoded = i == 0 and j == n - n_kota - 1 and n - n_kota >= 2
            level.append(1), prov.append(i)
            name.append(f"Kab. Tanpa Kode {pcode[i]}" if uncoded else f"{kind} Sintetis {pcode[i]}{part}")
            code.append("" if uncoded else f"{pcode[i]}.{part}")
            djpk.append(f"{i + 1:02d}.{j + 1:02d}"), bps.append("" if uncoded else pbps[i] + bpart)
    level = np.array(level, dtype=np.int8)
    size = 10 ** np.where(
        level == 0, rng.uniform(12.3, 13.5, len(level)), rng.uniform(11.8, 12.5, len(level))
    )
    return Pemda(level, name, np.array(prov), code, djpk, bps, size)


def labels(level: int, year: int) -> tuple[list[str], list[str], list[str]]:
    """The level 1-3 labels of every account as the scraper writes them in ``year``'s file of ``level``:
    level-2 "52. Belanja Barang Jasa" until 2022 and "52. Belanja Barang dan Jasa" from 2023, and a few
    variants that normalise to the same label."""
    l1, l2, l3 = ([a[i] for a in ACCOUNTS] for i in (1, 2, 3))
    j = CODES.index("512")
    l2[j] = "52. Belanja Barang Jasa" if year <= 2022 else "52. Belanja Barang dan Jasa"
    if level == 1 and year == 2019:
        l3[j] = "512. Belanja Barang & Jasa"
    if level == 1 and year == 2024:
        l3[CODES.index("414")] = "414. Lain-lain PAD yang Sah"
    if level == 1 and year == 2021:
        l1 = [x.upper() if x == B1 else x for x in l1]
    return l1, l2, l3
