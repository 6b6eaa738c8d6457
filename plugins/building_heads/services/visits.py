"""走访 Home visits: logging a visit in one step, welfare visit tasks from core's
``people.welfare_concern`` event, those responsible for a resident, and the monthly reminder of
special households not yet visited. Coverage figures live in ``coverage``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.plugin import (
    HOUSEHOLDS,
    RESIDENTS,
    Access,
    ApiError,
    ErrorCode,
    HouseholdRec,
    NodeInfo,
    PlaceRef,
    accounts_holding,
    get_building,
    get_household,
    get_resident,
    notify,
    place_names,
    record,
)
from plugins.building_heads.services.access import building_place, check_building
from plugins.building_heads.services.common import (
    Period,
    household_condition,
    make_period,
    reach,
    rule_value,
    special_household_ids,
    task_building_condition,
    today_shanghai,
    visited_household_ids,
)
from plugins.building_heads.services.coverage import (
    LEVELS,
    CoverageRow,
    OverdueHousehold,
    coverage_rows,
    enabled_tenants_below,
    overdue_households,
    region_coverage_rows,
    special_tags,
)
from plugins.building_heads.services.matters import (
    MATTER_REQUESTED,
    on_matter_requested,
    raise_matter,
)
from plugins.building_heads.tables import Appointment, Visit, VisitTask

__all__ = [
    "LEVELS",
    "VISIT_WAYS",
    "CoverageRow",
    "LoggedVisit",
    "OverdueHousehold",
    "Period",
    "coverage_for",
    "coverage_rows",
    "enabled_tenants_below",
    "household_place",
    "log_visit",
    "make_period",
    "on_event",
    "overdue_households",
    "overdue_page",
    "reach",
    "region_coverage_rows",
    "reminder_lines",
    "reminder_list",
    "responsible_accounts",
    "send_visit_reminders",
    "serving_head_accounts",
    "special_tags",
    "visit_for",
    "visit_task_for",
    "visit_tasks_page",
]

log = logging.getLogger("linli.building_heads.visits")

VISIT_WAYS = ("in_person", "phone", "message")
"""上门 / 电话 / 留言 (in person, phone, message)."""
NOTES_MAX = 2000
WELFARE_EVENT = "people.welfare_concern"
LISTING_MAX = 1500


def _now() -> datetime:
    return datetime.now(UTC)


# -- logging a visit --------------------------------------------------------------------------
@dataclass(frozen=True)
class LoggedVisit:
    visit: dict[str, Any]
    closed_task_ids: list[int]
    matter_id: int | None


def household_place(access: Access, household: HouseholdRec) -> PlaceRef:
    return PlaceRef(node_id=household.tenant_id,
                    node_path=access.node_path if household.tenant_id == access.node_id
                    else "",
                    community_id=household.community_id, grid_id=household.grid_id,
                    building_id=household.building_id)


async def _household_in_reach(access: Access, household_id: int, permission: str
                              ) -> HouseholdRec:
    """The household, if the caller may do ``permission`` at its building; else NOT_FOUND
    (a head outside their building learns nothing about it)."""
    row = await get_household(household_id)
    if row is None or row.tenant_id != access.node_id or not await check_building(
            access, permission, household_place(access, row)):
        raise ApiError("NOT_FOUND", "未找到该住户", "household not found", "householdId")
    return row


async def _open_tasks(household_id: int, task_id: int | None) -> list[int]:
    """Open tasks this visit closes: the given one (which must be about this household), or
    every open task about the household's residents."""
    residents = RESIDENTS.select(RESIDENTS.id).where(RESIDENTS.household_id == household_id)
    about = (VisitTask.household_id == household_id) | VisitTask.resident_id.is_in(residents)
    if task_id is not None:
        row = await VisitTask.select(VisitTask.id, VisitTask.status).where(
            (VisitTask.id == task_id) & about).first()
        if row is None:
            raise ApiError("NOT_FOUND", "未找到该住户的走访任务",
                             "no such visit task for this household", "taskId")
        return [task_id] if row["status"] == "open" else []
    rows = await VisitTask.select(VisitTask.id).where(about & (VisitTask.status == "open"))
    return sorted(int(r["id"]) for r in rows)


