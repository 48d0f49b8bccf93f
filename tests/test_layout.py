"""The layout shows the flow: each module imports only from its own floor or the floors below.

Floors, lowest first: civharm.metadata (what schemas/ and datapackage.json say) → civharm.validate
(the checks) → the commands (civharm.fmt, .db, .diff, .release, .cite, .docs, …) → importers and
bench. An import that runs back up is a loop waiting to happen, and a lazy import inside a function
would hide it from a reader: both fail here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("civharm", "importers", "bench")
FLOORS = {"metadata": 1, "validate": 2, "commands": 3, "tools": 4}


def floor(module: str) -> int:
    parts = module.split(".")
    if parts[0] in ("importers", "bench"):
        return FLOORS["tools"]
    if len(parts) > 1 and parts[1] in ("metadata", "validate"):
        return FLOORS[parts[1]]
    return FLOORS["commands"]


def modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in sorted((REPO / pkg).rglob("*.py")):
            rel = path.relative_to(REPO).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            out[".".join(parts)] = path
    return out


def imports(name: str, path: Path) -> list[tuple[str, int, bool]]:
    """(imported project module, line, inside a function) for every import of the project's own code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            targets = []
            if isinstance(child, ast.Import):
                targets = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[:len(anchor) - (child.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [base] + [f"{base}.{a.name}" for a in child.names]
            for t in targets:
                if t.split(".")[0] in PACKAGES:
                    found.append((t, child.lineno, in_function))
            visit(child, nested)

    visit(tree, False)
    return found


def resolve(target: str, known: dict[str, Path]) -> str | None:
    """The project module an import names (`from .x import f` names x.f: the module is x)."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


MODULES = modules()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_import_runs_up_a_floor(name):
    up = []
    for target, line, _ in imports(name, MODULES[name]):
        module = resolve(target, MODULES)
        if module and floor(module) > floor(name):
            up.append(f"{MODULES[name].relative_to(REPO)}:{line} imports {module} "
                      f"(floor {floor(module)}) from floor {floor(name)}")
    assert not up, "\n".join(up)


# civharm/__init__.py is the public API (civharm.connect): it loads the commands floor only when
# called, so that `import civharm.metadata` stays light. That is speed, not a hidden loop.
LAZY_ALLOWED = {"civharm"}


@pytest.mark.parametrize("name", sorted(set(MODULES) - LAZY_ALLOWED))
def test_no_lazy_import_of_project_code(name):
    lazy = [f"{MODULES[name].relative_to(REPO)}:{line} imports {target} inside a function"
            for target, line, inside in imports(name, MODULES[name]) if inside]
    assert not lazy, "\n".join(lazy)


def test_floors_cover_the_layout():
    """Every floor holds modules: a rename that empties one would make the test above vacuous."""
    assert {floor(m) for m in MODULES} == set(FLOORS.values())
    assert floor("civharm.metadata.package") < floor("civharm.validate.engine") < floor("civharm.db") < floor("importers.ucdp_ged")
