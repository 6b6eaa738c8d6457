"""Rules for plugins: declaring keys (:class:`RuleKey`, returned by ``linli_rules``) and reading
the value in force for a tenant on a date (:func:`rule_value`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol
from weakref import WeakKeyDictionary

from core.errors import ApiError, ErrorCode
from core.registry import Registry, get_registry
from core.rules.service import Resolved, RuleKey, RuleRegistry
from tenants.service import get_node

__all__ = ["Resolved", "RuleKey", "RuleReader", "plugin_rules", "rule_reader", "rule_value"]

_readers: WeakKeyDictionary[Registry, RuleRegistry] = WeakKeyDictionary()


class RuleReader(Protocol):
    """What services need of the rules: the value of a key at a node on a date."""

    async def get(self, key: str, node: Any, on: date | None = None) -> Resolved: ...

    async def get_many(self, keys: Iterable[str], node: Any,
                       on: date | None = None) -> dict[str, Resolved]: ...


def rule_reader() -> RuleReader:
    """Every declared key of the loaded plugins and core (built once per registry)."""
    registry = get_registry()
    reader = _readers.get(registry)
    if reader is None:
        reader = _readers[registry] = RuleRegistry.from_registry(registry)
    return reader


def plugin_rules(plugin: str, keys: Iterable[RuleKey]) -> RuleReader:
    """A reader of one plugin's own keys, independent of which plugins are loaded (values are
    core's rule rows all the same: inherited, locked, dated). Keys must start with
    ``plugin.``."""
    return RuleRegistry([(plugin, key) for key in keys])


async def rule_value(key: str, tenant_id: int, on: date | None = None, *,
                     rules: RuleReader | None = None) -> Resolved:
    """The value of ``key`` in force at ``tenant_id`` on ``on`` (default today, Asia/Shanghai)
    with its version (store the version with anything computed from the value). Runs inside a
    scope covering the tenant; an unknown tenant is ``NOT_FOUND``."""
    node = await get_node(tenant_id)
    if node is None:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该单位", "tenant not found", "tenantId")
    return await (rules or rule_reader()).get(key, node, on)
