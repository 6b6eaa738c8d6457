"""Domain events: the outbox, ``emit()``, and the service that delivers them.

``emit(type, payload)`` validates the payload against the catalogue (``core.events.types``: core's
shared types plus every plugin's ``linli_event_types``) and writes an outbox row in the caller's
transaction, so a rolled-back change emits nothing. An event's tenant is that of the resident it
concerns (looked up in the caller's scope), else the explicit ``tenant_id`` (one the scope reads, or
a tenant below the region the scope writes for) or the scope's write node. :class:`EventService` (``state.services.events``, see ``core.events.dispatch``) delivers
each pending event to ``linli_on_event`` of every plugin enabled for its tenant that lists the
type in ``PluginMeta.consumes``, exactly once per (event, handler), with retries and parking; its
``sweep()`` delivers whatever nobody delivered, so losing Redis or a worker loses nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, ClassVar, Protocol

from piccolo.columns import BigInt, Boolean, Integer, Text, Timestamptz, Varchar

from core.db import BaseTable, get_db
from core.errors import ApiError, ErrorCode
from core.events.dispatch import DeliveryInfo, EventService, EventStats
from core.events.types import (
    CORE_EVENT_TYPES,
    Catalogue,
    Event,
    EventType,
    ServiceRecorded,
    WelfareConcern,
    build_catalogue,
    catalogue_for,
    utcnow,
)
from core.host import Host
from core.people.tables import Resident
from core.registry import get_registry
from tenants.scope import peek_scope
from tenants.service import get_node

__all__ = [
    "CORE_EVENT_TYPES",
    "Catalogue",
    "DeliveryInfo",
    "Event",
    "EventDelivery",
    "EventService",
    "EventStats",
    "EventType",
    "OutboxEvent",
    "ServiceRecorded",
    "WelfareConcern",
    "build_catalogue",
    "catalogue_for",
    "emit",
    "install",
]


class OutboxEvent(BaseTable, tablename="linli_event_outbox"):
    """事件发件箱 One emitted event. An infrastructure table, not a ScopedTable: the dispatcher
    reads it across tenants; ``tenant_id`` names the tenant whose scope its handlers run in."""

    tenant_id = BigInt(null=False, default=None)
    event_type = Varchar(length=100, null=False)
    version = Integer(null=False, default=1)
    payload = Text(null=False, default="{}")
    created_at = Timestamptz()
    pending = Boolean(default=True)
    next_attempt_at = Timestamptz()
    """When the dispatcher should look at the event next (creation, or a handler's retry)."""
    dispatched_at = Timestamptz(null=True, default=None)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("pending", "next_attempt_at", "id")]


class EventDelivery(BaseTable, tablename="linli_event_delivery"):
    """事件投递 One (event, handler) delivery: ``done``, ``retry`` or ``parked``. An
    infrastructure table (operators list parked deliveries across tenants); the ``done`` row is
    written in the handler's own scoped transaction, and (event_id, handler) is unique."""

    event_id = BigInt(null=False, default=None)
    handler = Varchar(length=64, null=False)
    tenant_id = BigInt(null=False, default=None)
    status = Varchar(length=8, null=False)
    attempts = Integer(null=False, default=0)
    next_attempt_at = Timestamptz()
    last_error = Text(null=False, default="")
    updated_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("event_id", "handler"),
                                                         ("status", "id")]


def _json_default(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in an event payload")


async def _below(tenant_id: int, region_id: int | None) -> bool:
    """Whether ``tenant_id`` lies below the region ``region_id`` (the node a scope writes for):
    a region's work may address an event to a tenant below it, whose handlers then run in that
    tenant's own scope (a county's reading room telling a reader in the reader's own tenant)."""
    if region_id is None:
        return False
    node = await get_node(tenant_id)
    return node is not None and region_id in node.ancestor_ids


async def _event_tenant(values: Mapping[str, Any], tenant_id: int | None) -> int:
    """The tenant of the resident the event concerns, else the explicit or the scope's node."""
    scope = peek_scope()
    resident_id = values.get("resident_id")
    if resident_id is not None:
        if scope is None:
            raise ApiError(ErrorCode.INVALID_ARGUMENT, "涉及居民的事件须在范围内发出",
                           "an event about a resident must be emitted inside a scope",
                           "resident_id")
        row = await Resident.select(Resident.tenant_id).where(
            Resident.id == resident_id).first()
        if row is None:
            raise ApiError(ErrorCode.NOT_FOUND, "居民不存在或不在当前范围内",
                           "no such resident in the caller's scope", "resident_id")
        owner = int(row["tenant_id"])
        if tenant_id is not None and tenant_id != owner:
            raise ApiError(ErrorCode.INVALID_ARGUMENT, "事件的租户须是该居民所属的租户",
                           "the event's tenant must be the resident's tenant", "tenant_id")
        return owner
    if tenant_id is not None:
        if scope is not None and tenant_id not in scope.read_nodes \
                and not await _below(tenant_id, scope.write_node):
            raise ApiError(ErrorCode.FORBIDDEN, "不能为范围之外的租户发出事件",
                           "cannot emit an event for a tenant outside the scope", "tenant_id")
        return tenant_id
    if scope is None or scope.write_node is None:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "无法确定事件的租户",
                       "no tenant for the event: emit inside a write scope or pass tenant_id",
                       "tenant_id")
    return scope.write_node


async def emit(event_type: str, payload: Any, *, tenant_id: int | None = None) -> int:
    """Validate ``payload`` and write an outbox row in the caller's transaction; its id."""
    db = get_db()
    if db.engine.current_transaction.get() is None:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "须在调用方的事务中发出事件",
                       "emit() must run inside the caller's transaction")
    etype = catalogue_for(get_registry()).resolve(event_type, payload)
    values = etype.validate(payload)
    tenant = await _event_tenant(values, tenant_id)
    now = utcnow()
    rows = await db.execute(
        "INSERT INTO linli_event_outbox (tenant_id, event_type, version, payload, created_at, "
        "pending, next_attempt_at) VALUES ({}, {}, {}, {}, {}, {}, {}) RETURNING id",
        tenant, etype.name, etype.version,
        json.dumps(values, ensure_ascii=False, default=_json_default), now, True, now)
    event_id = int(rows[0]["id"])
    from core.jobs.service import after_commit_deliver  # jobs imports events' service by name only

    after_commit_deliver(event_id, tenant)  # the sweeper delivers if no job runner is up
    return event_id


class _Slot(Protocol):
    events: EventService | None


class _Host(Host, Protocol):
    @property
    def services(self) -> _Slot: ...


def install(state: _Host) -> None:
    """Register the service as ``state.services.events``."""
    state.services.events = EventService(state.db, state.registry, state.settings)