async def _raise_matter(title: str, household: HouseholdRec, access: Access, on: date
                        ) -> int:
    """A matter raised during the visit, at the 提事 step, for the household's building —
    through the matters service, so it is checked, audited and appears live on the board."""
    try:
        matter, _ = await raise_matter(access, title=title, building_id=household.building_id,
                                       raised_on=on)
    except ApiError as exc:
        raise ApiError(exc.code, exc.zh, exc.en,
                         "matterTitle" if exc.field in (None, "title") else exc.field) from exc
    return int(matter["id"])


async def log_visit(access: Access, household_id: int, *, visited_on: date | None = None,
                    way: str = "in_person", notes: str = "", matter_title: str | None = None,
                    task_id: int | None = None) -> LoggedVisit:
    """登记走访 Log a visit (inside the mutation's scoped write transaction): the caller must
    be a serving head of the household's building or hold ``building_heads.visit`` there; not
    in the future; closes the household's open visit tasks (or ``task_id``); audited."""
    household = await _household_in_reach(access, household_id, "building_heads.visit")
    today = today_shanghai()
    visited_on = visited_on or today
    if visited_on > today:
        raise ApiError("INVALID_ARGUMENT", "走访日期不能晚于今天",
                         "the visit date cannot be in the future", "visitedOn")
    if visited_on.year < 2000:
        raise ApiError("INVALID_ARGUMENT", "走访日期无效", "invalid visit date", "visitedOn")
    if way not in VISIT_WAYS:
        raise ApiError("INVALID_ARGUMENT", "走访方式须为上门、电话或留言",
                         "the way must be in_person, phone or message", "way")
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX:
        raise ApiError("INVALID_ARGUMENT", f"情况记录不超过{NOTES_MAX}字",
                         f"notes are at most {NOTES_MAX} characters", "notes")
    tasks = await _open_tasks(household_id, task_id)
    appointment = None
    if access.principal.account_id is not None:
        appointment = await Appointment.select(Appointment.id).where(
            (Appointment.building_id == household.building_id)
            & (Appointment.account_id == access.principal.account_id)
            & Appointment.ended_on.is_null()).first()
    appointment_id = int(appointment["id"]) if appointment else None
    matter_id = None
    if matter_title is not None and matter_title.strip():
        matter_id = await _raise_matter(matter_title, household, access, visited_on)
    visit = Visit(tenant_id=access.node_id, building_id=household.building_id,
                  household_id=household_id, appointment_id=appointment_id,
                  visitor_account_id=access.principal.account_id, visited_on=visited_on,
                  way=way, notes=notes, matter_id=matter_id,
                  task_id=tasks[0] if tasks else None, created_at=_now())
    await Visit.insert(visit)
    if tasks:
        await VisitTask.update({VisitTask.status: "done", VisitTask.visit_id: visit.id}).where(
            VisitTask.id.is_in(tasks))
    await record("building_heads.visit.log", account_id=access.principal.account_id,
                 object_type="building_heads_visit", object_id=visit.id,
                 summary={"household_id": household_id,
                          "building_id": household.building_id,
                          "visited_on": visited_on.isoformat(), "way": way,
                          "tasks_closed": tasks, "matter_id": matter_id})
    return LoggedVisit(visit=visit.to_dict(), closed_task_ids=tasks, matter_id=matter_id)


# -- who is responsible -------------------------------------------------------------------------
async def serving_head_accounts(building_ids: list[int]) -> dict[int, list[int]]:
    """Accounts of the serving heads (and deputies) of each building (inside a scope)."""
    if not building_ids:
        return {}
    rows = await Appointment.select(Appointment.building_id, Appointment.account_id).where(
        Appointment.building_id.is_in(building_ids) & Appointment.ended_on.is_null()
        & Appointment.account_id.is_not_null())
    out: dict[int, list[int]] = {}
    for r in rows:
        out.setdefault(int(r["building_id"]), []).append(int(r["account_id"]))
    return {b: sorted(set(a)) for b, a in out.items()}


