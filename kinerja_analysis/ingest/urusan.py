"""The urusan (government affairs) of Permendagri 90/2019: the vocabulary of the optional ``sector`` column.

An OPD's sector is the urusan it carries out, coded as in Permendagri 90/2019 as updated by Kepmendagri
050-5889/2021 (the codes SIPD uses): ``1.xx`` concurrent mandatory affairs on basic services, ``2.xx``
mandatory affairs not on basic services, ``3.xx`` optional affairs, and the supporting (``4.xx``),
administrative-support (``5.xx``), oversight (``6.01``), territorial (``7.01``) and general-government
(``8.01``) functions. ``5.06`` onwards (other support functions) and the province-only or special-region
urusan (such as Aceh's ``9.xx``) are left out: their codes could not be checked.

A cell may hold the code (``1.02``, ``1-2``), the name in Indonesian or English in any case and spacing
(``kesehatan``, ``KESEHATAN``, ``Health``) or both (``1.02 Kesehatan``). The tidy ``sector`` column holds
the code; the text as typed stays in ``sector_raw``. :func:`infer` fills the sector of OPDs whose name
makes it obvious ("Dinas Kesehatan", "RSUD ...", "Satpol PP").
"""

from __future__ import annotations

import re

import pandas as pd

from ..schema import norm_key
from .issues import Issues

#: code -> (Indonesian name, English name)
URUSAN = {
    "1.01": ("pendidikan", "education"),
    "1.02": ("kesehatan", "health"),
    "1.03": ("pekerjaan umum dan penataan ruang", "public works and spatial planning"),
    "1.04": ("perumahan rakyat dan kawasan permukiman", "public housing and residential areas"),
    "1.05": (
        "ketenteraman, ketertiban umum dan pelindungan masyarakat",
        "public order, peace and community protection",
    ),
    "1.06": ("sosial", "social affairs"),
    "2.07": ("tenaga kerja", "labour"),
    "2.08": ("pemberdayaan perempuan dan pelindungan anak", "women's empowerment and child protection"),
    "2.09": ("pangan", "food"),
    "2.10": ("pertanahan", "land"),
    "2.11": ("lingkungan hidup", "environment"),
    "2.12": (
        "administrasi kependudukan dan pencatatan sipil",
        "population administration and civil registry",
    ),
    "2.13": ("pemberdayaan masyarakat dan desa", "community and village empowerment"),
    "2.14": ("pengendalian penduduk dan keluarga berencana", "population control and family planning"),
    "2.15": ("perhubungan", "transport"),
    "2.16": ("komunikasi dan informatika", "communication and informatics"),
    "2.17": ("koperasi, usaha kecil dan menengah", "cooperatives and small and medium enterprises"),
    "2.18": ("penanaman modal", "investment"),
    "2.19": ("kepemudaan dan olahraga", "youth and sports"),
    "2.20": ("statistik", "statistics"),
    "2.21": ("persandian", "cryptography"),
    "2.22": ("kebudayaan", "culture"),
    "2.23": ("perpustakaan", "libraries"),
    "2.24": ("kearsipan", "archives"),
    "3.25": ("kelautan dan perikanan", "marine affairs and fisheries"),
    "3.26": ("pariwisata", "tourism"),
    "3.27": ("pertanian", "agriculture"),
    "3.28": ("kehutanan", "forestry"),
    "3.29": ("energi dan sumber daya mineral", "energy and mineral resources"),
    "3.30": ("perdagangan", "trade"),
    "3.31": ("perindustrian", "industry"),
    "3.32": ("transmigrasi", "transmigration"),
    "4.01": ("sekretariat daerah", "regional secretariat"),
    "4.02": ("sekretariat dprd", "DPRD secretariat"),
    "5.01": ("perencanaan", "planning"),
    "5.02": ("keuangan", "finance"),
    "5.03": ("kepegawaian", "civil service"),
    "5.04": ("pendidikan dan pelatihan", "education and training"),
    "5.05": ("penelitian dan pengembangan", "research and development"),
    "6.01": ("pengawasan", "oversight"),
    "7.01": ("kecamatan", "sub-district administration"),
    "8.01": ("kesatuan bangsa dan politik", "national unity and politics"),
}

