"""Export and erasure of one person's data across core and every enabled plugin (PIPL).

Both run inside the caller's scoped *write* transaction for the person's tenant (the GraphQL
mutation's, or the one ``linli person`` opens), so an erasure is all or nothing: any failure, in
core or in a plugin, rolls every change back. Both append an audit entry naming the actor;
the entry holds ids and counts, never the personal data itself.

Erasure, in this order (plugins first, so they can still read the resident row they need, e.g.
the name to pseudonymise a signature):

1. every enabled plugin's ``linli_personal_data(resident_id, "erase")`` deletes what may be
   deleted and pseudonymises what the law keeps (ledgers, settled meals, public appointments);
2. core deletes the resident's tags, the notifications sent to or about them, unlinks the
   accounts linked to them (their memberships at this tenant are revoked, and an account left
   with no membership anywhere is stripped of its login, phone and name and deactivated), and
   turns the resident row into a tombstone: name, ID number and phone are gone (the ID number's
   blind index becomes ``erased:<id>``, which no HMAC can equal, so a lookup by ID number no
   longer finds it), as are birth date and household. The row itself stays so that records
   kept by law still point at an id that will never be reused for someone else (SQLite may
   reuse the highest deleted rowid).

Erasing an erased person changes nothing and returns zero counts (it is still audited).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from core.audit.service import record
from core.crypto import decrypt
from core.errors import ApiError, ErrorCode
from core.identity.service import revoke_sessions
from core.identity.tables import Account, Membership
from core.notify.service import Notification, NotificationDelivery
from core.people.residents import id_index
from core.people.tables import Building, Community, Household, Resident, ResidentTag
from tenants.scope import current_scope
from tenants.service import NodeInfo, get_node

__all__ = [
    "CORE_SOURCE",
    "ERASED_INDEX_PREFIX",
    "ERASED_NAME",
    "Actor",
    "ErasureReport",
    "PersonalExport",
    "erase_person",
    "export_person",
    "find_subject",
    "is_erased",
    "plugins_personal_data",
]

CORE_SOURCE = "core"
"""The source name of core's own part of an export (plugins' parts are named by plugin)."""
ERASED_NAME = "已删除居民"
ERASED_INDEX_PREFIX = "erased:"
ERASED_BIRTH_DATE = date(1900, 1, 1)
"""The column is NOT NULL; a fixed date keeps birth date plus gender from narrowing anyone."""

Step = Callable[[str], None]
"""Told the name of each stage as it starts (the CLI draws a progress bar from it)."""


@dataclass(frozen=True)
class Actor:
    """Who asked: an account (GraphQL) or an operator at the command line (``account_id``
    None, ``label`` ``cli:<login>``). Both are written to the audit entry."""

    account_id: int | None
    label: str


@dataclass(frozen=True)
class PersonalExport:
    """One person's data: ``sources`` maps ``core`` and each plugin to its named sections,
    each a list of JSON-able dicts."""

    resident_id: int
    tenant_code: str
    generated_at: datetime
    sources: dict[str, dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"residentId": self.resident_id, "tenant": self.tenant_code,
                "generatedAt": self.generated_at.isoformat(), "sources": self.sources}

    def write_json(self, path: str | Path) -> Path:
        out = Path(path)
        out.write_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
        return out

    def write_xlsx(self, path: str | Path) -> Path:
        """One sheet per source; in it each section is a bold title row, a header row and
        one row per record (nested values as JSON text)."""
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        book.remove(book.active)
        bold = Font(bold=True)
        for source, sections in self.sources.items():
            sheet = book.create_sheet(source[:31])
            for section, records in sections.items():
                rows = _records(records)
                sheet.append([section])
                sheet.cell(sheet.max_row, 1).font = bold
                headers = list(dict.fromkeys(k for r in rows for k in r))
                sheet.append(headers)
                for r in rows:
                    sheet.append([_cell(r.get(h)) for h in headers])
                sheet.append([])
        out = Path(path)
        book.save(out)
        return out


@dataclass(frozen=True)
class ErasureReport:
    """What an erasure did: per source, counts by kind (all zero when nothing was left)."""

    resident_id: int
    tenant_code: str
    already_erased: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(n for part in self.counts.values() for n in part.values())


def _records(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, list):
        return [v if isinstance(v, dict) else {"value": v} for v in value]
    if isinstance(value, dict):
        return [value]
    return [{"value": value}]


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _jsonable(value: Any) -> Any:
    """A plugin's answer as plain JSON values (dates become ISO text)."""
    def default(obj: Any) -> Any:
        return obj.isoformat() if hasattr(obj, "isoformat") else str(obj)

    return json.loads(json.dumps(value, ensure_ascii=False, default=default))


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _write_node() -> int:
    node = current_scope().write_node
    if node is None:
        raise RuntimeError("personal-data work needs a scoped write transaction")
    return node


def is_erased(row: Mapping[str, Any]) -> bool:
    return str(row["id_number_index"]).startswith(ERASED_INDEX_PREFIX)


