"""Audit trail: every mutation and every reveal of personal data appends an entry.

Entries are tenant-owned (the acting node) and append-only. Writers only insert, in the caller's
transaction, with no sequence number; a background step (:mod:`core.audit.chain`,
``linli audit chain``) later numbers each tenant's entries and hash-chains them, so a writer
never waits on a chain head. ``linli audit verify`` detects an edited, deleted or reordered row.

Actions are free-form for core (listed in :data:`CORE_ACTIONS`); an action namespaced with a
loaded plugin's name (``blood_drive.donation_recorded``) must be declared in that plugin's
``PluginMeta.audit_actions``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ClassVar

from piccolo.columns import BigInt, Text, Timestamptz, Varchar

from core import registry as registry_module
from core.db import ScopedTable

__all__ = [
    "CORE_ACTIONS",
    "AuditActionError",
    "AuditChainHead",
    "AuditEntry",
    "AuditItem",
    "actor_var",
    "check_action",
    "client_request_id_var",
    "record",
    "record_many",
    "request_id_var",
    "trail_page",
]

request_id_var: ContextVar[str] = ContextVar("linli_request_id", default="")
"""The server-generated id of the request being served (never what a client sent)."""
client_request_id_var: ContextVar[str] = ContextVar("linli_client_request_id", default="")
"""The client's ``X-Request-ID``, when it sent a safe one: kept beside the server's id."""
actor_var: ContextVar[tuple[int | None, int | None]] = ContextVar("linli_audit_actor",
                                                                  default=(None, None))
"""(account id, API key id) of the authenticated caller of the request being served."""

CORE_ACTIONS: tuple[str, ...] = (
    "identity.api_key_created",
    "identity.api_key_revoked",
    "identity.membership_granted",
    "identity.membership_revoked",
    "people.create_community",
    "people.create_grid",
    "people.create_building",
    "people.create_household",
    "people.create_resident",
    "people.update_resident",
    "people.reveal_pii",
    "people.id_number_lookup",
    "people.import",
    "people.export",
    "people.personal_data.export",
    "people.personal_data.erase",
    "notify.read",
    "rules.set",
    "plugins.enable",
    "plugins.disable",
    "audit.purge",
    "tenants.create",
    "tenants.move",
)
"""Core's actions, for reference: core may also record others (core actions are free-form)."""


class AuditActionError(ValueError):
    """A plugin-namespaced action that its plugin did not declare in ``audit_actions``."""


class AuditEntry(ScopedTable, tablename="linli_audit_entry"):
    """审计记录 One audited action: who, where, what, on which object, before/after.

    ``tenant_id`` is the acting node. ``seq`` and ``hash`` are NULL until the chain step runs.
    """

    account_id = BigInt(null=True, default=None)
    action = Varchar(length=64, null=False, index=True)
    object_type = Varchar(length=64, default="")
    object_id = Varchar(length=64, default="")
    summary = Text(default="{}")
    request_id = Varchar(length=64, default="")
    """The server-generated id of the request (``X-Request-ID`` of its response)."""
    api_key_id = BigInt(null=True, default=None)
    """The API key that acted (``account_id`` is then NULL)."""
    actor = Varchar(length=64, default="")
    """Who acted: ``account:<id>``, ``api_key:<id>`` or ``system`` (CLI, jobs)."""
    client_request_id = Varchar(length=64, default="")
    """The client's own ``X-Request-ID``, kept beside ours (never trusted as ours)."""
    at = Timestamptz()
    seq = BigInt(null=True, default=None)
    """Position in the tenant's chain (1, 2, …); NULL until chained."""
    hash = Varchar(length=64, null=True, default=None)
    """SHA-256 of the previous entry's hash and this entry's canonical JSON."""

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "seq")]


