"""Every strawberry type of the plugin (names prefixed ``MutualAid``). Relations resolve
through per-request DataLoaders, so statement counts do not grow with page size."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from core.plugin import LIST_BOUND, Info, Node, encode_global_id
from plugins.mutual_aid.schema.common import gid, public_read
from plugins.mutual_aid.services import boxes, common, menu

__all__ = [
    "TYPES",
    "MutualAidBox",
    "MutualAidCount",
    "MutualAidDish",
    "MutualAidDonation",
    "MutualAidItem",
    "MutualAidLoan",
    "MutualAidNote",
    "MutualAidOrder",
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


@strawberry.type(description="菜品 / a dish on the menu")
class MutualAidDish(Node):
    title: str
    description: str
    mode: str = strawberry.field(description="service（一对一）| session（集体活动）")
    eligible_tag: str
    capacity: int
    recurring: bool
    team_id: strawberry.ID

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> MutualAidDish:
        return cls(id=encode_global_id("MutualAidDish", int(row["id"])), title=row["title"],
                   description=row["description"], mode=row["mode"],
                   eligible_tag=row["eligible_tag"], capacity=int(row["capacity"]),
                   recurring=bool(row["recurring"]),
                   team_id=encode_global_id("MutualAidTeam", int(row["team_id"])))


@strawberry.type(description="场次 / a group session")
class MutualAidSession(Node):
    dish_id: strawberry.ID
    starts_at: datetime
    minutes: int
    capacity: int
    signed_up: int

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> MutualAidSession:
        return cls(id=encode_global_id("MutualAidSession", int(row["id"])),
                   dish_id=encode_global_id("MutualAidDish", int(row["dish_id"])),
                   starts_at=common.at_utc(row["starts_at"]), minutes=int(row["minutes"]),
                   capacity=int(row["capacity"]), signed_up=int(row["signed_up"]))


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
    response_rule_version: int
    dish_id: strawberry.ID | None
    team_id: strawberry.ID
    community_id: strawberry.ID
    team_pk: strawberry.Private[int]

    @strawberry.field(description="服务队 / the team")
    async def team(self, info: Info) -> MutualAidTeam | None:
        ctx = info.context

        async def load(ids: list[int]) -> list[dict[str, Any] | None]:
            async with public_read(ctx):
                found = await menu.teams_by_ids(ids)
            return [found.get(i) for i in ids]

        row = await ctx.loader("mutual_aid.teams", load).load(self.team_pk)
        return MutualAidTeam.from_row(row) if row else None

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
