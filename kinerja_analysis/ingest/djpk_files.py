"""DJPK / JAGA APBD files: finding them, and reading them into integer-coded columns.

:func:`read` reads every file as text (pyarrow), stacks them without copying and codes the columns:
label columns dictionary-encoded, ``jenis`` and ``tahun`` checked (``tahun`` once per distinct text),
``nilai`` parsed (blank cells missing, the raw text kept). Errors name the file, row and column, in the
order a reader meets them: a file that cannot be read (or has another header), then the first bad
``jenis`` of all rows, then ``tahun``, then ``nilai``.
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


def _where(paths: list[Path], counts: np.ndarray, i: int) -> str:
    """ "file, row N" of row ``i`` of the stacked files (the header is line 1)."""
    f = int(np.searchsorted(np.cumsum(counts), i, side="right"))
    return f"{paths[f].name}, row {i - int(counts[:f].sum()) + 2}"


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def _encoded(column) -> tuple[np.ndarray, np.ndarray]:
    """(int64 codes, object array of the distinct texts in order of first appearance) of a text column."""
    import pyarrow.compute as pc

    arr = pc.dictionary_encode(column).combine_chunks()
    return arr.indices.to_numpy(zero_copy_only=False).astype(np.int64), np.asarray(
        arr.dictionary.to_pylist(), dtype=object
    )


def _years_values(table, paths: list[Path], counts: np.ndarray):
    """(distinct years as int16, their code per row, nilai as float64, nilai text) of the stacked files;
    a ``tahun`` that is not a year, or a ``nilai`` that is not a number, raises naming file and row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    tahun = pc.dictionary_encode(table.column("tahun")).unify_dictionaries().combine_chunks()
    bad_year = pc.invert(pc.match_substring_regex(tahun.dictionary, _YEAR))
    if pc.any(bad_year).as_py():  # only a few distinct years: checked once each, then found by code
        i = _first(pc.take(bad_year, tahun.indices))
        raise DataError(
            f"{_where(paths, counts, i)}, column tahun: expected a year, found {tahun[i].as_py()!r}"
        )
    years = pc.cast(pc.utf8_trim_whitespace(tahun.dictionary), pa.int16()).to_numpy(zero_copy_only=False)
    raw = table.column("nilai").combine_chunks()
    blank = pc.or_(pc.equal(pc.binary_length(raw), 0), pc.utf8_is_space(raw))
    try:
        value = pc.cast(pc.if_else(blank, pa.scalar(None, pa.string()), raw), pa.float64())
    except pa.ArrowInvalid:
        bad = [i for i, v in enumerate(raw.to_pylist()) if v.strip() and not _is_number(v)][0]
        raise DataError(
            f"{_where(paths, counts, bad)}, column nilai: expected a number, found {raw[bad].as_py()!r}"
        ) from None
    return years, tahun.indices.to_numpy(zero_copy_only=False), value, raw


def read(paths: list[Path]) -> dict:
    """Every row of the files (in file order), checked and coded.

    Keys: ``codes`` and ``values`` (dicts by column of :data:`LABELS` plus ``source_file``: int64 codes
    and an object array of the distinct texts, in order of first appearance; ``tahun`` in ``codes``
    holds the year itself), ``is_budget`` (bool), ``value`` (float64; NaN for a blank cell), ``nilai``
    (the raw text, Arrow), ``source_row`` (int32 CSV line; the header is line 1: labels never hold line
    breaks). The files are read one after the other: pyarrow already parses each on every core, and a
    thread per file only made them compete (measured slower on 2 cores).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    tables = [read_text(p) for p in paths]
    counts = np.array([t.num_rows for t in tables], dtype=np.int64)
    table = pa.concat_tables(tables)
    jenis = table.column("jenis")
    is_budget = pc.equal(jenis, JENIS[0])
    i = _first(pc.invert(pc.or_(is_budget, pc.equal(jenis, JENIS[1]))))
    if i >= 0:
        raise DataError(
            f"{_where(paths, counts, i)}, column jenis: expected Anggaran or Realisasi, found {jenis[i].as_py()!r}"
        )
    # the account labels are hashed on the other core while this thread checks tahun, parses nilai and
    # hashes the names (pyarrow releases the GIL); an error below still waits for them, raised as before
    with ThreadPoolExecutor(max_workers=1) as pool:
        accounts = LABELS[2:]
        coding = pool.submit(lambda: {c: _encoded(table.column(c)) for c in accounts})
        years, year_codes, value, raw = _years_values(table, paths, counts)
        coded = {c: _encoded(table.column(c)) for c in LABELS[:2]}
        coded.update(coding.result())
    used = [p.name for p, n in zip(paths, counts) if n]
    names = list(dict.fromkeys(used))
    codes, values = {c: v[0] for c, v in coded.items()}, {c: v[1] for c, v in coded.items()}
    codes["source_file"] = np.repeat(np.array([names.index(x) for x in used], np.int64), counts[counts > 0])
    values["source_file"] = np.asarray(names, dtype=object)
    codes["tahun"] = years.astype(np.int64)[year_codes]
    return {
        "codes": codes,
        "values": values,
        "is_budget": is_budget.to_numpy(zero_copy_only=False),
        "value": value.to_numpy(zero_copy_only=False),
        "nilai": raw,
        "source_row": np.concatenate(
            [np.arange(2, n + 2, dtype=np.int32) for n in counts] or [np.zeros(0, np.int32)]
        ),
    }
