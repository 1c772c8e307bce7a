"""environment.yml must list exactly the dependencies of pyproject.toml (one source of truth)."""

from __future__ import annotations

import re
import sys

from kinerja_analysis import paths

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _norm(req: str) -> tuple[str, str]:
    req = req.split(";")[0].strip()
    m = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", req)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    py = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())
    project = py["project"]
    wanted = {}
    for req in (
        project["dependencies"]
        + project["optional-dependencies"]["test"]
        + project["optional-dependencies"]["lab"]
        + project["optional-dependencies"]["dask"]
    ):
        if "python_version" in req:  # back-ports (tomli) are not needed on conda's python
            continue
        name, spec = _norm(req)
        wanted[name] = spec
    conda = {}
    text = (paths.ROOT / "environment.yml").read_text()
    deps = text.split("dependencies:", 1)[1]
    for line in deps.splitlines():
        m = re.match(r"^\s{2}- ([A-Za-z0-9_.\-]+)(.*)$", line)
        if m and m.group(1) not in ("python", "pip"):
            conda[m.group(1).lower()] = m.group(2).replace(" ", "")
    assert conda == wanted


def test_python_floor_agrees():
    py = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())
    floor = py["project"]["requires-python"].lstrip(">=")
    assert f"python>={floor}" in (paths.ROOT / "environment.yml").read_text()