def _not_found(field_name: str) -> ApiError:
    return ApiError(ErrorCode.NOT_FOUND, "未找到该居民", "resident not found", field_name)


async def find_subject(*, resident_id: int | None = None, id_number: str | None = None,
                       pii_key: str) -> dict[str, Any]:
    """The resident row of the scope's write node, by id or by 身份证号 (through the blind
    index: an erased person is no longer found by ID number). Another tenant's resident is
    ``NOT_FOUND``."""
    if (resident_id is None) == (id_number is None or not id_number.strip()):
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "请给出居民或身份证号（二选一）",
                       "give either the resident or the ID number", "residentId")
    tenant = Resident.tenant_id == _write_node()
    if resident_id is not None:
        row = await Resident.select().where((Resident.id == resident_id) & tenant).first()
        field_name = "residentId"
    else:
        assert id_number is not None
        row = await Resident.select().where(
            (Resident.id_number_index == id_index(id_number, pii_key)) & tenant).first()
        field_name = "idNumber"
    if row is None:
        raise _not_found(field_name)
    return dict(row)


async def plugins_personal_data(registry: Any, tenant: NodeInfo, resident_id: int,
                                action: str) -> dict[str, Mapping[str, Any]]:
    """``linli_personal_data`` of every plugin enabled for ``tenant``, by plugin name (the
    registry decides which plugins are enabled there)."""
    return await registry.personal_data(resident_id, action, tenant)  # type: ignore[no-any-return]


