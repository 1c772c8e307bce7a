"""Files: SHA-256 hashes and fingerprints, atomic writes, and the one rule for spreadsheet-formula text.

Every module that writes a file a user or a scheduled job may read (pages, manifests, caches, downloads,
exports) writes it through :func:`atomic_write` or :func:`atomic_path`, so a crash never leaves a
half-written file behind a link.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from pathlib import Path


def sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in chunks.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile(delete=False) as fh:
    ...     _ = fh.write(b"abc")
    >>> sha256(fh.name)[:12]
    'ba7816bf8f01'
    >>> os.unlink(fh.name)
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fingerprint(files: dict[str, str]) -> str:
    """One SHA-256 over ``{name: sha256}`` (names sorted), so it does not depend on listing order.

    >>> fingerprint({"b": "2", "a": "1"}) == fingerprint({"a": "1", "b": "2"})
    True
    """
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(f"{name}:{files[name]}\n".encode())
    return h.hexdigest()


def folder_fingerprint(folder: str | Path) -> str:
    """:func:`fingerprint` of every file below ``folder`` (names and contents; hidden files ignored)."""
    folder = Path(folder)
    files = {}
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = f.relative_to(folder)
        if not any(part.startswith(".") for part in rel.parts):
            files[rel.as_posix()] = sha256(f)
    return fingerprint(files)


@contextlib.contextmanager
def atomic_path(path: str | Path, suffix: str = ".tmp"):
    """Yield a temporary path beside ``path``; on success it replaces ``path``, on error it is removed.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "sub" / "a.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text(), [p.name for p in target.parent.iterdir()]
    ('done', ['a.txt'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}{suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically; create its folder.

    >>> import tempfile
    >>> atomic_write(Path(tempfile.mkdtemp()) / "x.json", "{}").read_text()
    '{}'
    """
    with atomic_path(path) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
    return Path(path)


#: a text cell starting with one of these may run as a formula when a spreadsheet opens it (OWASP CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: text that starts with such a character but cannot be a formula: a plain number or dashes only
_HARMLESS = re.compile(r"[-+]?\s*[0-9][0-9.,\s]*%?|[-\u2013\u2014]+")


def is_formula(value) -> bool:
    """True for text a spreadsheet would run as a formula.

    >>> is_formula("=1+1"), is_formula("@SUM(A1)"), is_formula("-2+3")
    (True, True, True)
    >>> is_formula("-12,5"), is_formula("-"), is_formula("Dinas"), is_formula(-5.0)
    (False, False, False, False)
    """
    return isinstance(value, str) and value.startswith(FORMULA_START) and not _HARMLESS.fullmatch(value)


def neutralise_text(value):
    """One cell: text that a spreadsheet would run gets a leading apostrophe; anything else as is.

    >>> neutralise_text("=1+1"), neutralise_text("@SUM(A1)"), neutralise_text("-2+3"), neutralise_text("-12,5")
    ("'=1+1", "'@SUM(A1)", "'-2+3", '-12,5')
    >>> neutralise_text("Dinas Kesehatan"), neutralise_text(-5.0), neutralise_text("-")
    ('Dinas Kesehatan', -5.0, '-')
    """
    return "'" + value if is_formula(value) else value
