"""District GRDP per capita and the district map (github.com/quarcs-lab/indonesia514).

Two files, fetched by ``kinerja data fetch`` into ``quarcs-indonesia514/``:

- ``gdp_pc.csv``: one row per district (514 kabupaten/kota), ``districtID`` = **BPS** 4-digit code
  (1101 Simeulue), then ``district, provinceID, province, islandID, island`` and one column per year
  ``grdp_pc_2000`` ... ``grdp_pc_2024``: GRDP per capita in thousand Rupiah, written as quoted strings
  with thousands commas and spaces (" 8,200 "). The header starts with a byte-order mark and the file
  ends with an empty row.
- ``mapIdonesia514tp.geojson``: 514 simplified district polygons (CRS84) with ``districtID`` (BPS code),
  ``district``, ``provinceID``, ``province``.

Both are keyed by BPS codes: join them to Kemendagri-keyed budget data through
:func:`kinerja_analysis.ingest.regions.bps_code`, never by assuming the codes are equal.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import store
from ..errors import DataError

CSV_NAME, MAP_NAME, FOLDER = "gdp_pc.csv", "mapIdonesia514tp.geojson", "quarcs-indonesia514"
COLUMNS = ["bps_code", "district", "province_bps", "year", "grdp_pc", "grdp_pc_raw"]
#: GRDP tables read in this process, by file
_MEMO = store.Memo()
_YEAR_COL = re.compile(r"^grdp_pc_(\d{4})$")
_NUMBER = re.compile(r"^\d{1,3}(,\d{3})*(\.\d+)?$|^\d+(\.\d+)?$")


def _find(folder_or_file, name: str) -> Path:
    p = Path(folder_or_file)
    if p.is_dir():
        for cand in (p / name, p / FOLDER / name):
            if cand.is_file():
                return cand
        raise DataError(f"{p}: no {name} here or in {FOLDER}/; run `kinerja data fetch`")
    if not p.is_file():
        raise DataError(f"{p}: file not found")
    return p


def parse_number(text: str) -> float:
    """A GRDP cell as a float: thousands commas and spaces removed; blank -> NaN; else ValueError.

    >>> parse_number(" 8,200 "), parse_number("12345.5"), parse_number("  ")
    (8200.0, 12345.5, nan)
    """
    s = str(text).strip()
    if not s:
        return float("nan")
    if not _NUMBER.match(s):
        raise ValueError(s)
    return float(s.replace(",", ""))


def load(folder_or_file) -> pd.DataFrame:
    """GRDP per capita in long form: ``bps_code`` (4-digit text), ``district``, ``province_bps``
    (2-digit text), ``year`` (int), ``grdp_pc`` (float, thousand Rupiah; NaN where the cell is blank)
    and ``grdp_pc_raw`` (the cell as written). ``folder_or_file``: the csv, or a folder holding it
    (directly or in ``quarcs-indonesia514/``). Entirely blank rows are skipped; a cell that is not a
    number raises :class:`DataError` naming file, row and column. Read once per process while the file is
    unchanged (every pemda page of a run asks for it); each call gets its own copy.
    """
    path = _find(folder_or_file, CSV_NAME)
    hit = _MEMO.get(path)
    if hit is None:
        hit = _read(path)
        _MEMO.put(path, hit)
        hit = hit.copy()
    return hit


def _read(path: Path) -> pd.DataFrame:
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{path}: cannot read the GRDP table ({exc})") from exc
    if not rows:
        raise DataError(f"{path.name}: empty file; expected a header with districtID and grdp_pc_YYYY")
    header = [h.strip() for h in rows[0]]
    need = ["districtID", "district", "provinceID"]
    missing = [c for c in need if c not in header]
    years = {i: int(m[1]) for i, h in enumerate(header) if (m := _YEAR_COL.match(h))}
    if missing or not years:
        raise DataError(
            f"{path.name}: header {header[:8]}...; expected columns {need} and grdp_pc_YYYY (quarcs-lab format)"
        )
    ic, idist, iprov = (header.index(c) for c in need)
    out = {k: [] for k in COLUMNS}
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise DataError(
                f"{path.name}, row {line}: {len(row)} cells; expected {len(header)} as in the header"
            )
        code, prov = row[ic].strip(), row[iprov].strip()
        if not (len(code) == 4 and code.isdigit()):
            raise DataError(
                f"{path.name}, row {line}, column districtID: expected a 4-digit BPS code, found {code!r}"
            )
        if not (len(prov) == 2 and prov.isdigit() and code.startswith(prov)):
            raise DataError(
                f"{path.name}, row {line}, column provinceID: expected the 2-digit BPS province code of "
                f"{code}, found {prov!r}"
            )
        if code in seen:
            raise DataError(f"{path.name}, row {line}: district {code} repeats row {seen[code]}")
        seen[code] = line
        for i, year in years.items():
            raw = row[i]
            try:
                value = parse_number(raw)
            except ValueError:
                raise DataError(
                    f"{path.name}, row {line}, column {header[i]}: expected a number in thousand Rupiah "
                    f"(like ' 8,200 '), found {raw!r}"
                ) from None
            out["bps_code"].append(code)
            out["district"].append(row[idist].strip())
            out["province_bps"].append(prov)
            out["year"].append(year)
            out["grdp_pc"].append(value)
            out["grdp_pc_raw"].append(raw)
    df = pd.DataFrame(out, columns=COLUMNS)
    df["year"] = df["year"].astype("int64")
    df["grdp_pc"] = df["grdp_pc"].astype("float64")
    return df


@dataclass
class District:
    """One district of the map: BPS code, name, BPS province code and name, and its polygons.

    ``polygons`` is a list of polygons; each polygon a list of rings (the first the outer ring, the
    others holes); each ring an (n, 2) float array of (lon, lat)."""

    bps_code: str
    name: str
    province_bps: str
    province: str
    polygons: list = field(default_factory=list)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(min lon, min lat, max lon, max lat) over all rings."""
        pts = np.vstack([ring for poly in self.polygons for ring in poly])
        return float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max())


