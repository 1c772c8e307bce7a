"""DJPK / JAGA APBD files (long format) into the tidy ``anggaran`` table and a matching revenue table.

The scraper of github.com/BetaUliansyah/jaga-apbd-scraper writes one CSV per year and level
(``data_apbd_provinsi_level3-YYYY.csv``, ``data_apbd_kabkota_level3-YYYY.csv``) with the columns
``namapemda, provinsi, tahun, level1coa90, level2coa90, level3coa90, jenis, nilai``: one row per
pemda x year x level-3 account x jenis (Anggaran | Realisasi), ``nilai`` in full Rupiah.

What these files hold, and the traps found in them (checked on the 2018-2025 province files):

- **No total rows.** Every total is a sum of level-3 rows.
- **Two levels, never pooled.** Each row gets ``level`` ("provinsi" | "kabkota") from its file's name;
  a file named otherwise takes it from each namapemda ("Provinsi ..." vs "Kab./Kabupaten/Kota ...") and
  ``djpk_checks.issues`` says so (``level_inferred``). One folder may hold both; every check and total
  groups by level (a pemda is (level, region_name)).
- **Classification is by account label, not by code prefix.** The codes are the scraper's own
  (Belanja Modal is "520" under "53."), and in Permendagri 90/2019 "5.2" means something else again.
  Labels vary across years ("52. Belanja Barang Jasa" vs "52. Belanja Barang dan Jasa"), so labels are
  normalised (number stripped, case, "dan"/"&", punctuation) and looked up in the tables of
  :mod:`~kinerja_analysis.ingest.djpk_labels`. An
  unknown label raises :class:`~kinerja_analysis.errors.DataError` naming the label, file and row.
  A blank level-3 label falls back to its level-2 label and is flagged ``blank_level3``.
- **Blank-label rows.** Some kab/kota rows have all three labels blank, some with money. They cannot be
  classified: section "unclassified", flag ``blank_label``, kept (never a crash), out of every typed
  total (belanja, pendapatan, financing), listed by ``djpk_checks.issues`` and summed per pemda-year by
  ``djpk_checks.unclassified``.
- **The 422/434 repeat (the trap).** From 2022 some pemda carry "Pendapatan Transfer Antar Daerah"
  twice in the same year, as "422." and as "434.". Counting both breaks the budget identity by the
  repeated amount (Provinsi Lampung 2022: Rp 28.8 bn; Sumatera Barat 2023: Rp 27.9 bn; Papua 2024:
  Rp 93.3 bn). **434 is the live code**: where a pemda-year has a 434 row, it is kept and that
  pemda-year's 422 rows are flagged ``duplicate_label`` and left out of the tidy tables; a pemda-year
  with 422 only keeps 422. Evidence: in the province files the Anggaran is equal on both codes, and
  where the Realisasi differs it is on 434 (422 shows 0: NTB 2023 and 2024, Papua 2024: Rp 130.4 bn);
  the scraper's kab/kota files from 2023 on show the same, and there keeping 434 balances the identity
  where keeping 422 does not. ``djpk_checks.repeat_decisions`` lists every pemda-year with both codes,
  the evidence, and where it points the other way. (Until CACHE_VERSION djpk-3 the rule kept 422.)
  Any other label repeated under two codes keeps its lowest code.
- **Budget identity.** For "Anggaran", pendapatan - belanja + (penerimaan - pengeluaran pembiayaan)
  should be 0 (a balanced APBD). ``djpk_checks.budget_identity`` checks it per pemda-year. For
  "Realisasi" it is not 0 by design: the realised balance is next year's SiLPA.
- **"Anggaran" is not one concept.** For 2020 it is largely the budget set before the COVID-19
  refocusing (province BTT was realised at about 20 times its "Anggaran"); later it is often the revised
  budget. It is loaded into ``budget_revised`` (DESIGN.md section 3) and reports say what it means.
- **Partial years.** The last scraped year's realisation is incomplete; ``djpk_checks.partial_years`` flags it
  (per level).
- **Suspect years.** ``djpk_checks.suspect_years`` lists, per pemda-year, Realisasi copied from the
  year before account for account (Provinsi Maluku 2021 repeats 2020 to within Rp 1), serapan under
  60 % or over 120 %, the partial last year and the provisional year before it.
- Blank ``nilai`` cells are missing (NaN, flag ``blank_value``), never a silent 0; the raw text is kept.
"""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from .. import paths as project_paths
from ..errors import DataError
from ..files import atomic_path
from . import djpk_files, regions
from .djpk_checks import (  # noqa: F401  (djpk.issues etc. too)
    budget_identity,
    counted,
    issues,
    partial_years,
    partial_years_by_level,
)
from .djpk_files import COLUMNS, JENIS, files  # noqa: F401  (djpk.files, djpk.COLUMNS)
from .djpk_labels import LEVELS, classify, level_of_file, level_of_name, norm_label  # noqa: F401