async def responsible_accounts(resident_id: int, tenant_id: int) -> list[int]:
    """The serving head(s) of the resident's building (core notifies them on behalf of a
    resident without an account). Runs inside a scope for ``tenant_id``."""
    resident = await get_resident(resident_id)
    if resident is None or resident.tenant_id != tenant_id or resident.building_id is None:
        return []
    return (await serving_head_accounts([resident.building_id])).get(resident.building_id, [])


async def _notify_each(accounts: list[int], kind: str, title: str, body: str,
                       link: str | None) -> int:
    sent = 0
    for account in accounts:
        try:
            sent += len(await notify(account, kind, title, body, link))
        except ApiError as exc:
            if exc.code != "NOT_FOUND":
                raise
            log.warning("building head account %s not notified: %s", account, exc)  # inactive
    return sent


# -- welfare concern → visit task -----------------------------------------------------------------
async def on_event(event: Any) -> None:
    """``people.welfare_concern``: a visit task for the resident's building head, due within
    ``building_heads.welfare_visit_days`` days of ``noticed_since`` (today when absent); one
    task per event id, so a redelivery changes nothing. Runs in the tenant's write scope.
    ``mutual_aid.matter_requested`` (红邻菜单, when installed) goes to the matters area."""
    if event.type == MATTER_REQUESTED:
        await on_matter_requested(event)
        return
    if event.type != WELFARE_EVENT:
        return
    if await VisitTask.exists().where(VisitTask.event_id == event.id):
        return
    payload = event.payload

    def field(name: str) -> Any:
        """A payload field, whether the payload arrived as its dataclass or as a dict."""
        if isinstance(payload, dict):
            return payload.get(name)
        return getattr(payload, name, None)

    resident = await get_resident(int(field("resident_id")))
    if resident is None or resident.tenant_id != event.tenant_id:
        log.warning("welfare concern %s names no resident of tenant %s", event.id,
                    event.tenant_id)
        return
    since = field("noticed_since") or today_shanghai()
    if isinstance(since, str):
        since = date.fromisoformat(since)
    days = await rule_value("building_heads.welfare_visit_days", event.tenant_id)
    task = VisitTask(tenant_id=event.tenant_id, resident_id=resident.id,
                     household_id=resident.household_id, building_id=resident.building_id,
                     reason_code=str(field("reason_code") or "")[:64],
                     source_module=str(field("source_module") or "")[:64], noticed_since=since,
                     due_on=since + timedelta(days=int(days.value)), event_id=event.id,
                     status="open", rule_version=days.version, created_at=_now())
    await VisitTask.insert(task)
    if resident.building_id is None:
        return
    heads = await serving_head_accounts([resident.building_id])
    await _notify_each(
        heads.get(resident.building_id, []), "building_heads.welfare_visit",
        f"关爱走访：{resident.name} / Welfare visit: {resident.name}",
        f"请于 {task.due_on.isoformat()} 前走访（原因：{task.reason_code}）。"
        f" / Please visit by {task.due_on.isoformat()} (reason: {task.reason_code}).",
        "/building-heads/visit-tasks")


async def visit_tasks_page(access: Access, *, status: str | None, after: int, first: int
                           ) -> list[dict[str, Any]]:
    """Visit tasks of the caller's buildings, by id (``first + 1`` rows). Inside a scope."""
    limit = await reach(access, "building_heads.visit")
    if status is not None and status not in ("open", "done"):
        raise ApiError("INVALID_ARGUMENT", "状态须为 open 或 done",
                         "status must be open or done", "status")
    query = VisitTask.select().where((VisitTask.id > after)
                                     & (VisitTask.tenant_id == access.node_id))
    seen = task_building_condition(VisitTask.building_id, limit)
    if seen is not None:
        query = query.where(seen)
    if status is not None:
        query = query.where(VisitTask.status == status)
    return list(await query.order_by(VisitTask.id).limit(first + 1))


