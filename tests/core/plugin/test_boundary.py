"""The plugin boundary: code under ``plugins/`` imports from core and tenants only the plugin
API, ``core.plugin`` (no exceptions); plugins never import each other; a plugin's services never
import GraphQL or HTTP libraries."""

from __future__ import annotations

from pathlib import Path

import pytest

import core.plugin
from core.testing.boundary import WEB, imports, outside_api

ROOT = Path(core.plugin.__file__).resolve().parents[2]
PLUGINS = ROOT / "plugins"


def plugin_files() -> list[Path]:
    return sorted(p for p in PLUGINS.rglob("*.py") if "__pycache__" not in p.parts)


def test_there_are_plugin_modules_to_check() -> None:
    assert len(plugin_files()) >= 20


@pytest.mark.parametrize("path", plugin_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_plugin_module_imports_only_the_plugin_api(path: Path) -> None:
    bad = [f"{path.relative_to(ROOT)}:{line} imports {module}"
           + (f" ({', '.join(names)})" if names else "")
           for line, module, names in imports(path) if outside_api(module, names)]
    assert not bad, "plugins import core and tenants only through core.plugin:\n" + "\n".join(bad)


@pytest.mark.parametrize("path", plugin_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_plugins_never_import_each_other(path: Path) -> None:
    own = path.relative_to(PLUGINS).parts[0]
    others = [f"line {line}: {module}" for line, module, _ in imports(path)
              if module.startswith("plugins.") and module.split(".")[1] != own]
    assert not others, f"{path.relative_to(ROOT)} imports another plugin: {others}"


def test_services_import_no_graphql_or_http() -> None:
    bad = [f"{path.relative_to(ROOT)}:{line} {module}"
           for path in plugin_files() if "services" in path.parts
           for line, module, _ in imports(path) if module.split(".")[0] in WEB]
    assert not bad, "resolvers translate, services decide: " + ", ".join(bad)


def test_the_check_catches_what_it_should(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from core.people.tables import Building\nimport tenants.service\n"
                      "from core import db\nfrom core import plugin\nfrom core.plugin import "
                      "hookimpl\n\ndef f():\n    from core.identity.tables import Account\n",
                      encoding="utf-8")
    flagged = [module for _, module, names in imports(sample) if outside_api(module, names)]
    assert flagged == ["core.people.tables", "tenants.service", "core",
                       "core.identity.tables"]
