"""Places and residents, as the API offers them: permission checks against the object's place,
validation, encryption, audit. Each function runs in the caller's scoped transaction (a write
transaction for the ``create``/``update``/``reveal`` ones) and raises :class:`~core.errors.ApiError`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from core.audit import service as audit
from core.crypto import pii_key
from core.errors import ApiError
from core.identity.access import Access, PlaceRef
from core.people import places
from core.people.queries import by_ids
from core.people.records import (
    BuildingRec,
    CommunityRec,
    GridRec,
    HouseholdRec,
    ResidentRec,
)
from core.people.residents import (
    apply_resident,
    make_resident_data,
    resident_tags,
    reveal_values,
)
from core.people.validation import check_reason, normalise_tags
from core.people.view import AROUND_KINDS, people_view

__all__ = [
    "collect_resident_info",
    "create_building",
    "create_community",
    "create_grid",
    "create_household",
    "create_resident",
    "place_of",
    "require",
    "reveal_resident",
    "update_resident",
]



def place_of(access: Access, rec: Any, path: str | None = None) -> PlaceRef:
    """The :class:`PlaceRef` of a place or resident record (owned by its tenant)."""
    tenant = int(rec.tenant_id)
    return PlaceRef(
        node_id=tenant,
        node_path=path if path is not None else (access.node_path if tenant == access.node_id
                                                  else ""),
        community_id=getattr(rec, "community_id", None) if not isinstance(rec, CommunityRec)
        else rec.id,
        grid_id=rec.id if isinstance(rec, GridRec) else getattr(rec, "grid_id", None),
        building_id=rec.id if isinstance(rec, BuildingRec) else getattr(rec, "building_id", None),
    )


def require(access: Access, permission: str, place: PlaceRef | None = None) -> None:
    decision = access.check(permission, place)
    if not decision:
        raise ApiError.forbidden(decision.reason_zh, decision.reason_en)


async def _visible(access: Access, kind: str, pk: int | None, field: str) -> Any:
    """A record of ``kind`` owned by the acting node and in the caller's view, else NOT_FOUND."""
    labels = {"community": ("社区/村", "community"), "grid": ("网格", "grid"),
              "building": ("楼栋", "building"), "household": ("户", "household"),
              "resident": ("居民", "resident")}
    zh, en = labels[kind]
    rec = (await by_ids(kind, [pk]))[0] if pk else None
    if rec is None or rec.tenant_id != access.node_id:
        raise ApiError.not_found(zh, en, field)
    try:
        view = await people_view(access, around=kind in AROUND_KINDS)
    except ApiError:
        raise ApiError.not_found(zh, en, field) from None
    if not view.allows(kind, rec):
        raise ApiError.not_found(zh, en, field)
    return rec


async def create_community(access: Access, *, name: str, kind: str = "community",
                           code: str | None = None) -> CommunityRec:
    require(access, "people.write")
    rec = await places.new_community(name, kind, code)
    await audit.record("people.create_community", account_id=access.principal.account_id,
                       object_type="community", object_id=rec.id, summary={"name": rec.name})
    return rec


async def create_grid(access: Access, *, community_id: int, name: str,
                      code: str | None = None) -> GridRec:
    community = await _visible(access, "community", community_id, "communityId")
    require(access, "people.write", place_of(access, community))
    rec = await places.new_grid(community, name, code)
    await audit.record("people.create_grid", account_id=access.principal.account_id,
                       object_type="grid", object_id=rec.id, summary={"code": rec.code})
    return rec


async def create_building(access: Access, *, community_id: int, name: str,
                          grid_id: int | None = None, compound: str | None = None
                          ) -> BuildingRec:
    community = await _visible(access, "community", community_id, "communityId")
    grid = await _visible(access, "grid", grid_id, "gridId") if grid_id else None
    require(access, "people.write", place_of(access, grid or community))
    comp = await places.ensure_compound(community, compound) if compound else None
    rec, created = await places.ensure_building(community, name, compound=comp, grid=grid)
    if not created:
        raise ApiError.conflict(f"楼栋“{rec.name}”已存在", f"building {rec.name} exists",
                                "name")
    await audit.record("people.create_building", account_id=access.principal.account_id,
                       object_type="building", object_id=rec.id, summary={"name": rec.name})
    return rec


async def create_household(access: Access, *, building_id: int, room: str,
                           unit: str | None = None) -> HouseholdRec:
    building = await _visible(access, "building", building_id, "buildingId")
    require(access, "people.write", place_of(access, building))
    unit_rec = await places.ensure_unit(building, unit) if unit else None
    rec, created = await places.ensure_household(building, room, unit_rec)
    if not created:
        raise ApiError.conflict("该地址的户已存在", "a household at this address exists",
                                "room")
    await audit.record("people.create_household", account_id=access.principal.account_id,
                       object_type="household", object_id=rec.id)
    return rec


async def _household(access: Access, household_id: int | None) -> HouseholdRec | None:
    if household_id is None:
        return None
    rec = await _visible(access, "household", household_id, "householdId")
    require(access, "people.write", place_of(access, rec))
    return rec  # type: ignore[no-any-return]