# -- the monthly reminder ----------------------------------------------------------------------
def _period_of_ctx(ctx: dict[str, Any]) -> Period:
    raw = ctx.get("period")
    if raw:
        year, month = (int(x) for x in str(raw).split("-")[:2])
        return Period(year, month)
    today = today_shanghai()
    return Period(today.year, today.month)


@dataclass(frozen=True)
class ReminderLine:
    """One building's special households not yet visited or contacted in a month, with its
    serving head (the printable list for heads who have no account)."""

    building_id: int
    building: str
    community_id: int
    head_resident_id: int | None
    head_has_account: bool
    rooms: list[str]


async def reminder_lines(tenant_id: int, period: Period, limit: Any | None = None
                         ) -> list[ReminderLine]:
    """Per building with a serving head: the special households not yet visited or contacted
    (any way) in the period's month, rooms sorted (inside a scope; a constant number of
    statements)."""
    tags, _ = await special_tags(tenant_id, period)
    heads = await Appointment.select(Appointment.building_id, Appointment.account_id,
                                     Appointment.resident_id).where(
        Appointment.ended_on.is_null() & (Appointment.role == "head"))
    buildings = sorted({int(r["building_id"]) for r in heads})
    if not tags or not buildings:
        return []
    where = (HOUSEHOLDS.building_id.is_in(buildings)
             & HOUSEHOLDS.id.is_in(special_household_ids(tags))
             & HOUSEHOLDS.id.not_in(visited_household_ids(period.month_start, period.month_end)))
    if limit is not None:
        where &= limit
    due = await HOUSEHOLDS.select(HOUSEHOLDS.building_id, HOUSEHOLDS.room,
                                  HOUSEHOLDS.community_id).where(where).order_by(
        HOUSEHOLDS.building_id).order_by(HOUSEHOLDS.room)
    rooms: dict[int, list[str]] = {}
    communities: dict[int, int] = {}
    for r in due:
        rooms.setdefault(int(r["building_id"]), []).append(str(r["room"]) or "-")
        communities[int(r["building_id"])] = int(r["community_id"])
    names = await place_names("building", rooms)
    head_of = {int(r["building_id"]): r for r in heads}
    return [ReminderLine(building_id=b, building=names.get(b, str(b)),
                         community_id=communities[b],
                         head_resident_id=int(head_of[b]["resident_id"]),
                         head_has_account=head_of[b]["account_id"] is not None, rooms=rooms[b])
            for b in sorted(rooms)]


def _listing(lines: list[ReminderLine], *, staff: bool = False) -> str:
    parts = []
    for line in lines:
        text = f"{line.building}：{'、'.join(line.rooms)}"
        if staff and not line.head_has_account:
            text += "（楼长无账号，请打印名单转交 / the head has no account: print the list)"
        parts.append(text)
    listing = "；".join(parts)
    if len(listing) > LISTING_MAX:  # a notification body holds at most 4,000 characters
        listing = listing[:LISTING_MAX] + "…"
    return listing


