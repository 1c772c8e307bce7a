"""DJPK / JAGA APBD account labels: the tables that classify each label, and :func:`norm_label`.

Classification is by account label, not by code prefix: the codes are the scraper's own (Belanja Modal
is "520" under "53."), and in Permendagri 90/2019 "5.2" means something else again. Labels vary across
years ("52. Belanja Barang Jasa" vs "52. Belanja Barang dan Jasa"), so they are normalised (number
stripped, case, "dan"/"&", punctuation) and looked up in the tables below. A label that is missing here
makes :func:`kinerja_analysis.ingest.djpk.read_accounts` stop with its normalised form: add it to the
right table. A row whose three labels are all blank cannot be classified: it gets section "unclassified"
and flag ``blank_label`` (kept and listed, never in a typed total).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

SECTIONS_L1 = {
    "pendapatan daerah": "pendapatan",
    "pendapatan": "pendapatan",
    "belanja daerah": "belanja",
    "belanja": "belanja",
    "pembiayaan daerah": "pembiayaan",
    "pembiayaan": "pembiayaan",
}
FINANCING_L2 = {
    "penerimaan pembiayaan daerah": "financing_in",
    "penerimaan pembiayaan": "financing_in",
    "pengeluaran pembiayaan daerah": "financing_out",
    "pengeluaran pembiayaan": "financing_out",
}

#: normalised level-3 label -> harmonised spending_type (schema.SPENDING_TYPES)
BELANJA_LABELS = {
    "belanja pegawai": "pegawai",
    "belanja barang jasa": "barang_jasa",
    "belanja modal": "modal",
    "belanja bunga": "bunga",
    "belanja subsidi": "subsidi",
    "belanja hibah": "hibah",
    "belanja bantuan sosial": "bansos",
    "belanja tidak terduga": "btt",
    "belanja bagi hasil": "bagi_hasil",
    "belanja bantuan keuangan": "bantuan_keuangan",
    "belanja lainnya": "lainnya",
}
#: normalised level-2 label -> spending_type, used only when the level-3 label is blank
BELANJA_L2_FALLBACK = {
    "belanja pegawai": "pegawai",
    "belanja barang jasa": "barang_jasa",
    "belanja modal": "modal",
    "belanja tidak terduga": "btt",
    "belanja lainnya": "lainnya",
    "belanja transfer": "lainnya",
}
#: normalised level-3 label -> (revenue group, revenue type). TKDD = transfers from the centre only.
PENDAPATAN_LABELS = {
    "pajak daerah": ("pad", "pajak_daerah"),
    "retribusi daerah": ("pad", "retribusi_daerah"),
    "hasil pengelolaan kekayaan daerah yang dipisahkan": ("pad", "kekayaan_dipisahkan"),
    "lain lain pad yang sah": ("pad", "lain_pad"),
    "pendapatan transfer pemerintah pusat": ("tkdd", "transfer_pusat"),
    "pendapatan transfer antar daerah": ("other", "transfer_antar_daerah"),
    "pendapatan hibah": ("other", "hibah"),
    "dana darurat": ("other", "dana_darurat"),
    "lain lain pendapatan sesuai ketentuan peraturan perundang undangan": ("other", "lain_lain"),
}
PENDAPATAN_L2_FALLBACK = {
    "pad": ("pad", "lain_pad"),
    "pendapatan asli daerah": ("pad", "lain_pad"),
    "tkdd": ("tkdd", "transfer_pusat"),
    "pendapatan lainnya": ("other", "lain_lain"),
}
PEMBIAYAAN_LABELS = {
    "sisa lebih perhitungan anggaran tahun sebelumnya": "silpa",
    "pencairan dana cadangan": "dana_cadangan_in",
    "penjualan kekayaan daerah yang dipisahkan": "penjualan_kekayaan",
    "penerimaan pinjaman daerah": "pinjaman_in",
    "penerimaan kembali pemberian pinjaman daerah": "pengembalian_pinjaman",
    "penerimaan pembiayaan lainnya sesuai ketentuan peraturan perundang undangan": "lainnya_in",
    "pembentukan dana cadangan": "dana_cadangan_out",
    "penyertaan modal daerah": "penyertaan_modal",
    "pembayaran cicilan pokok utang yang jatuh tempo": "cicilan_utang",
    "pemberian pinjaman daerah": "pinjaman_out",
    "pengeluaran pembiayaan lainnya sesuai ketentuan peraturan perundang undangan": "lainnya_out",
}
_DROP_WORDS = {"dan", "dengan"}
#: a row whose three labels are all blank: its own section, outside belanja, pendapatan and financing
UNCLASSIFIED = ("unclassified", "unclassified", "unclassified", "blank_label")


def norm_label(text) -> str:
    """Normalise an account label: number prefix, case, "dan"/"dengan"/"&" and punctuation removed.

    >>> norm_label("52. Belanja Barang Jasa") == norm_label("512. Belanja Barang dan Jasa")
    True
    >>> norm_label("414. Lain-Lain PAD yang Sah"), norm_label(None)
    ('lain lain pad yang sah', '')
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    s = re.sub(r"^\s*[\d.]+\s*", "", str(text).strip().lower()).replace("&", " ")
    words = [w for w in re.split(r"[^0-9a-z]+", s) if w and w not in _DROP_WORDS]
    return " ".join(words)


