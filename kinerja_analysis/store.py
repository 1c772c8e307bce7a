"""The prepared store: what every page of a data folder shares, computed once per data, settings and package
code, kept as Parquet in the cache folder and remembered in memory by the process that computed or read it.

A many-page run (543 pemda pages) would otherwise re-derive the same national tables on every page. Three
pieces:

- :func:`tables` computes a dict of tables once per *key* (a kind, the parts it depends on, and the SHA-256
  of this package's code, :func:`code_hash`), writes them as Parquet under ``<cache>/prepared/`` and reads
  them back on the next call, in this process (memory) or another one (disk). :func:`prepared` wraps a
  function whose arguments are tables and plain values: its key is the *content* of the arguments, so a
  cached answer can never belong to other data.
- :class:`Memo` remembers a parsed object per process and hands out copies while its files are unchanged
  (:func:`stamp`); the warm-kernel process fills it before it forks the report kernels.
- ``KINERJA_PREPARED=off`` turns the store off: every call computes, nothing is read or written. The tests
  compare the pages and ``results.json`` of a run with and without it.

Nothing is ever unpickled: the disk copy is Parquet plus a JSON index. A copy that cannot be read is
recomputed; a cache folder that cannot be written only costs the time.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from . import paths

#: the environment switch: "off" computes every time and touches no cache
ENV = "KINERJA_PREPARED"
#: the layout of a prepared folder; bump it when it changes, so that old copies are never read
VERSION = 1
#: the package folder and the files that make up its code (source, messages, page templates and assets)
PACKAGE = Path(__file__).resolve().parent
CODE_SUFFIXES = (".py", ".json", ".j2", ".css", ".js", ".tpl", ".toml")


@functools.lru_cache(maxsize=1)
def code_hash() -> str:
    """SHA-256 over the whole package's own files (:data:`CODE_SUFFIXES`): which code made a result."""
    h = hashlib.sha256()
    for f in sorted(PACKAGE.rglob("*")):
        if f.is_file() and f.suffix in CODE_SUFFIXES and "__pycache__" not in f.parts:
            h.update(f.relative_to(PACKAGE).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def enabled() -> bool:
    """False when ``KINERJA_PREPARED`` is ``off`` (or 0, no, false)."""
    return os.environ.get(ENV, "on").strip().lower() not in ("off", "0", "no", "false")


def frame_hash(df: pd.DataFrame) -> str:
    """SHA-256 of a table's content: column names, dtypes, index and values.

    Each column is hashed from its memory as it is laid out (:func:`_column_bytes`): numbers as their
    bytes, pyarrow strings as their lengths and characters, categories as their categories and codes;
    anything else through ``pd.util.hash_pandas_object``. Equal tables laid out alike hash alike; two
    tables that differ in a value never do. Equal values laid out differently (another category order,
    -0.0 for 0.0) may hash apart: a key that misses only costs a computation. For a national ``anggaran``
    table this is about a sixth of the time ``hash_pandas_object`` takes for the whole table, a cost paid
    on every pemda page.

    >>> a = pd.DataFrame({"x": [1.0, None], "y": ["a", None]})
    >>> frame_hash(a) == frame_hash(a.copy()), frame_hash(a) == frame_hash(a.assign(x=[1.0, 2.0]))
    (True, False)
    """
    h = hashlib.sha256(json.dumps([list(map(str, df.columns)), list(map(str, df.dtypes)), len(df)]).encode())
    index = df.index
    if isinstance(index, pd.RangeIndex):
        parts = [f"range {index.start} {index.stop} {index.step}".encode()]
    elif isinstance(index, pd.MultiIndex):
        parts = [_pandas_hash(index.to_frame(index=False))]
    else:
        parts = [str(index.dtype).encode(), *_column_bytes(pd.Series(index, copy=False))]
    for _, column in df.items():
        parts.extend(_column_bytes(column))
    for part in parts:  # each part with its length in front: no two sequences of parts run together alike
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def _column_bytes(s: pd.Series) -> list:
    """What :func:`frame_hash` hashes of one column (bytes-like parts)."""
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cats = pd.Series(dtype.categories, copy=False)
        codes = np.ascontiguousarray(s.array.codes)
        return [b"category", str(cats.dtype).encode(), *_column_bytes(cats), codes.data]
    if isinstance(dtype, np.dtype) and dtype.kind in "biufcmM":
        return [b"numpy", np.ascontiguousarray(s.to_numpy()).view(np.uint8).data]
    strings = _arrow_strings(s)
    if strings is not None:
        return strings
    return [b"pandas", _pandas_hash(s.to_frame())]


def _arrow_strings(s: pd.Series) -> list | None:
    """A text column (pandas strings, read through pyarrow) as [tag, null mask, lengths, characters]; None
    for any other kind."""
    if not isinstance(s.dtype, pd.StringDtype | pd.ArrowDtype):
        return None
    import pyarrow as pa

    try:
        arr = pa.array(s.array)
    except (TypeError, ValueError, pa.ArrowException):
        return None
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    width = {pa.large_string(): np.int64, pa.string(): np.int32}.get(arr.type)
    if width is None:
        return None
    _, offsets_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=width)[arr.offset : arr.offset + len(arr) + 1]
    nulls = np.asarray(arr.is_null(), dtype=bool)
    lengths = np.diff(offsets).astype(np.int64)
    chars = memoryview(data_buf)[int(offsets[0]) : int(offsets[-1])] if len(arr) else b""
    return [b"arrow-text", nulls.view(np.uint8).data, lengths.data, chars]