async def send_visit_reminders(ctx: dict[str, Any], tenant_id: int) -> int:
    """每月走访提醒 For each serving head with an account, one in-app notification listing the
    special households of their building(s) not yet visited or contacted this month; a copy to
    the community staff of each community concerned (and the tenant's coordinators), naming
    the buildings whose head has no account so the printable list
    (``buildingHeadReminderList``) reaches them. Returns how many were sent. The cron entry's
    ``once_per="month"`` key makes a second run in the month do nothing."""
    period = _period_of_ctx(ctx)
    lines = await reminder_lines(tenant_id, period)
    if not lines:
        return 0
    by_building = {line.building_id: line for line in lines}
    heads = await Appointment.select(Appointment.building_id, Appointment.account_id).where(
        Appointment.ended_on.is_null() & Appointment.account_id.is_not_null()
        & Appointment.building_id.is_in(sorted(by_building)))
    per_account: dict[int, set[int]] = {}
    for r in heads:
        per_account.setdefault(int(r["account_id"]), set()).add(int(r["building_id"]))
    sent = 0
    when_zh, when_en = f"{period.year}年{period.month}月", f"{period.year}-{period.month:02d}"
    for account, mine in sorted(per_account.items()):
        own = [by_building[b] for b in sorted(mine)]
        count = sum(len(line.rooms) for line in own)
        listing = _listing(own)
        sent += await _notify_each(
            [account], "building_heads.visit_reminder",
            f"本月还有{count}户特殊家庭未走访 / {count} special households not yet visited this "
            f"month",
            f"{when_zh}：{listing}。请在月底前上门或电话联系。 / {when_en}: {listing}. Please "
            f"visit or call before the month ends.",
            "/building-heads/overdue")
    coordinators = set(await accounts_holding(tenant_id, "building_heads.coordinator"))
    by_community: dict[int, list[ReminderLine]] = {}
    for line in lines:
        by_community.setdefault(line.community_id, []).append(line)
    for community_id, mine_lines in sorted(by_community.items()):
        staff = set(await accounts_holding(tenant_id, "community_staff", "community",
                                           [community_id])) | coordinators
        count = sum(len(line.rooms) for line in mine_lines)
        listing = _listing(mine_lines, staff=True)
        sent += await _notify_each(
            sorted(staff), "building_heads.visit_reminder_copy",
            f"抄送：本月还有{count}户特殊家庭未走访 / copy: {count} special households not yet "
            f"visited this month",
            f"{when_zh}：{listing}。 / {when_en}: {listing}.", "/building-heads/reminders")
    return sent


# -- what resolvers ask for (each one checks the caller) --------------------------------------
async def reminder_list(access: Access, year: int | None, month: int | None
                        ) -> tuple[list[ReminderLine], dict[int, str]]:
    """The month's reminder as a printable list (for heads without an account), inside the
    caller's reach (``building_heads.read``), with the heads' names."""
    limit = await reach(access, "building_heads.read")
    lines = await reminder_lines(access.node_id, make_period(year, month),
                                 household_condition(limit))
    names = await place_names("resident", {line.head_resident_id for line in lines
                                           if line.head_resident_id is not None})
    return lines, names



async def coverage_for(access: Access, tenant: NodeInfo, level: str, place_id: int | None,
                       year: int | None, month: int | None) -> list[CoverageRow]:
    """Coverage rows of ``level`` in the tenant, inside the caller's reach."""
    period = make_period(year, month)
    limit = await reach(access, "building_heads.read")
    return await coverage_rows(level, tenant, period, limit, place_id)


async def overdue_page(access: Access, building_id: int, *, after: int, first: int
                       ) -> list[OverdueHousehold]:
    """The building's overdue households this month, if the caller may read there."""
    building = await get_building(building_id)
    if building is None or building.tenant_id != access.node_id or not await check_building(
            access, "building_heads.read", building_place(access, building)):
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该楼栋", "building not found", "buildingId")
    return await overdue_households(building.id, access.node_id, make_period(None, None),
                                    after=after, first=first)


async def _at_readable_building(access: Access, row: dict[str, Any] | None, permission: str
                                ) -> dict[str, Any] | None:
    if row is None or row["building_id"] is None:
        return None
    building = await get_building(int(row["building_id"]))
    if building is None or not await check_building(access, permission,
                                                    building_place(access, building)):
        return None
    return row


async def visit_for(access: Access, visit_id: int) -> dict[str, Any] | None:
    """A visit, if the caller may read its building (None otherwise)."""
    row = await Visit.select().where(Visit.id == visit_id).first()
    return await _at_readable_building(access, row, "building_heads.read")


async def visit_task_for(access: Access, task_id: int) -> dict[str, Any] | None:
    """A visit task, if the caller may log visits at its building (None otherwise)."""
    row = await VisitTask.select().where(VisitTask.id == task_id).first()
    return await _at_readable_building(access, row, "building_heads.visit")