class AuditChainHead(ScopedTable, tablename="linli_audit_chain_head"):
    """审计链头 The last chained entry of one tenant's trail, and where a purge left its start.

    ``base_seq``/``base_hash``: the last entry removed by a retention purge (0 and the genesis
    hash when nothing was purged); verification starts after it.
    """

    seq = BigInt(default=0)
    hash = Varchar(length=64, default="")
    base_seq = BigInt(default=0)
    base_hash = Varchar(length=64, default="")
    updated_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id",)]


@dataclass(frozen=True)
class AuditItem:
    """One entry to append with :func:`record_many`."""

    action: str
    account_id: int | None
    object_type: str = ""
    object_id: Any = ""
    summary: dict[str, Any] | None = field(default=None)


def _declared_plugin_actions() -> dict[str, frozenset[str]]:
    """Loaded plugins' names → their declared ``audit_actions``."""

    registry = registry_module._registry
    if registry is None:
        return {}
    return {name: frozenset(getattr(meta, "audit_actions", ()))
            for name, meta in registry.metas.items()}


def check_action(action: str) -> None:
    """Refuse a plugin-namespaced action its plugin did not declare (core's are free-form)."""
    if not action or len(action) > 64:
        raise AuditActionError(f"审计动作名无效 / invalid audit action {action!r}")
    if action in CORE_ACTIONS:
        return
    prefix = action.split(".", 1)[0]
    declared = _declared_plugin_actions().get(prefix)
    if declared is not None and action not in declared:
        raise AuditActionError(
            f"插件 {prefix} 未声明审计动作 {action} / plugin {prefix} did not declare audit "
            f"action {action!r} in PluginMeta.audit_actions")


def _merge(summary: dict[str, Any] | None, before: Any, after: Any) -> dict[str, Any]:
    body = dict(summary or {})
    if before is not None:
        body["before"] = before
    if after is not None:
        body["after"] = after
    return body


def _row(item: AuditItem, node: int, request_id: str) -> AuditEntry:
    check_action(item.action)
    caller_account, caller_key = actor_var.get()
    account_id = item.account_id if item.account_id is not None else caller_account
    api_key_id = caller_key if account_id is None else None
    actor = (f"account:{account_id}" if account_id is not None
             else f"api_key:{api_key_id}" if api_key_id is not None else "system")
    return AuditEntry(
        tenant_id=node,
        account_id=account_id,
        api_key_id=api_key_id,
        actor=actor,
        client_request_id=client_request_id_var.get(),
        action=item.action,
        object_type=item.object_type,
        object_id=str(item.object_id),
        summary=json.dumps(item.summary or {}, ensure_ascii=False, default=str, sort_keys=True),
        request_id=request_id,
    )


async def record(action: str, *, account_id: int | None, object_type: str = "",
                 object_id: Any = "", summary: dict[str, Any] | None = None,
                 before: Any = None, after: Any = None) -> None:
    """Append an entry in the current scoped write transaction (the acting node owns it).

    ``before``/``after``, when given, are stored in the summary under those keys."""
    await record_many([AuditItem(action, account_id, object_type, object_id,
                                 _merge(summary, before, after))])


async def record_many(items: Iterable[AuditItem]) -> int:
    """Append several entries with one INSERT; returns how many."""
    node = AuditEntry._write_node()
    request_id = request_id_var.get()
    rows: Sequence[AuditEntry] = [_row(item, node, request_id) for item in items]
    if rows:
        await AuditEntry.insert(*rows)
    return len(rows)


async def trail_page(tenant_id: int, first: int, before_id: int = 0, *, action: str | None = None,
                     object_type: str | None = None) -> list[dict[str, Any]]:
    """Up to ``first + 1`` entries of ``tenant_id``, newest first, with ids below ``before_id``
    (0: from the newest). Runs in the caller's scoped transaction."""
    query = AuditEntry.select().where(AuditEntry.tenant_id == tenant_id)
    if before_id:
        query = query.where(AuditEntry.id < before_id)
    if action:
        query = query.where(AuditEntry.action == action)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    return list(await query.order_by(AuditEntry.id, ascending=False).limit(first + 1))
