"""Every strawberry type of the plugin (names prefixed ``Canteen``). Relations resolve through
per-request DataLoaders, so statement counts do not grow with page size."""

from __future__ import annotations

import json
from datetime import date
from enum import Enum
from typing import Any

import strawberry

from core.plugin import LIST_BOUND, Info, Node, encode_global_id
from plugins.canteen.services import canteens, elders, settlement
from plugins.canteen.services.batch import BatchReport
from plugins.canteen.services.signals import DayStat

__all__ = [
    "TYPES",
    "CanteenBatchReport",
    "CanteenBracketCount",
    "CanteenCanteen",
    "CanteenDayStat",
    "CanteenElder",
    "CanteenKind",
    "CanteenMeal",
    "CanteenMenuItem",
    "CanteenPublicCanteen",
    "CanteenRejectedRow",
    "CanteenSettlement",
    "CanteenSettlementLine",
    "CanteenSlot",
    "CanteenStatus",
    "CanteenStatusChange",
]


@strawberry.enum(description="食堂类型（市级建设补贴类别）/ the city's subsidy category")
class CanteenKind(Enum):
    ENTERPRISE_LISTED = "enterprise_listed"
    NEW_BUILT = "new_built"


@strawberry.enum(description="食堂状态 / canteen status")
class CanteenStatus(Enum):
    PLANNED = "planned"
    SIGNED = "signed"
    FITTING_OUT = "fitting_out"
    READY = "ready"
    OPERATING = "operating"
    SUSPENDED = "suspended"
    CLOSED = "closed"


@strawberry.enum(description="餐次 / meal slot")
class CanteenSlot(Enum):
    BREAKFAST = "breakfast"
    LUNCH = "lunch"
    DINNER = "dinner"


@strawberry.type(description="状态变更 / one step of a canteen's status history")
class CanteenStatusChange:
    status: CanteenStatus
    changed_on: date
    note: str


@strawberry.type(description="幸福食堂 / a happiness canteen")
class CanteenCanteen(Node):
    name: str
    kind: CanteenKind
    elderly_centre: bool = strawberry.field(description="养老设施+幸福食堂 / inside an "
                                                        "elderly-service centre")
    operator_name: str
    address: str
    status: CanteenStatus
    status_on: date | None
    expected_ready_on: date | None
    slots: list[CanteenSlot]
    seats: int
    opened_on: date | None
    construction_subsidy_fen: int
    construction_subsidy_on: date | None
    pk: strawberry.Private[int]

    @strawberry.field(description="可变更为的状态 / the statuses it may move to next")
    def next_statuses(self) -> list[CanteenStatus]:
        return [CanteenStatus(s) for s in canteens.next_statuses(self.status.value)]

    @strawberry.field(description="状态历史 / status history, oldest first",
                      metadata={LIST_BOUND: 20})  # seven states; a return is rare
    async def history(self, info: Info) -> list[CanteenStatusChange]:
        ctx = info.context

        async def load(keys: list[int]) -> list[list[dict[str, Any]]]:
            async with ctx.read():
                found = await canteens.history_of(keys)
            return [found.get(k, []) for k in keys]

        rows = await ctx.loader("canteen.history", load).load(self.pk)
        return [CanteenStatusChange(status=CanteenStatus(r["status"]), changed_on=r["on_date"],
                                    note=str(r["note"])) for r in rows]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CanteenCanteen:
        return cls(
            id=encode_global_id("CanteenCanteen", int(row["id"])), pk=int(row["id"]),
            name=str(row["name"]), kind=CanteenKind(row["kind"]),
            elderly_centre=bool(row["elderly_centre"]), operator_name=str(row["operator_name"]),
            address=str(row["address"]), status=CanteenStatus(row["status"]),
            status_on=row["status_on"], expected_ready_on=row["expected_ready_on"],
            slots=[CanteenSlot(s) for s in str(row["slots"]).split(",") if s],
            seats=int(row["seats"]), opened_on=row["opened_on"],
            construction_subsidy_fen=int(row["construction_subsidy_fen"]),
            construction_subsidy_on=row["construction_subsidy_on"])