#: bump when the parsed table or the checks change, so that stale caches (the Parquet copy and the check
#: tables cached beside it by ``realdata.load``) are not reused
CACHE_VERSION = "djpk-4"


def _cache_path(paths: list[Path], cache_dir: Path) -> Path:
    h = hashlib.sha256(CACHE_VERSION.encode())
    for p in paths:
        st = p.stat()
        h.update(f"{p}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return cache_dir / f"djpk-{h.hexdigest()[:20]}.parquet"


def cache_file(paths, cache: bool | str | Path = True) -> Path | None:
    """The Parquet copy :func:`read_accounts` keeps for ``paths`` (None when ``cache`` is False): in
    :func:`kinerja_analysis.paths.cache_dir` (or the folder ``cache`` names), named by a hash of
    :data:`CACHE_VERSION` and the files' paths, sizes and modification times. Tables derived from the
    accounts may be cached beside it under the same stem."""
    if not cache:
        return None
    return _cache_path(files(paths), project_paths.cache_dir(None if cache is True else cache))


def read_accounts(paths, *, cache: bool | str | Path = False) -> pd.DataFrame:
    """Every account row of the files, classified, one row per pemda x year x account.

    Columns: ``region_name`` (namapemda), ``province_name``, ``year``, ``level1/2/3`` (raw labels),
    ``section`` (pendapatan, belanja, financing_in, financing_out), ``group``, ``category``,
    ``budget`` (Anggaran) and ``spent`` (Realisasi) in Rupiah with ``budget_raw``/``spent_raw`` text,
    ``source_file``, ``source_row`` (line of the Anggaran row), ``source_row_spent`` and ``flag``.
    ``level`` is "provinsi" or "kabkota", from the file name (else from each namapemda).
    ``cache=True`` keeps a Parquet copy in the user cache folder (:func:`kinerja_analysis.paths.cache_dir`:
    $KINERJA_CACHE, else ~/.cache/kinerja), a path keeps it in that folder; keyed on the files' paths,
    sizes and modification times and on :data:`CACHE_VERSION`.
    """
    paths = files(paths)
    target = cache_file(paths, cache)
    if target is not None and target.exists():
        return pd.read_parquet(target)
    out = _pair(djpk_files.read(paths))
    _level(out)
    _label(out)
    _flag_duplicates(out)
    out = _frame(out)
    if target is not None:
        with atomic_path(target) as tmp:
            out.to_parquet(tmp, index=False)
    return out


KEY = ["source_file", "namapemda", "provinsi", "tahun", "level1coa90", "level2coa90", "level3coa90"]


def _pair(rows: dict) -> dict:
    """One record per account with both jenis, as a dict of numpy arrays (labels as codes + values),
    from the coded rows of :func:`djpk_files.read`.

    The scraper writes Anggaran then Realisasi for each account; that fast path is verified, and any
    other order is paired by key (a repeated key pairs in order of appearance)."""
    import pyarrow.compute as pc

    codes, values = rows["codes"], rows["values"]
    isb, raw, value, row = rows["is_budget"], rows["nilai"], rows["value"], rows["source_row"]
    n = len(isb)
    if (
        n % 2 == 0
        and isb[0::2].all()
        and not isb[1::2].any()
        and all((codes[c][0::2] == codes[c][1::2]).all() for c in KEY)
    ):
        ia, ir = np.arange(0, n, 2), np.arange(1, n, 2)
        pick_a, pick_r = slice(0, n, 2), slice(1, n, 2)  # the same rows, picked by strided copy
    else:
        key = np.zeros(n, dtype=np.int64)
        for c in KEY:  # one integer per key: mixed radix over the code ranges
            key = key * (int(codes[c].max(initial=0)) + 1 + (c == "tahun") * 0) + codes[c]
        occ = pd.Series(key).groupby([key, isb]).cumcount().to_numpy()
        a = pd.DataFrame({"k": key[isb], "o": occ[isb], "ia": np.flatnonzero(isb)})
        r = pd.DataFrame({"k": key[~isb], "o": occ[~isb], "ir": np.flatnonzero(~isb)})
        m = a.merge(r, on=["k", "o"], how="outer", sort=False)
        ia = m["ia"].to_numpy()
        ir = m["ir"].to_numpy()
        ia = np.where(np.isnan(ia), ir, ia).astype(np.int64) if m["ia"].isna().any() else ia.astype(np.int64)
        miss_r = m["ir"].isna().to_numpy()
        ir = np.where(miss_r, ia, np.nan_to_num(ir)).astype(np.int64)
        pick_a, pick_r = ia, ir
    out = {
        "idx": ia,
        "codes": {c: codes[c][pick_a].copy() for c in KEY},
        "values": values,
        "budget": value[pick_a].copy(),
        "budget_raw": raw.take(ia),
        "spent": value[pick_r].copy(),
        "spent_raw": raw.take(ir),
        "source_row": row[pick_a].copy(),
        "source_row_spent": row[pick_r].copy(),
    }
    if n % 2 or not (isb[ia].all() and not isb[ir].any()):
        # unmatched rows: an Anggaran without Realisasi (or the reverse) leaves the other side missing
        only_r = ~isb[ia]
        only_a = isb[ir]
        out["budget"] = np.where(only_r, np.nan, out["budget"])
        out["budget_raw"] = pc.if_else(only_r, "", out["budget_raw"])
        out["spent"] = np.where(only_a, np.nan, out["spent"])
        out["spent_raw"] = pc.if_else(only_a, "", out["spent_raw"])
    return out


def _level(rec: dict) -> None:
    """``level`` from each file's name; a file not named like the scraper's takes each row's level from
    its namapemda (``djpk_checks.issues`` lists such files as ``level_inferred``)."""
    c, v = rec["codes"], rec["values"]
    index = {name: i for i, name in enumerate(LEVELS)}
    by_file = np.array([index.get(level_of_file(f), -1) for f in v["source_file"]], dtype=np.int8)
    by_name = np.array([index.get(level_of_name(x), -1) for x in v["namapemda"]], dtype=np.int8)
    lv = by_file[c["source_file"]]
    unknown = lv < 0
    if unknown.any():
        lv[unknown] = by_name[c["namapemda"][unknown]]
        if (lv < 0).any():
            i = int(np.flatnonzero(lv < 0)[0])
            raise DataError(
                f"{v['source_file'][c['source_file'][i]]}, row {rec['source_row'][i]}, column namapemda: "
                f"cannot tell provinsi from kab/kota: the file is not named data_apbd_provinsi_level3-YYYY.csv "
                f"or data_apbd_kabkota_level3-YYYY.csv, and the name {v['namapemda'][c['namapemda'][i]]!r} "
                "does not start with 'Provinsi', 'Kab.', 'Kabupaten' or 'Kota'"
            )
    rec["level"] = pd.Categorical.from_codes(lv, categories=list(LEVELS))


def _label(rec: dict) -> None:
    """Classify each distinct label triple once (in the order of their integer keys), then spread the
    result by integer codes. ``flag`` holds codes into ``flag_names``."""
    c = rec["codes"]
    v = rec["values"]
    key = (c["level1coa90"] * (len(v["level2coa90"]) + 1) + c["level2coa90"]) * (
        len(v["level3coa90"]) + 1
    ) + c["level3coa90"]
    seen, uniq = pd.factorize(key)  # numbered in order of first appearance
    # the first row of each distinct key: where the running number grows
    first = np.flatnonzero(np.diff(np.maximum.accumulate(seen), prepend=-1) > 0)
    order = np.argsort(uniq, kind="stable")  # classified (and the first unknown reported) by key
    hits = []
    for i in first[order]:
        l1, l2, l3 = (v[k][c[k][i]] for k in ("level1coa90", "level2coa90", "level3coa90"))
        hit = classify(l1, l2, l3)
        if hit is None:
            raise DataError(
                f"{v['source_file'][c['source_file'][i]]}, row {rec['source_row'][i]}: unknown account "
                f"label {l3!r} (level 2 {l2!r}, level 1 {l1!r}); add its normalised form "
                f"{norm_label(l3) or norm_label(l2)!r} to kinerja_analysis/ingest/djpk_labels.py"
            )
        hits.append(hit)
    rank = np.empty(len(uniq), np.int64)
    rank[order] = np.arange(len(uniq))
    inv = rank[seen]
    for j, name in enumerate(("section", "group", "category")):
        small, uniques = pd.factorize(np.array([h[j] for h in hits], dtype=object))
        rec[name] = pd.Categorical.from_codes(small[inv], categories=pd.Index(uniques, dtype=str))
    small, rec["flag_names"] = pd.factorize(np.array([h[3] for h in hits], dtype=object))
    rec["flag"] = small[inv]


#: the repeated revenue label and its live code (see the module docstring: 434 wins over 422)
TRANSFER_LABEL, LIVE_CODE = "pendapatan transfer antar daerah", "434"


def label_code(label) -> str:
    """The scraper's account code of a label, without dots ("434. Pendapatan ..." -> "434").

    >>> label_code("434. Pendapatan Transfer Antar Daerah"), label_code("")
    ('434', '')
    """
    m = re.match(r"^\s*([\d.]+)", str(label))
    return m[1].replace(".", "") if m else ""


def _flag_duplicates(rec: dict) -> None:
    """Flag repeated keys, and the same level-3 label under two codes in one pemda-year (the 422/434 trap).

    Within a group (level, pemda, year, section, normalised label) one code is kept: 434 for
    "Pendapatan Transfer Antar Daerah" when the group has it, else the lowest code; the others are
    flagged ``duplicate_label``."""
    c, v = rec["codes"], rec["values"]
    n = len(rec["idx"])
    key = np.zeros(n, dtype=np.int64)
    for k in KEY:
        key = key * (int(c[k].max(initial=0)) + 1) + c[k]
    dup_key = pd.Series(key).duplicated(keep="first").to_numpy()
    cats = v["level3coa90"]
    n3 = np.array([norm_label(x) for x in cats], dtype=object)
    code = np.array([label_code(x) for x in cats], dtype=object)
    live = (n3 == TRANSFER_LABEL) & (code == LIVE_CODE)
    label_id = pd.factorize(n3)[0]
    order = np.lexsort((code, ~live, n3))
    rank = np.empty(len(cats), dtype=np.int64)
    rank[order] = np.arange(len(cats))
    l3 = c["level3coa90"]
    # only a label written under two or more codes can repeat: the groups are formed for those rows only
    shared = pd.Series(n3).duplicated(keep=False).to_numpy() & (n3 != "")
    rows = np.flatnonzero(shared[l3])
    dup_label = np.zeros(n, bool)
    if rows.size:
        sec = rec["section"].codes[rows].astype(np.int64)
        pemda = rec["level"].codes[rows].astype(np.int64) * (len(v["namapemda"]) + 1) + c["namapemda"][rows]
        grp = ((pemda * 10_000 + c["tahun"][rows]) * 8 + sec) * (len(cats) + 1) + label_id[l3[rows]]
        # within a group the best-ranked code is kept, the other codes repeat it
        r = rank[l3[rows]]
        _, at = np.unique(grp, return_inverse=True)
        best = np.full(int(at.max()) + 1, np.iinfo(np.int64).max)
        np.minimum.at(best, at.ravel(), r)
        dup_label[rows] = r != best[at.ravel()]
    # rows with all three labels blank share one key by nature: each is its own row, never a repeat
    blank = rec["flag_names"][rec["flag"]] == "blank_label" if n else np.zeros(0, bool)
    rec["dup_key"], rec["dup_label"] = dup_key & ~dup_label & ~blank, dup_label


def _flags(rec: dict) -> pd.Categorical:
    """The ``flag`` column: the label flag plus the value and repeat flags, joined by ";" (built once
    per distinct combination, not per row)."""
    parts = {
        "blank_value": np.isnan(rec["budget"]) | np.isnan(rec["spent"]),
        "negative_value": (rec["budget"] < 0) | (rec["spent"] < 0),
        "duplicate_key": rec["dup_key"],
        "duplicate_label": rec["dup_label"],
    }
    base, base_names = rec["flag"], rec["flag_names"]
    bits = np.zeros(len(base), np.int64)
    for j, m in enumerate(parts.values()):
        bits |= m.astype(np.int64) << j
    combo, uniq = pd.factorize(base.astype(np.int64) * 16 + bits)
    names = []
    for u in uniq:
        b, m = divmod(int(u), 16)
        words = [base_names[b]] if base_names[b] else []
        names.append(";".join(words + [k for j, k in enumerate(parts) if m >> j & 1]))
    if not names:
        return pd.Categorical(np.asarray(names, dtype=object)[combo])
    order = np.argsort(np.asarray(names, dtype=object), kind="stable")  # sorted, as Categorical sorts them
    at = np.empty(len(names), np.int64)
    at[order] = np.arange(len(names))
    return pd.Categorical.from_codes(at[combo], categories=pd.Index([names[k] for k in order]))


def _frame(rec: dict) -> pd.DataFrame:
    flag = _flags(rec)
    c, v = rec["codes"], rec["values"]

    def cat(k):
        vals = pd.Index(v[k]).astype(str)
        if vals.has_duplicates:  # never from arrow's dictionary encoding, but stay safe
            return v[k][c[k]]
        return pd.Categorical.from_codes(c[k], categories=vals)

    data = {
        "source_file": cat("source_file"),
        "level": rec["level"],
        "region_name": cat("namapemda"),
        "province_name": cat("provinsi"),
        "year": c["tahun"].astype("int16"),
        "level1": cat("level1coa90"),
        "level2": cat("level2coa90"),
        "level3": cat("level3coa90"),
    }
    data.update(
        {
            "source_row": rec["source_row"],
            "budget": rec["budget"],
            "budget_raw": rec["budget_raw"].to_pandas(),
            "spent": rec["spent"],
            "spent_raw": rec["spent_raw"].to_pandas(),
            "source_row_spent": rec["source_row_spent"],
            "section": rec["section"],
            "group": rec["group"],
            "category": rec["category"],
            "flag": flag,
        }
    )
    return pd.DataFrame(data)


def _codes(acc: pd.DataFrame, codes: pd.DataFrame):
    """(region codes of the rows, unmapped names): each distinct name is mapped once."""
    names = acc["region_name"]
    if not isinstance(names.dtype, pd.CategoricalDtype) or not len(names):  # (an empty list: float column)
        return regions.map_names(names, codes)
    cats = [str(c) for c in names.cat.categories.to_numpy(dtype=object)]  # (iterating an Arrow Index is slow)
    mapped, unmapped = regions.map_names(cats, codes)  # every category, used or not, as map_names does
    return pd.array(mapped + [""], dtype="str").take(names.cat.codes.to_numpy()), unmapped


def default_codes(paths) -> pd.DataFrame:
    """The DJPK code tables beside the data files (``kode_provinsi.csv``, ``kode_kabkota.csv``)."""
    return regions.codes_near(files(paths), bps=False)


def load(paths, *, codes: pd.DataFrame | None = None, cache: bool | str | Path = False) -> pd.DataFrame:
    """The tidy ``anggaran`` table (belanja only) from DJPK files: a file, a list of files or a folder.

    ``budget_revised`` holds DJPK "Anggaran", ``spent`` "Realisasi", ``budget_original`` is empty
    (DJPK has one budget figure). ``opd`` and ``program`` are empty (pemda totals). Raw labels, the
    source file and row, flags and ``partial_year`` are kept. ``region_code`` comes from the code
    tables (``codes``: a regions table; by default the ``kode_*.csv`` beside the files); names that
    fail to map get an empty code and are listed in ``df.attrs["unmapped_names"]``.
    """
    if codes is not None or cache:
        codes = default_codes(paths) if codes is None else codes
        return anggaran_from_accounts(read_accounts(paths, cache=cache), codes)
    # without a cache to write, the code tables (Python) are read while pyarrow reads the data files
    with ThreadPoolExecutor(max_workers=1) as pool:
        near = pool.submit(default_codes, paths)
        try:
            acc = read_accounts(paths)
        except Exception:
            near.result()  # a bad code table is reported first, as when it was read first
            raise
        return anggaran_from_accounts(acc, near.result())


def load_revenue(
    paths, *, codes: pd.DataFrame | None = None, cache: bool | str | Path = False
) -> pd.DataFrame:
    """Revenue (pendapatan) in the same shape: ``revenue_group`` (pad, tkdd, other), ``revenue_type``,
    ``budget_revised`` (Anggaran), ``spent`` (Realisasi). Repeated labels (the 422/434 trap) are left out."""
    codes = default_codes(paths) if codes is None else codes
    return revenue_from_accounts(read_accounts(paths, cache=cache), codes)


#: accounts columns carried into the tidy anggaran table, under these names
ANGGARAN_KEEP = {
    "level": "level",
    "region_name": "region_name",
    "province_name": "province_name",
    "level1": "label_level1",
    "level2": "label_level2",
    "level3": "label_level3",
    "budget_raw": "budget_raw",
    "spent_raw": "spent_raw",
    "source_file": "source_file",
    "source_row": "source_row",
    "flag": "flag",
}


def anggaran_from_accounts(acc: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """:func:`load` on an already read accounts table."""
    cols = ["section", "year", "category", "budget", "spent", *ANGGARAN_KEEP]
    b = acc[cols][(acc["section"] == "belanja").to_numpy() & counted(acc)].reset_index(drop=True)
    region_code, unmapped = _codes(b, codes)
    year = b["year"].to_numpy().astype(np.int64)
    data = {
        "region_code": region_code,
        "year": year,
        "opd": "",
        "program": "",
        "spending_type": b["category"].astype(object),
        "budget_original": np.nan,
        "budget_revised": b["budget"],
        "spent": b["spent"],
    }
    data.update({new: b[old] for old, new in ANGGARAN_KEEP.items()})
    partial = np.zeros(len(b), bool)
    # judged per level, never pooled; b holds exactly the rows partial_years_by_level(acc) sums
    for level, years in partial_years_by_level(b).items():
        partial |= (b["level"] == level).to_numpy() & np.isin(year, years)
    data["partial_year"] = partial
    out = pd.DataFrame(data)
    out.attrs["unmapped_names"] = unmapped
    return out


def revenue_from_accounts(acc: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """:func:`load_revenue` on an already read accounts table."""
    p = acc[(acc["section"] == "pendapatan").to_numpy() & counted(acc)].reset_index(drop=True)
    region_code, unmapped = _codes(p, codes)
    out = pd.DataFrame(
        {
            "region_code": region_code,
            "year": p["year"].astype("int64"),
            "revenue_group": p["group"].astype(str),
            "revenue_type": p["category"].astype(str),
            "budget_revised": p["budget"],
            "spent": p["spent"],
        }
    )
    rest = p[["level", "region_name", "level2", "level3", "source_file", "source_row", "flag"]].rename(
        columns={"level2": "label_level2", "level3": "label_level3"}
    )
    out = pd.concat([out, rest], axis=1)
    out.attrs["unmapped_names"] = unmapped
    return out
