"""Core's imports point one way (settings/db → host → services → state → schema → app), the
app state's services are typed attributes, and CI runs mypy before the suite."""

from __future__ import annotations

import ast
import dataclasses
import typing
from pathlib import Path
from typing import Any

import strawberry

from core.schema.context import Context, Info
from core.state import AppState, Services

ROOT = Path(__file__).resolve().parents[2]

APP_IMPORTERS = {
    # entry points that build an app; everything else sits below core.app
    "core/cli.py", "core/serve_cli.py", "core/jobs/cli.py",
    "core/demo/service.py",  # `linli demo` builds and seeds an app state
}

SERVICE_MODULES = [
    "core/host.py", "core/rules/service.py", "core/events/service.py", "core/events/dispatch.py",
    "core/jobs/service.py", "core/pubsub.py", "core/notify/service.py", "core/metrics.py",
    "core/logging.py", "core/audit/chain.py",
]


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (function-level and TYPE_CHECKING too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _imports_any(path: Path, prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in _imports(path)
                  if any(m == p or m.startswith(p + ".") for p in prefixes))


def test_only_entry_points_import_core_app() -> None:
    offenders = {}
    for path in sorted((ROOT / "core").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("core/testing/") or rel in APP_IMPORTERS or rel == "core/app.py":
            continue
        hits = _imports_any(path, ("core.app",))
        if hits:
            offenders[rel] = hits
    assert offenders == {}


def test_services_do_not_import_the_state_or_the_schema() -> None:
    offenders = {rel: hits for rel in SERVICE_MODULES
                 if (hits := _imports_any(ROOT / rel, ("core.state", "core.schema", "core.app")))}
    assert offenders == {}


def test_state_sits_below_the_schema_and_the_app() -> None:
    assert _imports_any(ROOT / "core/state.py", ("core.schema", "core.app")) == []
    assert _imports_any(ROOT / "core/schema/context.py", ("core.app",)) == []


def test_build_state_installs_every_service(linli_env: Any) -> None:
    services = linli_env.state.services
    assert isinstance(services, Services)
    missing = [f.name for f in dataclasses.fields(services) if getattr(services, f.name) is None]
    assert missing == []


def test_services_are_typed_attributes_not_a_dict() -> None:
    hints = typing.get_type_hints(Services)
    assert set(hints) == {"rules", "events", "jobs", "pubsub", "notify", "metrics"}
    assert all(hint is not Any for hint in hints.values())
    assert typing.get_type_hints(AppState)["services"] is Services


def test_info_is_strawberry_info_over_the_typed_context() -> None:
    assert typing.get_origin(Info) is strawberry.Info
    assert typing.get_args(Info) == (Context, type(None))
    assert typing.get_type_hints(Context)["state"] is AppState


def test_ci_typechecks_before_the_suite() -> None:
    steps = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()
             if line.strip().startswith("make ")]
    assert steps == ["make typecheck", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert "typecheck:" in makefile and "-m mypy" in makefile


def _function_level_imports(path: Path) -> list[tuple[int, str, bool]]:
    """``(line, module, has a reason comment)`` of each import of a ``core``/``tenants`` module
    inside a function or class (``if TYPE_CHECKING:`` blocks are not function-level)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(block.test) for n in ast.walk(block)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom) or node.col_offset == 0 \
                or id(node) in typing_only:
            continue
        modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                   else [node.module or ""])
        if not any(m.split(".")[0] in ("core", "tenants") for m in modules):
            continue
        here = " ".join(lines[node.lineno - 1:node.end_lineno])
        above = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
        found.append((node.lineno, modules[0], "#" in here or above.startswith("#")))
    return found


def test_function_level_imports_of_core_say_why() -> None:
    """An import of a core or tenants module inside a function is there for a reason (an
    import cycle, a cost paid only on that path): the reason is written beside it. Otherwise
    the import belongs at the top of the module."""
    silent = []
    for path in sorted([*(ROOT / "core").rglob("*.py"), *(ROOT / "tenants").rglob("*.py")]):
        rel = path.relative_to(ROOT).as_posix()
        if "/piccolo_migrations/" in rel or "/scaffold/" in rel:
            continue
        silent += [f"{rel}:{line} {module}" for line, module, why in
                   _function_level_imports(path) if not why]
    assert silent == [], "move these imports to the top, or say why they stay: " + ", ".join(
        silent)