def _pandas_hash(df: pd.DataFrame) -> bytes:
    return pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes()


def key(kind: str, parts: Mapping) -> str:
    """The key of a prepared entry: ``kind``, ``parts`` (JSON), :data:`VERSION` and :func:`code_hash`."""
    payload = json.dumps(
        {"kind": kind, "parts": parts, "version": VERSION, "code": code_hash()}, sort_keys=True, default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def folder(kind: str, k: str) -> Path:
    """Where the entry ``k`` of ``kind`` is kept: ``<cache>/prepared/<kind>-<first 24 hex digits>``."""
    return paths.cache_dir() / "prepared" / f"{kind}-{k[:24]}"


_TABLES: dict[str, dict[str, pd.DataFrame]] = {}


def tables(
    kind: str, parts: Mapping, compute: Callable[[], dict], *, select: Mapping | None = None
) -> dict[str, pd.DataFrame]:
    """``compute()`` (a dict of name -> DataFrame) once per key; later calls get copies of the same tables
    from memory or from the Parquet copy. ``select`` ({column: value}) returns only the rows of each table
    that hold those values (index renumbered): a page copies its slice, not the whole table. With the
    store off (:func:`enabled`), ``compute()`` sliced the same way."""
    if not enabled():
        return _select(compute(), select)
    k = key(kind, parts)
    hit = _TABLES.get(k)
    if hit is None:
        where = folder(kind, k)
        hit = _read(where)
        if hit is None:
            hit = compute()
            _write(where, hit, kind=kind, parts=parts)
        _TABLES[k] = hit
    return _select(hit, select)


def _select(tables_: dict, select: Mapping | None) -> dict[str, pd.DataFrame]:
    if not select:
        return {name: t.copy() for name, t in tables_.items()}
    out = {}
    for name, t in tables_.items():
        keep = pd.Series(True, index=t.index)
        for col, value in select.items():
            keep &= t[col] == value
        out[name] = t[keep.to_numpy()].reset_index(drop=True)
    return out


def prepared(kind: str) -> Callable:
    """Decorator: a function of tables and plain values that returns one table, computed once per content
    of its arguments (:func:`frame_hash`), this package's code and ``kind``. An argument that cannot be
    hashed (a table holding lists) computes as usual, uncached."""

    def wrap(fn: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            if not enabled():
                return fn(*args, **kwargs)
            try:
                parts = {
                    "args": [_part(a) for a in args],
                    "kwargs": {n: _part(v) for n, v in sorted(kwargs.items())},
                }
            except TypeError:
                return fn(*args, **kwargs)
            return tables(kind, parts, lambda: {"table": fn(*args, **kwargs)})["table"]

        inner.uncached = fn
        return inner

    return wrap


def _part(value):
    if isinstance(value, pd.DataFrame):
        return {"frame": frame_hash(value)}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_part(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _part(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {type(value).__name__: {f: _part(getattr(value, f)) for f in value.__dataclass_fields__}}
    raise TypeError(f"cannot key on a {type(value).__name__}")


def _read(where: Path) -> dict | None:
    try:
        index = json.loads((where / "index.json").read_text(encoding="utf-8"))
        if index.get("version") != VERSION:
            return None
        out = {}
        for name in index["tables"]:
            t = pd.read_parquet(where / f"{name}.parquet")
            for col in [c for c, d in index["objects"][name].items() if d == "object"]:
                t[col] = _as_object(t[col])
            t.attrs = index["attrs"].get(name, {})
            out[name] = t
        return out
    except Exception:  # absent, half-written by a killed run, another version: compute again
        return None


def _as_object(col: pd.Series) -> pd.Series:
    """A column that was of object dtype, read back (Parquet gives strings or floats): object again,
    missing values as None."""
    out = col.astype(object)
    return out.where(col.notna(), None)


def _write(where: Path, tables_: dict, *, kind: str, parts: Mapping) -> None:
    tmp = where.with_name(f"{where.name}.tmp-{os.getpid()}")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        attrs, objects = {}, {}
        for name, t in tables_.items():
            t.to_parquet(tmp / f"{name}.parquet", index=False)
            attrs[name] = json.loads(json.dumps(t.attrs, default=str))
            objects[name] = {str(c): str(d) for c, d in t.dtypes.items()}
        index = {
            "version": VERSION,
            "kind": kind,
            "parts": parts,
            "tables": list(tables_),
            "attrs": attrs,
            "objects": objects,
        }
        (tmp / "index.json").write_text(json.dumps(index, default=str, indent=1), encoding="utf-8")
        os.replace(tmp, where)  # another process may have written it first: then keep theirs
    except Exception:  # unwritable cache, a table Parquet cannot hold: the caller still has its tables
        pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def forget() -> None:
    """Drop everything remembered in this process (the Parquet copies stay)."""
    _TABLES.clear()


# ---------------------------------------------------------------- parsed objects remembered per process
def stamp(where: str | Path) -> tuple | None:
    """Names, sizes and modification times of the files below ``where``, or of the file ``where`` (None when
    it cannot be listed)."""
    try:
        where = Path(where)
        if where.is_file():
            return ((where.name, where.stat().st_size, where.stat().st_mtime_ns),)
        return tuple(
            sorted(
                (p.relative_to(where).as_posix(), p.stat().st_size, p.stat().st_mtime_ns)
                for p in where.rglob("*")
                if p.is_file()
            )
        )
    except OSError:
        return None


def copy_of(obj):
    """A copy of a dataclass-like object that shares nothing mutable with it: tables copied, dicts and lists
    deep-copied; a table is copied."""
    if isinstance(obj, pd.DataFrame):
        return obj.copy()
    out = copy.copy(obj)
    for name, value in vars(out).items():
        if isinstance(value, pd.DataFrame):
            setattr(out, name, value.copy())
        elif isinstance(value, (dict, list)):
            setattr(out, name, copy.deepcopy(value))
    return out


class Memo:
    """Objects parsed once per process, keyed by a folder or file (and options), handed out as copies
    (:func:`copy_of`) while its files are unchanged (:func:`stamp`)."""

    def __init__(self):
        self._items: dict = {}

    def get(self, where: Path, *options):
        hit = self._items.get((where, *options))
        if hit is not None and hit[0] is not None and hit[0] == stamp(where):
            return copy_of(hit[1])
        return None

    def put(self, where: Path, obj, *options) -> None:
        self._items[(where, *options)] = (stamp(where), obj)

    def clear(self) -> None:
        self._items.clear()


__all__ = [
    "ENV",
    "Memo",
    "code_hash",
    "copy_of",
    "enabled",
    "forget",
    "frame_hash",
    "key",
    "prepared",
    "stamp",
    "tables",
]
