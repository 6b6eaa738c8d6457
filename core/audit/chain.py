"""The audit chain: number and hash-chain each tenant's entries in the background, verify them.

Per tenant (the owning node): the chain step takes the unchained entries in id order, gives each
``seq = last + 1`` and ``hash = SHA-256(prev_hash + canonical JSON of the entry)``, and stores the
last one in :class:`~core.audit.service.AuditChainHead`. Writers never touch the head, so they never wait
on it; the chain step serialises itself per tenant (an advisory lock on PostgreSQL, the write
transaction on SQLite). :func:`verify_tenant` recomputes the chain and names the first broken
``seq``: an edited row (hash mismatch), a deleted row (a gap, or a tail shorter than the head), a
reordered row (hash mismatch, since ``id`` and ``seq`` are hashed).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from core.audit.service import AuditChainHead, AuditEntry
from core.db import Database
from core.host import Host
from core.jobs.service import JobService
from core.jobs.specs import CORE, CronSpec
from tenants.scope import Scope
from tenants.tables import Node

__all__ = [
    "GENESIS",
    "VerifyReport",
    "canonical",
    "chain_all",
    "chain_tenant",
    "entry_hash",
    "heads",
    "install",
    "tenants_with_entries",
    "verify_tenant",
]

GENESIS = "0" * 64
BATCH = 1000
_LOCK_BASE = 0x4C494E4C49 << 20  # "LINLI": keeps the advisory-lock keys apart from others'


def _as_utc(value: Any) -> str:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return str(value.astimezone(UTC).isoformat(timespec="microseconds"))
    return str(value)


def canonical(row: dict[str, Any], seq: int) -> str:
    """The hashed form of an entry: its fields as sorted, compact JSON."""
    try:
        summary: Any = json.loads(row["summary"] or "{}")
    except ValueError:
        summary = row["summary"]
    body = {
        "id": int(row["id"]),
        "tenant_id": int(row["tenant_id"]),
        "seq": seq,
        "account_id": row["account_id"],
        "action": row["action"],
        "object_type": row["object_type"],
        "object_id": row["object_id"],
        "summary": summary,
        "request_id": row["request_id"],
        "at": _as_utc(row["at"]),
    }
    # added later: hashed only when set, so entries chained before them verify unchanged
    for extra in ("api_key_id", "actor", "client_request_id"):
        if row.get(extra):
            body[extra] = row[extra]
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(prev_hash: str, row: dict[str, Any], seq: int) -> str:
    return hashlib.sha256((prev_hash + canonical(row, seq)).encode("utf-8")).hexdigest()


def _db(state: Any) -> Database:
    db: Database = state if isinstance(state, Database) else state.db
    return db


def _tenant_scope(tenant_id: int) -> Scope:
    return Scope(read_nodes=frozenset({tenant_id}), write_node=tenant_id, acting_node=tenant_id,
                 label="audit-chain")


async def _all_node_ids(db: Database) -> list[int]:

    async with db.transaction(write=False):
        return [int(r["id"]) for r in await Node.select(Node.id)]


async def _scan_scope(db: Database) -> Scope:
    """A read-only scope over every node, for finding work across tenants."""
    return Scope(read_nodes=frozenset(await _all_node_ids(db)), label="audit-scan")


async def tenants_with_entries(db: Database, *, unchained_only: bool = False) -> list[int]:
    async with db.scoped(await _scan_scope(db)):
        query = AuditEntry.select(AuditEntry.tenant_id).distinct()
        if unchained_only:
            query = query.where(AuditEntry.seq.is_null())
        return sorted(int(r["tenant_id"]) for r in await query)


async def _lock(db: Database, tenant_id: int) -> None:
    if db.is_postgres:
        key = (_LOCK_BASE ^ tenant_id) & 0x7FFF_FFFF_FFFF_FFFF
        await db.execute("SELECT pg_advisory_xact_lock({})", key)


async def _store(db: Database, updates: Sequence[tuple[int, int, str]]) -> None:
    if db.is_postgres:
        await db.execute(
            "UPDATE linli_audit_entry AS e SET seq = v.seq, hash = v.hash FROM ("
            "SELECT unnest({}::bigint[]) AS id, unnest({}::bigint[]) AS seq,"
            " unnest({}::text[]) AS hash) AS v WHERE e.id = v.id AND e.seq IS NULL",
            [u[0] for u in updates], [u[1] for u in updates], [u[2] for u in updates])
        return
    for pk, seq, digest in updates:
        await AuditEntry.update({AuditEntry.seq: seq, AuditEntry.hash: digest}).where(
            (AuditEntry.id == pk) & AuditEntry.seq.is_null())


async def _chain_batch(db: Database, tenant_id: int) -> int:
    async with db.scoped(_tenant_scope(tenant_id), write=True):
        await _lock(db, tenant_id)
        head = await AuditChainHead.select().first()
        rows = await (AuditEntry.select().where(AuditEntry.seq.is_null())
                      .order_by(AuditEntry.id).limit(BATCH))
        if not rows:
            return 0
        seq = int(head["seq"]) if head else 0
        prev = head["hash"] if head and head["hash"] else GENESIS
        updates: list[tuple[int, int, str]] = []
        for row in rows:
            seq += 1
            prev = entry_hash(prev, row, seq)
            updates.append((int(row["id"]), seq, prev))
        await _store(db, updates)
        now = datetime.now(UTC)
        if head:
            await AuditChainHead.update({AuditChainHead.seq: seq, AuditChainHead.hash: prev,
                                         AuditChainHead.updated_at: now}).where(
                AuditChainHead.id == head["id"])
        else:
            await AuditChainHead.insert(AuditChainHead(
                tenant_id=tenant_id, seq=seq, hash=prev, base_seq=0, base_hash=GENESIS,
                updated_at=now))
        return len(rows)


async def chain_tenant(db: Database, tenant_id: int) -> int:
    """Chain every unchained entry of one tenant; returns how many were chained."""
    total = 0
    while True:
        done = await _chain_batch(db, tenant_id)
        total += done
        if done < BATCH:
            return total


async def chain_all(state: Any) -> int:
    """The periodic chain step over every tenant with unchained entries (``state`` is an
    AppState or a Database); returns how many entries were chained."""
    db = _db(state)
    total = 0
    for tenant_id in await tenants_with_entries(db, unchained_only=True):
        total += await chain_tenant(db, tenant_id)
    return total


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of recomputing one tenant's chain."""

    tenant_id: int
    checked: int
    last_seq: int
    broken_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


