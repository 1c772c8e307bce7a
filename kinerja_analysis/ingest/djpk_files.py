"""DJPK / JAGA APBD files: finding them, and reading them into integer-coded columns.

:func:`read` parses every file in a thread pool (pyarrow releases the GIL while it reads and computes),
and does each file's per-row work there: the label columns dictionary-encoded, ``jenis`` and ``tahun``
checked, ``nilai`` parsed (blank cells missing, the raw text kept). The main thread only stacks the
results. Errors name the file, row and column, in the order a reader meets them: a file that cannot be
read (or has another header), then the first bad ``jenis`` in file order, then ``tahun``, then ``nilai``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ..errors import DataError

COLUMNS = ["namapemda", "provinsi", "tahun", "level1coa90", "level2coa90", "level3coa90", "jenis", "nilai"]
JENIS = ("Anggaran", "Realisasi")
#: the text columns kept as (codes, dictionary): one integer per row, the distinct texts once
LABELS = ("namapemda", "provinsi", "level1coa90", "level2coa90", "level3coa90")
_YEAR = r"^\s*\d{4}\s*$"


def files(paths) -> list[Path]:
    """The DJPK CSVs named by ``paths``: a file, a folder (``data_apbd_*.csv`` in it or in a
    ``djpk-apbd-jaga/`` subfolder) or a list of either. Sorted, without duplicates."""
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted(p.glob("data_apbd_*.csv")) or sorted(p.glob("*/data_apbd_*.csv"))
            if not found:
                raise DataError(f"{p}: no DJPK files (data_apbd_*.csv) in this folder")
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise DataError(f"{p}: file or folder not found")
    return sorted(dict.fromkeys(q.resolve() for q in out))


def read_text(path: Path):
    """One file as an Arrow table of text columns (:data:`COLUMNS`), the header checked."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in COLUMNS}, strings_can_be_null=False
            ),
        )
    except (OSError, pa.ArrowInvalid) as exc:
        raise DataError(f"{path}: cannot read as a DJPK/JAGA CSV ({exc})") from exc
    header = [c.lstrip("\ufeff") for c in table.column_names]
    if header != COLUMNS:
        raise DataError(f"{path.name}: header is {header}; expected the DJPK/JAGA columns {COLUMNS}")
    return table.rename_columns(COLUMNS)


def _first(mask) -> int:
    """Index of the first True of an Arrow boolean array, -1 when there is none."""
    import pyarrow.compute as pc

    return pc.index(mask, True).as_py() if pc.any(mask).as_py() else -1


def _one(path: Path) -> dict:
    """One file's columns: labels and ``tahun`` dictionary-encoded, ``jenis`` as a budget mask,
    ``nilai`` parsed; the first bad ``jenis``/``tahun`` row and a failed ``nilai`` parse are noted,
    not raised, so that the caller reports the first error in file order."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = read_text(path)
    out = {"path": path, "n": table.num_rows, "table": table}
    jenis = table.column("jenis").combine_chunks()
    out["is_budget"] = pc.equal(jenis, JENIS[0])
    out["bad_jenis"] = _first(pc.invert(pc.or_(out["is_budget"], pc.equal(jenis, JENIS[1]))))
    tahun = pc.dictionary_encode(table.column("tahun").combine_chunks())
    bad_year = pc.invert(pc.match_substring_regex(tahun.dictionary, _YEAR))
    out["bad_tahun"] = _first(pc.take(bad_year, tahun.indices)) if pc.any(bad_year).as_py() else -1
    if out["bad_tahun"] < 0:
        years = pc.cast(pc.utf8_trim_whitespace(tahun.dictionary), pa.int16()).to_numpy()
        out["tahun"] = years.astype(np.int64)[tahun.indices.to_numpy()]
    raw = table.column("nilai").combine_chunks()
    blank = pc.or_(pc.equal(pc.binary_length(raw), 0), pc.utf8_is_space(raw))
    try:
        out["value"] = pc.cast(pc.if_else(blank, pa.scalar(None, pa.string()), raw), pa.float64())
    except pa.ArrowInvalid:
        out["value"] = None
    out["nilai"] = raw
    for c in LABELS:
        out[c] = pc.dictionary_encode(table.column(c).combine_chunks())
    return out


def _codes(parts: list, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(int64 codes, object array of texts) of a label column over all files, in order of first
    appearance (as one dictionary encoding of the stacked files would give)."""
    import pyarrow as pa

    if not parts:
        return np.zeros(0, np.int64), np.asarray([], dtype=object)
    arr = pa.chunked_array([p[column] for p in parts]).unify_dictionaries().combine_chunks()
    return arr.indices.to_numpy(zero_copy_only=False).astype(np.int64), np.asarray(
        arr.dictionary.to_pylist(), dtype=object
    )


