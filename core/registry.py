"""Loads plugins from the ``linli.plugins`` entry points and calls their hooks.

Hooks are called only through the typed methods here, and always through pluggy's hook callers
(so hook wrappers, ``tryfirst``/``trylast`` and pluggy's tracing see every call). Run-time hooks
reach only the plugins enabled for the tenant concerned: the registry looks that up itself
(:meth:`Registry.enabled_for`), no caller passes a list of plugins.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Collection, Iterable
from functools import cache
from importlib.metadata import PackageNotFoundError, entry_points, version
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from core import hookspecs
from core.declarations import PROJECT, NodeType, Permission, PluginMeta, RoleDecl
from core.settings import get_settings
from tenants.service import NodeInfo, enabled_plugins, get_node

__all__ = ["PluginError", "Registry", "TenantHooks", "core_version", "get_registry",
           "set_registry"]

log = logging.getLogger("linli.registry")
ENTRY_POINT_GROUP = "linli.plugins"
DISTRIBUTION = "linli"


@cache
def core_version() -> str:
    """The installed ``linli`` distribution's version, which ``PluginMeta.core_versions`` is
    checked against."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError as exc:  # plugins load through its entry points, so it must be
        raise RuntimeError("the linli distribution is not installed (pip install -e .)") from exc


class PluginError(RuntimeError):
    """A plugin is malformed or conflicts with another."""


class Registry:
    """The plugin manager and a typed facade over every hook."""

    def __init__(self, disabled: Iterable[str] = (), *, core: str | None = None) -> None:
        self.disabled = frozenset(disabled)
        self.core_version = core or core_version()
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
        self._check_core_version(meta)
        try:
            self.pm.register(plugin, name=meta.name)
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"插件钩子无效 / plugin {meta.name}: {exc}") from exc
        self.metas[meta.name] = meta
        return meta.name

    def _check_core_version(self, meta: PluginMeta) -> None:
        """An incompatible plugin refuses to load (pretix's ``compatibility``): better a clear
        stop at start-up than a plugin failing on core internals that changed under it."""
        try:
            spec = SpecifierSet(meta.core_versions)
        except InvalidSpecifier as exc:
            raise PluginError(f"插件 {meta.name} 的 core_versions 无效：{meta.core_versions!r} / "
                              f"plugin {meta.name}: core_versions {meta.core_versions!r} is not "
                              "a version specifier (e.g. '>=0.1,<0.2')") from exc
        if not spec.contains(self.core_version, prereleases=True):
            raise PluginError(f"插件 {meta.name} 要求核心版本 {meta.core_versions}，当前核心为 "
                              f"{self.core_version}，不能加载 / plugin {meta.name} requires "
                              f"linli core {meta.core_versions}, but this core is "
                              f"{self.core_version}: not loaded")

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
    def _caller(self, hook: str, keep: Collection[str] | None = None,
                only: str | None = None) -> Any:
        """pluggy's caller for ``hook`` without the plugins outside ``keep`` (all when None)
        and, with ``only``, without every other plugin's implementation but its wrappers (a
        tracing or timing wrapper still wraps the one call)."""
        remove = []
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            name = impl.plugin_name
            wrapper = impl.hookwrapper or impl.wrapper
            if (keep is not None and name not in keep) or (
                    only is not None and name != only and not wrapper):
                remove.append(impl.plugin)
        return self.pm.subset_hook_caller(hook, remove_plugins=remove)

    def _implementers(self, hook: str, keep: Collection[str] | None = None) -> list[str]:
        """Plugins (of ``keep``) with a non-wrapper implementation of ``hook``, sorted."""
        return sorted({impl.plugin_name for impl in getattr(self.pm.hook, hook).get_hookimpls()
                       if not (impl.hookwrapper or impl.wrapper)
                       and (keep is None or impl.plugin_name in keep)})

    def _each(self, hook: str, keep: Collection[str] | None = None,
              **kwargs: Any) -> list[tuple[str, Any]]:
        """``[(plugin, result)]`` of ``hook`` for every plugin (of ``keep``), by plugin name.

        Each plugin is called through its own subset caller, so a result is known to be its
        (pluggy's combined list drops Nones and runs last-registered first) and the order is
        the plugins' names whatever the installation order."""
        out: list[tuple[str, Any]] = []
        for name in self._implementers(hook, keep):
            results = self._caller(hook, keep, only=name)(**kwargs)
            out.append((name, results[0] if results else None))
        return out

    async def _each_async(self, hook: str, keep: Collection[str],
                          **kwargs: Any) -> list[tuple[str, Any]]:
        """Like :meth:`_each` for an ``async`` hook: each plugin's coroutine is awaited before
        the next plugin is called, so they run one after another in name order."""
        out: list[tuple[str, Any]] = []
        for name in self._implementers(hook, keep):
            results = self._caller(hook, keep, only=name)(**kwargs)
            result = results[0] if results else None
            out.append((name, await result if inspect.isawaitable(result) else result))
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

    def node_types(self) -> list[tuple[str, NodeType]]:
        """``[(plugin, NodeType)]``; clashes are refused when the schema is built."""
        return self._flat("linli_node_types")

    def routes(self) -> list[tuple[str, Any]]:
        return self._flat("linli_routes")

    def console_pages(self) -> list[tuple[str, Any]]:
        """``[(plugin, ConsolePage)]``; checked by ``core.console.pages.plugin_pages``."""
        return self._flat("linli_console_pages")

    def plugin_dir(self, name: str) -> Path | None:
        """The package folder of plugin ``name`` (where its hooks module lives), or None."""
        plugin = self.pm.get_plugin(name)
        file = getattr(plugin, "__file__", None)
        return Path(file).resolve().parent if file else None

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

    def cli_commands(self) -> list[tuple[str, Any]]:
        """``[(plugin, click.Command)]`` for ``linli <plugin> …``."""
        return self._flat("linli_cli_commands")

    # run-time hooks: the registry decides which plugins are on for the tenant concerned
    async def enabled_for(self, tenant: int | NodeInfo) -> frozenset[str]:
        """The loaded plugins enabled at ``tenant`` (an id or a node; an unknown id has none).
        Reads in the caller's transaction."""
        node = await get_node(tenant) if isinstance(tenant, int) else tenant
        if node is None:
            return frozenset()
        return frozenset(await enabled_plugins(node, self.names))

    async def for_tenant(self, tenant: int | NodeInfo) -> TenantHooks:
        """The run-time hooks of the plugins enabled at ``tenant``, looked up once: for a
        caller that calls many hooks in one transaction (the event dispatcher)."""
        node_id = tenant if isinstance(tenant, int) else tenant.id
        return TenantHooks(self, node_id, await self.enabled_for(tenant))

    async def tenant_enabled(self, plugin: str, tenant_id: int) -> None:
        """``linli_tenant_enabled`` of ``plugin`` alone: the caller has just enabled it for
        ``tenant_id`` (see ``tenants.plugins.fire_tenant_enabled``)."""
        await self._each_async("linli_tenant_enabled", {plugin} & set(self.metas),
                               tenant_id=tenant_id)

    async def on_event(self, event: Any, plugin: str | None = None) -> list[str]:
        """Deliver ``event`` to the plugins enabled for its tenant (or to ``plugin`` only, if
        it is enabled there); the names of those called."""
        return await (await self.for_tenant(event.tenant_id)).on_event(event, plugin)

    async def personal_data(self, resident_id: int, action: str,
                            tenant: int | NodeInfo) -> dict[str, Any]:
        """``{plugin: answer}`` of ``linli_personal_data`` for the plugins enabled at
        ``tenant`` (the resident's tenant), leaving out plugins that hold nothing."""
        return await (await self.for_tenant(tenant)).personal_data(resident_id, action)

    async def responsible_accounts(self, resident_id: int, tenant_id: int) -> list[int]:
        """Accounts the plugins enabled at ``tenant_id`` name as responsible for a resident
        (sorted, unique)."""
        return await (await self.for_tenant(tenant_id)).responsible_accounts(resident_id)

    async def demo_data(self, tenant_id: int) -> None:
        await (await self.for_tenant(tenant_id)).demo_data()


