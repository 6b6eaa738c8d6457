"""piccolo configuration for migrations (``PICCOLO_CONF=core.piccolo_conf``).

``DB`` connects as the owner: ``LINLI_MIGRATE_DATABASE_URL``, else ``LINLI_DATABASE_URL``.
``APP_REGISTRY`` holds core's apps (tenants first) plus the ``AppConfig`` each loaded plugin
returns from ``linli_tables``. ``core.migrate`` swaps both in process (see ``configure``).
"""

from __future__ import annotations

import os
import sys
from types import ModuleType
from typing import Any

from piccolo.conf.apps import AppConfig, AppRegistry
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from core.registry import Registry

__all__ = ["APP_REGISTRY", "CORE_APPS", "DB", "build_app_registry", "configure", "owner_engine"]

CORE_APPS = [
    "tenants.piccolo_app",
    "core.identity.piccolo_app",
    "core.people.piccolo_app",
    "core.piccolo_app",
]


def owner_engine(url: str) -> Engine[Any]:
    """A PostgreSQL engine for the owner's URL (no pool; migrations are short)."""
    if not url.startswith(("postgres://", "postgresql://")):
        raise ValueError("piccolo 迁移只用于 PostgreSQL / piccolo migrations run on PostgreSQL only")
    return PostgresEngine(config={"dsn": url}, extensions=())


def _plugin_module_path(plugin: str, app: AppConfig) -> str:
    """Expose a plugin's ``AppConfig`` as an importable module (piccolo imports apps by path)."""
    name = f"linli_plugin_app__{plugin}"
    module = sys.modules.get(name) or ModuleType(name)
    module.APP_CONFIG = app  # type: ignore[attr-defined]
    sys.modules[name] = module
    return name


def build_app_registry(registry: Any = None) -> AppRegistry:
    """Core's apps plus every loaded plugin's app (``registry.tables()``)."""
    apps = list(CORE_APPS)
    if registry is None:

        disabled = os.environ.get("LINLI_DISABLE_PLUGINS", "")
        registry = Registry(disabled=frozenset(p.strip() for p in disabled.split(",") if p.strip()))
        registry.load_entrypoints()
    for plugin, app in registry.tables():
        apps.append(_plugin_module_path(plugin, app))
    return AppRegistry(apps=apps)


def _default_engine() -> Engine[Any] | None:
    url = os.environ.get("LINLI_MIGRATE_DATABASE_URL") or os.environ.get("LINLI_DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return owner_engine(url)
    return None


def configure(engine: Engine[Any], registry: Any = None) -> None:
    """Point piccolo's migration machinery at ``engine`` and ``registry``'s apps."""
    global DB, APP_REGISTRY
    DB = engine
    APP_REGISTRY = build_app_registry(registry)


DB: Engine[Any] | None = _default_engine()
APP_REGISTRY: AppRegistry = build_app_registry()