@strawberry.type(description="公开的食堂信息（无需登录）/ a canteen as residents see it, no login")
class CanteenPublicCanteen:
    id: strawberry.ID = strawberry.field(description="全局ID（CanteenCanteen），可用于 canteenMenu "
                                                     "/ the canteen's global id, for canteenMenu")
    name: str
    address: str
    status: CanteenStatus
    status_on: date | None
    expected_ready_on: date | None = strawberry.field(description="装修中时的预计开业日期 / "
                                                                  "when fitting out: expected ready")
    slots: list[CanteenSlot]
    seats: int
    operating: bool = strawberry.field(description="正在供餐 / serving meals now")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CanteenPublicCanteen:
        status = CanteenStatus(row["status"])
        return cls(id=encode_global_id("CanteenCanteen", int(row["id"])), name=str(row["name"]),
                   address=str(row["address"]), status=status, status_on=row["status_on"],
                   expected_ready_on=row["expected_ready_on"]
                   if status is CanteenStatus.FITTING_OUT else None,
                   slots=[CanteenSlot(s) for s in str(row["slots"]).split(",") if s],
                   seats=int(row["seats"]), operating=status is CanteenStatus.OPERATING)


@strawberry.type(description="登记的老人（全市通用；姓名已遮蔽）/ an elder of the city registry "
                             "(name masked)")
class CanteenElder(Node):
    name_masked: str
    birth_year: int
    tags: list[str]
    active: bool

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CanteenElder:
        return cls(id=encode_global_id("CanteenElder", int(row["id"])),
                   name_masked=elders.mask_name(str(row["name"])),
                   birth_year=row["birth_date"].year,
                   tags=[t for t in str(row["tags"]).split(",") if t],
                   active=bool(row["active"]))


@strawberry.type(description="就餐记录 / a meal served")
class CanteenMeal(Node):
    canteen_id: strawberry.ID
    elder_id: strawberry.ID
    served_on: date
    slot: CanteenSlot
    price_fen: int
    subsidy_fen: int
    self_pay_fen: int = strawberry.field(description="个人支付 = 价格 − 补贴 / price − subsidy")
    bracket: str = strawberry.field(description="补贴档位代码（+连接）/ bracket codes applied")
    unsubsidised_reason: str = strawberry.field(description="daily_cap | not_eligible | ''")
    rule_version: int
    settle_month: str
    adjustment: bool
    source: str
    elder_pk: strawberry.Private[int]

    @strawberry.field(description="老人姓名（遮蔽）/ the elder's name, masked")
    async def elder_name(self, info: Info) -> str:
        ctx = info.context

        async def load(keys: list[int]) -> list[str]:
            async with ctx.read():
                found = await elders.elders_by_ids(keys)
            return [elders.mask_name(str(found[k]["name"])) if k in found else "" for k in keys]

        name: str = await ctx.loader("canteen.elder_name", load).load(self.elder_pk)
        return name

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CanteenMeal:
        return cls(
            id=encode_global_id("CanteenMeal", int(row["id"])),
            canteen_id=encode_global_id("CanteenCanteen", int(row["canteen_id"])),
            elder_id=encode_global_id("CanteenElder", int(row["elder_id"])),
            elder_pk=int(row["elder_id"]), served_on=row["served_on"],
            slot=CanteenSlot(row["slot"]), price_fen=int(row["price_fen"]),
            subsidy_fen=int(row["subsidy_fen"]), self_pay_fen=int(row["self_pay_fen"]),
            bracket=str(row["bracket"]), unsubsidised_reason=str(row["unsubsidised_reason"]),
            rule_version=int(row["rule_version"]), settle_month=str(row["settle_month"]),
            adjustment=bool(row["adjustment"]), source=str(row["source"]))


@strawberry.type(description="结算单的一档 / one bracket of a claim")
class CanteenSettlementLine:
    bracket: str
    meals: int
    fen: int


