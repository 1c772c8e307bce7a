"""Region code tables: DJPK pemda names and BPS names to Kemendagri codes (strings, never numbers).

Sources (``../shared/realdata``, fetched by ``kinerja data fetch``):

- ``djpk-apbd-jaga/kode_provinsi.csv`` and ``kode_kabkota.csv``: the DJPK pemda list. ``kodepemda`` is
  DJPK's own numbering ("01.00" is Aceh); ``kodeprovinsi``/``kodekabkota`` are **Kemendagri** codes
  (Papua Barat is 92, Kab. Gorontalo 7501), which become ``region_code`` "92" and "75.01".
- ``kode-wilayah-bps-kemendagri/provinsi.csv`` and ``kabkota.csv``: the BPS <-> Kemendagri bridge.
  BPS and Kemendagri codes often differ (Papua: BPS 94, Kemendagri 91; BPS 7501 is Boalemo while
  Kemendagri 75.01 is Kab. Gorontalo), so codes are always joined through this table, never assumed equal.

A user may name a pemda in any of the three forms (Kota Gorontalo: Kemendagri "75.71", BPS "7571", DJPK
"30.03"); :func:`resolve` and :func:`resolve_list` turn them into the Kemendagri code, and say so when a
code reads as two different pemda (DJPK 18.08 is Kota Tomohon, Kemendagri 18.08 Kab. Way Kanan).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .. import schema
from ..errors import ConfigError, DataError

REGION_COLUMNS = list(schema.REGIONS_COLUMNS)


def dagri_code(code) -> str:
    """Kemendagri code in dotted form: "75" -> "75", "7501" -> "75.01".

    >>> dagri_code("7501"), dagri_code("92"), dagri_code("75.01")
    ('75.01', '92', '75.01')
    """
    raw = str(code).strip()
    s = raw.replace(".", "")
    dotted_ok = "." not in raw or (len(raw) == 5 and raw[2] == ".")
    if not (dotted_ok and s.isascii() and s.isdigit() and len(s) in (2, 4)):
        raise DataError(f"not a Kemendagri province or kab/kota code: {code!r}")
    return s if len(s) == 2 else f"{s[:2]}.{s[2:]}"


def name_key(name) -> str:
    """A matching key for a region name across DJPK, BPS and Kemendagri spellings.

    >>> name_key("Provinsi Bangka Belitung") == name_key("KEP, BANGKA BELITUNG") == name_key("Bangka-Belitung")
    True
    >>> name_key("Provinsi DI Yogyakarta") == name_key("Yogyakarta"), name_key("KEP. RIAU")
    (True, 'kepulauan riau')
    """
    s = re.sub(r"[^0-9a-z]+", " ", str(name).lower()).split()
    s = [w for w in s if w not in {"provinsi", "prov"}]
    s = ["kepulauan" if w == "kep" else w for w in s]
    out = " ".join(s)
    aliases = {
        "kepulauan bangka belitung": "bangka belitung",
        "d i yogyakarta": "di yogyakarta",
        "daerah istimewa yogyakarta": "di yogyakarta",
        "yogyakarta": "di yogyakarta",
        "dki jakarta": "dki jakarta",
        "jakarta": "dki jakarta",
    }
    return aliases.get(out, out)


def _read(path: Path, need: list[str]) -> list[dict]:
    """Rows of a small code table as dicts of text (csv module: no type guessing, codes stay text)."""
    import csv

    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in need if c not in (reader.fieldnames or [])]
            if missing:
                raise DataError(f"{path.name}: missing column(s) {missing}; found {reader.fieldnames}")
            return list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{path}: cannot read the code table ({exc})") from exc


def djpk_codes(folder: str | Path, *, bridge: str | Path | None = None, bps: bool = True) -> pd.DataFrame:
    """The regions table from DJPK's ``kode_provinsi.csv`` / ``kode_kabkota.csv`` in ``folder``,
    with BPS codes from the bridge folder (``kode-wilayah-bps-kemendagri`` beside it) where present.
    Besides the schema columns it keeps ``djpk_code`` (DJPK's ``kodepemda``, "30.03"), which
    :func:`resolve` reads."""
    folder = Path(folder)
    rows = []
    for fname, code_col in (("kode_provinsi.csv", None), ("kode_kabkota.csv", "kodekabkota")):
        path = folder / fname
        if not path.exists():
            continue
        for i, r in enumerate(
            _read(path, ["namapemda", "kodeprovinsi"] + ([code_col] if code_col else [])), start=2
        ):
            try:
                prov = dagri_code(r["kodeprovinsi"])
                code = dagri_code(r[code_col]) if code_col else prov
            except DataError as exc:
                raise DataError(f"{path.name}, row {i}: {exc}") from None
            name = r["namapemda"]
            kind = (
                "provinsi" if not code_col else ("kota" if name.lower().startswith("kota") else "kabupaten")
            )
            rows.append(
                {
                    "region_code": code,
                    "bps_code": "",
                    "djpk_name": name,
                    "region_name": name,
                    "kind": kind,
                    "province_code": prov,
                    "djpk_code": str(r.get("kodepemda") or "").strip(),
                }
            )
    out = pd.DataFrame(rows, columns=REGION_COLUMNS + ["djpk_code"])
    bridge = Path(bridge) if bridge else folder.parent / "kode-wilayah-bps-kemendagri"
    if bps and len(out) and bridge.is_dir():
        b = bps_bridge(bridge)
        out["bps_code"] = out["region_code"].map(dict(zip(b["region_code"], b["bps_code"]))).fillna("")
    return out


def bps_bridge(folder: str | Path) -> pd.DataFrame:
    """BPS <-> Kemendagri codes for provinces and kab/kota: region_code, bps_code, bps_name, dagri_name."""
    folder = Path(folder)
    rows = []
    for fname in ("provinsi.csv", "kabkota.csv"):
        path = folder / fname
        if path.exists():
            for r in _read(path, ["kode_bps", "nama_bps", "kode_dagri", "nama_dagri"]):
                rows.append((dagri_code(r["kode_dagri"]), r["kode_bps"], r["nama_bps"], r["nama_dagri"]))
    if not rows:
        raise DataError(f"{folder}: no provinsi.csv or kabkota.csv (BPS-Kemendagri bridge)")
    return pd.DataFrame(rows, columns=["region_code", "bps_code", "bps_name", "dagri_name"])


def codes_near(data_files: list[Path], *, bps: bool = True) -> pd.DataFrame:
    """The DJPK code tables found beside the data files (empty regions table when there are none);
    ``bps=False`` skips the BPS bridge (``bps_code`` stays empty)."""
    for folder in dict.fromkeys(Path(p).parent for p in data_files):
        if (folder / "kode_provinsi.csv").exists() or (folder / "kode_kabkota.csv").exists():
            return djpk_codes(folder, bps=bps)
    return pd.DataFrame(columns=REGION_COLUMNS)


def map_names(names, codes: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Kemendagri codes for DJPK pemda names: exact DJPK name first, then the normalised name key.

    Returns (codes, unmapped names); an unmapped name gets "".

    >>> codes = pd.DataFrame({"region_code": ["75"], "djpk_name": ["Provinsi Gorontalo"], "region_name": ["x"]})
    >>> map_names(["Provinsi Gorontalo", "PROVINSI GORONTALO", "Provinsi Atlantis"], codes)
    (['75', '75', ''], ['Provinsi Atlantis'])
    """
    names = (
        pd.Series(names, dtype="category") if not isinstance(names, pd.Series) else names.astype("category")
    )
    djpk_names, region_codes = codes["djpk_name"].tolist(), codes["region_code"].tolist()
    exact = dict(zip(djpk_names, region_codes))
    cats = [str(c) for c in names.cat.categories]
    lookup = {n: exact.get(n, "") for n in cats}
    if not all(lookup.values()):  # fall back to the normalised name only for names not found as written
        keyed = {}
        for n, c in zip(djpk_names, region_codes):
            keyed.setdefault(name_key(n), c)
        lookup = {n: c or keyed.get(name_key(n), "") for n, c in lookup.items()}
    mapped = list(np.asarray([lookup[n] for n in cats] + [""], dtype=object)[names.cat.codes.to_numpy()])
    unmapped = sorted(n for n, c in lookup.items() if not c)
    return mapped, unmapped


def province_codes_for_bps_names(names, bridge: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Kemendagri province codes for BPS spreadsheet names ("KEP, BANGKA BELITUNG", "PAPUA"), matched on
    the normalised name against the bridge table's BPS names. Returns (codes, unmapped names).

    >>> br = pd.DataFrame({"region_code": ["91", "92"], "bps_code": ["94", "91"], "bps_name": ["PAPUA", "PAPUA BARAT"],
    ...                    "dagri_name": ["PAPUA", "PAPUA BARAT"]})
    >>> province_codes_for_bps_names(["PAPUA", "Papua Barat", "INDONESIA"], br)
    (['91', '92', ''], ['INDONESIA'])
    """
    prov = bridge[bridge["region_code"].str.len() == 2]
    keyed = {name_key(n): c for n, c in zip(prov["bps_name"], prov["region_code"])}
    keyed.update({name_key(n): c for n, c in zip(prov["dagri_name"], prov["region_code"])})
    out = [keyed.get(name_key(n), "") for n in names]
    return out, sorted({str(n) for n, c in zip(names, out) if not c})


#: the forms a region code may be written in, and the prefix that names a form explicitly ("djpk:30.03")
CODE_FORMS = ("kemendagri", "bps", "djpk")


def _split_form(code) -> tuple[str, str]:
    raw = str(code).strip()
    form, sep, rest = raw.partition(":")
    if sep:
        from ..errors import check_option

        check_option("region code form", form.strip().lower(), CODE_FORMS)
        return form.strip().lower(), rest.strip()
    return "", raw


def level_of(code) -> str:
    """ "provinsi" or "kabkota" from the shape of a code in any form (2 digits or "NN.00": a province).

    >>> level_of("75"), level_of("75.71"), level_of("7571"), level_of("30.00"), level_of("djpk:30.03")
    ('provinsi', 'kabkota', 'kabkota', 'provinsi', 'kabkota')
    """
    _, s = _split_form(code)
    digits = s.replace(".", "")
    dotted_ok = "." not in s or (len(s) == 5 and s[2] == ".")
    if not (dotted_ok and digits.isascii() and digits.isdigit() and len(digits) in (2, 4)):
        raise ConfigError(
            f"not a region code: {code!r} (expected Kemendagri '75.71', BPS '7571', DJPK '30.03' or a "
            "province '75')"
        )
    return "provinsi" if len(digits) == 2 or digits.endswith("00") else "kabkota"


def _bps_table(codes: pd.DataFrame, bridge: pd.DataFrame | None) -> dict:
    """BPS code -> Kemendagri code, from the bridge when given, else from the regions table's bps_code."""
    if bridge is not None and len(bridge):
        return dict(zip(bridge["bps_code"].astype(str), bridge["region_code"].astype(str)))
    if "bps_code" in codes:
        return {b: c for b, c in zip(codes["bps_code"].astype(str), codes["region_code"].astype(str)) if b}
    return {}


def _readings(form: str, s: str, codes: pd.DataFrame, bps: dict) -> dict[str, str]:
    """{form: Kemendagri code} for every form ``s`` can be read in and is found in the tables."""
    known = set(codes["region_code"].astype(str))
    digits = s.replace(".", "")
    out = {}
    if form in ("", "kemendagri") and (len(digits) == 2 or "." in s or form):
        dagri = digits[:2] if digits.endswith("00") and len(digits) == 4 and "." in s else digits
        dagri = dagri if len(dagri) == 2 else f"{dagri[:2]}.{dagri[2:]}"
        if dagri in known:
            out["kemendagri"] = dagri
    if form in ("", "bps") and "." not in s:
        hit = bps.get(digits)
        if hit:
            out["bps"] = hit
    if form in ("", "djpk") and "djpk_code" in codes:
        djpk = s if "." in s else f"{digits[:2]}.{digits[2:] or '00'}"
        if "." in s or form:
            hit = codes.loc[codes["djpk_code"].astype(str) == djpk, "region_code"]
            if len(hit):
                out["djpk"] = str(hit.iloc[0])
    return out


def resolve(
    code, codes: pd.DataFrame, bridge: pd.DataFrame | None = None, *, prefer: str | None = None
) -> str:
    """The Kemendagri code ("75.71", "75") of a pemda given in any of the three forms.

    - Kemendagri: "75.71" (kab/kota), "75" (province; "75.00" too);
    - BPS: "7571" (kab/kota, never dotted), "75" (province); looked up in ``bridge`` (:func:`bps_bridge`)
      or, without it, in the ``bps_code`` column of ``codes``;
    - DJPK: "30.03" (``kodepemda`` of kode_kabkota.csv), "30.00" (kode_provinsi.csv); needs the
      ``djpk_code`` column of :func:`djpk_codes`.

    ``codes`` is the regions table (:func:`djpk_codes`). A prefix names the form ("djpk:12.01",
    "bps:7502", "kemendagri:12.01"). When readings disagree (DJPK 12.01 is not Kemendagri 12.01; BPS 91
    is Papua Barat, Kemendagri 91 Papua) the code is ambiguous: :class:`ConfigError` naming every
    reading and how to write it, unless ``prefer`` picks a form. An unknown code raises ConfigError
    with the nearest known codes.
    """
    if prefer is not None:
        from ..errors import check_option

        check_option("prefer", prefer, CODE_FORMS)
    form, s = _split_form(code)
    level_of(s)  # shape check with a clear message
    found = _readings(form, s, codes, _bps_table(codes, bridge))
    distinct = set(found.values())
    if len(distinct) == 1:
        return distinct.pop()
    names = dict(zip(codes["region_code"].astype(str), codes["region_name"].astype(str)))
    if len(distinct) > 1:
        if prefer in found:
            return found[prefer]
        ways = "; ".join(
            f"{f} {s} = {names.get(c, c)} (write {f}:{s}" + (f" or {c})" if c != s else ")")
            for f, c in found.items()
        )
        raise ConfigError(f"region code {code!r} is ambiguous: {ways}")
    import difflib

    pool = list(codes["region_code"].astype(str))
    if "djpk_code" in codes:
        pool += [c for c in codes["djpk_code"].astype(str) if c]
    near = difflib.get_close_matches(s, pool, n=3, cutoff=0.5)
    hint = "; nearest: " + ", ".join(repr(n) for n in near) if near else ""
    raise ConfigError(
        f"region code {code!r} is not a known Kemendagri, BPS or DJPK code of a province or kab/kota{hint}"
    )


def bps_code(code, table: pd.DataFrame) -> str:
    """The BPS code ("7571", "94") of a Kemendagri code ("75.71", "91"), for joining BPS-keyed data
    (GRDP per capita, the district map). ``table`` is :func:`bps_bridge` or a regions table with
    ``bps_code``. Returns "" when the bridge has no entry (pemda created after the bridge's 2020 codes).

    >>> br = pd.DataFrame({"region_code": ["75.01", "75.02", "91"], "bps_code": ["7502", "7501", "94"]})
    >>> bps_code("75.01", br), bps_code("7502", br), bps_code("91", br), bps_code("95", br)
    ('7502', '7501', '94', '')
    """
    dagri = dagri_code(code)
    hit = table.loc[table["region_code"].astype(str) == dagri, "bps_code"]
    return str(hit.iloc[0]) if len(hit) and str(hit.iloc[0]) else ""


def resolve_list(value, codes: pd.DataFrame, bridge: pd.DataFrame | None = None, *, prefer=None) -> list[str]:
    """Kemendagri codes for a ``--region`` value: one code, a comma-separated list (or a list of either),
    or "all" (every pemda of ``codes``, provinces first, then kab/kota, each in code order). Each code may
    be in any form :func:`resolve` takes; repeats are dropped, order is kept.

    >>> codes = pd.DataFrame({"region_code": ["75", "75.71"], "region_name": ["P", "K"], "bps_code": ["75", "7571"]})
    >>> resolve_list("7571, 75,75.71", codes), resolve_list("all", codes)
    (['75.71', '75'], ['75', '75.71'])
    """
    items = [value] if isinstance(value, str) else list(value)
    parts = [p.strip() for item in items for p in str(item).split(",") if p.strip()]
    if not parts:
        raise ConfigError("no region code given (expected a code, a comma-separated list or 'all')")
    if any(p.lower() == "all" for p in parts):
        if len(parts) > 1:
            raise ConfigError(f"'all' cannot be combined with other region codes (found {', '.join(parts)})")
        known = sorted(codes["region_code"].astype(str).unique(), key=lambda c: (len(c), c))
        return [c for c in known if c]
    return list(dict.fromkeys(resolve(p, codes, bridge, prefer=prefer) for p in parts))