def classify(l1: str, l2: str, l3: str) -> tuple[str, str, str, str] | None:
    """(section, group, category, flag) for one label triple (levels 1-3), or None when unknown.

    >>> classify("5. BELANJA DAERAH", "51. Belanja Operasi", "512. Belanja Barang dan Jasa")
    ('belanja', 'barang_jasa', 'barang_jasa', '')
    >>> classify("4. PENDAPATAN DAERAH", "41. PAD", "")
    ('pendapatan', 'pad', 'lain_pad', 'blank_level3')
    >>> classify("", " ", "")
    ('unclassified', 'unclassified', 'unclassified', 'blank_label')
    """
    n1, n2, n3 = norm_label(l1), norm_label(l2), norm_label(l3)
    if not (n1 or n2 or n3):  # nothing to classify by: kept, listed, out of every typed total
        return UNCLASSIFIED
    section = SECTIONS_L1.get(n1)
    flag = "" if n3 else "blank_level3"
    if section == "belanja":
        st = BELANJA_LABELS.get(n3) if n3 else BELANJA_L2_FALLBACK.get(n2)
        return None if st is None else ("belanja", st, st, flag)
    if section == "pendapatan":
        hit = PENDAPATAN_LABELS.get(n3) if n3 else PENDAPATAN_L2_FALLBACK.get(n2)
        return None if hit is None else ("pendapatan", hit[0], hit[1], flag)
    if section == "pembiayaan":
        sub = FINANCING_L2.get(n2)
        cat = PEMBIAYAAN_LABELS.get(n3)
        return None if sub is None or cat is None else (sub, sub, cat, flag)
    return None


#: the two levels of government, in the order of the ``level`` categories
LEVELS = ("provinsi", "kabkota")
_FILE_LEVEL = re.compile(r"^data_apbd_(provinsi|kabkota)_level3-\d{4}\.csv$", re.IGNORECASE)
_NAME_LEVEL = re.compile(r"^\s*(?:(prov)|(kab|kota))", re.IGNORECASE)


def level_of_file(name: str) -> str:
    """The level a scraper file name declares, or "" when the name is not the scraper's.

    >>> level_of_file("data_apbd_kabkota_level3-2023.csv"), level_of_file("apbd.csv")
    ('kabkota', '')
    """
    m = _FILE_LEVEL.match(Path(str(name)).name)
    return m[1].lower() if m else ""


def level_of_name(namapemda: str) -> str:
    """The level read from a pemda name ("Provinsi ..." or "Kab. ..."/"Kabupaten ..."/"Kota ..."), or "".

    >>> level_of_name("Provinsi Gorontalo"), level_of_name("Kota Gorontalo"), level_of_name("Gorontalo")
    ('provinsi', 'kabkota', '')
    """
    m = _NAME_LEVEL.match(str(namapemda))
    return "" if m is None else ("provinsi" if m[1] else "kabkota")
