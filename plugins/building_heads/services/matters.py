"""议事 Matters and the four-step method (四步议事法), and the live board's updates.

A matter is raised (提事) by a resident of the building, a serving head of the building or staff,
then deliberated by the community's two committees (两委议事), jointly by community, property
company and heads (多方主体共同议事), decided by the residents (居民议事), carried out (办理) and
evaluated (评价, with the residents' rating 1–5). Every step records participants (public
signatures), decision and date on the matter's timeline. A matter may be closed at any step with
its resolution, escalated (building → compound → community), handed to the grid worker of its
grid (下单) and followed up. Every change is audited and, once committed, published to the live
board (topic :data:`TOPIC` of core's pubsub service). All functions run inside a scoped
transaction; no GraphQL here.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from core.plugin import (
    Access,
    ApiError,
    ErrorCode,
    PlaceRef,
    PubSub,
    Subscription,
    accounts_holding,
    after_commit,
    get_building,
    get_community,
    get_compound,
    get_node,
    get_pubsub,
    get_resident,
    global_id,
    grids_of_community,
    notify,
    record,
    system_access,
)
from core.plugin import today_shanghai as _today
from plugins.building_heads.services.access import check_building, head_buildings
from plugins.building_heads.tables import Matter, MatterStep, Station

__all__ = [
    "LEVELS",
    "LEVEL_ZH",
    "MATTER_REQUESTED",
    "STEPS",
    "STEP_EN",
    "TOPIC",
    "MatterUpdate",
    "add_entry",
    "advance_matter",
    "board_matters",
    "board_updates",
    "entries_of",
    "escalate_matter",
    "follow_up_matter",
    "get_matter",
    "hand_off_matter",
    "on_matter_requested",
    "raise_matter",
    "resolve_matter",
    "station_of",
]

log = logging.getLogger("linli.building_heads.matters")

PERMISSION = "building_heads.matter"
STEPS = ("raised", "committees", "joint", "residents", "implementing", "evaluated")
STEP_ZH = {"raised": "提事", "committees": "两委议事", "joint": "多方主体共同议事",
           "residents": "居民议事", "implementing": "办理", "evaluated": "评价"}
STEP_EN = {"raised": "raised", "committees": "deliberated by the two committees",
           "joint": "deliberated jointly (community, property company, heads)",
           "residents": "decided by residents", "implementing": "carried out",
           "evaluated": "evaluated"}
LEVELS = ("building", "compound", "community")
LEVEL_ZH = {"building": "楼栋", "compound": "小区", "community": "社区"}
LEVEL_EN = {"building": "building", "compound": "compound", "community": "community"}
MAX_PARTICIPANTS = 50


def _now() -> datetime:
    return datetime.now(UTC)


def _bad(zh: str, en: str, field: str) -> ApiError:
    return ApiError(ErrorCode.INVALID_ARGUMENT, zh, en, field)


def _conflict(zh: str, en: str, field: str | None = None) -> ApiError:
    return ApiError(ErrorCode.CONFLICT, zh, en, field)


def _not_found(field: str = "matterId") -> ApiError:
    return ApiError(ErrorCode.NOT_FOUND, "未找到该议事事项", "matter not found", field)


# -- the live board's updates ----------------------------------------------------------------
@dataclass(frozen=True)
class MatterUpdate:
    """A committed change to a matter: which matter, which new timeline entry, where."""

    tenant_id: int
    matter_id: int
    entry_id: int
    kind: str
    community_id: int
    compound_id: int | None
    station_id: int | None = None


TOPIC = "building_heads.matters"
"""The live-update topic of the boards (core's pubsub service), keyed by tenant id."""


def board_updates(pubsub: PubSub, tenant_id: int) -> Subscription[MatterUpdate]:
    """The tenant's matter updates from now on (close the subscription when done)."""
    return pubsub.subscribe(TOPIC, tenant_id, MatterUpdate)


def _announce(matter: dict[str, Any], entry_id: int, kind: str, live: bool) -> None:
    if not live:
        return
    update = MatterUpdate(tenant_id=int(matter["tenant_id"]), matter_id=int(matter["id"]),
                          entry_id=entry_id, kind=kind,
                          community_id=int(matter["community_id"]),
                          compound_id=matter["compound_id"],
                          station_id=matter.get("station_id"))

    async def publish() -> None:
        await get_pubsub().publish(TOPIC, update.tenant_id, update)

    after_commit(publish)


# -- who may act ----------------------------------------------------------------------------
def _place(access: Access, matter: dict[str, Any]) -> PlaceRef:
    return PlaceRef(node_id=int(matter["tenant_id"]), node_path=access.node_path,
                    community_id=matter["community_id"],
                    building_id=matter["building_id"] if matter["level"] == "building" else None)


async def _resident_place(access: Access) -> dict[str, Any] | None:
    """The caller's own resident record here (building, compound, community), if linked."""
    resident_id = access.principal.resident_id
    if resident_id is None:
        return None
    resident = await get_resident(resident_id)
    if resident is None:
        return None
    compound = None
    if resident.building_id is not None:
        building = await get_building(resident.building_id)
        compound = building.compound_id if building else None
    return {"building_id": resident.building_id, "compound_id": compound,
            "community_id": resident.community_id}


def _lives_at(home: dict[str, Any] | None, level: str, place: dict[str, Any]) -> bool:
    if home is None:
        return False
    key = {"building": "building_id", "compound": "compound_id",
           "community": "community_id"}[level]
    return place.get(key) is not None and home[key] == place.get(key)


async def _actor_kind(access: Access, level: str, place: dict[str, Any], *,
                      residents: bool) -> str:
    """``head``, ``staff`` or ``resident`` — who is acting on a matter at ``place`` — or
    NOT_FOUND when the caller may not (a head outside their building included)."""
    building = (await get_building(int(place["building_id"]))
                if level == "building" and place.get("building_id") else None)
    ref = PlaceRef(node_id=int(access.node_id), node_path=access.node_path,
                   community_id=place["community_id"],
                   grid_id=building.grid_id if building else None,
                   building_id=building.id if building else None)
    if level == "building":
        decision = await check_building(access, PERMISSION, ref)
        if decision:
            return "head" if ref.building_id in head_buildings(access) else "staff"
    elif access.check(PERMISSION, ref):
        return "staff"
    if residents and _lives_at(await _resident_place(access), level, place):
        return "resident"
    raise ApiError(ErrorCode.NOT_FOUND, "未找到该对象，或您无权在此处理议事",
                   "not found, or you may not handle matters here")


# -- validation -----------------------------------------------------------------------------
def _participants(names: Sequence[str]) -> list[str]:
    cleaned = [n.strip() for n in names if n and n.strip()]
    if len(cleaned) > MAX_PARTICIPANTS or any(len(n) > 50 for n in cleaned):
        raise _bad(f"参与人最多{MAX_PARTICIPANTS}人，每人姓名不超过50字",
                   f"at most {MAX_PARTICIPANTS} participants, names of at most 50 characters",
                   "participants")
    return cleaned


def _text(value: str, field: str, *, required: bool, limit: int = 4000) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _bad("此项不能为空", "this must not be empty", field)
    if len(value) > limit:
        raise _bad(f"不能超过{limit}字", f"must be at most {limit} characters", field)
    return value


async def _last_date(matter_id: int) -> date | None:
    row = await MatterStep.select(MatterStep.decided_on).where(
        MatterStep.matter_id == matter_id).order_by(MatterStep.id, ascending=False).first()
    return row["decided_on"] if row else None


async def _check_date(matter_id: int | None, on: date | None, field: str) -> date:
    on = on or _today()
    if on > _today():
        raise _bad("日期不能晚于今天", "the date cannot be in the future", field)
    last = await _last_date(matter_id) if matter_id else None
    if last is not None and on < last:
        raise _bad(f"日期不能早于上一步（{last.isoformat()}）",
                   f"the date cannot be before the previous entry ({last.isoformat()})", field)
    return on


# -- reading --------------------------------------------------------------------------------
async def get_matter(matter_id: int) -> dict[str, Any] | None:
    """The matter (in the current scope), or None."""
    row: dict[str, Any] | None = await Matter.select().where(Matter.id == matter_id).first()
    return row


async def _matter_for_update(matter_id: int) -> dict[str, Any]:
    matter = await get_matter(matter_id)
    if matter is None:
        raise _not_found()
    return matter


async def entries_of(matter_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Each matter's timeline, oldest first."""
    out: dict[int, list[dict[str, Any]]] = {int(m): [] for m in matter_ids}
    if not out:
        return out
    rows = await MatterStep.select().where(MatterStep.matter_id.is_in(list(out))).order_by(
        MatterStep.id)
    for row in rows:
        row["participants"] = json.loads(row["participants"] or "[]")
        out[int(row["matter_id"])].append(row)
    return out


async def board_matters(*, compound_id: int | None = None, community_id: int | None = None,
                        first: int, before_id: int = 0, station_id: int | None = None
                        ) -> list[dict[str, Any]]:
    """A board's matters, newest first: up to ``first + 1`` rows older than ``before_id``.
    A compound's board shows the matters raised in it; a community's shows all of its own; a
    station's (红旗驿站) the matters deliberated there."""
    if sum(x is not None for x in (compound_id, community_id, station_id)) != 1:
        raise _bad("请指定红旗驿站、小区或社区（三选一）",
                   "name one of a station, a compound or a community", "compoundId")
    if station_id is not None:
        if not await Station.exists().where(Station.id == station_id):
            raise ApiError(ErrorCode.NOT_FOUND, "未找到该红旗驿站", "station not found",
                           "stationId")
        query = Matter.select().where(Matter.station_id == station_id)
    elif compound_id is not None:
        if await get_compound(compound_id) is None:
            raise ApiError(ErrorCode.NOT_FOUND, "未找到该小区", "compound not found",
                           "compoundId")
        query = Matter.select().where(Matter.compound_id == compound_id)
    else:
        if community_id is None or await get_community(community_id) is None:
            raise ApiError(ErrorCode.NOT_FOUND, "未找到该社区", "community not found",
                           "communityId")
        query = Matter.select().where(Matter.community_id == community_id)
    if before_id:
        query = query.where(Matter.id < before_id)
    return list(await query.order_by(Matter.id, ascending=False).limit(first + 1))


# -- writing --------------------------------------------------------------------------------
async def _entry(matter: dict[str, Any], access: Access, kind: str, *, step: str = "",
                 participants: Sequence[str] = (), decision: str = "", on: date) -> int:
    row = MatterStep(tenant_id=int(matter["tenant_id"]), matter_id=int(matter["id"]),
                     kind=kind, step=step or matter["step"],
                     participants=json.dumps(list(participants), ensure_ascii=False),
                     decision=decision, decided_on=on,
                     recorded_by=access.principal.account_id, created_at=_now())
    await MatterStep.insert(row)
    return int(row.id)


async def _save(matter_id: int, values: dict[Any, Any]) -> dict[str, Any]:
    values[Matter.updated_at] = _now()
    await Matter.update(values).where(Matter.id == matter_id)
    return await _matter_for_update(matter_id)


async def _audit(access: Access, action: str, matter: dict[str, Any],
                 summary: dict[str, Any]) -> None:
    await record(f"building_heads.matter.{action}", account_id=access.principal.account_id,
                       object_type="BuildingHeadMatter", object_id=int(matter["id"]),
                       summary={"title": matter["title"], "level": matter["level"],
                                "step": matter["step"], **summary})


async def _place_to_raise(building_id: int | None, compound_id: int | None,
                          community_id: int | None) -> tuple[str, dict[str, Any]]:
    named = [x for x in (building_id, compound_id, community_id) if x is not None]
    if len(named) != 1:
        raise _bad("请指定楼栋、小区或社区之一", "name exactly one of building, compound, community",
                   "buildingId")
    if building_id is not None:
        b = await get_building(building_id)
        if b is None:
            raise ApiError(ErrorCode.NOT_FOUND, "未找到该楼栋", "building not found", "buildingId")
        return "building", {"building_id": b.id, "compound_id": b.compound_id,
                            "community_id": b.community_id}
    if compound_id is not None:
        c = await get_compound(compound_id)
        if c is None:
            raise ApiError(ErrorCode.NOT_FOUND, "未找到该小区", "compound not found", "compoundId")
        return "compound", {"building_id": None, "compound_id": c.id,
                            "community_id": c.community_id}
    if community_id is None or await get_community(community_id) is None:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该社区", "community not found", "communityId")
    return "community", {"building_id": None, "compound_id": None,
                         "community_id": community_id}


async def raise_matter(access: Access, *, title: str, description: str = "",
                       building_id: int | None = None, compound_id: int | None = None,
                       community_id: int | None = None, participants: Sequence[str] = (),
                       raised_on: date | None = None, live: bool = True,
                       station_id: int | None = None) -> tuple[dict[str, Any], int]:
    """提事 Raise a matter at a building (resident, head or staff), or at a compound or
    community (staff); returns the matter and its first timeline entry's id."""
    title = _text(title, "title", required=True, limit=200)
    description = _text(description, "description", required=False)
    names = _participants(participants)
    level, place = await _place_to_raise(building_id, compound_id, community_id)
    kind = await _actor_kind(access, level, place, residents=level == "building")
    on = await _check_date(None, raised_on, "raisedOn")
    if station_id is None:
        station_id = await station_of(place["compound_id"], int(place["community_id"]))
    elif not await Station.exists().where((Station.id == station_id) & (
            Station.community_id == place["community_id"])):
        raise ApiError(ErrorCode.NOT_FOUND, "未找到本社区的该红旗驿站",
                       "no such station in the community", "stationId")
    now = _now()
    row = Matter(tenant_id=int(access.scope.write_node or access.node_id), title=title,
                 description=description, level=level, step="raised", status="open",
                 raised_by_kind=kind, raised_by_account_id=access.principal.account_id,
                 raised_by_resident_id=access.principal.resident_id if kind == "resident"
                 else None, station_id=station_id, created_at=now, updated_at=now, **place)
    await Matter.insert(row)
    matter = await _matter_for_update(int(row.id))
    entry = await _entry(matter, access, "step", step="raised", participants=names,
                         decision=description or title, on=on)
    await _audit(access, "raise", matter, {"raised_by": kind})
    _announce(matter, entry, "step", live)
    return matter, entry


async def advance_matter(access: Access, matter_id: int, step: str, *,
                         participants: Sequence[str], decision: str,
                         decided_on: date | None = None, rating: int | None = None,
                         live: bool = True) -> tuple[dict[str, Any], int]:
    """Record the next step (with participants, decision, date). Steps go in order; 评价
    (evaluated) follows 办理 or closes a matter resolved earlier, and carries the rating 1–5."""
    matter = await _matter_for_update(matter_id)
    if step not in STEPS or step == "raised":
        raise _bad("未知的议事步骤", "unknown step", "step")
    kind = await _actor_kind(access, matter["level"], matter, residents=step == "evaluated")
    current = matter["step"]
    if current == "evaluated":
        raise _conflict("该事项已评价，不能再推进", "the matter was already evaluated", "step")
    if step == "evaluated":
        if matter["status"] == "open" and current != "implementing":
            raise _conflict(f"须先完成“办理”才能评价（当前：{STEP_ZH[current]}）",
                            f"a matter is evaluated after implementing (now: {current})", "step")
        if rating is None or not 1 <= rating <= 5:
            raise _bad("评价须给出1到5分", "evaluation needs a rating from 1 to 5", "rating")
    else:
        if matter["status"] != "open":
            raise _conflict("该事项已办结，只能评价", "the matter is resolved; only evaluation "
                            "remains", "step")
        expected = STEPS[STEPS.index(current) + 1]
        if step != expected:
            raise _conflict(f"下一步应为“{STEP_ZH[expected]}”，不能跳到“{STEP_ZH[step]}”",
                            f"the next step is {expected}, not {step}", "step")
        if rating is not None:
            raise _bad("只有评价步骤可以打分", "only the evaluation carries a rating", "rating")
    names = _participants(participants)
    decision = _text(decision, "decision", required=True)
    on = await _check_date(matter_id, decided_on, "decidedOn")
    values: dict[Any, Any] = {Matter.step: step}
    if step == "evaluated":
        values.update({Matter.rating: rating, Matter.status: "resolved"})
        if not matter["resolution"]:
            values[Matter.resolution] = decision
    matter = await _save(matter_id, values)
    entry = await _entry(matter, access, "step", step=step, participants=names,
                         decision=decision, on=on)
    await _audit(access, "step", matter, {"to": step, "from": current, "by": kind,
                                          "rating": rating})
    _announce(matter, entry, "step", live)
    return matter, entry


async def resolve_matter(access: Access, matter_id: int, resolution: str, *,
                         participants: Sequence[str] = (), decided_on: date | None = None,
                         live: bool = True) -> tuple[dict[str, Any], int]:
    """办结 Close an open matter at its current step with its resolution."""
    matter = await _matter_for_update(matter_id)
    await _actor_kind(access, matter["level"], matter, residents=False)
    if matter["status"] != "open":
        raise _conflict("该事项已办结", "the matter is already resolved")
    resolution = _text(resolution, "resolution", required=True)
    names = _participants(participants)
    on = await _check_date(matter_id, decided_on, "decidedOn")
    matter = await _save(matter_id, {Matter.status: "resolved", Matter.resolution: resolution})
    entry = await _entry(matter, access, "resolve", participants=names, decision=resolution,
                         on=on)
    await _audit(access, "resolve", matter, {"at": matter["step"]})
    _announce(matter, entry, "resolve", live)
    return matter, entry


async def escalate_matter(access: Access, matter_id: int, reason: str, *,
                          participants: Sequence[str] = (), decided_on: date | None = None,
                          live: bool = True) -> tuple[dict[str, Any], int]:
    """上移 Move an open matter up a level: building → compound (or community when the
    building is in no compound) → community (微事楼内解决、小事不出小区)."""
    matter = await _matter_for_update(matter_id)
    await _actor_kind(access, matter["level"], matter, residents=False)
    if matter["status"] != "open":
        raise _conflict("已办结的事项不能上移", "a resolved matter cannot be escalated")
    level = matter["level"]
    if level == "community":
        raise _conflict("社区级事项不能再上移", "a community matter cannot be escalated further")
    to = "compound" if level == "building" and matter["compound_id"] is not None else "community"
    reason = _text(reason, "reason", required=True)
    names = _participants(participants)
    on = await _check_date(matter_id, decided_on, "decidedOn")
    matter = await _save(matter_id, {Matter.level: to})
    entry = await _entry(matter, access, "escalate", participants=names,
                         decision=f"由{LEVEL_ZH[level]}上移至{LEVEL_ZH[to]}：{reason}", on=on)
    await _audit(access, "escalate", matter, {"from": level, "to": to})
    _announce(matter, entry, "escalate", live)
    return matter, entry


async def _grid_of(matter: dict[str, Any]) -> set[int]:
    """Grids a grid worker may hold to take the matter: its building's, else its community's."""
    if matter["building_id"] is not None:
        b = await get_building(int(matter["building_id"]))
        return {b.grid_id} if b else set()
    return {g.id for g in await grids_of_community(int(matter["community_id"]))}


async def hand_off_matter(access: Access, matter_id: int, grid_account_id: int, note: str, *,
                          decided_on: date | None = None, live: bool = True,
                          notify_worker: bool = True) -> tuple[dict[str, Any], int]:
    """下单 Hand an open matter to a grid worker of its grid and notify them."""
    matter = await _matter_for_update(matter_id)
    await _actor_kind(access, matter["level"], matter, residents=False)
    if matter["status"] != "open":
        raise _conflict("已办结的事项不能下单", "a resolved matter cannot be handed off")
    grids = await _grid_of(matter)
    workers = await accounts_holding(int(matter["tenant_id"]), "grid_worker", "grid", grids)
    if grid_account_id not in workers:
        raise _bad("该账号不是本楼栋所在网格的网格员",
                   "the account is not a grid worker of the matter's grid", "gridWorkerId")
    note = _text(note, "note", required=True)
    on = await _check_date(matter_id, decided_on, "decidedOn")
    matter = await _save(matter_id, {Matter.grid_account_id: grid_account_id})
    entry = await _entry(matter, access, "handoff", decision=note, on=on)
    if notify_worker:
        await notify(grid_account_id, "building_heads.matter_handoff",
                     f"议事事项转交 / Matter handed to you: {matter['title']}"[:200], note,
                     f"node:{global_id('BuildingHeadMatter', int(matter['id']))}")
    await _audit(access, "handoff", matter, {"grid_account_id": grid_account_id})
    _announce(matter, entry, "handoff", live)
    return matter, entry


async def follow_up_matter(access: Access, matter_id: int, note: str, *,
                           decided_on: date | None = None, live: bool = True
                           ) -> tuple[dict[str, Any], int]:
    """跟进 Record how a handed-off matter is going (the head, staff or the grid worker)."""
    matter = await _matter_for_update(matter_id)
    if matter["grid_account_id"] is None:
        raise _conflict("该事项尚未下单给网格员", "the matter was not handed to a grid worker")
    if access.principal.account_id != matter["grid_account_id"]:
        await _actor_kind(access, matter["level"], matter, residents=False)
    if matter["step"] == "evaluated":
        raise _conflict("该事项已评价，不能再跟进", "the matter was already evaluated")
    note = _text(note, "note", required=True)
    on = await _check_date(matter_id, decided_on, "decidedOn")
    entry = await _entry(matter, access, "followup", decision=note, on=on)
    matter = await _save(matter_id, {})
    await _audit(access, "followup", matter, {})
    _announce(matter, entry, "followup", live)
    return matter, entry


async def add_entry(access: Access, matter_id: int, kind: str, text: str, on: date, *,
                    check: bool = True, live: bool = True) -> int:
    """A hand-off or answer on a matter's timeline (the caller checked who may); ``check``
    keeps the date after the previous entry. Audited and published like every change."""
    matter = await _matter_for_update(matter_id)
    if check:
        on = await _check_date(matter_id, on, "handedOn")
    else:
        last = await _last_date(matter_id)
        on = max(on, last) if last else on
    entry = await _entry(matter, access, kind, decision=text[:4000], on=on)
    matter = await _save(matter_id, {})
    await _audit(access, kind, matter, {})
    _announce(matter, entry, kind, live)
    return entry


async def station_of(compound_id: int | None, community_id: int) -> int | None:
    """The 红旗驿站 where a matter raised at this place is deliberated: the compound's station,
    else the community's station without a compound, else the community's first station."""
    rows = await Station.select(Station.id, Station.compound_id).where(
        Station.community_id == community_id).order_by(Station.id)
    own = [r for r in rows if compound_id is not None and r["compound_id"] == compound_id]
    plain = [r for r in rows if r["compound_id"] is None]
    chosen = (own or plain or list(rows))[:1]
    return int(chosen[0]["id"]) if chosen else None


MATTER_REQUESTED = "mutual_aid.matter_requested"
"""红邻菜单's request that a note or an open need become a matter (consumed through core's
event catalogue; nothing is imported from that plugin, which may not be installed)."""


def _source_tag(payload: Any) -> str:
    """The marker line a matter raised from a request carries (its idempotency key)."""
    def field(name: str) -> Any:
        return payload.get(name) if isinstance(payload, dict) else getattr(payload, name, None)

    return f"〔红邻菜单 {field('source_kind')}#{field('source_id')}〕"


async def on_matter_requested(event: Any) -> dict[str, Any] | None:
    """``mutual_aid.matter_requested``: raise the note or need as a matter on the board, at its
    building when it names one, else at its community; the raiser is staff (a note's author is
    unknown). One matter per request: a redelivery finds the marker and changes nothing. Runs in
    the tenant's write scope."""
    payload = event.payload

    def field(name: str) -> Any:
        return payload.get(name) if isinstance(payload, dict) else getattr(payload, name, None)

    tag = _source_tag(payload)
    description = f"{str(field('description') or '').strip()}\n{tag}".strip()
    if await Matter.exists().where(Matter.description.like(f"%{tag}")):
        return None
    node = await get_node(event.tenant_id)
    if node is None:
        return None
    building_id = field("building_id")
    try:
        matter, _ = await raise_matter(
            system_access(node), title=str(field("title") or "红邻菜单事项")[:200],
            description=description[:4000], building_id=building_id,
            community_id=None if building_id else field("community_id"))
    except ApiError as exc:
        log.warning("matter request %s refused: %s", event.id, exc)
        return None
    return matter
