"""红邻菜单 The menu: teams, dishes, group sessions with sign-up, and orders with response times.

An order goes placed → accepted (or assigned by the leader) → scheduled → done → confirmed and
rated. One not accepted by its due time escalates to community staff once (a conditional
update on ``escalated_at``); a done service emits ``volunteer.service_recorded`` once (a
conditional update on ``service_recorded``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from core.plugin import (
    Access,
    Event,
    ServiceRecorded,
    accounts_holding,
    emit,
    get_resident,
    notify,
    record,
    resident_of_account,
    resident_tags,
)
from plugins.mutual_aid.events import MATTER_REQUESTED, MatterRequested
from plugins.mutual_aid.services.common import (
    as_utc,
    at_utc,
    bad,
    check_community,
    conflict,
    ensure,
    is_unique_violation,
    not_found,
    now,
    resident_of,
    rule_value,
    tenant_of,
    text,
)
from plugins.mutual_aid.services.live import announce
from plugins.mutual_aid.services.sessions import check_recurrence
from plugins.mutual_aid.tables import Dish, Order, PlusOne, Session, Signup, Team

__all__ = [
    "STATUSES",
    "TEAMS",
    "accept_order",
    "add_plus_one",
    "cancel_order",
    "confirm_order",
    "create_dish",
    "create_session",
    "dish_page",
    "dishes_by_ids",
    "escalate_overdue",
    "finish_order",
    "get_order",
    "on_event",
    "open_needs",
    "order_page",
    "place_order",
    "request_matter_for_need",
    "response_times",
    "schedule_order",
    "seed_teams",
    "sign_up",
    "teams_by_ids",
    "teams_of",
]

TEAMS = (
    ("party_care", "党员暖心服务队", "Party members' care"),
    ("civil_wedding", "文明婚庆服务队", "Civil weddings"),
    ("civil_health", "文明健康服务队", "Health"),
    ("school", "入学升学服务队", "School enrolment help"),
    ("old_young", "助老扶幼服务队", "Helping the old and young"),
)
"""The five teams of the source (新区街道), seeded per community."""

STATUSES = ("placed", "accepted", "scheduled", "done", "confirmed", "cancelled")


async def seed_teams(tenant_id: int, community_ids: list[int]) -> int:
    """The five teams in each community, idempotently; how many were created."""
    made = 0
    for community_id in community_ids:
        have = {r["code"] for r in await Team.select(Team.code).where(
            Team.community_id == community_id)}
        for code, name, name_en in TEAMS:
            if code in have:
                continue
            try:
                await Team.insert(Team(tenant_id=tenant_id, community_id=community_id,
                                       code=code, name=name, name_en=name_en,
                                       created_at=now()))
                made += 1
            except Exception as exc:
                if not is_unique_violation(exc):
                    raise
    return made


COMMUNITY_CREATED = "people.community_created"


async def on_event(event: Event) -> None:
    """A community created after the plugin was enabled gets its five teams (core's
    ``people.community_created``; idempotent, so a redelivery changes nothing)."""
    if event.type != COMMUNITY_CREATED:
        return
    await seed_teams(int(event.tenant_id), [int(event.payload.community_id)])


async def _team(team_id: int, field: str = "teamId") -> dict[str, Any]:
    row = await Team.select().where(Team.id == team_id).first()
    if row is None:
        raise not_found("服务队", "team", field)
    return dict(row)


async def _dish(dish_id: int, field: str = "dishId") -> dict[str, Any]:
    row = await Dish.select().where(Dish.id == dish_id).first()
    if row is None:
        raise not_found("菜品", "dish", field)
    return dict(row)


async def get_order(order_id: int, field: str = "orderId") -> dict[str, Any]:
    row = await Order.select().where(Order.id == order_id).first()
    if row is None:
        raise not_found("点单", "order", field)
    return dict(row)


async def create_dish(access: Access, *, team_id: int, title: str, mode: str,
                      description: str = "", eligible_tag: str = "", capacity: int = 0,
                      recurring: bool = False, recurrence: str = "monthly") -> dict[str, Any]:
    team = await _team(team_id)
    ensure(access, "mutual_aid.menu", team["community_id"])
    if mode not in ("service", "session"):
        raise bad("方式须为 service 或 session", "mode must be service or session", "mode")
    if not 0 <= capacity <= 10000:
        raise bad("容量须在0到10000之间", "capacity must be 0–10000", "capacity")
    row = Dish(tenant_id=tenant_of(access), team_id=team_id, community_id=team["community_id"],
               title=text(title, "title", required=True, limit=100),
               description=text(description, "description", required=False, limit=2000),
               mode=mode, eligible_tag=text(eligible_tag, "eligibleTag", required=False,
                                            limit=64),
               capacity=capacity, recurring=recurring,
               recurrence=check_recurrence(recurrence), active=True, created_at=now())
    await Dish.insert(row)
    await record("mutual_aid.dish.create", account_id=access.principal.account_id,
                 object_type="mutual_aid_dish", object_id=row.id, summary={"title": row.title})
    return await _dish(int(row.id))


async def create_session(access: Access, *, dish_id: int, starts_at: datetime,
                         capacity: int, minutes: int = 60) -> dict[str, Any]:
    dish = await _dish(dish_id)
    ensure(access, "mutual_aid.menu", dish["community_id"])
    if dish["mode"] != "session":
        raise bad("只有集体活动有场次", "only group dishes have sessions", "dishId")
    if not 1 <= capacity <= 10000:
        raise bad("名额须在1到10000之间", "capacity must be 1–10000", "capacity")
    if not 1 <= minutes <= 1440:
        raise bad("时长须在1到1440分钟之间", "minutes must be 1–1440", "minutes")
    row = Session(tenant_id=tenant_of(access), dish_id=dish_id, starts_at=starts_at,
                  minutes=minutes, capacity=capacity, signed_up=0, created_at=now())
    await Session.insert(row)
    return dict(await Session.select().where(Session.id == row.id).first() or {})


async def _eligible(dish: dict[str, Any], resident_id: int) -> None:
    tag = dish["eligible_tag"]
    if tag and tag not in (await resident_tags([resident_id])).get(resident_id, []):
        raise bad(f"该菜品仅限“{tag}”居民", f"this dish is only for residents tagged {tag}",
                  "residentId")


async def sign_up(access: Access, *, session_id: int, resident_id: int | None = None
                  ) -> dict[str, Any]:
    """报名 Take a place (``signed_up < capacity``, conditional) and record the sign-up
    (unique per resident); the place taken is given back in the same transaction on failure."""
    session = await Session.select().where(Session.id == session_id).first()
    if session is None:
        raise not_found("场次", "session", "sessionId")
    dish = await _dish(int(session["dish_id"]), "sessionId")
    who = resident_of(access, resident_id, "mutual_aid.menu", dish["community_id"])
    await _eligible(dish, who)
    if await Signup.exists().where((Signup.session_id == session_id)
                                   & (Signup.resident_id == who)):
        raise conflict("已报名", "already signed up", "sessionId")
    taken = await Session.update({Session.signed_up: Session.signed_up + 1}).where(
        (Session.id == session_id) & (Session.signed_up < Session.capacity)).returning(
        Session.signed_up)
    if not taken:
        raise conflict("名额已满", "the session is full", "sessionId")
    try:
        await Signup.insert(Signup(tenant_id=tenant_of(access), session_id=session_id,
                                   resident_id=who, created_at=now()))
    except Exception as exc:
        if is_unique_violation(exc):
            raise conflict("已报名", "already signed up", "sessionId") from exc
        raise
    return dict(await Session.select().where(Session.id == session_id).first() or {})


async def place_order(access: Access, *, dish_id: int | None = None, team_id: int | None = None,
                      title: str = "", description: str = "", resident_id: int | None = None,
                      building_id: int | None = None) -> dict[str, Any]:
    """点单 A resident (or staff for them) orders a dish, or asks a team for something not on
    the menu; due for acceptance within ``mutual_aid.response_hours``."""
    if dish_id is not None:
        dish = await _dish(dish_id)
        team = await _team(int(dish["team_id"]), "dishId")
        if not dish["active"]:
            raise bad("该菜品已下架", "the dish is no longer offered", "dishId")
        title = title or dish["title"]
    elif team_id is not None:
        team, dish = await _team(team_id), None
    else:
        raise bad("请选择菜品或服务队", "name a dish or a team", "dishId")
    community_id = int(team["community_id"])
    who = resident_of(access, resident_id, "mutual_aid.menu", community_id, building_id)
    if dish is not None:
        await _eligible(dish, who)
    tenant_id = tenant_of(access)
    hours = await rule_value("mutual_aid.response_hours", tenant_id)
    placed = now()
    row = Order(tenant_id=tenant_id, dish_id=dish_id, team_id=team["id"],
                community_id=community_id, building_id=building_id, resident_id=who,
                title=text(title, "title", required=True, limit=100),
                description=text(description, "description", required=False, limit=2000),
                status="placed", placed_at=placed, due_at=placed + timedelta(
                    hours=int(hours.value)), response_rule_version=hours.version)
    await Order.insert(row)
    await record("mutual_aid.order.step", account_id=access.principal.account_id,
                 object_type="mutual_aid_order", object_id=row.id, summary={"to": "placed"})
    announce(tenant_id, "need", int(row.id), community_id)
    return await get_order(int(row.id))


async def _step(access: Access, order: dict[str, Any], frm: tuple[str, ...], to: str,
                values: dict[Any, Any]) -> dict[str, Any]:
    moved = await Order.update({Order.status: to, **values}).where(
        (Order.id == order["id"]) & Order.status.is_in(list(frm))).returning(Order.id)
    if not moved:
        raise conflict(f"当前状态（{order['status']}）不能执行此操作",
                       f"not possible in state {order['status']}", "orderId")
    await record("mutual_aid.order.step", account_id=access.principal.account_id,
                 object_type="mutual_aid_order", object_id=order["id"], summary={"to": to})
    announce(int(order["tenant_id"]), "need", int(order["id"]), int(order["community_id"]))
    return await get_order(int(order["id"]))


async def accept_order(access: Access, *, order_id: int, server_account_id: int | None = None,
                       server_resident_id: int | None = None) -> dict[str, Any]:
    """接单 A team member accepts, or the leader (``mutual_aid.menu``) assigns someone. Who
    serves is kept as an account and, for the points the service earns, as the volunteer's
    resident record: named, or the serving account's own (:func:`_volunteer`)."""
    order = await get_order(order_id)
    if server_account_id is not None and server_account_id != access.principal.account_id:
        ensure(access, "mutual_aid.menu", order["community_id"])
    else:
        ensure(access, "mutual_aid.serve", order["community_id"])
    server = server_account_id or access.principal.account_id
    volunteer = await _volunteer(access, order, server, server_resident_id)
    return await _step(access, order, ("placed",), "accepted", {
        Order.accepted_at: now(), Order.server_account_id: server,
        Order.server_resident_id: volunteer})