@strawberry.type(description="月度结算单 / a canteen's monthly claim")
class CanteenSettlement(Node):
    canteen_id: strawberry.ID
    month: str
    status: str = strawberry.field(description="generated | approved | returned")
    meals: int
    subsidised_meals: int
    total_fen: int
    adjustment_fen: int = strawberry.field(description="其中以往月份的调整 / of which "
                                                       "adjustments for approved months")
    lines: list[CanteenSettlementLine] = strawberry.field(
        metadata={LIST_BOUND: 10})  # one line per subsidy bracket, and its adjustments
    return_reason: str
    pk: strawberry.Private[int]
    canteen_pk: strawberry.Private[int]

    @strawberry.field(description="食堂名称 / the canteen's name")
    async def canteen_name(self, info: Info) -> str:
        ctx = info.context

        async def load(keys: list[int]) -> list[str]:
            async with ctx.read():
                found = await canteens.names_of(keys)
            return [found.get(k, "") for k in keys]

        name: str = await ctx.loader("canteen.name", load).load(self.canteen_pk)
        return name

    @strawberry.field(description="拨付日期（区县标记）/ when the region marked it paid")
    async def paid_on(self, info: Info) -> date | None:
        ctx = info.context

        async def load(keys: list[int]) -> list[date | None]:
            async with ctx.read():
                found = await settlement.paid_ids(keys)
            return [found.get(k) for k in keys]

        paid: date | None = await ctx.loader("canteen.paid", load).load(self.pk)
        return paid

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CanteenSettlement:
        return cls(
            id=encode_global_id("CanteenSettlement", int(row["id"])), pk=int(row["id"]),
            canteen_id=encode_global_id("CanteenCanteen", int(row["canteen_id"])),
            canteen_pk=int(row["canteen_id"]), month=str(row["month"]),
            status=str(row["status"]), meals=int(row["meals"]),
            subsidised_meals=int(row["subsidised_meals"]), total_fen=int(row["total_fen"]),
            adjustment_fen=int(row["adjustment_fen"]),
            lines=[CanteenSettlementLine(bracket=str(x["bracket"]), meals=int(x["meals"]),
                                         fen=int(x["fen"])) for x in json.loads(row["lines"])],
            return_reason=str(row["return_reason"]))


@strawberry.type(description="被拒绝的行 / a rejected row of a batch")
class CanteenRejectedRow:
    row: int
    code: str
    message_zh: str
    message_en: str
    field: str | None


@strawberry.type(description="批量上传结果 / the outcome of a batch upload")
class CanteenBatchReport:
    recorded: int
    unchanged: int = strawberry.field(description="已登记过、未变化 / already recorded, unchanged")
    subsidised: int
    rejected: list[CanteenRejectedRow]

    @classmethod
    def of(cls, report: BatchReport) -> CanteenBatchReport:
        return cls(recorded=report.recorded, unchanged=report.unchanged,
                   subsidised=report.subsidised,
                   rejected=[CanteenRejectedRow(row=r.row, code=r.code, message_zh=r.message_zh,
                                                message_en=r.message_en, field=r.field)
                             for r in report.rejected])


@strawberry.type(description="食堂某日就餐统计 / a canteen's meals on a day")
class CanteenDayStat:
    canteen_id: strawberry.ID
    served_on: date
    meals: int
    subsidised: int
    utilisation: float = strawberry.field(description="就餐人次 / (座位 × 餐次) / meals over "
                                                      "seats × slots")

    @classmethod
    def of(cls, stat: DayStat) -> CanteenDayStat:
        return cls(canteen_id=encode_global_id("CanteenCanteen", stat.canteen_id),
                   served_on=stat.day, meals=stat.meals, subsidised=stat.subsidised,
                   utilisation=stat.utilisation)


@strawberry.type(description="按档位统计的受补贴老人数 / elders subsidised, by bracket")
class CanteenBracketCount:
    bracket: str
    elders: int


@strawberry.type(description="本周菜单的一道菜 / a dish of the weekly menu")
class CanteenMenuItem:
    weekday: int
    slot: CanteenSlot
    dish: str
    price_fen: int
    nutrition_tags: list[str]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CanteenMenuItem:
        return cls(weekday=int(row["weekday"]), slot=CanteenSlot(row["slot"]),
                   dish=str(row["dish"]), price_fen=int(row["price_fen"]),
                   nutrition_tags=[t for t in str(row["nutrition_tags"]).split(",") if t])


TYPES: list[type] = [CanteenCanteen, CanteenElder, CanteenMeal, CanteenSettlement]
"""Types reachable only through interfaces or unions must be listed; these are the nodes."""
