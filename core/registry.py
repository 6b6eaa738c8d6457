"""Loads plugins from the ``linli.plugins`` entry points and calls their hooks.

Hooks are called only through the typed methods here; run-time hooks reach only the plugins
enabled for the tenant concerned.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable, Sequence
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import pluggy

from core import hookspecs
from core.declarations import PROJECT, Permission, PluginMeta, RoleDecl

__all__ = ["PluginError", "Registry", "get_registry", "set_registry"]

log = logging.getLogger("linli.registry")
ENTRY_POINT_GROUP = "linli.plugins"


class PluginError(RuntimeError):
    """A plugin is malformed or conflicts with another."""


class Registry:
    """The plugin manager and a typed facade over every hook."""

    def __init__(self, disabled: Iterable[str] = ()) -> None:
        self.disabled = frozenset(disabled)
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.metas: dict[str, PluginMeta] = {}

    # -- loading ----------------------------------------------------------
    def load_entrypoints(self) -> None:
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if ep.name in self.disabled:
                log.info("plugin %s disabled by LINLI_DISABLE_PLUGINS", ep.name)
                continue
            if ep.name in self.metas:
                continue
            self.register(ep.load(), ep.name)
        self.check()

    def register(self, plugin: ModuleType | object, name: str | None = None) -> str:
        meta_impl = getattr(plugin, "linli_plugin_meta", None)
        if meta_impl is None:
            raise PluginError(f"插件缺少 linli_plugin_meta / plugin {name or plugin!r} has no meta")
        meta: PluginMeta = meta_impl()
        if name is not None and name != meta.name:
            raise PluginError(f"entry point {name!r} names plugin {meta.name!r}")
        if meta.name in self.disabled:
            return meta.name
        if meta.name in self.metas:
            raise PluginError(f"插件重复注册 / plugin {meta.name!r} registered twice")
        try:
            self.pm.register(plugin, name=meta.name)
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"插件钩子无效 / plugin {meta.name}: {exc}") from exc
        self.metas[meta.name] = meta
        return meta.name

    def unregister(self, name: str) -> None:
        self.pm.unregister(name=name)
        self.metas.pop(name, None)

    def check(self) -> None:
        """``check_pending`` plus the plugins' declared requirements.

        A ``linli_…`` attribute that matches no hook (a misspelt implementation, marked or not)
        is an error naming the plugin and the attribute."""
        known = {n for n, caller in vars(self.pm.hook).items()
                 if getattr(caller, "spec", None) is not None}
        for name, plugin in self.pm.list_name_plugin():
            for attr in dir(plugin):
                if attr.startswith("linli_") and attr not in known:
                    raise PluginError(f"插件 {name} 的 {attr} 不是已知的钩子 / plugin {name}: "
                                      f"{attr} matches no hook in core.hookspecs")
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"插件钩子无效 / {exc}") from exc
        for meta in self.metas.values():
            missing = [r for r in meta.requires if r not in self.metas]
            if missing:
                raise PluginError(f"plugin {meta.name!r} requires {', '.join(missing)}")

    @property
    def names(self) -> list[str]:
        """Every loaded plugin's name, sorted."""
        return sorted(self.metas)

    def meta(self, name: str) -> PluginMeta:
        """The metadata of loaded plugin ``name`` (``KeyError`` if it is not loaded)."""
        return self.metas[name]

    # -- calling ----------------------------------------------------------
    def _each(self, hook: str, only: Iterable[str] | None = None,
              **kwargs: Any) -> list[tuple[str, Any]]:
        """Call ``hook`` on every (or the ``only``) plugin; ``[(plugin, result)]`` by name."""
        wanted = None if only is None else set(only)
        out: list[tuple[str, Any]] = []
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            if wanted is not None and impl.plugin_name not in wanted:
                continue
            args = {k: v for k, v in kwargs.items() if k in impl.argnames}
            out.append((impl.plugin_name, impl.function(**args)))
        out.sort(key=lambda pair: pair[0])
        return out

    async def _each_async(self, hook: str, only: Iterable[str],
                          **kwargs: Any) -> list[tuple[str, Any]]:
        out = []
        for name, result in self._each(hook, only, **kwargs):
            if inspect.isawaitable(result):
                result = await result
            out.append((name, result))
        return out

    def _flat(self, hook: str) -> list[tuple[str, Any]]:
        return [(name, item) for name, items in self._each(hook) for item in (items or ())]

    # registration-time hooks
    def tables(self) -> list[tuple[str, Any]]:
        return [(name, app) for name, app in self._each("linli_tables") if app is not None]

    def permissions(self) -> list[tuple[str, Permission | RoleDecl]]:
        declared: list[tuple[str, Permission | RoleDecl]] = []
        for name, meta in sorted(self.metas.items()):
            declared += [(name, p) for p in meta.permissions]
            declared += [(name, r) for r in meta.roles]
        return declared + self._flat("linli_permissions")

    def graphql_types(self) -> list[tuple[str, type]]:
        return self._flat("linli_graphql_types")

    def query_fields(self) -> list[tuple[str, Any]]:
        return self._flat("linli_query_fields")

    def mutation_fields(self) -> list[tuple[str, Any]]:
        return self._flat("linli_mutation_fields")

    def subscription_fields(self) -> list[tuple[str, Any]]:
        return self._flat("linli_subscription_fields")

    def routes(self) -> list[tuple[str, Any]]:
        return self._flat("linli_routes")

    def jobs(self) -> list[tuple[str, Any]]:
        return self._flat("linli_jobs")

    def cron_jobs(self) -> list[tuple[str, Any]]:
        return self._flat("linli_cron_jobs")

    def rules(self) -> list[tuple[str, Any]]:
        return self._flat("linli_rules")

    def event_types(self) -> list[tuple[str, Any]]:
        return self._flat("linli_event_types")

    def notification_channels(self) -> list[tuple[str, Any]]:
        return self._flat("linli_notification_channels")

    # run-time hooks: the caller passes the plugins enabled for the tenant concerned
    async def tenant_enabled(self, plugin: str, tenant_id: int) -> None:
        await self._each_async("linli_tenant_enabled", [plugin], tenant_id=tenant_id)

    async def on_event(self, event: Any, enabled: Sequence[str]) -> list[str]:
        done = await self._each_async("linli_on_event", enabled, event=event)
        return [name for name, _ in done]

    async def personal_data(self, resident_id: int, action: str,
                            enabled: Sequence[str]) -> dict[str, Any]:
        results = await self._each_async("linli_personal_data", enabled,
                                         resident_id=resident_id, action=action)
        return {name: r for name, r in results if r is not None}

    async def responsible_accounts(self, resident_id: int, tenant_id: int,
                                   enabled: Sequence[str]) -> list[int]:
        """Accounts the enabled plugins name as responsible for a resident (sorted, unique)."""
        results = await self._each_async("linli_responsible_accounts", enabled,
                                         resident_id=resident_id, tenant_id=tenant_id)
        return sorted({int(a) for _, accounts in results for a in (accounts or ())})

    async def demo_data(self, tenant_id: int, enabled: Sequence[str]) -> None:
        await self._each_async("linli_demo_data", enabled, tenant_id=tenant_id)


_registry: Registry | None = None


def set_registry(registry: Registry | None) -> None:
    global _registry
    _registry = registry


def get_registry() -> Registry:
    global _registry
    if _registry is None:
        from core.settings import get_settings

        _registry = Registry(disabled=get_settings().disable_plugins)
        _registry.load_entrypoints()
    return _registry
