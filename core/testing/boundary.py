"""The plugin boundary as a check any plugin's tests can run on its own package: code of a
plugin imports from core and tenants only the plugin API, ``core.plugin`` (its tests may also
use the test kit, ``core.testing``), and its ``services`` import no GraphQL or HTTP library.
Core's ``tests/core/plugin/test_boundary.py`` runs the same check over ``plugins/``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

__all__ = ["API", "GUARDED", "TEST_KIT", "WEB", "boundary_violations", "imports", "outside_api"]

API = "core.plugin"
TEST_KIT = "core.testing"
GUARDED = ("core", "tenants")
WEB = ("strawberry", "litestar", "graphql")


def imports(path: Path) -> Iterator[tuple[int, str, tuple[str, ...]]]:
    """``(line, module, names)`` for every absolute import in a file (function-level ones too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, ()
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module, tuple(a.name for a in node.names)


def outside_api(module: str, names: tuple[str, ...], *, test_kit: bool = False) -> bool:
    """Whether an import reaches core or tenants anywhere but ``core.plugin`` (or, with
    ``test_kit``, ``core.testing`` and its modules)."""
    top = module.split(".")[0]
    if top not in GUARDED or module == API:
        return False
    if test_kit and (module == TEST_KIT or module.startswith(TEST_KIT + ".")):
        return False
    allowed = {"plugin", "testing"} if test_kit else {"plugin"}
    return not (module == "core" and names and all(n in allowed for n in names))


def boundary_violations(package: Path, tests: Path | None = None) -> list[str]:
    """Every import under ``package`` (and ``tests``, where the test kit is allowed too) that
    crosses the boundary, and every GraphQL or HTTP import in its ``services``; empty when the
    plugin keeps to the API."""
    bad: list[str] = []
    roots = [(package, False)] + ([(tests, True)] if tests is not None else [])
    for root, kit in roots:
        for path in sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts):
            name = path.relative_to(root.parent)
            for line, module, names in imports(path):
                if outside_api(module, names, test_kit=kit):
                    bad.append(f"{name}:{line} imports {module}"
                               + (f" ({', '.join(names)})" if names else ""))
                elif "services" in path.relative_to(root).parts and \
                        module.split(".")[0] in WEB:
                    bad.append(f"{name}:{line} services import {module}")
    return bad