async def _volunteer(access: Access, order: dict[str, Any], server_account_id: int | None,
                     named: int | None, field: str = "serverResidentId") -> int | None:
    """The resident who serves (the volunteer credited by ``volunteer.service_recorded``):
    ``named`` (naming anyone but oneself is the leader's ``mutual_aid.menu``), else the serving
    account's linked resident; ``None`` for a staff account linked to no resident."""
    tenant_id = int(order["tenant_id"])
    own = access.principal.resident_id
    if named is not None:
        if named != own:
            ensure(access, "mutual_aid.menu", order["community_id"])
        resident = await get_resident(named)
        if resident is None or resident.tenant_id != tenant_id:
            raise not_found("居民", "resident", field)
        return int(named)
    if server_account_id is None:
        return None
    if server_account_id == access.principal.account_id and own is not None:
        return int(own)
    return await resident_of_account(server_account_id, tenant_id)


async def schedule_order(access: Access, *, order_id: int, scheduled_for: datetime
                         ) -> dict[str, Any]:
    order = await get_order(order_id)
    ensure(access, "mutual_aid.serve", order["community_id"])
    return await _step(access, order, ("accepted", "scheduled"), "scheduled",
                       {Order.scheduled_for: scheduled_for})


async def finish_order(access: Access, *, order_id: int, minutes: int,
                       server_resident_id: int | None = None) -> dict[str, Any]:
    """完成 Record the service, its length and who served; emits ``volunteer.service_recorded``
    once, naming the volunteer (not the resident served), so the points module credits the one
    who served. ``server_resident_id`` names or corrects the volunteer (the leader's
    ``mutual_aid.menu`` for anyone but oneself); with no volunteer known — a staff account
    linked to no resident — the minutes are recorded and no event is emitted (no one to
    credit)."""
    order = await get_order(order_id)
    ensure(access, "mutual_aid.serve", order["community_id"])
    if not 1 <= minutes <= 1440:
        raise bad("服务时长须在1到1440分钟之间", "minutes must be 1–1440", "minutes")
    if server_resident_id is None and order["server_resident_id"] is not None:
        volunteer: int | None = int(order["server_resident_id"])   # named at acceptance
    else:
        volunteer = await _volunteer(access, order, order["server_account_id"],
                                     server_resident_id)
    done = await _step(access, order, ("accepted", "scheduled"), "done",
                       {Order.done_at: now(), Order.minutes: minutes,
                        Order.server_resident_id: volunteer})
    if volunteer is None:
        return done
    first = await Order.update({Order.service_recorded: True}).where(
        (Order.id == order_id) & (Order.service_recorded == False)
    ).returning(Order.id)
    if first:
        dish = await _dish(int(order["dish_id"])) if order["dish_id"] else None
        await emit("volunteer.service_recorded", ServiceRecorded(
            resident_id=volunteer, minutes=minutes,
            kind=f"mutual_aid.{dish['mode'] if dish else 'service'}",
            source_module="mutual_aid"), tenant_id=int(order["tenant_id"]))
    return await get_order(order_id)


