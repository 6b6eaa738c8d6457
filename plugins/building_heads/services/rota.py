"""红旗驿站 Stations and the rota of part-time station heads (兼职站长).

A station has a fixed head; the serving building heads of its compound (or, for a station
without a compound, of its community) take weekly turns. :func:`generate` fills a period with
weekly shifts by round robin that continues after the station's last shift before the period:
each week goes to the available head (in term, not on leave that week) with the fewest shifts in
the period, ties broken by rotation order, so a head skipped for leave catches up and, period after
period, every head serves equally (counts differ by at most one). Swaps keep who had the shift
and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.plugin import (
    Access,
    ApiError,
    ErrorCode,
    PlaceRef,
    buildings_in,
    current_scope,
    get_building,
    get_community,
    get_compound,
    get_resident,
    record,
)
from plugins.building_heads.services.appointments import get_appointment, visible_buildings
from plugins.building_heads.tables import Appointment, Evaluation, Leave, RotaShift, Station

__all__ = [
    "MAX_DAYS",
    "RotaResult",
    "authorize_shift",
    "community_of_building",
    "create_station",
    "evaluation_for",
    "evaluation_page",
    "generate",
    "get_station",
    "list_stations",
    "record_leave",
    "require_at",
    "shift_for",
    "shifts_between",
    "station_for",
    "station_pool",
    "swap_shifts",
]

MAX_DAYS = 366
"""Longest period one call generates or lists."""


def _now() -> datetime:
    return datetime.now(UTC)


def _not_found(zh: str, en: str, field: str) -> ApiError:
    return ApiError("NOT_FOUND", f"未找到{zh}", f"{en} not found", field)


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise ApiError("INVALID_ARGUMENT", "结束日期不能早于开始日期",
                        "the end date cannot be before the start", "endsOn")
    if (end - start).days >= MAX_DAYS:
        raise ApiError("INVALID_ARGUMENT", f"一次最多 {MAX_DAYS} 天",
                        f"at most {MAX_DAYS} days at a time", "endsOn")


@dataclass(frozen=True)
class RotaResult:
    """What :func:`generate` wrote, and the weeks nobody could take (everyone on leave)."""

    created: list[dict[str, Any]]
    unfilled: list[date]


async def get_station(station_id: int) -> dict[str, Any]:
    row = await Station.select().where(Station.id == station_id).first()
    if row is None:
        raise _not_found("驿站", "station", "stationId")
    return dict(row)


async def create_station(*, name: str, community_id: int, compound_id: int | None,
                         fixed_head_resident_id: int | None, account_id: int | None
                         ) -> dict[str, Any]:
    """建站 A station of a community (and compound), with its fixed head."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ApiError("INVALID_ARGUMENT", "站名须为1到100个字", "the name must be 1–100 "
                        "characters", "name")
    if await get_community(community_id) is None:
        raise _not_found("社区", "community", "communityId")
    compound = None if compound_id is None else await get_compound(compound_id)
    if compound_id is not None and (compound is None or compound.community_id != community_id):
        raise _not_found("小区", "compound", "compoundId")
    if fixed_head_resident_id is not None and await get_resident(
            fixed_head_resident_id) is None:
        raise _not_found("居民", "resident", "fixedHeadResidentId")
    node = current_scope().write_node
    row = Station(tenant_id=node, name=name, community_id=community_id, compound_id=compound_id,
                  fixed_head_resident_id=fixed_head_resident_id, created_at=_now())
    await Station.insert(row)
    await record("building_heads.station.create", account_id=account_id,
                 object_type="building_heads_station", object_id=row.id,
                 summary={"name": name, "community_id": community_id,
                          "compound_id": compound_id})
    return await get_station(int(row.id))


async def list_stations(first: int, after: int, community_ids: set[int] | None
                        ) -> list[dict[str, Any]]:
    """Up to ``first + 1`` stations by id, limited to ``community_ids`` unless None."""
    query = Station.select().where(Station.id > after)
    if community_ids is not None:
        query = query.where(Station.community_id.is_in(sorted(community_ids) or [-1]))
    return [dict(r) for r in await query.order_by(Station.id).limit(first + 1)]


async def station_pool(station: dict[str, Any]) -> list[dict[str, Any]]:
    """Serving heads (not deputies) of the station's compound, or community, ordered by id."""
    near = (await buildings_in(compound_ids=[station["compound_id"]]) if station["compound_id"]
            else await buildings_in(community_ids=[station["community_id"]]))
    buildings = [b.id for b in near]
    rows = await Appointment.select().where(
        Appointment.building_id.is_in(buildings or [-1]) & Appointment.serving_head.is_not_null()
    ).order_by(Appointment.id)
    return [dict(r) for r in rows]


