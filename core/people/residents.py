"""Writing residents: validation, encryption and blind indexes of 身份证号 and phone, tags.

Functions here run in the caller's scoped write transaction and check no permissions (the
services and the Excel import decide who may)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from core.crypto import blind_index, decrypt, encrypt
from core.errors import ApiError
from core.people.places import owned
from core.people.records import HouseholdRec, ResidentRec, from_row
from core.people.tables import Resident, ResidentTag
from core.people.validation import (
    mask_id_number,
    mask_phone,
    normalise_tags,
    parse_gender,
    validate_id_number,
    validate_name,
    validate_phone,
)

__all__ = [
    "ResidentData",
    "apply_resident",
    "find_by_id_number",
    "id_index",
    "make_resident_data",
    "resident_tags",
]

HEAD_RELATIONS = ("户主", "本人")


@dataclass(frozen=True)
class ResidentData:
    """A validated, normalised resident, ready to store."""

    name: str
    id_number: str
    gender: str
    birth_date: date
    phone: str | None
    household: HouseholdRec | None
    relation: str
    is_head: bool
    tags: tuple[str, ...]


def make_resident_data(*, name: str, id_number: str, gender: str | None = None,
                       birth_date: date | None = None, phone: str | None = None,
                       household: HouseholdRec | None = None, relation: str = "",
                       is_head: bool | None = None, tags: Any = None) -> ResidentData:
    """Validate every field; the first bad one raises :class:`~core.errors.ApiError`."""
    name = validate_name(name, "name", 50)
    sex = parse_gender(gender) if gender else None
    idn = validate_id_number(id_number, gender=sex, birth_date=birth_date)
    relation = (relation or "").strip()
    if len(relation) > 20:
        raise ApiError.invalid("relation", "与户主关系不超过20字",
                               "the relation is at most 20 characters")
    head = relation in HEAD_RELATIONS if is_head is None else bool(is_head)
    return ResidentData(name=name, id_number=idn.value, gender=idn.gender,
                        birth_date=idn.birth_date,
                        phone=validate_phone(phone) if phone else None,
                        household=household, relation=relation, is_head=head,
                        tags=tuple(normalise_tags(tags)))


def id_index(id_number: str, pii_key: str) -> str:
    return blind_index(id_number.strip().upper(), pii_key, "id_number")


async def find_by_id_number(id_number: str, pii_key: str) -> ResidentRec | None:
    row = await Resident.select().where(
        Resident.id_number_index == id_index(id_number, pii_key)).first()
    return from_row(ResidentRec, row) if row else None


async def resident_tags(resident_id: int) -> list[str]:
    rows = await ResidentTag.select(ResidentTag.tag).where(ResidentTag.resident_id == resident_id)
    return sorted(r["tag"] for r in rows)


def _columns(data: ResidentData, pii_key: str) -> dict[str, Any]:
    h = data.household
    return {
        "name": data.name, "gender": data.gender, "birth_date": data.birth_date,
        "id_number_index": id_index(data.id_number, pii_key),
        "id_number_masked": mask_id_number(data.id_number),
        "phone_index": blind_index(data.phone, pii_key, "phone") if data.phone else None,
        "phone_masked": mask_phone(data.phone) if data.phone else None,
        "household_id": h.id if h else None, "relation": data.relation,
        "is_head": data.is_head, "community_id": h.community_id if h else None,
        "grid_id": h.grid_id if h else None, "building_id": h.building_id if h else None,
    }


async def _set_tags(resident_id: int, tags: tuple[str, ...], old: list[str]) -> None:
    gone = [t for t in old if t not in tags]
    if gone:
        await ResidentTag.delete().where((ResidentTag.resident_id == resident_id)
                                         & ResidentTag.tag.is_in(gone))
    new = [owned(ResidentTag, resident_id=resident_id, tag=t) for t in tags if t not in old]
    if new:
        await ResidentTag.insert(*new)


async def _one_head(data: ResidentData, resident_id: int) -> None:
    """A household has one head: making someone head steps the previous one down."""
    if data.is_head and data.household is not None:
        await Resident.update({Resident.is_head: False}).where(
            (Resident.household_id == data.household.id) & (Resident.id != resident_id)
            & (Resident.is_head == True))


async def apply_resident(data: ResidentData, pii_key: str, existing: ResidentRec | None = None
                         ) -> tuple[ResidentRec, list[str]]:
    """Insert ``data`` or bring ``existing`` in line with it; returns the record and the names
    of the fields that changed (empty: nothing was written)."""
    now = datetime.now(UTC)
    cols = _columns(data, pii_key)
    if existing is None:
        clash = await Resident.exists().where(Resident.id_number_index == cols["id_number_index"])
        if clash:
            raise ApiError.conflict("该身份证号已登记", "this ID number is already registered",
                                    "idNumber")
        row = owned(Resident, **cols, id_number_cipher=encrypt(data.id_number, pii_key),
                       phone_cipher=encrypt(data.phone, pii_key) if data.phone else None,
                       created_at=now, updated_at=now)
        await Resident.insert(row)
        await _set_tags(row.id, data.tags, [])
        await _one_head(data, row.id)
        stored = await Resident.select().where(Resident.id == row.id).first()
        assert stored is not None  # inserted above, in this transaction
        return from_row(ResidentRec, stored), ["created"]
    current = await Resident.select().where(Resident.id == existing.id).first()
    if current is None:
        raise ApiError.not_found("居民", "resident", "id")
    changes = {k: v for k, v in cols.items() if current[k] != v}
    if "id_number_index" in changes:
        if await Resident.exists().where((Resident.id_number_index == cols["id_number_index"])
                                         & (Resident.id != existing.id)):
            raise ApiError.conflict("该身份证号已登记",
                                    "this ID number is already registered", "idNumber")
        changes["id_number_cipher"] = encrypt(data.id_number, pii_key)
    if "phone_index" in changes:
        changes["phone_cipher"] = encrypt(data.phone, pii_key) if data.phone else None
    old_tags = await resident_tags(existing.id)
    changed = sorted(k for k in changes if not k.endswith(("_cipher", "_masked")))
    if old_tags != list(data.tags):
        await _set_tags(existing.id, data.tags, old_tags)
        changed.append("tags")
    if changes:
        changes["updated_at"] = now
        await Resident.update({getattr(Resident, k): v for k, v in changes.items()}).where(
            Resident.id == existing.id)
        await _one_head(data, existing.id)
    stored = await Resident.select().where(Resident.id == existing.id).first()
    assert stored is not None  # read above, in this transaction
    return from_row(ResidentRec, stored), changed


_CHUNK = 400
"""Rows per multi-row statement (Resident has ~20 columns; SQLite allows 32,766 parameters)."""


async def insert_residents(datas: Sequence[ResidentData], pii_key: str) -> list[ResidentRec]:
    """Insert many new residents in a few multi-row statements (an import into an empty
    register, the demo): the rows, then their tags, then one step-down of earlier heads per
    chunk of households. Within ``datas`` the last head of a household wins, as row-by-row
    :func:`apply_resident` would have it. The caller has checked that none is registered (the
    unique index on the 身份证号 refuses a duplicate all the same)."""
    now = datetime.now(UTC)
    last_head: dict[int, int] = {}
    for i, data in enumerate(datas):
        if data.is_head and data.household is not None:
            last_head[data.household.id] = i
    rows = []
    for i, data in enumerate(datas):
        cols = _columns(data, pii_key)
        if data.is_head and data.household is not None and last_head[data.household.id] != i:
            cols["is_head"] = False
        rows.append(owned(Resident, **cols, id_number_cipher=encrypt(data.id_number, pii_key),
                          phone_cipher=encrypt(data.phone, pii_key) if data.phone else None,
                          created_at=now, updated_at=now))
    for start in range(0, len(rows), _CHUNK):
        await Resident.insert(*rows[start:start + _CHUNK])
    indexes = [r.id_number_index for r in rows]
    stored: dict[str, ResidentRec] = {}
    for start in range(0, len(indexes), _CHUNK):
        for row in await Resident.select().where(
                Resident.id_number_index.is_in(indexes[start:start + _CHUNK])):
            stored[row["id_number_index"]] = from_row(ResidentRec, row)
    recs = [stored[i] for i in indexes]
    tags = [owned(ResidentTag, resident_id=rec.id, tag=t)
            for rec, data in zip(recs, datas, strict=True) for t in data.tags]
    for start in range(0, len(tags), 4 * _CHUNK):
        await ResidentTag.insert(*tags[start:start + 4 * _CHUNK])
    heads = {hh: recs[i].id for hh, i in last_head.items()}
    households = sorted(heads)
    for start in range(0, len(households), _CHUNK):
        chunk = households[start:start + _CHUNK]
        await Resident.update({Resident.is_head: False}).where(
            Resident.household_id.is_in(chunk) & (Resident.is_head == True)
            & Resident.id.not_in([heads[h] for h in chunk]))
    return recs


def reveal_values(rec: ResidentRec, pii_key: str) -> tuple[str, str | None]:
    """The full 身份证号 and phone (the caller has checked and audits)."""
    return (decrypt(rec.id_number_cipher, pii_key),
            decrypt(rec.phone_cipher, pii_key) if rec.phone_cipher else None)


__all__ += ["HEAD_RELATIONS", "insert_residents", "reveal_values"]