#: other spellings analysts use (normalised by :func:`schema.norm_key`) -> code
ALIASES = {
    "pupr": "1.03",
    "pekerjaan_umum": "1.03",
    "perkim": "1.04",
    "perumahan_dan_kawasan_permukiman": "1.04",
    "trantibum": "1.05",
    "trantibumlinmas": "1.05",
    "ketenteraman_dan_ketertiban_umum_serta_pelindungan_masyarakat": "1.05",
    "ketentraman_ketertiban_umum_dan_perlindungan_masyarakat": "1.05",
    "pemberdayaan_perempuan_dan_perlindungan_anak": "2.08",
    "adminduk": "2.12",
    "kependudukan_dan_pencatatan_sipil": "2.12",
    "kominfo": "2.16",
    "koperasi_usaha_kecil_dan_menengah": "2.17",
    "kepemudaan_dan_olah_raga": "2.19",
    "pemuda_dan_olahraga": "2.19",
    "esdm": "3.29",
    "sekretariat_dewan": "4.02",
    "sekretariat_dewan_perwakilan_rakyat_daerah": "4.02",
    "perencanaan_pembangunan": "5.01",
    "diklat": "5.04",
    "litbang": "5.05",
    "inspektorat": "6.01",
    "kesbangpol": "8.01",
}

_CODE = re.compile(r"^\s*([1-8])\s*[.\-]\s*(\d{1,2})(?![\d.])\s*[-:–.]?\s*(.*)$")


def _values() -> dict[str, str]:
    out = {}
    for code, (name_id, name_en) in URUSAN.items():
        out[norm_key(code)] = code
        out[norm_key(name_id.replace(",", " "))] = code
        out[norm_key(name_en.replace(",", " ").replace("'", ""))] = code
    out.update(ALIASES)
    return out


#: normalised spellings (codes, Indonesian and English names, aliases) -> code
VALUES = _values()


def key(text) -> str:
    """The lookup key of a typed value: its code where the text starts with one (and any name after it is
    that code's), else the normalised name.

    >>> [VALUES.get(key(v)) for v in ("1.02", "Kesehatan", "KESEHATAN", " 1-2 ", "1.02 - Kesehatan", "Health")]
    ['1.02', '1.02', '1.02', '1.02', '1.02', '1.02']
    >>> [VALUES.get(key(v)) for v in ("2.1", "1.1", "2.10", "2-7")]  # 2.10 and 1.01 stored as numbers
    ['2.10', '1.01', '2.10', '2.07']
    >>> VALUES.get(key("1.02 Pendidikan")) is None, key("kesehatn")
    (True, 'kesehatn')
    """
    text = str(text).strip()
    m = _CODE.match(text)
    if m:
        code = f"{m.group(1)}.{int(m.group(2)):02d}"
        if code not in URUSAN and len(m.group(2)) == 1:  # 2.10 stored as a number reads 2.1
            code = f"{m.group(1)}.{m.group(2)}0"
        rest = norm_key(m.group(3).replace(",", " ").replace("'", ""))
        if code in URUSAN and (rest == "" or VALUES.get(rest) == code):
            return norm_key(code)
        return norm_key(text.replace(",", " "))  # a code with another urusan's name: not a value
    return norm_key(text.replace(",", " ").replace("'", ""))


def parse(text) -> str | None:
    """The code of a typed urusan, "" for a blank cell, None when it is not an urusan.

    >>> parse("Pekerjaan Umum dan Penataan Ruang"), parse(""), parse("kesehatan masyarakat")
    ('1.03', '', None)
    """
    if text is None or (isinstance(text, float) and text != text) or str(text).strip() == "":
        return ""
    return VALUES.get(key(text))


def label(code, lang: str = "en") -> str:
    """``"1.02 kesehatan"`` / ``"1.02 health"``: the code and its name in ``lang``; "" for a blank code.

    >>> label("1.02", "id"), label("1.03", "en"), label("")
    ('1.02 kesehatan', '1.03 public works and spatial planning', '')
    """
    if code is None or code != code or str(code) == "":
        return ""
    names = URUSAN.get(str(code))
    return f"{code} {names[0 if lang == 'id' else 1]}" if names else str(code)