async def create_resident(access: Access, pii_key: str, *, name: str, id_number: str,
                          gender: str | None = None, birth_date: date | None = None,
                          phone: str | None = None, household_id: int | None = None,
                          relation: str = "", is_head: bool | None = None,
                          tags: Sequence[str] = ()) -> ResidentRec:
    household = await _household(access, household_id)
    if household is None:
        require(access, "people.write")
    data = make_resident_data(name=name, id_number=id_number, gender=gender,
                              birth_date=birth_date, phone=phone, household=household,
                              relation=relation, is_head=is_head, tags=list(tags))
    rec, _ = await apply_resident(data, pii_key)
    await audit.record("people.create_resident", account_id=access.principal.account_id,
                       object_type="resident", object_id=rec.id)
    return rec


_UPDATABLE = ("name", "id_number", "gender", "birth_date", "phone", "household_id", "relation",
              "is_head", "tags")


async def update_resident(access: Access, pii_key: str, resident_id: int,
                          changes: Mapping[str, Any]) -> tuple[ResidentRec, list[str]]:
    """Apply ``changes`` (keys of ``_UPDATABLE``; ``phone``/``household_id`` None clears)."""
    unknown = set(changes) - set(_UPDATABLE)
    if unknown:
        raise ApiError.invalid(min(unknown), "不能修改该字段", "this field cannot change")
    current: ResidentRec = await _visible(access, "resident", resident_id, "id")
    require(access, "people.write", place_of(access, current))
    id_number, phone = reveal_values(current, pii_key)
    household = (await _household(access, changes["household_id"]) if "household_id" in changes
                 else (await by_ids("household", [current.household_id]))[0]
                 if current.household_id else None)
    id_changed = "id_number" in changes
    data = make_resident_data(
        name=changes.get("name", current.name),
        id_number=changes.get("id_number", id_number),
        gender=changes.get("gender", None if id_changed else current.gender),
        birth_date=changes.get("birth_date", None if id_changed else current.birth_date),
        phone=changes.get("phone", phone),
        household=household,
        relation=changes.get("relation", current.relation),
        is_head=changes.get("is_head", current.is_head),
        tags=changes["tags"] if "tags" in changes else await resident_tags(current.id),
    )
    rec, changed = await apply_resident(data, pii_key, current)
    if changed:
        await audit.record("people.update_resident", account_id=access.principal.account_id,
                           object_type="resident", object_id=rec.id, summary={"fields": changed})
    return rec, changed


COLLECTABLE = ("phone", "relation", "tags_added", "tags_removed")
"""What a plugin's information collection (信息采集) may change on a resident record."""


async def collect_resident_info(resident_id: int, changes: Mapping[str, Any], *,
                                account_id: int | None, source: str
                                ) -> tuple[ResidentRec, list[str]]:
    """Write a plugin's collected household information back to the resident record (inside
    the plugin's write scope): ``phone`` (None clears), ``relation``, ``tags_added``,
    ``tags_removed``. Validated exactly as ``updateResident``; the caller decided who may
    collect (core does not check ``people.write`` here). Audited as ``people.update_resident``
    naming the plugin in ``source``. NOT_FOUND for a resident outside the scope."""
    unknown = set(changes) - set(COLLECTABLE)
    if unknown:
        raise ApiError.invalid(min(unknown), "不能采集该字段", "this field cannot be collected")
    current = (await by_ids("resident", [resident_id]))[0]
    if current is None:
        raise ApiError.not_found("居民", "resident", "residentId")
    id_number, phone = reveal_values(current, key := pii_key())
    household = ((await by_ids("household", [current.household_id]))[0]
                 if current.household_id else None)
    tags = [t for t in await resident_tags(current.id)
            if t not in normalise_tags(changes.get("tags_removed") or [])]
    tags += [t for t in normalise_tags(changes.get("tags_added") or []) if t not in tags]
    data = make_resident_data(
        name=current.name, id_number=id_number, gender=current.gender,
        birth_date=current.birth_date, phone=changes.get("phone", phone), household=household,
        relation=changes.get("relation", current.relation), is_head=current.is_head,
        tags=tags)
    rec, changed = await apply_resident(data, key, current)
    if changed:
        await audit.record("people.update_resident", account_id=account_id,
                           object_type="resident", object_id=rec.id,
                           summary={"fields": changed, "source": source})
    return rec, changed


async def reveal_resident(access: Access, pii_key: str, resident_id: int, reason: str
                          ) -> tuple[ResidentRec, str, str | None]:
    """查看完整信息 The full 身份证号 and phone (and with them the birth date) of one resident in
    the caller's view, for a caller holding ``people.reveal_pii`` at the resident's place;
    one ``people.reveal_pii`` audit entry naming the reason. Needs a scoped write transaction."""
    text = check_reason(reason)
    rec: ResidentRec = await _visible(access, "resident", resident_id, "residentId")
    require(access, "people.reveal_pii", place_of(access, rec))
    id_number, phone = reveal_values(rec, pii_key)
    fields = ["idNumber", "birthDate"] + (["phone"] if phone else [])
    await audit.record("people.reveal_pii", account_id=access.principal.account_id,
                       object_type="resident", object_id=rec.id,
                       summary={"fields": fields, "reason": text})
    return rec, id_number, phone
