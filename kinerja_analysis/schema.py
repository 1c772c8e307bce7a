"""The tidy tables' columns, header aliases and allowed values, in one place (DESIGN.md section 3).

Codes are always strings. Every parsed number keeps its raw text in a ``<column>_raw`` column.
"""

from __future__ import annotations

import functools
import re

#: column -> dtype kind ("str", "int", "float") for each tidy table; required columns listed separately
KINERJA_COLUMNS = {
    "region_code": "str",
    "year": "int",
    "opd": "str",
    "sector": "str",
    "sasaran": "str",
    "indicator_id": "str",
    "indicator": "str",
    "unit": "str",
    "polarity": "str",
    "target": "float",
    "target_upper": "float",
    "target_original": "float",
    "actual": "float",
    "formula": "str",
    "achievement_reported": "float",
    "period": "str",
    "aggregation": "str",
}
KINERJA_REQUIRED = ["region_code", "year", "opd", "indicator_id", "indicator", "polarity", "target", "actual"]

ANGGARAN_COLUMNS = {
    "region_code": "str",
    "year": "int",
    "opd": "str",
    "sector": "str",
    "program": "str",
    "spending_type": "str",
    "budget_original": "float",
    "budget_revised": "float",
    "spent": "float",
}
ANGGARAN_REQUIRED = ["region_code", "year", "spending_type", "budget_revised", "spent"]

#: columns whose every cell must be filled (year is checked where it is parsed). An empty ``opd`` is
#: allowed in anggaran (pemda-wide rows such as BTT); ``polarity`` may be empty where a ``formula`` is
#: given. A number cell with no data takes a missing marker ("-", "n/a"), never a blank.
REQUIRED_CELLS = {
    "kinerja": ("region_code", "opd", "indicator_id", "polarity", "target", "actual"),
    "anggaran": ("region_code", "spending_type", "budget_revised", "spent"),
    "regions": ("region_code",),
    "opd_crosswalk": ("region_code",),
}

REGIONS_COLUMNS = {
    "region_code": "str",
    "bps_code": "str",
    "djpk_name": "str",
    "region_name": "str",
    "kind": "str",
    "province_code": "str",
}
REGIONS_REQUIRED = ["region_code", "region_name"]

#: optional crosswalk of renamed or merged OPDs: rows map ``opd_old`` to ``opd_new`` within a region
CROSSWALK_COLUMNS = {
    "region_code": "str",
    "opd_old": "str",
    "opd_new": "str",
    "year_effective": "int",
    "note": "str",
}

#: Indonesian header names analysts use -> tidy English names. Matching ignores case, spaces and "_".
HEADER_ALIASES = {
    "kode_wilayah": "region_code",
    "kode_pemda": "region_code",
    "kode_kemendagri": "region_code",
    "tahun": "year",
    "nama_opd": "opd",
    "perangkat_daerah": "opd",
    "skpd": "opd",
    "urusan": "sector",
    "kode_urusan": "sector",
    "bidang_urusan": "sector",
    "urusan_pemerintahan": "sector",
    "kode_indikator": "indicator_id",
    "indikator": "indicator",
    "indikator_kinerja": "indicator",
    "satuan": "unit",
    "polaritas": "polarity",
    "target_atas": "target_upper",
    "batas_atas": "target_upper",
    "target_murni": "target_original",
    "target_awal": "target_original",
    "target_pk": "target_original",
    "realisasi": "actual",
    "rumus": "formula",
    "capaian_dilaporkan": "achievement_reported",
    "capaian_reported": "achievement_reported",
    "capaian": "achievement_reported",
    "periode": "period",
    "triwulan": "period",
    "tw": "period",
    "quarter": "period",
    "agregasi": "aggregation",
    "aturan_agregasi": "aggregation",
    "aggregation_rule": "aggregation",
    "achievement_reported_pct": "achievement_reported",
    "capaian_persen": "achievement_reported",
    "capaian_kinerja": "achievement_reported",
    "reported_achievement": "achievement_reported",
    "target_perubahan": "target",
    "target_tahunan": "target",
    "target_akhir": "target",
    "realisasi_kinerja": "actual",
    "nama_indikator": "indicator",
    "indikator_kinerja_utama": "indicator",
    "sasaran_strategis": "sasaran",
    "pagu_anggaran": "budget_revised",
    "anggaran_murni": "budget_original",
    "anggaran_perubahan": "budget_revised",
    "realisasi_belanja": "spent",
    "jenis_belanja": "spending_type",
    "pagu_murni": "budget_original",
    "pagu_awal": "budget_original",
    "pagu_perubahan": "budget_revised",
    "pagu": "budget_revised",
    "realisasi_anggaran": "spent",
    "kode_bps": "bps_code",
    "nama_djpk": "djpk_name",
    "nama_pemda": "region_name",
    "nama_wilayah": "region_name",
    "nama_daerah": "region_name",
    "pemda": "region_name",
    "kabupaten_kota": "region_name",
    "jenis_pemda": "kind",
    "kode_provinsi": "province_code",
    "opd_lama": "opd_old",
    "opd_baru": "opd_new",
    "tahun_berlaku": "year_effective",
    "catatan": "note",
}

