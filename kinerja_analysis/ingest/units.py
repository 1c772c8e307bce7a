"""Units that may follow a number in a cell ("232 Org", "6,5 bulan", "4 Desa/Kel"), and the letters that
people type for digits ("1O0" with a letter O, "l00" with a letter l).

A word after a number is read as a unit only when it is in :data:`UNITS`: "5 Mei 2020" is a date and
"1O0" a typing slip, neither is 5 or 1 with a unit. The list is data, in both languages; extend it here.
"""

from __future__ import annotations

import re

#: units and counted things (lower case), Indonesian and English, with their usual abbreviations
UNITS = frozenset(
    {
        # percent and money
        "persen",
        "prosen",
        "percent",
        "pct",
        "rp",
        "rupiah",
        "idr",
        # people
        "orang",
        "org",
        "jiwa",
        "people",
        "person",
        "persons",
        "kk",
        "rt",
        "rumah",
        "tangga",
        "siswa",
        "murid",
        "mahasiswa",
        "pasien",
        "balita",
        "bayi",
        "ibu",
        "anak",
        "peserta",
        "penduduk",
        "pelaku",
        "usaha",
        "umkm",
        "asn",
        "pegawai",
        "petani",
        "nelayan",
        "atlet",
        "wisatawan",
        "kunjungan",
        "kasus",
        "kejadian",
        "cases",
        "visits",
        "students",
        "patients",
        # length, area, volume, weight
        "km",
        "m",
        "cm",
        "mm",
        "m2",
        "m\u00b2",
        "m3",
        "m\u00b3",
        "km2",
        "km\u00b2",
        "ha",
        "hektar",
        "hektare",
        "meter",
        "kilometer",
        "liter",
        "ltr",
        "kg",
        "kilogram",
        "gram",
        "gr",
        "ton",
        "t",
        "kwintal",
        "kuintal",
        "kw",
        "kwh",
        "mw",
        "watt",
        # time
        "hari",
        "hr",
        "minggu",
        "bulan",
        "bln",
        "tahun",
        "thn",
        "th",
        "jam",
        "menit",
        "mnt",
        "detik",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "hour",
        "hours",
        "minute",
        "minutes",
        "kali",
        "times",
        "x",
        # documents and activities
        "dokumen",
        "dok",
        "documents",
        "laporan",
        "lap",
        "reports",
        "kegiatan",
        "keg",
        "activities",
        "paket",
        "packages",
        "program",
        "unit",
        "units",
        "buah",
        "bh",
        "item",
        "items",
        "set",
        "lembar",
        "lbr",
        "eksemplar",
        "eks",
        "berkas",
        "izin",
        "sertifikat",
        "perda",
        "perkada",
        "regulasi",
        "inovasi",
        "arsip",
        "layanan",
        "aplikasi",
        "sistem",
        "indeks",
        "index",
        "poin",
        "point",
        "points",
        "nilai",
        "skor",
        "score",
        "predikat",
        "peringkat",
        "rank",
        # places and facilities
        "desa",
        "kel",
        "kelurahan",
        "kecamatan",
        "kec",
        "kabupaten",
        "kab",
        "kota",
        "villages",
        "districts",
        "sekolah",
        "schools",
        "puskesmas",
        "posyandu",
        "rs",
        "faskes",
        "titik",
        "lokasi",
        "ruas",
        "jembatan",
        "gedung",
        "ruang",
        "kelas",
        "lokal",
        "pasar",
        "kios",
        "opd",
        "skpd",
        "instansi",
        "lembaga",
        "kelompok",
        "koperasi",
        "perusahaan",
        "sites",
        "locations",
        "per",
    }
)

#: what separates the words of a compound unit ("Desa/Kel", "orang per hari", "Org.")
_UNIT_SPLIT = re.compile(r"[ /.'\u2019-]+")

#: letters typed for the digit they look like (O for 0, l for 1, S for 5, B for 8, ...)
DIGIT_LOOKALIKES = {
    "O": "0",
    "o": "0",
    "l": "1",
    "I": "1",
    "Z": "2",
    "z": "2",
    "S": "5",
    "s": "5",
    "G": "6",
    "b": "6",
    "B": "8",
    "g": "9",
    "q": "9",
}
_LOOKALIKE = "".join(re.escape(c) for c in DIGIT_LOOKALIKES)
# a run of digits, separators and look-alike letters that is not part of a longer word
# (an "Rp" may stand right before it)
_RUN_RE = re.compile(
    rf"(?:(?<![^\W\d_])|(?<=[Rr][Pp]))[0-9.,{_LOOKALIKE}]*[0-9][0-9.,{_LOOKALIKE}]*(?![^\W\d_])"
)


def is_unit(text: str) -> bool:
    """True when every word of ``text`` is a known unit (case ignored); punctuation between words allowed.

    >>> is_unit("Org"), is_unit("Desa/Kel"), is_unit("bulan."), is_unit("m2")
    (True, True, True, True)
    >>> is_unit("O0"), is_unit("Mei"), is_unit("")
    (False, False, False)
    """
    words = [w for w in _UNIT_SPLIT.split(str(text).strip().casefold()) if w]
    return bool(words) and all(w in UNITS for w in words)


def ascii_unit_pattern() -> str:
    """A regular expression matching one known unit written in ASCII letters, case ignored.

    For the vectorised number path (RE2 through pyarrow): only ASCII letters, longest words first.

    >>> import re
    >>> bool(re.fullmatch(ascii_unit_pattern(), "Org")), bool(re.fullmatch(ascii_unit_pattern(), "O"))
    (True, False)
    """
    words = sorted((u for u in UNITS if re.fullmatch("[a-z]+", u)), key=lambda u: (-len(u), u))
    return "(?i:" + "|".join(words) + ")"


def digits_for_letters(text: str) -> str | None:
    """``text`` with the look-alike letters inside or beside its digits replaced by those digits, or None
    when there is no such letter.

    Only runs that hold a real digit and are not part of a longer word are touched, so "232 Org" and
    "Belanja Modal" never change.

    >>> digits_for_letters("1O0"), digits_for_letters("9O"), digits_for_letters("l00"), digits_for_letters("5S")
    ('100', '90', '100', '55')
    >>> digits_for_letters("232 Org") is None, digits_for_letters("Modal") is None
    (True, True)
    """
    if not isinstance(text, str):
        return None
    out = _RUN_RE.sub(lambda m: "".join(DIGIT_LOOKALIKES.get(c, c) for c in m.group(0)), text)
    return None if out == text else out