async def record_leave(appointment_id: int, starts_on: date, ends_on: date, reason: str,
                       account_id: int | None) -> dict[str, Any]:
    """请假 A head on leave is skipped by the rota for the weeks the leave touches."""
    appointment = await get_appointment(appointment_id)
    if appointment["ended_on"] is not None:
        raise ApiError("INVALID_ARGUMENT", "该任期已结束", "the term has ended", "appointmentId")
    _check_period(starts_on, ends_on)
    row = Leave(tenant_id=current_scope().write_node, appointment_id=appointment_id,
                starts_on=starts_on, ends_on=ends_on, reason=(reason or "").strip(),
                created_at=_now())
    await Leave.insert(row)
    await record("building_heads.rota.leave", account_id=account_id,
                 object_type="building_heads_leave", object_id=row.id,
                 summary={"appointment_id": appointment_id, "from": starts_on.isoformat(),
                          "to": ends_on.isoformat()})
    return dict(await Leave.select().where(Leave.id == row.id).first() or {})


def _after(order: list[int], ident: int) -> list[int]:
    """``order`` rotated so that it continues after ``ident``."""
    if ident in order:
        i = order.index(ident)
        return order[i + 1:] + order[:i + 1]
    later = [a for a in order if a > ident]
    return later + [a for a in order if a <= ident]