def _raise_first(parts: list) -> None:
    """The first bad ``jenis``, else ``tahun``, else ``nilai`` in file order, as a DataError."""
    for column, expected in (("jenis", "Anggaran or Realisasi"), ("tahun", "a year")):
        for p in parts:
            i = p[f"bad_{column}"]
            if i >= 0:
                raise DataError(
                    f"{p['path'].name}, row {i + 2}, column {column}: "
                    f"expected {expected}, found {p['table'].column(column)[i].as_py()!r}"
                )
    failed = [p for p in parts if p["value"] is None]
    for p in failed:  # the first cell Python cannot read as a number either
        raw = p["nilai"]
        bad = [i for i, v in enumerate(raw.to_pylist()) if v.strip() and not _is_number(v)]
        if bad:
            raise DataError(
                f"{p['path'].name}, row {bad[0] + 2}, column nilai: "
                f"expected a number, found {raw[bad[0]].as_py()!r}"
            )
    if failed:  # pyarrow refused a cell Python reads: no row to name (as before the per-file reading)
        raise IndexError("list index out of range")


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def read(paths: list[Path]) -> dict:
    """Every row of the files (in file order), checked and coded.

    Keys: ``codes`` and ``values`` (dicts by column of :data:`LABELS` plus ``source_file``: int64 codes
    and an object array of the distinct texts; ``tahun`` in ``codes`` holds the year itself),
    ``is_budget`` (bool), ``value`` (float64; NaN for a blank cell), ``nilai`` (the raw text, Arrow),
    ``source_row`` (int32 CSV line; the header is line 1: labels never hold line breaks).
    """
    import pyarrow as pa

    if len(paths) == 1:
        parts = [_one(paths[0])]
    else:
        with ThreadPoolExecutor(max_workers=min(4, len(paths))) as pool:
            parts = list(pool.map(_one, paths))
    _raise_first(parts)
    used = [p for p in parts if p["n"]]
    names = list(dict.fromkeys(p["path"].name for p in used))
    codes, values = {}, {}
    codes["source_file"] = np.repeat(
        np.array([names.index(p["path"].name) for p in used], np.int64), [p["n"] for p in used]
    )
    values["source_file"] = np.asarray(names, dtype=object)
    for c in LABELS:
        codes[c], values[c] = _codes(used, c)
    codes["tahun"] = np.concatenate([p["tahun"] for p in parts] or [np.zeros(0, np.int64)])
    return {
        "codes": codes,
        "values": values,
        "is_budget": np.concatenate(
            [p["is_budget"].to_numpy(zero_copy_only=False) for p in parts] or [np.zeros(0, bool)]
        ),
        "value": np.concatenate(
            [p["value"].to_numpy(zero_copy_only=False) for p in parts] or [np.zeros(0, float)]
        ),
        "nilai": pa.chunked_array([p["nilai"] for p in parts], pa.string()).combine_chunks(),
        "source_row": np.concatenate(
            [np.arange(2, p["n"] + 2, dtype=np.int32) for p in parts] or [np.zeros(0, np.int32)]
        ),
    }
