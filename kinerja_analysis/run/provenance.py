"""Provenance of a run: which code, libraries, commit, host and time made the reports, and the fingerprint
of what each report depends on (``--skip-unchanged``).
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from .. import __version__, paths
from ..files import folder_fingerprint, sha256
from .notebooks import notebook_path

#: libraries whose versions every manifest records
KEY_LIBRARIES = (
    "pandas",
    "numpy",
    "matplotlib",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "jupyter_client",
    "pyfixest",
    "statsmodels",
    "scipy",
)

#: the package folder (this file is in its run/ subfolder)
PACKAGE = Path(__file__).resolve().parents[1]
#: files of the package that make up its code (source, messages, page templates and assets)
CODE_SUFFIXES = (".py", ".json", ".j2", ".css", ".js", ".tpl")


def now() -> str:
    """The local time with its UTC offset, to the second (ISO 8601)."""
    return _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds")


@functools.lru_cache(maxsize=1)
def versions() -> dict:
    """Package, Python and key library versions (None for a library that is not installed)."""
    out = {"kinerja_analysis": __version__, "python": sys.version.split()[0]}
    for name in KEY_LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


@functools.lru_cache(maxsize=1)
def code_hash() -> str:
    """SHA-256 over the whole package's own source files (provenance: which code made the reports)."""
    h = hashlib.sha256()
    for f in sorted(PACKAGE.rglob("*")):
        if f.is_file() and f.suffix in CODE_SUFFIXES and "__pycache__" not in f.parts:
            h.update(f.relative_to(PACKAGE).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def git_commit() -> str | None:
    """The checkout's commit, with ``-dirty`` when tracked files changed; None outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "-C", str(paths.ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5
        )
        commit = out.stdout.strip() or None
        if commit:
            dirty = subprocess.run(
                ["git", "-C", str(paths.ROOT), "status", "--porcelain", "--untracked-files=no"],
                capture_output=True,
                text=True,
                timeout=5,
            ).stdout.strip()
            commit += "-dirty" if dirty else ""
        return commit
    except (OSError, subprocess.SubprocessError):
        return None


def job_fingerprint(job, cache: dict | None = None) -> str:
    """What a report depends on: its notebook, parameters, data (and settings) files, and the versions of
    this package and of the key libraries. ``--skip-unchanged`` re-runs a report when any of them changed.

    The package's code hash is recorded in the manifest but not part of the fingerprint (the issue's
    contract is the package *version*): in a development checkout, bump the version or leave
    ``--skip-unchanged`` off after code changes. ``cache`` ({path: hash}) saves hashing a data folder
    once per report of a set.
    """
    cache = {} if cache is None else cache
    parts = {
        "notebook": sha256(notebook_path(job.notebook)),
        "parameters": job.parameters,
        "versions": versions(),
    }
    for key in ("data_dir", "config_file"):
        value = job.parameters.get(key)
        if value:
            p = paths.resolve(value)
            if p not in cache:
                cache[p] = folder_fingerprint(p) if p.is_dir() else (sha256(p) if p.is_file() else None)
            parts[key] = cache[p]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


__all__ = ["KEY_LIBRARIES", "code_hash", "git_commit", "job_fingerprint", "now", "versions"]