async def confirm_order(access: Access, *, order_id: int, rating: int, comment: str = ""
                        ) -> dict[str, Any]:
    """确认评价 The resident (or staff for them) confirms and rates 1–5."""
    order = await get_order(order_id)
    resident_of(access, int(order["resident_id"]), "mutual_aid.menu", order["community_id"])
    if not 1 <= rating <= 5:
        raise bad("评分须为1到5", "rating must be 1–5", "rating")
    return await _step(access, order, ("done",), "confirmed", {
        Order.confirmed_at: now(), Order.rating: rating,
        Order.comment: text(comment, "comment", required=False, limit=500)})


async def cancel_order(access: Access, *, order_id: int) -> dict[str, Any]:
    order = await get_order(order_id)
    resident_of(access, int(order["resident_id"]), "mutual_aid.menu", order["community_id"])
    return await _step(access, order, ("placed", "accepted", "scheduled"), "cancelled", {})


async def add_plus_one(access: Access, *, order_id: int, resident_id: int | None = None
                       ) -> dict[str, Any]:
    """+1 Add one's voice to an open need (once per resident; unique key)."""
    order = await get_order(order_id)
    who = resident_of(access, resident_id, "mutual_aid.menu", order["community_id"])
    if order["status"] not in ("placed", "accepted", "scheduled"):
        raise conflict("该需求已办结", "the need is no longer open", "orderId")
    if who == order["resident_id"] or await PlusOne.exists().where(
            (PlusOne.order_id == order_id) & (PlusOne.resident_id == who)):
        raise conflict("已附议", "already added", "orderId")
    try:
        await PlusOne.insert(PlusOne(tenant_id=tenant_of(access), order_id=order_id,
                                     resident_id=who, created_at=now()))
    except Exception as exc:
        if is_unique_violation(exc):
            raise conflict("已附议", "already added", "orderId") from exc
        raise
    await Order.update({Order.plus_ones: Order.plus_ones + 1}).where(Order.id == order_id)
    announce(int(order["tenant_id"]), "need", order_id, int(order["community_id"]))
    return await get_order(order_id)


