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

from .. import __version__, paths
from ..files import folder_fingerprint, sha256
from ..store import code_hash
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
    """What a report depends on: its notebook, parameters, data (and settings) files, the package's code
    (:func:`kinerja_analysis.store.code_hash`: any edit of its source, messages or page assets, not only a
    version bump) and the versions of the key libraries. ``--skip-unchanged`` re-runs a report when any of
    them changed. ``cache`` ({path: hash}) saves hashing a data folder once per report of a set.
    """
    cache = {} if cache is None else cache
    parts = {
        "notebook": sha256(notebook_path(job.notebook)),
        "parameters": job.parameters,
        "versions": versions(),
        "code": code_hash(),
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