# -- core's own part ------------------------------------------------------------------------
async def _linked_accounts(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Accounts whose login is this resident's own."""
    return list(await Account.select().where(
        (Account.resident_id == row["id"])
        & ((Account.resident_tenant_id == row["tenant_id"])
           | Account.resident_tenant_id.is_null())).order_by(Account.id))


def _plain(cipher: str | None, pii_key: str) -> str | None:
    return decrypt(cipher, pii_key) if cipher else None


async def _core_export(row: Mapping[str, Any], pii_key: str) -> dict[str, list[dict[str, Any]]]:
    rid = int(row["id"])
    resident = {
        "id": rid, "name": row["name"], "gender": row["gender"],
        "birth_date": _iso(row["birth_date"]),
        "id_number": _plain(row["id_number_cipher"], pii_key),
        "phone": _plain(row["phone_cipher"], pii_key), "relation": row["relation"],
        "is_head_of_household": row["is_head"], "created_at": _iso(row["created_at"]),
        "updated_at": _iso(row["updated_at"]), "erased": is_erased(row),
    }
    households: list[dict[str, Any]] = []
    if row["household_id"] is not None:
        home = await Household.select().where(Household.id == row["household_id"]).first()
        if home is not None:
            building = await Building.select(Building.name).where(
                Building.id == home["building_id"]).first()
            community = await Community.select(Community.name).where(
                Community.id == home["community_id"]).first()
            households.append({"household_id": home["id"], "room": home["room"],
                               "building": building["name"] if building else None,
                               "community": community["name"] if community else None,
                               "relation": row["relation"]})
    tags = await ResidentTag.select(ResidentTag.tag).where(
        ResidentTag.resident_id == rid).order_by(ResidentTag.tag)
    accounts = await _linked_accounts(row)
    account_ids = [int(a["id"]) for a in accounts]
    memberships = [] if not account_ids else await Membership.select().where(
        Membership.account_id.is_in(account_ids)).order_by(Membership.id)
    notes = await _notifications(rid, account_ids)
    return {
        "resident": [resident],
        "household": households,
        "tags": [{"tag": t["tag"]} for t in tags],
        "accounts": [{"id": a["id"], "username": a["username"],
                      "display_name": a["display_name"],
                      "phone": _plain(a["phone_cipher"], pii_key), "is_active": a["is_active"],
                      "created_at": _iso(a["created_at"])} for a in accounts],
        "memberships": [{"account_id": m["account_id"], "node_id": m["node_id"],
                         "role": m["role"], "place_kind": m["place_kind"],
                         "place_id": m["place_id"], "created_at": _iso(m["created_at"])}
                        for m in memberships],
        "notifications": [{"id": n["id"], "account_id": n["account_id"], "kind": n["kind"],
                           "title": n["title"], "body": n["body"], "link": n["link"],
                           "about_resident": n["resident_id"] == rid,
                           "created_at": _iso(n["created_at"]), "read_at": _iso(n["read_at"])}
                          for n in notes],
    }


async def _notifications(resident_id: int, account_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Notifications of this tenant sent about the resident or to their own accounts."""
    who: Any = Notification.resident_id == resident_id
    if account_ids:
        who = who | Notification.account_id.is_in(list(account_ids))
    return list(await Notification.select().where(who).order_by(Notification.id))


async def _core_erase(row: Mapping[str, Any]) -> dict[str, int]:
    rid, tenant_id = int(row["id"]), int(row["tenant_id"])
    counts = {"resident_pseudonymised": 0, "tags_deleted": 0, "household_left": 0,
              "notifications_deleted": 0, "accounts_unlinked": 0, "memberships_revoked": 0,
              "accounts_deactivated": 0}
    tags = await ResidentTag.count().where(ResidentTag.resident_id == rid)
    if tags:
        await ResidentTag.delete().where(ResidentTag.resident_id == rid)
    counts["tags_deleted"] = int(tags)

    accounts = await _linked_accounts(row)
    account_ids = [int(a["id"]) for a in accounts]
    notes = [int(n["id"]) for n in await _notifications(rid, account_ids)]
    if notes:
        await NotificationDelivery.delete().where(
            NotificationDelivery.notification_id.is_in(notes))
        await Notification.delete().where(Notification.id.is_in(notes))
    counts["notifications_deleted"] = len(notes)

    for account_id in account_ids:
        await Account.update({Account.resident_id: None, Account.resident_tenant_id: None}
                             ).where(Account.id == account_id)
        here = (Membership.account_id == account_id) & (Membership.node_id == tenant_id)
        revoked = await Membership.count().where(here)
        if revoked:
            await Membership.delete().where(here)
        counts["accounts_unlinked"] += 1
        counts["memberships_revoked"] += int(revoked)
        # An account still serving elsewhere (staff of another office) keeps its login: that
        # office relies on it. Otherwise nothing is left for the login to do.
        if not await Membership.exists().where(Membership.account_id == account_id):
            await Account.update({
                Account.username: None, Account.phone_index: None, Account.phone_cipher: None,
                Account.display_name: "", Account.password_hash: "", Account.is_active: False,
            }).where(Account.id == account_id)
            await revoke_sessions(account_id)
            counts["accounts_deactivated"] += 1

    if not is_erased(row):
        counts["household_left"] = int(row["household_id"] is not None)
        await Resident.update({
            Resident.name: ERASED_NAME, Resident.birth_date: ERASED_BIRTH_DATE,
            Resident.id_number_cipher: "", Resident.id_number_masked: "",
            Resident.id_number_index: f"{ERASED_INDEX_PREFIX}{rid}",
            Resident.phone_cipher: None, Resident.phone_index: None, Resident.phone_masked: None,
            Resident.household_id: None, Resident.relation: "", Resident.is_head: False,
            Resident.community_id: None, Resident.grid_id: None, Resident.building_id: None,
            Resident.updated_at: datetime.now(UTC),
        }).where(Resident.id == rid)
        counts["resident_pseudonymised"] = 1
    return counts


# -- the two actions --------------------------------------------------------------------------
async def _tenant(row: Mapping[str, Any]) -> NodeInfo:
    node = await get_node(int(row["tenant_id"]))
    assert node is not None
    return node


def _step(on_step: Step | None, name: str) -> None:
    if on_step is not None:
        on_step(name)


async def export_person(registry: Any, subject: Mapping[str, Any], actor: Actor, *,
                        pii_key: str, reason: str = "", on_step: Step | None = None
                        ) -> PersonalExport:
    """Everything core and the enabled plugins hold about ``subject`` (a row from
    :func:`find_subject`), with full ID number and phone; audited."""
    rid = int(subject["id"])
    tenant = await _tenant(subject)
    _step(on_step, CORE_SOURCE)
    sources: dict[str, dict[str, Any]] = {CORE_SOURCE: await _core_export(subject, pii_key)}
    _step(on_step, "plugins")
    for name, part in sorted((await plugins_personal_data(registry, tenant, rid,
                                                          "export")).items()):
        sources[name] = _jsonable(dict(part))
    _step(on_step, "audit")
    await record("people.personal_data.export", account_id=actor.account_id,
                 object_type="resident", object_id=rid,
                 summary={"actor": actor.label, "reason": reason, "sources": sorted(sources)})
    return PersonalExport(resident_id=rid, tenant_code=tenant.code,
                          generated_at=datetime.now(UTC), sources=sources)


def _counts(part: Mapping[str, Any]) -> dict[str, int]:
    return {str(k): int(v) for k, v in part.items()}


async def erase_person(registry: Any, subject: Mapping[str, Any], actor: Actor, *,
                       reason: str = "", on_step: Step | None = None) -> ErasureReport:
    """Erase ``subject`` across the enabled plugins, then core (see the module docstring);
    audited. Must run in one scoped write transaction: a failure anywhere undoes it all."""
    rid = int(subject["id"])
    tenant = await _tenant(subject)
    already = is_erased(subject)
    _step(on_step, "plugins")
    counts = {name: _counts(part) for name, part in sorted(
        (await plugins_personal_data(registry, tenant, rid, "erase")).items())}
    _step(on_step, CORE_SOURCE)
    counts = {CORE_SOURCE: await _core_erase(subject), **counts}
    _step(on_step, "audit")
    await record("people.personal_data.erase", account_id=actor.account_id,
                 object_type="resident", object_id=rid,
                 summary={"actor": actor.label, "reason": reason, "already_erased": already,
                          "counts": counts})
    return ErasureReport(resident_id=rid, tenant_code=tenant.code, already_erased=already,
                         counts=counts)