async def escalate_overdue(ctx: dict[str, Any], tenant_id: int) -> int:
    """超时上报 Orders not accepted by their due time escalate to the community's staff once
    (conditional update on ``escalated_at``); returns how many escalated now."""
    at = now()
    due = await Order.select().where((Order.status == "placed") & Order.escalated_at.is_null()
                                     & (Order.due_at <= at))
    staff = sorted(set(await accounts_holding(tenant_id, "community_staff"))
                   | set(await accounts_holding(tenant_id, "tenant_admin")))
    count = 0
    for order in due:
        won = await Order.update({Order.escalated_at: at}).where(
            (Order.id == order["id"]) & Order.escalated_at.is_null()
            & (Order.status == "placed")).returning(Order.id)
        if not won:
            continue
        count += 1
        announce(tenant_id, "need", int(order["id"]), int(order["community_id"]))
        placed = as_utc(order["placed_at"])
        for account_id in staff:
            await notify(account_id, "mutual_aid.escalated", "红邻菜单点单超时未接",
                         f"“{order['title']}”自{placed:%m-%d %H:%M}起无人接单，请协调服务队 / "
                         f"order '{order['title']}' was not accepted in time")
    return count


async def order_page(access: Access, first: int, after: int, *, status: str | None = None,
                     team_id: int | None = None, open_only: bool = False
                     ) -> list[dict[str, Any]]:
    """Orders in id order after the cursor (``first + 1`` rows). Staff see their communities';
    a resident sees their own."""
    query = Order.select().where(Order.id > after)
    if status is not None:
        if status not in STATUSES:
            raise bad("状态不正确", "unknown status", "status")
        query = query.where(Order.status == status)
    if open_only:
        query = query.where(Order.status.is_in(["placed", "accepted", "scheduled"]))
    if team_id is not None:
        query = query.where(Order.team_id == team_id)
    if not access.has("mutual_aid.read"):
        query = query.where(Order.resident_id == (access.principal.resident_id or -1))
    else:
        limit = access.limit("mutual_aid.read")
        if limit is not None:
            query = query.where(Order.community_id.is_in(sorted(limit.community_ids) or [-1])
                                | Order.building_id.is_in(sorted(limit.building_ids) or [-1]))
    return [dict(r) for r in await query.order_by(Order.id).limit(first + 1)]


