"""The report notebooks: their registry, where they are, and the typed parameters each one declares.

A report parameter is checked against the notebook's own ``parameters`` cell before anything runs, so a
misspelt name or a region code given as a number (``71.10`` becomes ``71.1``) fails at once, not in a kernel.
"""

from __future__ import annotations

from pathlib import Path

from .. import paths
from ..errors import ParameterError

#: report notebooks, in reading order
NOTEBOOKS = {
    "00_data_quality": "00_data_quality.ipynb",
    "01_budget_refocusing": "01_budget_refocusing.ipynb",
    "02_achievement_before_after": "02_achievement_before_after.ipynb",
    "03_refocusing_impact": "03_refocusing_impact.ipynb",
    "04_region_report": "04_region_report.ipynb",
    "05_province_outcomes": "05_province_outcomes.ipynb",
    "06_pemda": "06_pemda.ipynb",
    "07_national": "07_national.ipynb",
}

_PY_TYPES = {"str": str, "int": int, "float": float, "bool": bool}


def notebook_path(notebook: str) -> Path:
    """The notebook file of a registry key (``04_region_report``), a file name, or a path.

    >>> notebook_path("04_region_report").name, notebook_path("/x/y.ipynb").as_posix()
    ('04_region_report.ipynb', '/x/y.ipynb')
    """
    p = Path(notebook)
    if not p.suffix:
        p = Path(NOTEBOOKS.get(notebook, notebook + ".ipynb"))
    return p if p.is_absolute() else paths.NOTEBOOKS / p


def notebook_parameters(notebook: str | Path) -> dict[str, dict]:
    """The notebook's ``parameters`` cell as {name: {"type": "str", "default": ...}} (via papermill)."""
    import papermill

    info = papermill.inspect_notebook(str(notebook_path(str(notebook))))
    return {
        name: {
            "type": (p.get("inferred_type_name") or "None").replace("None", "").strip() or "str",
            "default": p.get("default"),
            "help": p.get("help", ""),
        }
        for name, p in info.items()
    }


def check_parameters(notebook: str | Path, parameters: dict) -> dict:
    """Reject unknown names and wrong types before anything runs; return parameters with exact types.

    Papermill itself only warns about unknown names and turns ``-p region 71.10`` into 71.1, so codes
    are checked here: a ``str`` parameter must get a string.
    """
    declared = notebook_parameters(notebook)
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ParameterError(
            f"{Path(str(notebook)).name}: unknown parameter(s) {', '.join(unknown)}; "
            f"the notebook declares: {', '.join(sorted(declared))}"
        )
    out = {}
    for name, value in parameters.items():
        want = _PY_TYPES.get(declared[name]["type"].split("[")[0])
        if want is None:
            out[name] = value
            continue
        if want is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise ParameterError(
                f"{Path(str(notebook)).name}: parameter {name!r} must be {want.__name__}, "
                f"got {type(value).__name__} {value!r}"
            )
        out[name] = value
    return out


__all__ = ["NOTEBOOKS", "check_parameters", "notebook_parameters", "notebook_path"]
