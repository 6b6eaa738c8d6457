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