async def teams_by_ids(team_ids: list[int]) -> dict[int, dict[str, Any]]:
    if not team_ids:
        return {}
    return {int(r["id"]): dict(r) for r in await Team.select().where(Team.id.is_in(team_ids))}


async def request_matter_for_need(access: Access, *, order_id: int) -> dict[str, Any]:
    """转议事 Ask 楼长制 to take an open need up as a matter (an event; the building-heads
    plugin, where enabled, raises it). Once per need (conditional update)."""
    order = await get_order(order_id)
    ensure(access, "mutual_aid.menu", order["community_id"])
    if order["status"] not in ("placed", "accepted", "scheduled"):
        raise conflict("该需求已办结", "the need is no longer open", "orderId")
    won = await Order.update({Order.matter_requested: True}).where(
        (Order.id == order_id) & (Order.matter_requested == False)
    ).returning(Order.id)
    if not won:
        raise conflict("已转议事", "already handed to deliberation", "orderId")
    await check_community(int(order["community_id"]), "orderId")
    await emit(MATTER_REQUESTED, MatterRequested(
        source_kind="need", source_id=order_id, title=str(order["title"])[:200],
        description=f"{order['description']}\n（红邻菜单需求，附议 {order['plus_ones']} 人）",
        community_id=int(order["community_id"]), building_id=order["building_id"]),
        tenant_id=int(order["tenant_id"]))
    await record("mutual_aid.matter.request", account_id=access.principal.account_id,
                 object_type="mutual_aid_order", object_id=order_id, summary={})
    return await get_order(order_id)