#: OPD name patterns (on :func:`schema.norm_key` of the name, as regular expressions) -> code. A name that
#: matches the patterns of two or more urusan (a merged dinas such as "Dinas Pendidikan dan Kebudayaan")
#: is not obvious and gets no sector.
OPD_PATTERNS = {
    "1.01": r"(^|_)(pendidikan(?!_dan_pelatihan)|disdik(bud)?)(_|$)",
    "1.02": r"(^|_)(kesehatan|dinkes|rsud|rumah_sakit|puskesmas)(_|$)",
    "1.03": r"(^|_)(pekerjaan_umum|pu|pupr|dpupr|bina_marga|cipta_karya|sumber_daya_air|penataan_ruang)(_|$)",
    "1.04": r"(^|_)(perumahan|permukiman|perkim|disperkim)(_|$)",
    "1.05": r"(^|_)(satpol_pp|satuan_polisi_pamong_praja|bpbd|penanggulangan_bencana|pemadam_kebakaran|"
    r"damkar)(_|$)",
    "1.06": r"(^|_)(sosial|dinsos)(_|$)",
    "2.07": r"(^|_)(tenaga_kerja|ketenagakerjaan|disnaker|disnakertrans)(_|$)",
    "2.08": r"(^|_)(pemberdayaan_perempuan|p(er)?lindungan_anak|dp3a)(_|$)",
    "2.09": r"(^|_)(ketahanan_pangan|pangan)(_|$)",
    "2.10": r"(^|_)(pertanahan)(_|$)",
    "2.11": r"(^|_)(lingkungan_hidup|dlh)(_|$)",
    "2.12": r"(^|_)(kependudukan_dan_pencatatan_sipil|dukcapil|disdukcapil)(_|$)",
    "2.13": r"(^|_)(pemberdayaan_masyarakat_dan_desa|pemberdayaan_masyarakat_desa|dpmd)(_|$)",
    "2.14": r"(^|_)(pengendalian_penduduk|keluarga_berencana|dppkb)(_|$)",
    "2.15": r"(^|_)(perhubungan|dishub)(_|$)",
    "2.16": r"(^|_)(komunikasi_(dan_)?informatika|kominfo|diskominfo)(_|$)",
    "2.17": r"(^|_)(koperasi|ukm|umkm|usaha_mikro|usaha_kecil)(_|$)",
    "2.18": r"(^|_)(penanaman_modal|dpmptsp)(_|$)",
    "2.19": r"(^|_)(pemuda|kepemudaan|olahraga|olah_raga|dispora)(_|$)",
    "2.20": r"(^|_)(statistik)(_|$)",
    "2.21": r"(^|_)(persandian)(_|$)",
    "2.22": r"(^|_)(kebudayaan)(_|$)",
    "2.23": r"(^|_)(perpustakaan)(_|$)",
    "2.24": r"(^|_)(kearsipan|arsip)(_|$)",
    "3.25": r"(^|_)(perikanan|kelautan)(_|$)",
    "3.26": r"(^|_)(pariwisata|dispar)(_|$)",
    "3.27": r"(^|_)(pertanian|distan)(_|$)",
    "3.28": r"(^|_)(kehutanan)(_|$)",
    "3.29": r"(^|_)(energi|esdm)(_|$)",
    "3.30": r"(^|_)(perdagangan|disdag)(_|$)",
    "3.31": r"(^|_)(perindustrian|disperin)(_|$)",
    "3.32": r"(^|_)(transmigrasi)(_|$)",
    "4.01": r"(^|_)(sekretariat_daerah|setda)(_|$)",
    "4.02": r"(^|_)(sekretariat_dewan|sekretariat_dprd|setwan|sekwan)(_|$)",
    "5.01": r"(^|_)(perencanaan_pembangunan|bappeda)(_|$)",
    "5.02": r"(^|_)(keuangan|pendapatan|bpkad|bpkd|bapenda)(_|$)",
    "5.03": r"(^|_)(kepegawaian|bkd|bkpsdm|bkppd)(_|$)",
    "5.04": r"(^|_)(pendidikan_dan_pelatihan|diklat)(_|$)",
    "5.05": r"(^|_)(penelitian_dan_pengembangan|litbang|balitbang|riset_dan_inovasi)(_|$)",
    "6.01": r"(^|_)(inspektorat)(_|$)",
    "7.01": r"^(kecamatan|kelurahan|distrik)(_|$)",
    "8.01": r"(^|_)(kesatuan_bangsa|kesbangpol)(_|$)",
}
_OPD_RE = {code: re.compile(p) for code, p in OPD_PATTERNS.items()}


def from_opd_name(name) -> str:
    """The urusan an OPD's name makes obvious, or "" when it names none or more than one.

    >>> [from_opd_name(n) for n in ("Dinas Kesehatan", "RSUD Dr. Sam Ratulangi", "Satpol PP",
    ...                             "Dinas Pendidikan dan Kebudayaan", "Sekretariat DPRD", "Badan X")]
    ['1.02', '1.02', '1.05', '', '4.02', '']
    """
    k = norm_key(str(name).replace(",", " ").replace("'", ""))
    if not k:
        return ""
    hits = [code for code, rx in _OPD_RE.items() if rx.search(k)]
    return hits[0] if len(hits) == 1 else ""


def _blank(s: pd.Series) -> pd.Series:
    return s.isna() | s.astype(str).str.strip().eq("")