def _rings(rings, where: str) -> list:
    out = []
    for ring in rings:
        arr = np.asarray(ring, dtype=float)
        if arr.ndim != 2 or arr.shape[1] < 2 or len(arr) < 3:
            raise DataError(f"{where}: a ring is not a list of at least 3 [lon, lat] points")
        out.append(arr[:, :2])
    if not out:
        raise DataError(f"{where}: a polygon without rings")
    return out


def read_map(path) -> list[District]:
    """The district polygons of a GeoJSON FeatureCollection (Polygon and MultiPolygon; stdlib json, no
    geopandas). ``path``: the file, or a folder holding ``mapIdonesia514tp.geojson``. Codes become
    text ("1101"); a feature without a 4-digit ``districtID`` or with another geometry raises DataError."""
    path = _find(path, MAP_NAME)
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(f"{path}: cannot read as GeoJSON ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise DataError(f"{path.name}: expected a GeoJSON FeatureCollection")
    out = []
    for i, feat in enumerate(doc.get("features") or []):
        where = f"{path.name}, feature {i}"
        props = feat.get("properties") or {}
        code = str(props.get("districtID", "")).strip()
        if code.endswith(".0"):  # a number written as a float
            code = code[:-2]
        if not (len(code) == 4 and code.isdigit()):
            raise DataError(f"{where}, property districtID: expected a 4-digit BPS code, found {code!r}")
        geom = feat.get("geometry") or {}
        kind, coords = geom.get("type"), geom.get("coordinates")
        if kind == "Polygon":
            polys = [_rings(coords, where)]
        elif kind == "MultiPolygon":
            polys = [_rings(p, where) for p in coords]
        else:
            raise DataError(f"{where} ({code}): geometry {kind!r}; expected Polygon or MultiPolygon")
        prov = str(props.get("provinceID", code[:2])).strip().removesuffix(".0")
        out.append(
            District(code, str(props.get("district", "")), prov, str(props.get("province", "")), polys)
        )
    if not out:
        raise DataError(f"{path.name}: no features")
    return out