async def dish_page(first: int, after: int, *, community_id: int | None = None,
                    team_id: int | None = None, mode: str | None = None,
                    active_only: bool = True) -> list[dict[str, Any]]:
    """The menu: dishes in id order after the cursor (``first + 1`` rows), of a community or a
    team, one mode, offered ones only unless ``active_only`` is false. One statement."""
    query = Dish.select().where(Dish.id > after)
    if community_id is not None:
        query = query.where(Dish.community_id == community_id)
    if team_id is not None:
        query = query.where(Dish.team_id == team_id)
    if mode is not None:
        if mode not in ("service", "session"):
            raise bad("方式须为 service 或 session", "mode is service or session", "mode")
        query = query.where(Dish.mode == mode)
    if active_only:
        query = query.where(Dish.active == True)
    return [dict(r) for r in await query.order_by(Dish.id).limit(first + 1)]


async def dishes_by_ids(dish_ids: list[int]) -> dict[int, dict[str, Any]]:
    if not dish_ids:
        return {}
    return {int(r["id"]): dict(r)
            for r in await Dish.select().where(Dish.id.is_in(sorted(set(dish_ids))))}


async def teams_of(community_id: int) -> list[dict[str, Any]]:
    return [dict(r) for r in await Team.select().where(Team.community_id == community_id)
            .order_by(Team.id)]


async def open_needs(first: int, after: int, community_id: int | None = None
                     ) -> list[dict[str, Any]]:
    """The public needs board: open orders in id order (no resident shown by the type), of one
    community when ``community_id`` is given (a compound's screen), else of the tenant."""
    query = Order.select().where(
        (Order.id > after) & Order.status.is_in(["placed", "accepted", "scheduled"]))
    if community_id is not None:
        query = query.where(Order.community_id == community_id)
    return [dict(r) for r in await query.order_by(Order.id).limit(first + 1)]


def _percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (share 0.5: median, 0.9: 90th), None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil(n × share), at least 1
    return ordered[int(rank) - 1]


def _hours(start: Any, end: Any) -> float:
    return (at_utc(end) - at_utc(start)).total_seconds() / 3600


async def response_times(community_id: int, since: datetime) -> list[dict[str, Any]]:
    """响应时效 Per team of a community, orders placed since ``since``: how many, how many
    accepted and done, and the median and 90th percentile hours from placed to accepted and
    from placed to done (two statements whatever the number of orders)."""
    teams = await teams_of(community_id)
    rows = await Order.select(Order.team_id, Order.placed_at, Order.accepted_at,
                              Order.done_at, Order.escalated_at).where(
        (Order.community_id == community_id) & (Order.placed_at >= since)
        & (Order.status != "cancelled"))
    out = []
    for team in teams:
        mine = [r for r in rows if r["team_id"] == team["id"]]
        accept = [_hours(r["placed_at"], r["accepted_at"]) for r in mine
                  if r["accepted_at"] is not None]
        done = [_hours(r["placed_at"], r["done_at"]) for r in mine if r["done_at"] is not None]
        out.append({"team": team, "orders": len(mine), "accepted": len(accept),
                    "done": len(done),
                    "escalated": sum(r["escalated_at"] is not None for r in mine),
                    "median_accept_hours": _percentile(accept, 0.5),
                    "p90_accept_hours": _percentile(accept, 0.9),
                    "median_done_hours": _percentile(done, 0.5),
                    "p90_done_hours": _percentile(done, 0.9)})
    return out
