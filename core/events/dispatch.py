"""The dispatcher: delivers outbox events to consuming plugins, retries, parks, sweeps.

A batch reads up to ``limit`` due events, groups them by tenant, and for each tenant with work
opens one scoped write transaction: it first claims the deliveries (inserting ``done`` rows,
unique on (event_id, handler), or flipping due ``retry`` rows to ``done``), then runs each claimed
handler under its own savepoint. A handler that raises is rolled back to its savepoint — its
effects and its claim's ``done`` vanish together — and its row records the failure: ``retry`` at
base × 2^(tries-1) seconds, or ``parked`` after the last try. A delivery another dispatcher
holds is skipped (its claim waits on the row and then finds it done), so each handler's effect
commits exactly once. An event is marked dispatched when every handler is done or parked.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from core.db import Database
from core.events.types import Catalogue, Event, catalogue_for, utcnow
from core.registry import Registry, TenantHooks
from core.settings import Settings
from tenants.service import NodeInfo, get_node, scope_for

__all__ = ["DeliveryInfo", "EventInfo", "EventService", "EventStats"]

log = logging.getLogger("linli.events")
_MAX_BACKOFF = 3600.0
_RACE_RETRY = timedelta(seconds=1)
_CHUNK = 50
"""Deliveries run under one savepoint until one of them fails."""


@dataclass(frozen=True)
class _Row:
    id: int
    tenant_id: int
    type: str
    version: int
    payload: str
    created_at: datetime


@dataclass(frozen=True)
class DeliveryInfo:
    """A delivery as operators see it (``linli events failed``)."""

    id: int
    event_id: int
    event_type: str
    tenant_id: int
    handler: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str


@dataclass(frozen=True)
class EventInfo:
    """An emitted event as operators and tests see it (``linli events list``)."""

    id: int
    event_type: str
    tenant_id: int
    created_at: datetime
    payload: str
    """The payload as stored (JSON)."""
    pending: bool
    """Still waiting for the dispatcher."""
    done: int
    retrying: int
    parked: int

    @property
    def state(self) -> str:
        """``parked`` (some handler gave up), ``pending``, ``delivered`` or ``no handlers``."""
        if self.parked:
            return "parked"
        if self.pending or self.retrying:
            return "pending"
        return "delivered" if self.done else "no handlers"


@dataclass(frozen=True)
class EventStats:
    """Outbox health for metrics: pending events, the oldest one's age, parked deliveries."""

    pending: int
    oldest_pending_seconds: float
    parked: int


def _in_list(ids: Sequence[Any]) -> str:
    return ", ".join("{}" for _ in ids)


