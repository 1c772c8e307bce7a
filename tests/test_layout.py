"""The package's shape: imports point down the stages, no cycles, no private names across modules, no
side effects at import, modules of a readable size (README "Layout").

Every import is read from the source (module level and inside functions alike), so a dependency hidden
in a function body counts as much as one in the header.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kinerja_analysis import paths

PACKAGE = paths.ROOT / "kinerja_analysis"
NAME = "kinerja_analysis"
#: the stages, bottom first: a module may import its own stage and the stages below it
STAGES = ("base", "ingest", "analysis", "report", "run", "cli")
#: about 400 lines of code at most per module (blank lines, comments and docstrings, doctests included,
#: not counted: they are what makes a module readable, and `ruff format` lays calls out one argument a line)
MAX_CODE_LINES = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(paths.ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def stage(module: str) -> str:
    """The stage of a module: its top folder below the package, ``cli``, or ``base`` for the rest.

    >>> stage("kinerja_analysis.analysis.impact"), stage("kinerja_analysis.cli"), stage("kinerja_analysis.files")
    ('analysis', 'cli', 'base')
    """
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in STAGES:
        return parts[1]
    return "base"


def imports(module: str) -> list[tuple[str, list[str], int]]:
    """(imported package module, imported names, line) for every import of ``module``, relative ones resolved."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names if a.name.split(".")[0] == NAME]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != NAME:
                continue
            names = [a.name for a in node.names]
            subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
            if subs:  # ``from . import x`` imports the module x
                out += [(s, [], node.lineno) for s in subs]
                names = [n for n in names if f"{target}.{n}" not in MODULES]
            if names or not subs:
                out.append((target, names, node.lineno))
    return out


def test_every_module_is_parsed():
    assert len(MODULES) > 40 and all(stage(m) in STAGES for m in MODULES)


def test_imports_point_down_the_stages():
    upward = []
    for module in MODULES:
        here = STAGES.index(stage(module))
        for target, _, line in imports(module):
            if STAGES.index(stage(target)) > here:
                upward.append(
                    f"{MODULES[module].relative_to(paths.ROOT)}:{line}: {module} ({stage(module)}) "
                    f"imports {target} ({stage(target)})"
                )
    assert not upward, (
        "imports must point down base <- ingest <- analysis <- report <- run <- cli:\n" + "\n".join(upward)
    )


def test_no_import_cycles():
    graph = {m: sorted({t for t, _, _ in imports(m) if t in MODULES and t != m}) for m in MODULES}
    # the package's root and the stage folders' __init__ only provide lazy access to their submodules
    graph = {m: [t for t in ts if t != NAME] for m, ts in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for t in graph[m]:
            if state.get(t) == 1:
                cycles.append(" -> ".join(stack[stack.index(t) :] + [t]))
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in graph:
        if m not in state:
            visit(m)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_no_private_names_across_modules():
    found = []
    for module in MODULES:
        tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
        aliases = {}
        for target, names, line in imports(module):
            for n in names:
                if n.startswith("_") and not n.startswith("__") and target != module:
                    found.append(f"{module}:{line}: imports {target}.{n}")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for a in node.names:
                    aliases[a.asname or a.name] = a.name
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == NAME:
                        aliases[a.asname or a.name.split(".")[0]] = a.name
        package_aliases = {
            local
            for local, name in aliases.items()
            if any(t.endswith("." + name) or t == name for t, _, _ in imports(module))
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in package_aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                found.append(f"{module}:{node.lineno}: uses {node.value.id}.{node.attr}")
    assert not found, "private names used across modules:\n" + "\n".join(found)


def code_lines(source: str) -> int:
    """Lines holding code: not blank, not only a comment, not part of a docstring."""
    tree = ast.parse(source)
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                skip.update(range(first.lineno, first.end_lineno + 1))
    return sum(
        1
        for i, line in enumerate(source.splitlines(), 1)
        if i not in skip and line.strip() and not line.strip().startswith("#")
    )


def test_code_lines_skip_docstrings_comments_and_blanks():
    source = '''"""Module doc.

>>> 1 + 1
2
"""
# a comment

x = 1  # code with a comment


def f():
    """Function doc."""
    return x
'''
    assert code_lines(source) == 3


def test_modules_stay_readable():
    long = {
        m: n for m, p in MODULES.items() if (n := code_lines(p.read_text(encoding="utf-8"))) > MAX_CODE_LINES
    }
    assert not long, f"modules over {MAX_CODE_LINES} lines of code (split them by noun): {long}"


def test_import_has_no_side_effects():
    """Importing every module leaves matplotlib's backend and pyplot's figures alone, and registers nothing."""
    code = f"""
import importlib, sys
import matplotlib
matplotlib.use("svg")
before = matplotlib.get_backend()
import papermill.engines as pe
engines = set(pe.papermill_engines._engines)
for name in {sorted(m for m in MODULES if not m.endswith("__main__"))!r}:
    importlib.import_module(name)
assert matplotlib.get_backend() == before, (before, matplotlib.get_backend())
assert "matplotlib.pyplot" not in sys.modules or not sys.modules["matplotlib.pyplot"].get_fignums()
assert set(pe.papermill_engines._engines) == engines, set(pe.papermill_engines._engines) - engines
print("ok")
"""
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=paths.ROOT, timeout=300
    )
    assert proc.returncode == 0 and proc.stdout.strip().endswith("ok"), proc.stdout + proc.stderr


@pytest.mark.parametrize("folder", [s for s in STAGES if s not in ("base", "cli")])
def test_tests_mirror_the_stages(folder):
    assert (paths.ROOT / "tests" / folder).is_dir() and (PACKAGE / folder).is_dir()