def infer(tables: dict[str, pd.DataFrame], issues: Issues, *, file: str = "") -> None:
    """Fill blank ``sector`` cells of the kinerja and anggaran tables, in place, and say so once.

    OPDs are taken by their name as typed (``opd_raw`` where the crosswalk has mapped names: the parts of a
    merged OPD keep their own urusan). An OPD's sector given on any of its rows (in either table) fills its
    blank rows; an OPD without one gets
    the urusan its name makes obvious (:func:`from_opd_name`). One ``sector_inferred`` warning lists every
    OPD whose sector came from its name (OPD -> urusan) and counts the OPDs still without a sector. An OPD
    given two different sectors gets a ``sector_conflict`` warning and keeps its rows as given.
    ``sector_inferred`` (True where a row's sector came from the OPD name or another row) is added. ``file``
    names the files in the issues.

    >>> k = pd.DataFrame({"region_code": ["71.73"] * 3, "opd": ["Dinas Kesehatan", "Dinas Kesehatan", "Badan X"],
    ...                   "sector": ["", "", ""]})
    >>> issues = Issues()
    >>> infer({"kinerja": k}, issues)
    >>> k["sector"].tolist()
    ['1.02', '1.02', '']
    >>> issues.frame()["message"].iloc[0]  # doctest: +ELLIPSIS
    "sector (urusan) inferred from the OPD name for 1 OPD(s): 71.73 Dinas Kesehatan -> 1.02 kesehatan; 1 OPD(s) ..."
    """
    frames = {t: df for t, df in tables.items() if df is not None and "opd" in df.columns and len(df)}
    for df in frames.values():
        if "sector" not in df.columns:
            df["sector"] = ""
        df["sector"] = df["sector"].astype(object).where(~_blank(df["sector"]), "")
        df["sector_inferred"] = False
    if not frames:
        return

    def names(df):  # the OPD as typed: before a merger each part keeps its own urusan
        return df["opd_raw"] if "opd_raw" in df.columns else df["opd"]

    rows = pd.concat(
        [
            pd.DataFrame({"region_code": df["region_code"], "opd": names(df), "sector": df["sector"]})
            for df in frames.values()
        ],
        ignore_index=True,
    )
    rows = rows[rows["opd"].astype(str).str.strip().ne("")]
    given = rows[rows["sector"].ne("") & rows["sector"].isin(list(URUSAN))]
    per_opd = given.groupby(["region_code", "opd"], sort=True)["sector"].unique()
    for (region, opd), codes in per_opd[per_opd.map(len) > 1].items():
        issues.add(
            "sector_conflict",
            "warning",
            file,
            f"OPD {opd!r} in region {region} is given more than one sector: {', '.join(sorted(codes))}; "
            "each row keeps its own (an OPD should carry one urusan)",
            column="sector",
            value=", ".join(sorted(codes)),
        )
    known = {k: v[0] for k, v in per_opd.items() if len(v) == 1}
    inferred, unknown = {}, []
    opds = rows.drop_duplicates(["region_code", "opd"])
    for region, opd in opds[["region_code", "opd"]].itertuples(index=False):
        if (region, opd) in per_opd.index:
            continue
        code = from_opd_name(opd)
        if code:
            inferred[(region, opd)] = code
        else:
            unknown.append((region, opd))
    fill = known | inferred
    if fill:
        lookup = pd.Series(list(fill.values()), index=pd.MultiIndex.from_tuples(list(fill)), dtype=object)
    for df in frames.values():
        blank = df["sector"].eq("") & names(df).astype(str).str.strip().ne("")
        if not blank.any() or not fill:
            continue
        # one lookup per table (a large table has millions of rows but few OPDs)
        where = pd.MultiIndex.from_arrays([df.loc[blank, "region_code"], names(df)[blank]])
        values = pd.Series(lookup.reindex(where).to_numpy(), index=df.index[blank], dtype=object).fillna("")
        df.loc[blank, "sector"] = values
        df.loc[blank, "sector_inferred"] = values.ne("")
    if inferred or (unknown and len(unknown) < len(opds)):
        listed = "; ".join(f"{r} {o} -> {label(c, 'id')}" for (r, o), c in sorted(inferred.items()))
        rest = (
            f"; {len(unknown)} OPD(s) have no sector and were left without one (their name does not make "
            f"the urusan obvious): {', '.join(f'{r} {o}' for r, o in sorted(unknown)[:20])}"
            + (", ..." if len(unknown) > 20 else "")
            if unknown
            else ""
        )
        issues.add(
            "sector_inferred",
            "warning",
            file,
            f"sector (urusan) inferred from the OPD name for {len(inferred)} OPD(s): {listed or 'none'}{rest}; "
            "check them and type the urusan in the 'urusan' column where it is wrong",
            column="sector",
            value=f"{len(inferred)} inferred, {len(unknown)} unknown",
        )