#: tidy name -> the Indonesian header written in templates and in the demo data
INDONESIAN_HEADERS = {
    "region_code": "kode_wilayah",
    "year": "tahun",
    "opd": "opd",
    "sector": "urusan",
    "sasaran": "sasaran",
    "indicator_id": "kode_indikator",
    "indicator": "indikator",
    "unit": "satuan",
    "polarity": "polaritas",
    "target": "target",
    "target_upper": "target_atas",
    "target_original": "target_murni",
    "actual": "realisasi",
    "formula": "rumus",
    "achievement_reported": "capaian_dilaporkan",
    "period": "periode",
    "aggregation": "agregasi",
    "program": "program",
    "spending_type": "jenis_belanja",
    "budget_original": "pagu_murni",
    "budget_revised": "pagu_perubahan",
    "spent": "realisasi_anggaran",
    "bps_code": "kode_bps",
    "djpk_name": "nama_djpk",
    "region_name": "nama_pemda",
    "kind": "jenis_pemda",
    "province_code": "kode_provinsi",
    "opd_old": "opd_lama",
    "opd_new": "opd_baru",
    "year_effective": "tahun_berlaku",
    "note": "catatan",
}

POLARITY_VALUES = {
    "positive": "positive",
    "positif": "positive",
    "+": "positive",
    "naik": "positive",
    "negative": "negative",
    "negatif": "negative",
    "-": "negative",
    "turun": "negative",
    "range": "range",
    "rentang": "range",
}

FORMULA_VALUES = {"r/t": "R/T", "(2t-r)/t": "(2T-R)/T", "t/r": "T/R"}

SPENDING_TYPES = [
    "pegawai",
    "barang_jasa",
    "modal",
    "btt",
    "bansos",
    "hibah",
    "bagi_hasil",
    "bantuan_keuangan",
    "bunga",
    "subsidi",
    "lainnya",
]
SPENDING_ALIASES = {
    "belanja_pegawai": "pegawai",
    "barang_dan_jasa": "barang_jasa",
    "barang_jasa": "barang_jasa",
    "belanja_barang_dan_jasa": "barang_jasa",
    "belanja_barang_jasa": "barang_jasa",
    "barjas": "barang_jasa",
    "belanja_modal": "modal",
    "belanja_tidak_terduga": "btt",
    "tidak_terduga": "btt",
    "bantuan_sosial": "bansos",
    "belanja_bantuan_sosial": "bansos",
    "belanja_hibah": "hibah",
    "belanja_bagi_hasil": "bagi_hasil",
    "belanja_bantuan_keuangan": "bantuan_keuangan",
    "belanja_bunga": "bunga",
    "belanja_subsidi": "subsidi",
    "lain_lain": "lainnya",
    "other": "lainnya",
    **{t: t for t in SPENDING_TYPES},
}

REGION_KINDS = {
    "provinsi": "provinsi",
    "province": "provinsi",
    "kabupaten": "kabupaten",
    "regency": "kabupaten",
    "kota": "kota",
    "city": "kota",
}

#: Kemendagri codes: "71" (provinsi), "71.73" (kab/kota)
REGION_CODE_RE = re.compile(r"^\d{2}(\.\d{2})?$")

#: columns that describe a row without being needed by any table (the region's name beside its code,
#: DESIGN.md section 8): recognised in every table, kept as text under the tidy name, never an
#: "unknown column"
DESCRIPTIVE_COLUMNS = {"region_name": "str"}

TABLES = {
    "kinerja": (KINERJA_COLUMNS, KINERJA_REQUIRED),
    "anggaran": (ANGGARAN_COLUMNS, ANGGARAN_REQUIRED),
    "regions": (REGIONS_COLUMNS, REGIONS_REQUIRED),
    "opd_crosswalk": (CROSSWALK_COLUMNS, ["region_code", "opd_old", "opd_new"]),
}


def norm_key(text: str) -> str:
    """Normalise a header or vocabulary value: lower case, spaces/dashes/dots to one underscore.

    >>> norm_key("  Pagu Murni ")
    'pagu_murni'
    >>> norm_key("Barang & Jasa")
    'barang_jasa'
    """
    s = str(text).strip().lower().replace("&", " ")
    s = re.sub(r"[\s\-./]+", "_", s)
    s = re.sub(r"_+", "_", s)
    return s.strip("_")


def canonical_header(name: str, table: str) -> str | None:
    """Tidy column name for a header as typed, or None when unknown.

    >>> canonical_header("Kode Wilayah", "kinerja"), canonical_header("REALISASI", "kinerja")
    ('region_code', 'actual')
    >>> canonical_header("realisasi", "anggaran"), canonical_header("Nama Pemda", "kinerja")
    ('spent', 'region_name')
    """
    key = norm_key(name)
    # "Pagu Murni (Rp)", "Target (%)", "kode_wilayah*": a unit in brackets or a required-mark is not the name
    bare = norm_key(re.sub(r"\([^)]*\)|\[[^\]]*\]|\*", " ", str(name)))
    for k in dict.fromkeys((key, bare)):
        if table == "anggaran" and k.replace("_", "") == "realisasi":
            return "spent"
        found = _squashed(table).get(k.replace("_", ""))
        if found:
            return found
    return None


@functools.cache
def _squashed(table: str) -> dict:
    """Header keys without underscores -> tidy column, so "KodeWilayah" and "kode_wilayah" are one."""
    columns = TABLES[table][0] | DESCRIPTIVE_COLUMNS
    out = {a.replace("_", ""): t for a, t in HEADER_ALIASES.items() if t in columns}
    out.update({c.replace("_", ""): c for c in columns})
    return out
