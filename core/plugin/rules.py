"""Rules for plugins: declaring keys (:class:`RuleKey`, returned by ``linli_rules``), reading
the value in force for a tenant on a date (:func:`rule_value`) and seeding a plugin's defaults
as dated rows when it is enabled (:func:`seed_rules`)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any, Protocol
from weakref import WeakKeyDictionary

from core.db import get_db
from core.errors import ApiError, ErrorCode
from core.registry import Registry, get_registry
from core.rules.service import Resolved, RuleKey, RuleRegistry, RuleValue
from tenants.scope import current_scope
from tenants.service import get_node

__all__ = ["Resolved", "RuleKey", "RuleReader", "plugin_rules", "rule_reader", "rule_value",
           "seed_rules"]

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


async def seed_rules(keys: Iterable[RuleKey], since: Mapping[str, date]) -> list[int]:
    """Write each key's declared default as a rule row of the topmost node above the current
    write scope's tenant (the root region, through ``as_region``; the tenant itself when it is
    the root), in force from ``since[key]`` — the date of the standard the default comes from,
    which may lie in the past: the row states the value the default already gave. Keys that
    already have a row there are left alone (idempotent); a region or tenant below overrides
    the seeded row as with any other value. Call it from ``linli_tenant_enabled`` (and a demo)
    so every computation stores a real version (≥ 1), not 0. Answers the new rows' ids."""
    keys = list(keys)
    missing = [k.key for k in keys if k.key not in since]
    if missing:
        raise ValueError(f"seed_rules: no effective date for {', '.join(missing)}")
    scope = current_scope()
    if scope.write_node is None:
        raise ApiError(ErrorCode.FORBIDDEN, "需要写入范围", "a write scope is needed")
    tenant = await get_node(scope.write_node)
    if tenant is None:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该单位", "tenant not found", "tenantId")
    root_id = int(tenant.path.strip("/").split("/")[0])
    root = tenant if root_id == tenant.id else await get_node(root_id)
    assert root is not None
    db = get_db()
    if root.id == tenant.id:
        return await _seed_here(root.id, keys, since)
    async with db.as_region(root.id, [RuleValue]):
        return await _seed_here(root.id, keys, since)


async def _seed_here(node_id: int, keys: list[RuleKey], since: Mapping[str, date]) -> list[int]:
    have = {str(r["key"]) for r in await RuleValue.select(RuleValue.key).where(
        (RuleValue.tenant_id == node_id) & RuleValue.key.is_in([k.key for k in keys] or [""]))}
    rows = [RuleValue(tenant_id=node_id, key=k.key,
                      value=json.dumps(k.check(k.default), ensure_ascii=False),
                      effective_from=since[k.key], locked=False, created_by=None,
                      created_at=datetime.now(UTC)) for k in keys if k.key not in have]
    if not rows:
        return []
    await RuleValue.insert(*rows)
    return [int(r.id) for r in rows]
