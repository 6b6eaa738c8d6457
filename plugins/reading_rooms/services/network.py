"""The network and its rooms: created by the county, each room placed in a tenant below it,
with operator, 负责人, areas, opening calendar, class limits, seats and librarians."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.plugin import Access, ApiError, get_node, get_node_by_code, grant_place_role, now_utc
from plugins.reading_rooms.services.common import (
    CLASSES,
    NetworkRef,
    get_network,
    get_room,
    require,
)
from plugins.reading_rooms.tables import ClassLimit, Closure, Network, Room, Seat, Staff

__all__ = [
    "AREAS",
    "add_closure",
    "add_room",
    "add_seats",
    "create_network",
    "link_librarian",
    "rooms_by_ids",
    "rooms_of",
    "set_class_limit",
]

AREAS = ("adult", "children", "quiet_study", "parent_child")


def _text(value: str, field: str, max_len: int, *, required: bool = True) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise ApiError.invalid(field, "不能为空", "must not be empty")
    if len(text) > max_len:
        raise ApiError.invalid(field, f"不能超过{max_len}个字", f"at most {max_len} characters")
    return text


async def create_network(access: Access, name: str, supervisor: str = "文化和旅游局",
                         return_policy: str = "float") -> dict[str, Any]:
    """A network owned by the acting node, which must be a county (or another region)."""
    require(access, "reading_rooms.manage")
    node = await get_node(access.node_id)
    if node is None or not node.is_region:
        raise ApiError.invalid("networkId", "书房网络须由县（区域）建立",
                               "a network belongs to a county (a region node)")
    if return_policy not in ("float", "home"):
        raise ApiError.invalid("returnPolicy", "还书策略须为 float 或 home",
                               "the return policy is float or home")
    name = _text(name, "name", 100)
    if await Network.exists().where((Network.tenant_id == node.id) & (Network.name == name)):
        raise ApiError.conflict("已有同名书房网络", "a network of this name exists", "name")
    row = Network(tenant_id=node.id, name=name, supervisor=_text(supervisor, "supervisor", 100),
                  return_policy=return_policy, created_at=now_utc())
    await Network.insert(row)
    return (await Network.select().where(Network.id == row.id).first()) or {}


async def add_room(access: Access, network: NetworkRef, *, name: str, place_tenant_code: str,
                   address: str = "", operator_name: str = "", person_in_charge: str = "",
                   areas: list[str] | None = None, closed_weekdays: list[int] | None = None
                   ) -> dict[str, Any]:
    """A room in a street office or town below the county."""
    require(access, "reading_rooms.manage")
    if access.node_id != network.county.id:
        raise ApiError.not_found("书房网络", "reading-room network", "networkId")
    place = await get_node_by_code((place_tenant_code or "").strip())
    if place is None or place.is_region or network.county.id not in place.ancestor_ids:
        raise ApiError.invalid("placeTenantCode", "书房须设在本县的街道或镇",
                               "a room sits in a street office or town of the county")
    chosen = list(dict.fromkeys(areas or AREAS))
    if any(a not in AREAS for a in chosen):
        raise ApiError.invalid("areas", "功能区无效", "unknown area")
    days = sorted(set(closed_weekdays or []))
    if any(d < 0 or d > 6 for d in days):
        raise ApiError.invalid("closedWeekdays", "星期须为0–6", "weekdays are 0–6")
    name = _text(name, "name", 100)
    if await Room.exists().where((Room.network_id == network.id) & (Room.name == name)):
        raise ApiError.conflict("已有同名书房", "a room of this name exists", "name")
    row = Room(tenant_id=network.county.id, network_id=network.id, name=name,
               place_tenant_id=place.id, address=_text(address, "address", 200, required=False),
               operator_name=_text(operator_name, "operatorName", 100, required=False),
               person_in_charge=_text(person_in_charge, "personInCharge", 60, required=False),
               areas=",".join(chosen), closed_weekdays=",".join(str(d) for d in days),
               created_at=now_utc())
    await Room.insert(row)
    return await get_room(int(row.id))


async def add_closure(access: Access, room_id: int, day: date) -> None:
    require(access, "reading_rooms.manage")
    room = await get_room(room_id)
    await Closure.insert(Closure(tenant_id=room["tenant_id"], room_id=room_id, day=day)
                         ).on_conflict(action="DO NOTHING")


async def set_class_limit(access: Access, room_id: int, class_letter: str, max_copies: int
                          ) -> None:
    require(access, "reading_rooms.manage")
    room = await get_room(room_id)
    if class_letter not in CLASSES:
        raise ApiError.invalid("classLetter", "中图法大类无效", "not one of the 22 classes")
    if max_copies < 0:
        raise ApiError.invalid("maxCopies", "不能为负", "must not be negative")
    await ClassLimit.delete().where((ClassLimit.room_id == room_id)
                                    & (ClassLimit.class_letter == class_letter))
    await ClassLimit.insert(ClassLimit(tenant_id=room["tenant_id"], room_id=room_id,
                                       class_letter=class_letter, max_copies=max_copies))


async def add_seats(access: Access, room_id: int, labels: list[str]) -> int:
    require(access, "reading_rooms.manage")
    room = await get_room(room_id)
    rows = [Seat(tenant_id=room["tenant_id"], room_id=room_id, label=_text(l, "labels", 20))
            for l in labels]
    if rows:
        await Seat.insert(*rows).on_conflict(action="DO NOTHING")
    return len(rows)


async def link_librarian(access: Access, room_id: int, account_id: int) -> None:
    """Make an account a librarian of one room: the role at the county (core) plus the link
    to *this* room (here), which every circulation check requires."""
    require(access, "reading_rooms.manage")
    room = await get_room(room_id)
    network = await get_network(int(room["network_id"]))
    await grant_place_role(account_id, network.county.id, "reading_rooms.librarian")
    await Staff.insert(Staff(tenant_id=room["tenant_id"], room_id=room_id,
                             account_id=account_id)).on_conflict(action="DO NOTHING")


async def rooms_by_ids(ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Room.select().where(Room.id.is_in(sorted(set(ids))))
    return {int(r["id"]): dict(r) for r in rows}


async def rooms_of(network_id: int) -> list[dict[str, Any]]:
    return [dict(r) for r in await Room.select().where(Room.network_id == network_id)
            .order_by(Room.id)]
