"""The files of the synthetic national folder (:mod:`~kinerja_analysis.ingest.national`), in the formats
of the real sources: the scraper's account CSVs (LF, no quotes, no byte-order mark) written with pyarrow,
the DJPK code tables (CRLF), the BPS <-> Kemendagri bridge, quarcs-lab's GRDP table (byte-order mark,
CRLF, quoted " 8,200 " numbers, a trailing empty row) and a GeoJSON grid of invented district rectangles."""

from __future__ import annotations

import json
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ..files import atomic_path, atomic_write
from .national_catalogue import LEVELS

HEADER = "namapemda,provinsi,tahun,level1coa90,level2coa90,level3coa90,jenis,nilai\n"
GRDP_YEARS = range(2000, 2025)


def account_lines(data: dict, level: int, yi: int, labels):
    """The lines of one scraper file after its header (a pyarrow Buffer): every present account of every
    pemda of ``level`` in year ``yi``, Anggaran then Realisasi, pemda sorted by name, the blank-label rows
    last in their pemda's block."""
    import pyarrow as pa
    import pyarrow.compute as pc

    pm, year = data["pemda"], data["years"][yi]
    idx = np.array(sorted(np.flatnonzero(pm.level == level), key=lambda p: pm.name[p]), dtype=np.int64)
    pi, ai = np.nonzero(data["present"][idx, yi, :])
    p, a = np.repeat(idx[pi], 2), np.repeat(ai, 2)
    m = len(pi)
    jenis = np.tile(np.array([0, 1], np.int32), m)
    values = np.empty(2 * m, np.int64)
    values[0::2], values[1::2] = data["budget"][p[0::2], yi, a[0::2]], data["spent"][p[1::2], yi, a[1::2]]
    blank = np.empty(2 * m, bool)
    blank[0::2] = data["blank_budget"][p[0::2], yi, a[0::2]]
    blank[1::2] = data["blank_spent"][p[1::2], yi, a[1::2]]
    l1, l2, l3 = labels(level, year)
    # one "namapemda,provinsi,tahun,level1,level2,level3,jenis," text per (pemda, account, jenis), taken by
    # index, then joined to the value: two arrow kernels for the whole file
    names = [pm.name[q] for q in idx]
    provs = [pm.name[pm.province[q]] for q in idx]
    na = len(l1)
    prefix = [
        f"{n},{pr},{year},{a1},{a2},{a3},{j},"
        for n, pr in zip(names, provs)
        for a1, a2, a3 in zip(l1, l2, l3)
        for j in ("Anggaran", "Realisasi")
    ]
    pos = (np.repeat((pi * na + ai) * 2, 2) + jenis).astype(np.int32)
    text = pa.DictionaryArray.from_arrays(pa.array(pos), pa.array(prefix, pa.string())).cast(pa.string())
    nilai = pc.if_else(pa.array(blank), "", pa.array(values).cast(pa.string()))
    line = pc.binary_join_element_wise(text, nilai, "\n", "")  # prefix + value + "\n"
    offsets = np.frombuffer(line.buffers()[1], np.int32, len(line) + 1, line.offset * 4)
    return line.buffers()[2].slice(int(offsets[0]), int(offsets[-1] - offsets[0]))


def account_csv(data: dict, level: int, yi: int, labels) -> bytes:
    """One scraper file as bytes (header and :func:`account_lines`)."""
    return HEADER.encode() + account_lines(data, level, yi, labels).to_pybytes()


def _write_account_file(path: Path, data: dict, level: int, yi: int, labels) -> Path:
    body = account_lines(data, level, yi, labels)
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(HEADER.encode())
        fh.write(body)
    return path


def code_tables(pm) -> dict[str, str]:
    """kode_provinsi.csv and kode_kabkota.csv (the DJPK headers, CRLF), pemda sorted by name; the
    uncoded kab/kota is left out."""
    prov = ["kodepemda,kodesatker,namapemda,kodeprovinsi,kodekabkota,provinsi"]
    kab = ["kodepemda,kodesatker,namapemda,kodeprovinsi,kodekabkota,provinsi,kodewilayah"]
    for p in sorted(range(len(pm.name)), key=lambda i: pm.name[i]):
        pr = pm.province[p]
        satker = f"{800000 + p:06d}"
        if pm.level[p] == 0:
            prov.append(f"{pm.djpk[p]},{satker},{pm.name[p]},{pm.code[p]},,{pm.name[p]}")
        elif pm.code[p]:
            code = pm.code[p].replace(".", "")
            kab.append(f"{pm.djpk[p]},{satker},{pm.name[p]},{pm.code[pr]},{code},{pm.name[pr]},{pm.djpk[pr]}")
    return {"kode_provinsi.csv": "\r\n".join(prov) + "\r\n", "kode_kabkota.csv": "\r\n".join(kab) + "\r\n"}


def _bare(name: str) -> str:
    return name.removeprefix("Provinsi ").removeprefix("Kab. ").removeprefix("Kota ").upper()


def bridge(pm) -> dict[str, str]:
    """provinsi.csv and kabkota.csv of the BPS <-> Kemendagri bridge (kode_bps,nama_bps,kode_dagri,nama_dagri)."""
    out = {}
    for fname, level in (("provinsi.csv", 0), ("kabkota.csv", 1)):
        rows = []
        for p in np.flatnonzero(pm.level == level):
            if pm.code[p]:
                dagri = "KAB. " if pm.name[p].startswith("Kab.") else "KOTA " if level else ""
                rows.append(
                    (pm.bps[p], _bare(pm.name[p]), pm.code[p].replace(".", ""), dagri + _bare(pm.name[p]))
                )
        out[fname] = "".join(
            f"{','.join(r)}\n" for r in [("kode_bps", "nama_bps", "kode_dagri", "nama_dagri")] + sorted(rows)
        )
    return out


