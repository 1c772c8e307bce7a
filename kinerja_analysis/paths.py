"""Project folders, resolved from the package location, never from the working directory.

Papermill, nbval, JupyterLab and cron all start kernels in different places, so every relative
path a user gives is resolved against the project root (or the given data folder).
"""

from __future__ import annotations

import os
from pathlib import Path

#: Root of the source checkout (the folder holding ``pyproject.toml``).
ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DATA = ROOT / "data"
DEMO_DATA = DATA / "demo"
RAW_DATA = DATA / "raw"
PROCESSED = DATA / "processed"
REPORTS = ROOT / "reports"
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: environment variable naming the parsed-data cache folder (``kinerja report --cache DIR`` sets it)
CACHE_ENV = "KINERJA_CACHE"


def cache_dir(explicit: str | os.PathLike | None = None) -> Path:
    """Where parsed data (the DJPK Parquet copy) is cached: ``explicit`` when given, else $KINERJA_CACHE,
    else ``$XDG_CACHE_HOME/kinerja``, else ``~/.cache/kinerja``. Never the checkout's data/processed/
    unless the user names it. A relative path is taken from the project root, like every user path.

    >>> cache_dir("/tmp/kc").as_posix()
    '/tmp/kc'
    >>> cache_dir("") == cache_dir(None)    # empty means "not given"
    True
    """
    if explicit is not None and str(explicit) != "":
        return resolve(explicit)
    if os.environ.get(CACHE_ENV):
        return resolve(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "kinerja"


def resolve(path: str | os.PathLike | None, *, base: Path | None = None) -> Path:
    """Return an absolute path; a relative one is taken from ``base`` (the project root by default).

    >>> resolve("data/demo") == ROOT / "data" / "demo"
    True
    >>> resolve("/tmp/x").as_posix()
    '/tmp/x'
    """
    if path is None or str(path) == "":
        raise ValueError("empty path")
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    return ((base or ROOT) / p).resolve()


def safe_name(name: str) -> str:
    """Turn a report or region name into one safe file-name component (never a path).

    >>> safe_name("71.73 Kota Fiktif")
    '71.73_Kota_Fiktif'
    >>> safe_name("../../etc/passwd")
    'etc_passwd'
    """
    out = []
    for ch in str(name):
        out.append(ch if (ch.isalnum() or ch in "-.") else "_")
    s = "".join(out)
    while ".." in s:
        s = s.replace("..", ".")
    s = s.strip("._-")
    while "__" in s:
        s = s.replace("__", "_")
    return s or "report"


def display_path(path: Path) -> str:
    """A path as reports show it: relative to the project root when inside it (no machine paths in pages).

    >>> display_path(ROOT / "data" / "demo")
    'data/demo'
    """
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)