class EventService:
    """Delivers outbox events to the consuming plugins enabled for each event's tenant."""

    def __init__(self, db: Database, registry: Registry, settings: Settings | None = None, *,
                 clock: Callable[[], datetime] = utcnow) -> None:
        settings = settings or Settings()
        self.db, self.registry, self.clock = db, registry, clock
        self.max_attempts = max(1, settings.event_max_attempts)
        self.retry_base = settings.event_retry_base_seconds
        self.sweep_after = settings.event_sweep_after_seconds
        catalogue_for(registry)  # a malformed declaration fails at start-up

    @property
    def catalogue(self) -> Catalogue:
        return catalogue_for(self.registry)

    def backoff(self, attempts: int) -> timedelta:
        """Delay after the ``attempts``-th failed try: base × 2^(attempts-1), at most an hour."""
        return timedelta(seconds=min(self.retry_base * 2 ** (attempts - 1), _MAX_BACKOFF))

    # -- public entry points --------------------------------------------------
    async def dispatch_pending(self, limit: int = 500) -> int:
        """Deliver up to ``limit`` due events; the number of deliveries applied."""
        return (await self._batch(limit, due=self.clock()))[1]

    async def deliver(self, event_id: int) -> None:
        """Deliver one event now (the ``events.deliver`` job, run after the emit committed)."""
        await self._batch(1, due=None, event_id=event_id)

    async def sweep(self, *, older_than: float | None = None, limit: int = 500) -> int:
        """Deliver every due event older than ``older_than`` seconds (default: the setting);
        the number of deliveries applied."""
        age = self.sweep_after if older_than is None else older_than
        total = 0
        while True:
            fetched, applied = await self._batch(limit, due=self.clock() - timedelta(seconds=age))
            total += applied
            if fetched < limit:
                return total

    async def retry_parked(self, event_id: int | None = None) -> int:
        """Re-queue parked deliveries (of one event, or all); how many were re-queued."""
        now = self.clock()
        where = "status = 'parked'"
        args: list[Any] = [now, now]
        if event_id is not None:
            where += " AND event_id = {}"
            args.append(event_id)
        async with self.db.transaction():
            rows = await self.db.execute(
                "UPDATE linli_event_delivery SET status = 'retry', attempts = 0, "
                f"next_attempt_at = {{}}, updated_at = {{}} WHERE {where} RETURNING event_id",
                *args)
            events = sorted({int(r["event_id"]) for r in rows})
            if events:
                await self.db.execute(
                    "UPDATE linli_event_outbox SET pending = {}, dispatched_at = NULL, "
                    f"next_attempt_at = {{}} WHERE id IN ({_in_list(events)})",
                    True, now, *events)
        return len(rows)

    async def failed(self) -> list[DeliveryInfo]:
        """Parked deliveries, oldest first."""
        return await self.deliveries(status="parked")

    async def deliveries(self, event_ids: Sequence[int] | None = None,
                         status: str | None = None) -> list[DeliveryInfo]:
        """Deliveries (of some events, in some status), in the order they were first tried."""
        where: list[str] = ["1 = 1"]
        args: list[Any] = []
        if status is not None:
            where.append("d.status = {}")
            args.append(status)
        if event_ids is not None:
            where.append(f"d.event_id IN ({_in_list(event_ids) or 'NULL'})")
            args += list(event_ids)
        rows = await self.db.execute(
            "SELECT d.id, d.event_id, o.event_type, d.tenant_id, d.handler, d.status, "
            "d.attempts, d.next_attempt_at, d.last_error FROM linli_event_delivery d "
            f"JOIN linli_event_outbox o ON o.id = d.event_id WHERE {' AND '.join(where)} "
            "ORDER BY d.id", *args)
        return [DeliveryInfo(**r) for r in rows]

    async def events(self, *, event_type: str | None = None,
                     tenant_ids: Sequence[int] | None = None, limit: int = 50,
                     after_id: int = 0) -> list[EventInfo]:
        """Emitted events, newest first, with their delivery state (operators; tests)."""
        where: list[str] = ["o.id > {}"]
        args: list[Any] = [after_id]
        if event_type is not None:
            where.append("o.event_type = {}")
            args.append(event_type)
        if tenant_ids is not None:
            where.append(f"o.tenant_id IN ({_in_list(tenant_ids) or 'NULL'})")
            args += list(tenant_ids)
        rows = await self.db.execute(
            "SELECT o.id, o.event_type, o.tenant_id, o.created_at, o.payload, o.pending, "
            "SUM(CASE WHEN d.status = 'done' THEN 1 ELSE 0 END) AS done, "
            "SUM(CASE WHEN d.status = 'retry' THEN 1 ELSE 0 END) AS retrying, "
            "SUM(CASE WHEN d.status = 'parked' THEN 1 ELSE 0 END) AS parked "
            "FROM linli_event_outbox o LEFT JOIN linli_event_delivery d ON d.event_id = o.id "
            f"WHERE {' AND '.join(where)} GROUP BY o.id, o.event_type, o.tenant_id, "
            "o.created_at, o.payload, o.pending ORDER BY o.id DESC LIMIT {}", *args, int(limit))
        out = []
        for r in rows:
            created = r["created_at"]
            if isinstance(created, str):  # SQLite through a raw query: text
                created = datetime.fromisoformat(created)
            if created.tzinfo is None:
                created = created.replace(tzinfo=UTC)
            out.append(EventInfo(id=int(r["id"]), event_type=str(r["event_type"]),
                                 tenant_id=int(r["tenant_id"]), created_at=created,
                                 payload=str(r["payload"]), pending=bool(r["pending"]),
                                 done=int(r["done"] or 0), retrying=int(r["retrying"] or 0),
                                 parked=int(r["parked"] or 0)))
        return out

    async def stats(self) -> EventStats:
        rows = await self.db.execute(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM linli_event_outbox "
            "WHERE pending = {}", True)
        parked = await self.db.execute(
            "SELECT COUNT(*) AS n FROM linli_event_delivery WHERE status = 'parked'")
        oldest = rows[0]["oldest"]
        if isinstance(oldest, str):  # SQLite's MIN() loses the column's declared type
            oldest = datetime.fromisoformat(oldest).replace(tzinfo=UTC)
        age = (self.clock() - oldest).total_seconds() if oldest else 0.0
        return EventStats(int(rows[0]["n"]), max(age, 0.0), int(parked[0]["n"]))

    # -- the batch ----------------------------------------------------------
    def _subscribers(self) -> dict[str, set[str]]:
        """Event type → plugins that consume it and implement ``linli_on_event``."""
        handlers = {impl.plugin_name
                    for impl in self.registry.pm.hook.linli_on_event.get_hookimpls()}
        subs: dict[str, set[str]] = {}
        for name, meta in self.registry.metas.items():
            if name in handlers:
                for etype in meta.consumes:
                    subs.setdefault(etype, set()).add(name)
        return subs

    async def _fetch(self, limit: int, due: datetime | None,
                     event_id: int | None) -> list[_Row]:
        cols = "id, tenant_id, event_type, version, payload, created_at"
        if event_id is not None:
            rows = await self.db.execute(
                f"SELECT {cols} FROM linli_event_outbox WHERE id = {{}} AND pending = {{}}",
                event_id, True)
        else:
            rows = await self.db.execute(
                f"SELECT {cols} FROM linli_event_outbox WHERE pending = {{}} AND "
                "next_attempt_at <= {} ORDER BY next_attempt_at, id LIMIT {}", True, due, limit)
        return [_Row(int(r["id"]), int(r["tenant_id"]), r["event_type"], int(r["version"]),
                     r["payload"], r["created_at"]) for r in rows]

    async def _known(self, event_ids: list[int]) -> dict[tuple[int, str], dict[str, Any]]:
        known: dict[tuple[int, str], dict[str, Any]] = {}
        for i in range(0, len(event_ids), 500):
            chunk = event_ids[i:i + 500]
            for r in await self.db.execute(
                    "SELECT id, event_id, handler, status, next_attempt_at FROM "
                    f"linli_event_delivery WHERE event_id IN ({_in_list(chunk)})", *chunk):
                known[(int(r["event_id"]), r["handler"])] = r
        return known

    async def _batch(self, limit: int, due: datetime | None,
                     event_id: int | None = None) -> tuple[int, int]:
        """One pass: fetch, plan per tenant, apply; (events fetched, deliveries applied)."""
        now = self.clock()
        subs = self._subscribers()
        async with self.db.transaction(write=False):
            rows = await self._fetch(limit, due, event_id)
            if not rows:
                return 0, 0
            known = await self._known([r.id for r in rows])
            tenants: dict[int, tuple[NodeInfo | None, set[str]]] = {}
            for tid in sorted({r.tenant_id for r in rows}):
                node = await get_node(tid)
                on = set(await self.registry.enabled_for(node)) if node else set()
                tenants[tid] = (node, on)
        finished: list[int] = []
        applied = 0
        for tid, (node, on) in tenants.items():
            group = [r for r in rows if r.tenant_id == tid]
            work: list[tuple[_Row, str]] = []
            waiting: dict[int, datetime] = {}
            for row in group:
                for handler in sorted(subs.get(row.type, set()) & on):
                    d = known.get((row.id, handler))
                    if d is None or (d["status"] == "retry" and d["next_attempt_at"] <= now):
                        work.append((row, handler))
                    elif d["status"] == "retry":
                        waiting[row.id] = min(waiting.get(row.id, d["next_attempt_at"]),
                                              d["next_attempt_at"])
            if node is None or not work:
                if node is None:
                    log.warning("events of unknown node %s dropped undelivered", tid)
                finished += [r.id for r in group if r.id not in waiting]
                if waiting:
                    async with self.db.transaction():
                        await self._reschedule(waiting)
                continue
            applied += await self._apply(node, group, work, known, waiting, now, finished)
        if finished:
            async with self.db.transaction():
                for i in range(0, len(finished), 500):
                    chunk = finished[i:i + 500]
                    await self.db.execute(
                        "UPDATE linli_event_outbox SET pending = {}, dispatched_at = {} "
                        f"WHERE id IN ({_in_list(chunk)})", False, now, *chunk)
        return len(rows), applied

    async def _reschedule(self, when: Mapping[int, datetime]) -> None:
        for event_id, at in when.items():
            await self.db.execute(
                "UPDATE linli_event_outbox SET next_attempt_at = {} WHERE id = {} "
                "AND pending = {}", at, event_id, True)

    async def _claim(self, node: NodeInfo, work: list[tuple[_Row, str]],
                     known: Mapping[tuple[int, str], Mapping[str, Any]],
                     now: datetime) -> dict[tuple[int, str], int]:
        """Mark the deliveries ``done`` before running them (the savepoint undoes a failure);
        a delivery another dispatcher holds or finished is not returned. Key → attempts."""
        claimed: dict[tuple[int, str], int] = {}
        fresh = [(r.id, h) for r, h in work if (r.id, h) not in known]
        retry = [int(known[(r.id, h)]["id"]) for r, h in work if (r.id, h) in known]
        for i in range(0, len(fresh), 500):
            chunk = fresh[i:i + 500]
            values = ", ".join("({}, {}, {}, 'done', 1, {}, '', {})" for _ in chunk)
            args: list[Any] = []
            for event_id, handler in chunk:
                args += [event_id, handler, node.id, now, now]
            rows = await self.db.execute(
                "INSERT INTO linli_event_delivery (event_id, handler, tenant_id, status, "
                f"attempts, next_attempt_at, last_error, updated_at) VALUES {values} "
                "ON CONFLICT (event_id, handler) DO NOTHING RETURNING event_id, handler, attempts",
                *args)
            claimed.update({(int(r["event_id"]), r["handler"]): int(r["attempts"]) for r in rows})
        for i in range(0, len(retry), 500):
            ids = retry[i:i + 500]
            rows = await self.db.execute(
                "UPDATE linli_event_delivery SET status = 'done', attempts = attempts + 1, "
                "updated_at = {} WHERE status = 'retry' AND next_attempt_at <= {} "
                f"AND id IN ({_in_list(ids)}) RETURNING event_id, handler, attempts",
                now, now, *ids)
            claimed.update({(int(r["event_id"]), r["handler"]): int(r["attempts"]) for r in rows})
        return claimed

    async def _apply(self, node: NodeInfo, group: list[_Row], work: list[tuple[_Row, str]],
                     known: Mapping[tuple[int, str], Mapping[str, Any]],
                     waiting: dict[int, datetime], now: datetime, finished: list[int]) -> int:
        """Run the claimed deliveries of one tenant in one scoped write transaction."""
        async with self.db.scoped(scope_for(node), write=True):
            claimed = await self._claim(node, work, known, now)
            todo: list[tuple[_Row, str, int]] = []
            for row, handler in work:
                attempts = claimed.get((row.id, handler))
                if attempts is None:  # another dispatcher has it: look again shortly
                    waiting[row.id] = min(waiting.get(row.id, now + _RACE_RETRY),
                                          now + _RACE_RETRY)
                else:
                    todo.append((row, handler, attempts))
            # the registry decides again, inside this transaction, which handlers are on
            hooks = await self.registry.for_tenant(node)
            applied = await self._run(hooks, todo, waiting, now)
            finished += [r.id for r in group if r.id not in waiting]
            await self._reschedule(waiting)
        return applied

    async def _run(self, hooks: TenantHooks, todo: list[tuple[_Row, str, int]],
                   waiting: dict[int, datetime], now: datetime) -> int:
        """Call the handlers, up to ``_CHUNK`` under one savepoint. When one fails, the chunk is
        rolled back to its savepoint, the failure recorded, and the handlers before it run
        again, from then on each under its own savepoint; so one failure never undoes another
        delivery, and a handler's effects commit once even if it was called twice."""
        tx = self.db.engine.current_transaction.get()
        assert tx is not None
        events: dict[int, Event] = {}
        applied, size, i = 0, _CHUNK, 0
        while i < len(todo):
            chunk = todo[i:i + size]
            savepoint = await tx.savepoint()
            failure: tuple[int, Exception] | None = None
            for j, (row, handler, _) in enumerate(chunk):
                if row.id not in events:
                    events[row.id] = self._event(row)
                try:
                    await hooks.on_event(events[row.id], handler)
                except Exception as exc:  # noqa: BLE001 - recorded, retried, then parked
                    failure = (j, exc)
                    break
            if failure is None:
                await savepoint.release()
                applied += len(chunk)
                i += len(chunk)
                continue
            await savepoint.rollback_to()
            await savepoint.release()
            j, error = failure
            row, handler, attempts = todo.pop(i + j)
            log.warning("event %s handler %s failed (try %s): %s", row.id, handler, attempts,
                        error, exc_info=error)
            retry_at = await self._failed(row.id, handler, attempts, error, now)
            if retry_at is not None:
                waiting[row.id] = min(waiting.get(row.id, retry_at), retry_at)
            size = 1
        return applied

    async def _failed(self, event_id: int, handler: str, attempts: int, exc: Exception,
                      now: datetime) -> datetime | None:
        """Record a failed try: retry later (returns when) or park after the last try."""
        parked = attempts >= self.max_attempts
        retry_at = now + self.backoff(attempts)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        await self.db.execute(
            "UPDATE linli_event_delivery SET status = {}, next_attempt_at = {}, last_error = {}, "
            "updated_at = {} WHERE event_id = {} AND handler = {}",
            "parked" if parked else "retry", retry_at, error, now, event_id, handler)
        return None if parked else retry_at

    def _event(self, row: _Row) -> Event:
        values = json.loads(row.payload)
        etype = self.catalogue.get(row.type, row.version)
        payload = etype.load(values) if etype is not None else values
        return Event(id=row.id, type=row.type, version=row.version, tenant_id=row.tenant_id,
                     payload=payload, created_at=row.created_at)