async def generate(station_id: int, start: date, end: date, account_id: int | None
                   ) -> RotaResult:
    """排班 Weekly shifts from ``start`` while a week starts on or before ``end``; weeks that
    already have a shift are kept (running it twice adds nothing)."""
    _check_period(start, end)
    station = await get_station(station_id)
    terms = {int(a["id"]): (a["term_start"], a["term_end"]) for a in await station_pool(station)}
    pool = list(terms)
    if not pool:
        raise ApiError("INVALID_ARGUMENT", "该驿站范围内没有在任楼长",
                        "no serving building heads around this station", "stationId")
    weeks = [start + timedelta(days=7 * k) for k in range((end - start).days // 7 + 1)]
    last = await RotaShift.select(RotaShift.appointment_id).where(
        (RotaShift.station_id == station_id) & (RotaShift.starts_on < start)
    ).order_by(RotaShift.starts_on, ascending=False).first()
    order = _after(pool, int(last["appointment_id"])) if last else list(pool)
    existing = {r["starts_on"]: int(r["appointment_id"]) for r in await RotaShift.select().where(
        (RotaShift.station_id == station_id) & RotaShift.starts_on.is_in(weeks))}
    leaves = await Leave.select().where(
        Leave.appointment_id.is_in(pool) & (Leave.starts_on <= weeks[-1] + timedelta(days=6))
        & (Leave.ends_on >= start))
    counts = dict.fromkeys(pool, 0)
    created: list[dict[str, Any]] = []
    unfilled: list[date] = []
    for week in weeks:
        if week in existing:
            taken = existing[week]
            counts[taken] = counts.get(taken, 0) + 1
            order = _after(order, taken)
            continue
        week_end = week + timedelta(days=6)
        away = {int(lv["appointment_id"]) for lv in leaves
                if lv["starts_on"] <= week_end and lv["ends_on"] >= week}
        free = [a for a in order if a not in away
                and terms[a][0] <= week_end and terms[a][1] >= week]
        if not free:
            unfilled.append(week)
            continue
        chosen = min(free, key=lambda a: (counts[a], free.index(a)))
        counts[chosen] += 1
        order = _after(order, chosen)
        row = RotaShift(tenant_id=current_scope().write_node, station_id=station_id,
                        appointment_id=chosen, starts_on=week, ends_on=week_end,
                        created_at=_now())
        await RotaShift.insert(row)
        created.append({"id": int(row.id), "station_id": station_id, "appointment_id": chosen,
                        "starts_on": week, "ends_on": week_end,
                        "swapped_from_appointment_id": None, "swap_reason": ""})
    await record("building_heads.rota.generate", account_id=account_id,
                 object_type="building_heads_station", object_id=station_id,
                 summary={"from": start.isoformat(), "to": end.isoformat(),
                          "created": len(created), "unfilled": [w.isoformat() for w in unfilled]})
    return RotaResult(created, unfilled)


async def _shift(shift_id: int, field: str) -> dict[str, Any]:
    row = await RotaShift.select().where(RotaShift.id == shift_id).first()
    if row is None:
        raise _not_found("排班", "shift", field)
    return dict(row)


async def swap_shifts(shift_a: int, shift_b: int, reason: str, account_id: int | None
                      ) -> tuple[dict[str, Any], dict[str, Any]]:
    """换班 Exchange the heads of two shifts of one station; each keeps who had it and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ApiError("INVALID_ARGUMENT", "换班须说明理由", "a swap needs a reason", "reason")
    a, b = await _shift(shift_a, "shiftAId"), await _shift(shift_b, "shiftBId")
    if a["station_id"] != b["station_id"]:
        raise ApiError("INVALID_ARGUMENT", "只能交换同一驿站的班次",
                        "only shifts of the same station can be swapped", "shiftBId")
    if a["appointment_id"] == b["appointment_id"]:
        raise ApiError("INVALID_ARGUMENT", "两个班次是同一位楼长", "both shifts are the same "
                        "head's", "shiftBId")
    for mine, theirs in ((a, b), (b, a)):
        await RotaShift.update({RotaShift.appointment_id: theirs["appointment_id"],
                                RotaShift.swapped_from_appointment_id: mine["appointment_id"],
                                RotaShift.swap_reason: reason}).where(RotaShift.id == mine["id"])
    await record("building_heads.rota.swap", account_id=account_id,
                 object_type="building_heads_rota_shift", object_id=shift_a,
                 summary={"shifts": [shift_a, shift_b], "reason": reason,
                          "before": [a["appointment_id"], b["appointment_id"]]})
    return await _shift(shift_a, "shiftAId"), await _shift(shift_b, "shiftBId")


async def shifts_between(station_id: int, start: date, end: date) -> list[dict[str, Any]]:
    """The station's shifts overlapping ``start``..``end``, in date order."""
    _check_period(start, end)
    await get_station(station_id)
    rows = await RotaShift.select().where(
        (RotaShift.station_id == station_id) & (RotaShift.starts_on <= end)
        & (RotaShift.ends_on >= start)).order_by(RotaShift.starts_on)
    return [dict(r) for r in rows]


# -- who may act, and what resolvers ask for ------------------------------------------------------
def require_at(access: Access, permission: str, community_id: int | None) -> None:
    """``permission`` at the community (or the acting node); FORBIDDEN otherwise."""
    place = PlaceRef(node_id=access.node_id, node_path=access.node_path,
                     community_id=community_id) if community_id else None
    decision = access.check(permission, place)
    if not decision:
        raise ApiError(ErrorCode.FORBIDDEN, decision.reason_zh, decision.reason_en)


async def community_of_building(building_id: int) -> int | None:
    building = await get_building(building_id)
    return building.community_id if building else None


async def station_for(access: Access, permission: str, station_id: int) -> dict[str, Any]:
    """The station, if the caller may do ``permission`` in its community."""
    station = await get_station(station_id)
    require_at(access, permission, int(station["community_id"]))
    return station


async def shift_for(access: Access, shift_id: int) -> dict[str, Any] | None:
    """A shift, if the caller may read its station's community (None when missing)."""
    row = await RotaShift.select().where(RotaShift.id == shift_id).first()
    if row is None:
        return None
    await station_for(access, "building_heads.read", int(row["station_id"]))
    return dict(row)


async def authorize_shift(access: Access, permission: str, shift_id: int) -> None:
    """Refuse unless the caller may do ``permission`` at the shift's station (a missing shift
    is left to the operation itself to report)."""
    row = await RotaShift.select(RotaShift.station_id).where(RotaShift.id == shift_id).first()
    if row is not None:
        await station_for(access, permission, int(row["station_id"]))


async def evaluation_page(access: Access, year: int, first: int, after: int
                          ) -> list[dict[str, Any]]:
    """Evaluations of ``year`` of the buildings the caller may read, ``first + 1`` by id."""
    allowed = await visible_buildings(access, "building_heads.read")
    query = Evaluation.select().where((Evaluation.year == year) & (Evaluation.id > after))
    if allowed is not None:
        ids = [int(r["id"]) for r in await Appointment.select(Appointment.id).where(
            Appointment.building_id.is_in(sorted(allowed) or [-1]))]
        query = query.where(Evaluation.appointment_id.is_in(ids or [-1]))
    return [dict(r) for r in await query.order_by(Evaluation.id).limit(first + 1)]


async def evaluation_for(access: Access, evaluation_id: int) -> dict[str, Any] | None:
    """An evaluation, if the caller may read its building (None otherwise)."""
    row = await Evaluation.select().where(Evaluation.id == evaluation_id).first()
    if row is None:
        return None
    allowed = await visible_buildings(access, "building_heads.read")
    if allowed is not None:
        appointment = await get_appointment(int(row["appointment_id"]))
        if int(appointment["building_id"]) not in allowed:
            return None
    return dict(row)