class TenantHooks:
    """The run-time hooks of one tenant's enabled plugins (valid in the transaction that
    looked them up: enablement may change afterwards)."""

    def __init__(self, registry: Registry, tenant_id: int, enabled: frozenset[str]) -> None:
        self.registry, self.tenant_id, self.enabled = registry, tenant_id, enabled

    async def on_event(self, event: Any, plugin: str | None = None) -> list[str]:
        """Call ``linli_on_event`` of every enabled plugin, or of ``plugin`` if and only if it
        is enabled (the dispatcher delivers one (event, handler) at a time)."""
        if event.tenant_id != self.tenant_id:
            raise ValueError(f"event {event.id} belongs to tenant {event.tenant_id}, "
                             f"not {self.tenant_id}")
        keep = self.enabled if plugin is None else self.enabled & {plugin}
        done = await self.registry._each_async("linli_on_event", keep, event=event)
        return [name for name, _ in done]

    async def personal_data(self, resident_id: int, action: str) -> dict[str, Any]:
        results = await self.registry._each_async("linli_personal_data", self.enabled,
                                                  resident_id=resident_id, action=action)
        return {name: r for name, r in results if r is not None}

    async def responsible_accounts(self, resident_id: int) -> list[int]:
        results = await self.registry._each_async("linli_responsible_accounts", self.enabled,
                                                  resident_id=resident_id,
                                                  tenant_id=self.tenant_id)
        return sorted({int(a) for _, accounts in results for a in (accounts or ())})

    async def demo_data(self) -> None:
        await self.registry._each_async("linli_demo_data", self.enabled,
                                        tenant_id=self.tenant_id)


_registry: Registry | None = None


def set_registry(registry: Registry | None) -> None:
    global _registry
    _registry = registry


def get_registry() -> Registry:
    global _registry
    if _registry is None:

        _registry = Registry(disabled=get_settings().disable_plugins)
        _registry.load_entrypoints()
    return _registry
