"""The demo data's fictional world, read from ``resources/demo_catalogue.toml``: six pemda, their OPDs and
indicators, the 2021 rename and merger, and the rules that pick which OPDs and indicators a region has.

Everything here is invented. :mod:`kinerja_analysis.ingest.demo` draws the budgets and achievements.
"""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CATALOGUE_FILE = Path(__file__).resolve().parents[1] / "resources" / "demo_catalogue.toml"


def _opd(entry: dict) -> dict:
    """One OPD: size = 2019 (pegawai, barang_jasa, modal) in Rp miliar for an average pemda; cut = barang/
    jasa cut share in 2020 (None = a health OPD, whose budget grew); indicators are (name, unit, polarity
    "+"/"-"/"r", 2018 target, change per year, sasaran index[, range width])."""
    return dict(
        key=entry["key"],
        name=entry["name"],
        sector=entry["sector"],
        size=tuple(entry["size"]),
        cut=entry.get("cut"),
        sasaran=list(entry["sasaran"]),
        indicators=[tuple(i) for i in entry["indicators"]],
        core=entry.get("core", False),
        kind=entry.get("kind"),
    )


_DATA = tomllib.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))

OPD_TYPES = tuple(_DATA["opd_types"])
#: units counted in whole numbers: actuals are rounded to integers (targets there are >= ~100)
COUNT_UNITS = set(_DATA["count_units"])
#: (code, name, kind, short name used for kecamatan)
REGIONS = [(r["code"], r["name"], r["kind"], r["short"]) for r in _DATA["regions"]]
#: (region, OPD key, new name, note)
RENAME = tuple(_DATA["rename"][k] for k in ("region_code", "opd", "new_name", "note"))
#: (region, (OPD keys), new name, note)
MERGE = (
    _DATA["merge"]["region_code"],
    tuple(_DATA["merge"]["opds"]),
    _DATA["merge"]["new_name"],
    _DATA["merge"]["note"],
)
#: the urusan of the merged OPD
MERGE_SECTOR = _DATA["merge"]["sector"]
#: one negative indicator in one region is scored T/R in its LKjIP (per-row ``formula`` override)
OVERRIDE = tuple(_DATA["override"][k] for k in ("region_code", "opd", "indicator"))
CHANGE_YEAR = _DATA["change_year"]
KECAMATAN_SUFFIXES = tuple(_DATA["kecamatan_suffixes"])
#: (name, unit, polarity, 2018 target, change per year, sasaran text)
GENERIC_INDICATORS = [tuple(i) for i in _DATA["generic_indicators"]]
CATALOGUE = [_opd(o) for o in _DATA["opd"]]
KECAMATAN = _opd(_DATA["kecamatan"])


def entities(rng, code: str, kind: str, short: str) -> list[dict]:
    """OPDs of one region as they stood before the 2021 changes (a merged pair is two entities)."""
    forced = {RENAME[1]} | (set(MERGE[1]) if code == MERGE[0] else set())
    pool = [o for o in CATALOGUE if o["kind"] in (None, kind)]
    must = [o for o in pool if o["core"] or o["key"] in forced]
    rest = [o for o in pool if o not in must]
    n_agencies = int(rng.integers(24, 33))
    pick = rng.choice(len(rest), size=max(n_agencies - len(must), 0), replace=False)
    chosen = must + [rest[i] for i in sorted(pick)]
    chosen = sorted(chosen, key=lambda o: CATALOGUE.index(o))
    n_kec = int(rng.integers(3, 7))
    kecs = [
        dict(KECAMATAN, key="KEC" + s.upper(), name=f"Kecamatan {short} {s}")
        for s in KECAMATAN_SUFFIXES[:n_kec]
    ]
    return [dict(o) for o in chosen] + kecs


def name_in(code: str, ent: dict, year: int) -> str:
    """OPD name in a given year, after the 2021 rename/merger in the two affected regions.

    >>> kominfo = next(o for o in CATALOGUE if o["key"] == "KOMINFO")
    >>> name_in("99.02", kominfo, 2020), name_in("99.02", kominfo, 2021)
    ('Dinas Komunikasi dan Informatika', 'Dinas Komunikasi, Informatika dan Persandian')
    """
    if year >= CHANGE_YEAR:
        if code == RENAME[0] and ent["key"] == RENAME[1]:
            return RENAME[2]
        if code == MERGE[0] and ent["key"] in MERGE[1]:
            return MERGE[2]
    return ent["name"]


def sector_in(code: str, ent: dict, year: int) -> str:
    """The OPD's urusan in a given year: the merged OPD carries one urusan from the merger on.

    >>> keb = next(o for o in CATALOGUE if o["key"] == "KEBUDAYAAN")
    >>> sector_in("99.71", keb, 2020), sector_in("99.71", keb, 2021), sector_in("99.01", keb, 2021)
    ('2.22', '3.26', '2.22')
    """
    if year >= CHANGE_YEAR and code == MERGE[0] and ent["key"] in MERGE[1]:
        return MERGE_SECTOR
    return ent["sector"]


def indicators(rng, code: str, ent: dict) -> list[tuple]:
    """The indicators an OPD reports: range and override indicators first, then a random draw."""
    merged = code == MERGE[0] and ent["key"] in MERGE[1]
    n = int(rng.integers(3, 5) if merged else rng.integers(3, 9))  # a merged OPD must stay <= 8
    own = [
        (i[0], i[1], i[2], i[3], i[4], ent["sasaran"][i[5]], i[6] if len(i) > 6 else None)
        for i in ent["indicators"]
    ]
    pinned = [i for i in own if i[6] is not None or (ent["key"] == OVERRIDE[1] and i[0] == OVERRIDE[2])]
    rest = [i for i in own if i not in pinned]
    rest = [rest[j] for j in rng.permutation(len(rest))]
    generic = [GENERIC_INDICATORS[j] + (None,) for j in rng.permutation(len(GENERIC_INDICATORS))]
    return (pinned + rest + generic)[:n]