def districts(pm) -> list[int]:
    """The kab/kota with a BPS code (those in GRDP table and map), sorted by BPS code."""
    return sorted((p for p in range(len(pm.name)) if pm.level[p] == 1 and pm.bps[p]), key=lambda p: pm.bps[p])


def grdp_csv(pm, seed: int) -> tuple[bytes, dict]:
    """gdp_pc.csv in quarcs-lab's format, invented values (thousand Rupiah, 4 % a year, 2020 dip); one
    blank cell. Returns (bytes, where the blank cell is)."""
    rng = np.random.default_rng([seed, 514])
    ds = districts(pm)
    years = np.array(list(GRDP_YEARS))
    base = np.exp(rng.normal(np.log(30_000), 0.6, len(ds)))
    growth = rng.uniform(0.02, 0.06, len(ds))
    level = base[:, None] * (1 + growth[:, None]) ** (years - years[0])[None, :]
    level *= np.where(years >= 2020, 0.97, 1.0)[None, :]
    values = np.round(level).astype(np.int64)
    blank = (len(ds) // 2, len(years) - 3) if ds else None
    head = "districtID,district,provinceID,province,islandID,island," + ",".join(
        f"grdp_pc_{y}" for y in years
    )
    lines = ["\ufeff" + head]
    for i, p in enumerate(ds):
        pr = pm.province[p]
        cells = [f'" {v:,} "' for v in values[i]]
        if blank and i == blank[0]:
            cells[blank[1]] = ""
        name = pm.name[p].removeprefix("Kab. ")
        lines.append(f"{pm.bps[p]},{name},{pm.bps[pr]},{pm.name[pr]},9,Pulau Sintetis," + ",".join(cells))
    lines.append("," * (len(head.split(",")) - 1))
    where = {"bps_code": pm.bps[ds[blank[0]]], "year": int(years[blank[1]])} if blank else {}
    return ("\r\n".join(lines) + "\r\n").encode("utf-8"), where


def geojson(pm) -> bytes:
    """Invented district rectangles on a grid over Indonesia's extent (one block per province; the second of every five
    district a MultiPolygon of two rectangles), properties as in quarcs-lab's map."""
    ds = districts(pm)
    provs = sorted({int(pm.province[p]) for p in ds})
    ncol = max(1, math.ceil(math.sqrt(len(provs) * 46 / 17)))
    bw, bh = 46 / ncol, 17 / max(1, math.ceil(len(provs) / ncol))
    feats = []
    for bi, pr in enumerate(provs):
        x0, y0 = 95 + (bi % ncol) * bw, 6 - (bi // ncol + 1) * bh
        members = [p for p in ds if pm.province[p] == pr]
        c = math.ceil(math.sqrt(len(members)))
        r = math.ceil(len(members) / c)
        w, h = bw / c, bh / r
        for j, p in enumerate(members):
            cx, cy = x0 + (j % c) * w, y0 + (j // c) * h
            box = [cx + 0.05 * w, cy + 0.05 * h, cx + 0.95 * w, cy + 0.95 * h]
            if j % 5 == 1:
                mid = (box[0] + box[2]) / 2
                geom = {"type": "MultiPolygon", "coordinates": [[_ring(box[0], box[1], mid - 0.02 * w, box[3])],
                                                                [_ring(mid + 0.02 * w, box[1], box[2], box[3])]]}  # fmt: skip
            else:
                geom = {"type": "Polygon", "coordinates": [_ring(*box)]}
            props = {
                "districtID": int(pm.bps[p]),
                "district": pm.name[p].removeprefix("Kab. "),
                "COORD_X": round(cx + w / 2, 6),
                "COORD_Y": round(cy + h / 2, 6),
                "provinceID": int(pm.bps[pr]),
                "province": pm.name[pr],
                "islandID": 9,
                "Island": "Pulau Sintetis",
            }
            feats.append(json.dumps({"type": "Feature", "properties": props, "geometry": geom}))
    crs = '"crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:OGC:1.3:CRS84" } },\n'
    text = '{\n"type": "FeatureCollection",\n' + crs + '"features": [\n' + ",\n".join(feats) + "\n]\n}\n"
    return text.encode("utf-8")


def _ring(x0, y0, x1, y1) -> list:
    pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
    return [[round(x, 6), round(y, 6)] for x, y in pts]


def write_all(folder: Path, data: dict, labels, truth: dict | None) -> list[Path]:
    """Write every file of the national folder; returns their paths."""
    pm = data["pemda"]
    dj, br, qu = (
        folder / "djpk-apbd-jaga",
        folder / "kode-wilayah-bps-kemendagri",
        folder / "quarcs-indonesia514",
    )
    written = []

    def put(path: Path, content) -> None:
        atomic_write(path, content)
        written.append(path)

    jobs = [
        (dj / f"data_apbd_{lv}_level3-{year}.csv", data, level, yi, labels)
        for level, lv in enumerate(LEVELS)
        if (pm.level == level).any()
        for yi, year in enumerate(data["years"])
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:  # arrow's kernels release the GIL
        written += list(pool.map(lambda job: _write_account_file(*job), jobs))
    for name, text in code_tables(pm).items():
        put(dj / name, text)
    for name, text in bridge(pm).items():
        put(br / name, text)
    grdp, blank = grdp_csv(pm, data["seed"])
    put(qu / "gdp_pc.csv", grdp)
    put(qu / "mapIdonesia514tp.geojson", geojson(pm))
    if truth is not None:
        truth = dict(truth, grdp_blank_cell=blank)
        put(folder / "truth.json", json.dumps(truth, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    return written
