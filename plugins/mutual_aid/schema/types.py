"""Every strawberry type of the plugin (names prefixed ``MutualAid``). Relations resolve
through per-request DataLoaders, so statement counts do not grow with page size."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from core.plugin import LIST_BOUND, ApiError, ErrorCode, Info, Node, encode_global_id
from plugins.mutual_aid.schema.common import gid, public_read
from plugins.mutual_aid.services import boxes, common, figures, menu, projects, sessions

__all__ = [
    "TYPES",
    "MutualAidBoardUpdate",
    "MutualAidBox",
    "MutualAidBoxMonth",
    "MutualAidCount",
    "MutualAidDish",
    "MutualAidDonation",
    "MutualAidItem",
    "MutualAidLoan",
    "MutualAidNeedAge",
    "MutualAidNote",
    "MutualAidOrder",
    "MutualAidProject",
    "MutualAidSession",
    "MutualAidTeam",
    "MutualAidTeamResponse",
]


@strawberry.type(description="物品 / an item line of a box")
class MutualAidItem(Node):
    name: str
    category: str
    kind: str = strawberry.field(description="tool（可归还工具）| consumable（消耗品）")
    loanable: bool
    quantity: int
    condition: str
    restock_threshold: int
    low: bool = strawberry.field(description="库存≤补货阈值 / at or below the threshold")
    box_id: strawberry.ID

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> MutualAidItem:
        return cls(id=encode_global_id("MutualAidItem", int(row["id"])), name=row["name"],
                   category=row["category"], kind=row["kind"], loanable=bool(row["loanable"]),
                   quantity=int(row["quantity"]), condition=row["condition"],
                   restock_threshold=int(row["restock_threshold"]),
                   low=int(row["restock_threshold"]) > 0
                   and int(row["quantity"]) <= int(row["restock_threshold"]),
                   box_id=encode_global_id("MutualAidBox", int(row["box_id"])))


ITEM_LINES_BOUND = 20
"""A box holds a handful of item lines; the query budget costs ``items`` as this many (core's
``LIST_BOUND`` field metadata; nothing is truncated)."""


@strawberry.type(description="红邻菜单便民箱 / a mutual-aid box at a building entrance")
class MutualAidBox(Node):
    name: str
    place_note: str
    honour_mode: bool = strawberry.field(description="无人值守，靠盘点记录 / run on trust")
    building_id: strawberry.ID
    community_id: strawberry.ID
    keeper_account_id: strawberry.ID | None
    pk: strawberry.Private[int]

    @strawberry.field(description="物品 / item lines",
                      metadata={LIST_BOUND: ITEM_LINES_BOUND})
    async def items(self, info: Info) -> list[MutualAidItem]:
        ctx = info.context

        async def load(ids: list[int]) -> list[list[dict[str, Any]]]:
            async with public_read(ctx):
                found = await boxes.items_of_boxes(ids)
            return [found.get(i, []) for i in ids]

        rows = await ctx.loader("mutual_aid.items", load).load(self.pk)
        return [MutualAidItem.from_row(r) for r in rows]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> MutualAidBox:
        return cls(id=encode_global_id("MutualAidBox", int(row["id"])), pk=int(row["id"]),
                   name=row["name"], place_note=row["place_note"],
                   honour_mode=bool(row["honour_mode"]),
                   building_id=encode_global_id("Building", int(row["building_id"])),
                   community_id=encode_global_id("Community", int(row["community_id"])),
                   keeper_account_id=gid("Account", row["keeper_account_id"]))


@strawberry.type(description="借用 / a loan of a returnable item")
class MutualAidLoan(Node):
    item_id: strawberry.ID
    box_id: strawberry.ID
    resident_id: strawberry.ID
    quantity: int
    taken_at: datetime
    due_on: date
    returned_at: datetime | None
    overdue: bool
    rule_version: int

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> MutualAidLoan:
        returned = common.as_utc(row["returned_at"])
        return cls(id=encode_global_id("MutualAidLoan", int(row["id"])),
                   item_id=encode_global_id("MutualAidItem", int(row["item_id"])),
                   box_id=encode_global_id("MutualAidBox", int(row["box_id"])),
                   resident_id=encode_global_id("Resident", int(row["resident_id"])),
                   quantity=int(row["quantity"]), taken_at=common.at_utc(row["taken_at"]),
                   due_on=row["due_on"], returned_at=returned,
                   overdue=returned is None and row["due_on"] < common.today_shanghai(),
                   rule_version=int(row["rule_version"]))


@strawberry.type(description="捐赠 / a donation awaiting or after the keeper's decision")
class MutualAidDonation(Node):
    box_id: strawberry.ID
    item_id: strawberry.ID | None
    name: str
    quantity: int
    status: str = strawberry.field(description="pending | confirmed | declined")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> MutualAidDonation:
        return cls(id=encode_global_id("MutualAidDonation", int(row["id"])),
                   box_id=encode_global_id("MutualAidBox", int(row["box_id"])),
                   item_id=gid("MutualAidItem", row["item_id"]), name=row["name"],
                   quantity=int(row["quantity"]), status=row["status"])


@strawberry.type(description="盘点 / a keeper's count with its discrepancy")
class MutualAidCount(Node):
    item_id: strawberry.ID
    expected: int
    counted: int
    lost: int
    broken: int
    note: str
    counted_at: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> MutualAidCount:
        return cls(id=encode_global_id("MutualAidCount", int(row["id"])),
                   item_id=encode_global_id("MutualAidItem", int(row["item_id"])),
                   expected=int(row["expected"]), counted=int(row["counted"]),
                   lost=int(row["lost"]), broken=int(row["broken"]), note=row["note"],
                   counted_at=common.at_utc(row["counted_at"]))


@strawberry.type(description="志愿服务队 / a volunteer team")
class MutualAidTeam(Node):
    code: str
    name: str
    name_en: str
    community_id: strawberry.ID

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> MutualAidTeam:
        return cls(id=encode_global_id("MutualAidTeam", int(row["id"])), code=row["code"],
                   name=row["name"], name_en=row["name_en"],
                   community_id=encode_global_id("Community", int(row["community_id"])))


UPCOMING_BOUND = 10
"""At most this many upcoming sessions per dish in one answer (``upcomingSessions(first:)``)."""


async def _team_of(info: Info, team_pk: int) -> MutualAidTeam | None:
    ctx = info.context

    async def load(ids: list[int]) -> list[dict[str, Any] | None]:
        async with public_read(ctx):
            found = await menu.teams_by_ids(ids)
        return [found.get(i) for i in ids]

    row = await ctx.loader("mutual_aid.teams", load).load(team_pk)
    return MutualAidTeam.from_row(row) if row else None


@strawberry.type(description="菜品 / a dish on the menu")
class MutualAidDish(Node):
    title: str
    description: str
    mode: str = strawberry.field(description="service（一对一）| session（集体活动）")
    eligible_tag: str
    capacity: int
    recurring: bool
    recurrence: str = strawberry.field(description="monthly | weekly（重复时）/ when recurring")
    active: bool = strawberry.field(description="在供应中 / still offered")
    team_id: strawberry.ID
    community_id: strawberry.ID
    project_id: strawberry.ID | None = strawberry.field(
        description="设计出该菜品的项目 / the project that designed it")
    pk: strawberry.Private[int]
    team_pk: strawberry.Private[int]

    @strawberry.field(description="服务队 / the team")
    async def team(self, info: Info) -> MutualAidTeam | None:
        return await _team_of(info, self.team_pk)

    @strawberry.field(description="即将举行的场次（按开始时间，含名额与报名数）/ the next sessions "
                                  "in start order, with places and sign-ups",
                      metadata={LIST_BOUND: UPCOMING_BOUND})
    async def upcoming_sessions(self, info: Info, first: int = 3) -> list[MutualAidSession]:
        if not 1 <= first <= UPCOMING_BOUND:
            raise ApiError(ErrorCode.INVALID_ARGUMENT, f"first 须在1到{UPCOMING_BOUND}之间",
                           f"first must be 1–{UPCOMING_BOUND}", "first")
        ctx = info.context
        since = common.now()

        async def load(ids: list[int]) -> list[list[dict[str, Any]]]:
            async with public_read(ctx):
                found = await sessions.upcoming_by_dish(ids, since, first)
            return [found.get(i, []) for i in ids]

        rows = await ctx.loader(f"mutual_aid.upcoming.{first}", load).load(self.pk)
        return [MutualAidSession.from_row(r) for r in rows]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> MutualAidDish:
        return cls(id=encode_global_id("MutualAidDish", int(row["id"])), title=row["title"],
                   description=row["description"], mode=row["mode"],
                   eligible_tag=row["eligible_tag"], capacity=int(row["capacity"]),
                   recurring=bool(row["recurring"]), recurrence=str(row["recurrence"]),
                   active=bool(row["active"]),
                   project_id=gid("MutualAidProject", row["project_id"]),
                   team_id=encode_global_id("MutualAidTeam", int(row["team_id"])),
                   community_id=encode_global_id("Community", int(row["community_id"])),
                   pk=int(row["id"]), team_pk=int(row["team_id"]))


@strawberry.type(description="场次 / a group session")
class MutualAidSession(Node):
    dish_id: strawberry.ID
    starts_at: datetime
    minutes: int
    capacity: int
    signed_up: int
    places_left: int = strawberry.field(description="剩余名额 / places still free")
    attended: int = strawberry.field(description="到场人数 / sign-ups marked present")
    recurring: bool = strawberry.field(description="由重复菜品自动排出 / made by the schedule")
    dish_pk: strawberry.Private[int]

    @strawberry.field(description="所属菜品 / the dish it is a session of")
    async def dish(self, info: Info) -> MutualAidDish | None:
        ctx = info.context

        async def load(ids: list[int]) -> list[dict[str, Any] | None]:
            async with public_read(ctx):
                found = await menu.dishes_by_ids(ids)
            return [found.get(i) for i in ids]

        row = await ctx.loader("mutual_aid.dishes", load).load(self.dish_pk)
        return MutualAidDish.from_row(row) if row else None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> MutualAidSession:
        return cls(id=encode_global_id("MutualAidSession", int(row["id"])),
                   dish_id=encode_global_id("MutualAidDish", int(row["dish_id"])),
                   starts_at=common.at_utc(row["starts_at"]), minutes=int(row["minutes"]),
                   capacity=int(row["capacity"]), signed_up=int(row["signed_up"]),
                   places_left=max(0, int(row["capacity"]) - int(row["signed_up"])),
                   attended=int(row["attended"]), recurring=row["recur_key"] is not None,
                   dish_pk=int(row["dish_id"]))


@strawberry.type(description="点单（需求）/ an order (a need)")
class MutualAidOrder(Node):
    title: str
    description: str
    status: str = strawberry.field(
        description="placed | accepted | scheduled | done | confirmed | cancelled")
    plus_ones: int = strawberry.field(description="附议人数 / +1s")
    placed_at: datetime
    due_at: datetime
    accepted_at: datetime | None
    scheduled_at: datetime | None
    done_at: datetime | None
    minutes: int | None
    rating: int | None
    escalated: bool
    service_recorded: bool = strawberry.field(
        description="志愿服务已记给提供服务的志愿者（发出 volunteer.service_recorded）/ the "
                    "service was recorded for the volunteer who served")
    response_rule_version: int
    dish_id: strawberry.ID | None
    team_id: strawberry.ID
    community_id: strawberry.ID
    team_pk: strawberry.Private[int]

    @strawberry.field(description="服务队 / the team")
    async def team(self, info: Info) -> MutualAidTeam | None:
        return await _team_of(info, self.team_pk)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> MutualAidOrder:
        return cls(id=encode_global_id("MutualAidOrder", int(row["id"])), title=row["title"],
                   description=row["description"], status=row["status"],
                   plus_ones=int(row["plus_ones"]), placed_at=common.at_utc(row["placed_at"]),
                   due_at=common.at_utc(row["due_at"]),
                   accepted_at=common.as_utc(row["accepted_at"]),
                   scheduled_at=common.as_utc(row["scheduled_for"]),
                   done_at=common.as_utc(row["done_at"]), minutes=row["minutes"],
                   rating=row["rating"], escalated=row["escalated_at"] is not None,
                   service_recorded=bool(row["service_recorded"]),
                   response_rule_version=int(row["response_rule_version"]),
                   dish_id=gid("MutualAidDish", row["dish_id"]),
                   team_id=encode_global_id("MutualAidTeam", int(row["team_id"])),
                   community_id=encode_global_id("Community", int(row["community_id"])),
                   team_pk=int(row["team_id"]))


@strawberry.type(description="红便签（匿名；不含任何作者信息）/ an anonymous note (no author)")
class MutualAidNote(Node):
    text: str
    topic: str
    source: str = strawberry.field(description="online | paper（纸质转录）")
    status: str = strawberry.field(description="pending | published | hidden")
    hide_reason: str
    answer: str
    answered_at: datetime | None
    created_on: date
    building_id: strawberry.ID | None
    community_id: strawberry.ID

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> MutualAidNote:
        return cls(id=encode_global_id("MutualAidNote", int(row["id"])), text=row["text"],
                   topic=row["topic"], source=row["source"], status=row["status"],
                   hide_reason=row["hide_reason"], answer=row["answer"],
                   answered_at=common.as_utc(row["answered_at"]), created_on=row["created_on"],
                   building_id=gid("Building", row["building_id"]),
                   community_id=encode_global_id("Community", int(row["community_id"])))


TYPES: list[type] = [MutualAidBox, MutualAidItem, MutualAidLoan, MutualAidDonation,
                     MutualAidCount, MutualAidTeam, MutualAidDish, MutualAidSession,
                     MutualAidOrder, MutualAidNote]


@strawberry.type(description="服务队响应时效 / a team's response times (hours)")
class MutualAidTeamResponse:
    team: MutualAidTeam
    orders: int
    accepted: int
    done: int
    escalated: int
    median_accept_hours: float | None = strawberry.field(
        description="下单到接单的中位数（小时）/ median hours placed → accepted")
    p90_accept_hours: float | None = strawberry.field(
        description="下单到接单的第90百分位（小时）/ 90th percentile placed → accepted")
    median_done_hours: float | None
    p90_done_hours: float | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> MutualAidTeamResponse:
        def hours(value: float | None) -> float | None:
            return None if value is None else round(value, 1)

        return cls(team=MutualAidTeam.from_row(row["team"]), orders=row["orders"],
                   accepted=row["accepted"], done=row["done"], escalated=row["escalated"],
                   median_accept_hours=hours(row["median_accept_hours"]),
                   p90_accept_hours=hours(row["p90_accept_hours"]),
                   median_done_hours=hours(row["median_done_hours"]),
                   p90_done_hours=hours(row["p90_done_hours"]))


TYPES.append(MutualAidTeamResponse)


@strawberry.type(description="项目阶段记录 / a stage a project entered")
class MutualAidProjectStep:
    stage: str = strawberry.field(description="survey | design | delivery | improvement | closed")
    round: int
    note: str
    changed_at: datetime


@strawberry.type(description="楼栋调查结果 / one building's answer for one option")
class MutualAidSurveyAnswer:
    round: int
    building_id: strawberry.ID
    option: str
    votes: int


@strawberry.type(description="项目成效 / what delivery achieved")
class MutualAidProjectFigures:
    dishes: int
    sessions: int
    signed_up: int
    attended: int
    orders_done: int
    mean_rating: float | None


@strawberry.type(description="红邻菜单项目（4有：需求调查→科学设计→实施推进→专业提升）/ a menu "
                             "project through the 4有 cycle")
class MutualAidProject(Node):
    title: str
    description: str
    stage: str = strawberry.field(description="survey | design | delivery | improvement | closed")
    round: int = strawberry.field(description="第几轮 / which pass through the cycle")
    community_id: strawberry.ID
    team_id: strawberry.ID | None
    created_at: datetime
    stage_changed_at: datetime
    pk: strawberry.Private[int]

    @strawberry.field(description="阶段记录（最近20条）/ the last 20 stages entered, oldest first",
                      metadata={LIST_BOUND: 20})
    async def steps(self, info: Info) -> list[MutualAidProjectStep]:
        ctx = info.context

        async def load(ids: list[int]) -> list[list[dict[str, Any]]]:
            async with ctx.read():
                found = await projects.steps_of(ids)
            return [found.get(i, []) for i in ids]

        rows = (await ctx.loader("mutual_aid.project_steps", load).load(self.pk))[-20:]
        return [MutualAidProjectStep(stage=r["stage"], round=int(r["round"]), note=r["note"],
                                     changed_at=common.at_utc(r["changed_at"])) for r in rows]

    @strawberry.field(description="本轮各楼栋需求调查结果（按票数最多的200条）/ the current "
                                  "round's survey per building (the 200 answers with most votes)",
                      metadata={LIST_BOUND: 200})
    async def survey(self, info: Info) -> list[MutualAidSurveyAnswer]:
        ctx = info.context

        async def load(ids: list[int]) -> list[list[dict[str, Any]]]:
            async with ctx.read():
                found = await projects.survey_of(ids)
            return [found.get(i, []) for i in ids]

        rows = [r for r in await ctx.loader("mutual_aid.project_survey", load).load(self.pk)
                if int(r["round"]) == self.round]
        rows = sorted(rows, key=lambda r: -int(r["votes"]))[:200]
        rows.sort(key=lambda r: (int(r["building_id"]), str(r["option"])))
        return [MutualAidSurveyAnswer(round=int(r["round"]),
                                      building_id=encode_global_id("Building",
                                                                   int(r["building_id"])),
                                      option=r["option"], votes=int(r["votes"])) for r in rows]

    @strawberry.field(description="成效（专业提升阶段据此改进）/ figures for the improvement")
    async def figures(self, info: Info) -> MutualAidProjectFigures:
        ctx = info.context

        async def load(ids: list[int]) -> list[dict[str, Any]]:
            async with ctx.read():
                found = await projects.project_figures(ids)
            return [found[i] for i in ids]

        row = await ctx.loader("mutual_aid.project_figures", load).load(self.pk)
        return MutualAidProjectFigures(**row)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> MutualAidProject:
        return cls(id=encode_global_id("MutualAidProject", int(row["id"])), title=row["title"],
                   description=row["description"], stage=row["stage"], round=int(row["round"]),
                   community_id=encode_global_id("Community", int(row["community_id"])),
                   team_id=gid("MutualAidTeam", row["team_id"]),
                   created_at=common.at_utc(row["created_at"]),
                   stage_changed_at=common.at_utc(row["stage_changed_at"]),
                   pk=int(row["id"]))


@strawberry.type(description="借用最多的物品 / an item taken often")
class MutualAidTopItem:
    name: str
    units: int


@strawberry.type(description="楼栋便民箱月度借用情况 / one building's boxes in a month")
class MutualAidBoxMonth:
    building_id: strawberry.ID
    building_name: str
    boxes: int
    loans: int
    returned: int
    overdue: int
    takes: int = strawberry.field(description="取用件数（含消耗品）/ units taken")
    donated: int
    lost: int
    broken: int
    top_items: list[MutualAidTopItem] = strawberry.field(metadata={LIST_BOUND: 3})

    @classmethod
    def of(cls, row: figures.BuildingMonth) -> MutualAidBoxMonth:
        return cls(building_id=encode_global_id("Building", row.building_id),
                   building_name=row.building_name, boxes=row.boxes, loans=row.loans,
                   returned=row.returned, overdue=row.overdue, takes=row.takes,
                   donated=row.donated, lost=row.lost, broken=row.broken,
                   top_items=[MutualAidTopItem(name=n, units=u) for n, u in row.top_items])


@strawberry.type(description="按等待时长统计的未办结需求 / open needs by how long they waited")
class MutualAidNeedAge:
    bucket: str = strawberry.field(description="under_1_day | 1_2_days | 2_7_days | over_7_days")
    label: str
    open: int
    unaccepted: int
    escalated: int


@strawberry.type(description="公开看板的一次更新 / one update of a public board")
class MutualAidBoardUpdate:
    kind: str = strawberry.field(description="need | note")
    need: MutualAidOrder | None
    note: MutualAidNote | None


TYPES.append(MutualAidProject)