async def verify_tenant(db: Database, tenant_id: int) -> VerifyReport:
    """Recompute ``tenant_id``'s chain from its base to its head; the first broken seq, if any."""
    async with db.scoped(_tenant_scope(tenant_id)):
        head = await AuditChainHead.select().first()
        expected = (int(head["base_seq"]) if head else 0) + 1
        prev = (head["base_hash"] if head else "") or GENESIS
        checked = 0
        while True:
            rows = await (AuditEntry.select().where(AuditEntry.seq >= expected)
                          .order_by(AuditEntry.seq).limit(BATCH))
            for row in rows:
                if int(row["seq"]) != expected:
                    return VerifyReport(tenant_id, checked, expected - 1, expected,
                                        "缺少记录 / entry missing (deleted or renumbered)")
                digest = entry_hash(prev, row, expected)
                if digest != row["hash"]:
                    return VerifyReport(tenant_id, checked, expected - 1, expected,
                                        "哈希不符 / hash mismatch (edited or reordered)")
                prev, expected, checked = digest, expected + 1, checked + 1
            if len(rows) < BATCH:
                break
    last = expected - 1
    head_seq = int(head["seq"]) if head else 0
    if last < head_seq:
        return VerifyReport(tenant_id, checked, last, last + 1,
                            "链尾缺少记录 / entries missing at the end of the chain")
    if last > head_seq or (head is not None and last > 0 and prev != head["hash"]):
        return VerifyReport(tenant_id, checked, last, head_seq + 1 if last > head_seq else last,
                            "链头不符 / the chain head does not match the entries")
    return VerifyReport(tenant_id, checked, last)


async def heads(db: Database) -> list[dict[str, Any]]:
    """Every tenant's chain head: ``{tenant_id, code, seq, hash, at}`` ordered by code."""

    async with db.transaction(write=False):
        codes = {int(r["id"]): r["code"] for r in await Node.select(Node.id, Node.code)}
    async with db.scoped(Scope(read_nodes=frozenset(codes), label="audit-scan")):
        rows = await AuditChainHead.select()
    out = [{"tenant_id": int(r["tenant_id"]), "code": codes.get(int(r["tenant_id"]), ""),
            "seq": int(r["seq"]), "hash": r["hash"], "at": _as_utc(r["updated_at"])}
           for r in rows]
    return sorted(out, key=lambda h: h["code"])


async def check_exported(db: Database, tenant_id: int, seq: int, digest: str) -> str | None:
    """Compare an exported head with the database: None if the entry at ``seq`` still has
    ``digest`` (or was purged by retention), else what is wrong."""
    async with db.scoped(_tenant_scope(tenant_id)):
        head = await AuditChainHead.select().first()
        if head is not None and seq <= int(head["base_seq"]):
            return None
        row = await AuditEntry.select(AuditEntry.hash).where(AuditEntry.seq == seq).first()
    if row is None:
        return f"导出的链头 seq {seq} 不存在 / exported head seq {seq} is missing"
    if row["hash"] != digest:
        return f"seq {seq} 与导出的链头不符 / seq {seq} differs from the exported head"
    return None


async def _chain_cron(ctx: dict[str, Any], tenant_id: int | None = None) -> int:
    """Cron ``audit.chain``: the chain step over every tenant (it opens each scope itself)."""
    return await chain_all(ctx["state"])


class _Peers(Protocol):
    @property
    def jobs(self) -> JobService | None: ...


class _Host(Host, Protocol):
    @property
    def services(self) -> _Peers: ...


def install(state: _Host) -> None:
    """Service hook: run the chain step every minute on the job runner, when there is one."""
    jobs = state.services.jobs
    if jobs is None:
        return
    jobs.register(CronSpec("audit.chain", _chain_cron, CORE, second=0, per_tenant=False))
