"""Every strawberry type of the plugin (names prefixed ``PointsMarket``): catalogue items,
claims with their objections, accounts with the statement, goods, redemptions, card batches and
rankings. Relations resolve through per-request DataLoaders, so statement counts do not grow
with page size."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import strawberry
from strawberry.types.nodes import SelectedField

from core.plugin import (
    LIST_BOUND,
    Access,
    ApiError,
    Connection,
    Info,
    Node,
    check_first,
    decode_cursor,
    encode_global_id,
    make_connection,
    place_names,
)
from plugins.points_market.services import catalogue, pages, reports

__all__ = [
    "TYPES",
    "PointsMarketAccount",
    "PointsMarketCardBatch",
    "PointsMarketClaim",
    "PointsMarketGood",
    "PointsMarketItem",
    "PointsMarketMeeting",
    "PointsMarketNoticeLine",
    "PointsMarketObjection",
    "PointsMarketRankRow",
    "PointsMarketRedemption",
    "PointsMarketStatementEntry",
    "load_statement",
    "read",
    "statement_page",
    "statement_wanted",
]


def gid(type_name: str, ident: Any) -> strawberry.ID | None:
    return None if ident is None else encode_global_id(type_name, int(ident))


async def read(info: Info, work: Any) -> Any:
    async with info.context.read() as access:
        return await work(access)


@strawberry.type(description="积分事项（某一版本）/ a catalogue item at one version")
class PointsMarketItem(Node):
    code: str
    version: int
    name_zh: str
    name_en: str
    category: str
    sign: int = strawberry.field(description="1 加分 / credit, -1 扣分 / discredit")
    points: int
    starts_on: date = strawberry.field(description="本版本生效日 / first day of this version")
    ends_on: date | None = strawberry.field(description="本版本最后一天（现行版本为空）/ last day "
                                                        "of this version (null while current)")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PointsMarketItem:
        return cls(id=encode_global_id("PointsMarketItem", int(row["id"])), code=row["code"],
                   version=int(row["version"]), name_zh=row["name_zh"], name_en=row["name_en"],
                   category=row["category"], sign=int(row["sign"]), points=int(row["points"]),
                   starts_on=row["effective_from"], ends_on=row["effective_until"])


async def item_of(info: Info, ident: int) -> PointsMarketItem | None:
    ctx = info.context

    async def load(keys: list[int]) -> list[PointsMarketItem | None]:
        async with ctx.read():
            found = await catalogue.items_by_ids(keys)
        return [PointsMarketItem.from_row(found[k]) if k in found else None for k in keys]

    item: PointsMarketItem | None = await ctx.loader("points_market.item", load).load(ident)
    return item


async def name_of(info: Info, kind: str, ident: int | None) -> str | None:
    if ident is None:
        return None
    ctx = info.context

    async def load(keys: list[int]) -> list[str | None]:
        async with ctx.read():
            found = await place_names(kind, keys)
        return [found.get(k) for k in keys]

    name: str | None = await ctx.loader(f"points_market.name.{kind}", load).load(int(ident))
    return name


@strawberry.type(description="公示异议 / an objection to a noticed claim")
class PointsMarketObjection(Node):
    claim_id: strawberry.ID
    text: str
    anonymous: bool
    status: str = strawberry.field(description="open | upheld | dismissed")
    decision_note: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PointsMarketObjection:
        return cls(id=encode_global_id("PointsMarketObjection", int(row["id"])),
                   claim_id=encode_global_id("PointsMarketClaim", int(row["claim_id"])),
                   text=row["text"], anonymous=bool(row["anonymous"]), status=row["status"],
                   decision_note=row["decision_note"])


@strawberry.type(description="积分申报 / a claim for points (review → notice → ledger)")
class PointsMarketClaim(Node):
    subject_kind: str = strawberry.field(description="resident | household")
    resident_id: strawberry.ID | None
    household_id: strawberry.ID | None
    item_code: str
    points: int
    occurred_on: date
    minutes: int | None
    reporter_kind: str
    status: str = strawberry.field(description="pending | rejected | noticed | cancelled | posted")
    duplicate: bool = strawberry.field(description="同人同事项同日已有申报 / same person, item "
                                                   "and day claimed before")
    review_note: str
    notice_starts_on: date | None = strawberry.field(description="公示首日 / first day on notice")
    notice_ends_on: date | None = strawberry.field(description="公示末日（次日入账）/ last day "
                                                               "on notice (posted the day after)")
    meeting_id: strawberry.ID | None
    row: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PointsMarketClaim:
        return cls(id=encode_global_id("PointsMarketClaim", int(row["id"])),
                   subject_kind=row["subject_kind"], resident_id=gid("Resident", row["resident_id"]),
                   household_id=gid("Household", row["household_id"]),
                   item_code=row["item_code"], points=int(row["points"]),
                   occurred_on=row["occurred_on"], minutes=row["minutes"],
                   reporter_kind=row["reporter_kind"], status=row["status"],
                   duplicate=bool(row["duplicate"]), review_note=row["review_note"],
                   notice_starts_on=row["notice_from"], notice_ends_on=row["notice_until"],
                   meeting_id=gid("PointsMarketMeeting", row["meeting_id"]), row=row)

    @strawberry.field(description="事项（授予时的版本）/ the item at the version granted")
    async def item(self, info: Info) -> PointsMarketItem | None:
        return await item_of(info, int(self.row["item_id"]))

    @strawberry.field(description="居民姓名或户号 / the resident's name or the household's room")
    async def subject_name(self, info: Info) -> str | None:
        if self.row["resident_id"] is not None:
            return await name_of(info, "resident", self.row["resident_id"])
        return await name_of(info, "household", self.row["household_id"])

    @strawberry.field(description="异议 / objections", metadata={LIST_BOUND: 10})
    async def objections(self, info: Info) -> list[PointsMarketObjection]:
        ctx = info.context

        async def load(keys: list[int]) -> list[list[PointsMarketObjection]]:
            async with ctx.read():
                found = await pages.objections_of(keys)
            return [[PointsMarketObjection.from_row(r) for r in found[k]] for k in keys]

        rows: list[PointsMarketObjection] = await ctx.loader(
            "points_market.objections", load).load(int(self.row["id"]))
        return rows


@strawberry.type(description="评议会 / a review meeting")
class PointsMarketMeeting(Node):
    held_on: date
    members: list[str]
    note: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PointsMarketMeeting:
        return cls(id=encode_global_id("PointsMarketMeeting", int(row["id"])),
                   held_on=row["held_on"], members=json.loads(row["members"]), note=row["note"])


@strawberry.type(description="爱心储蓄本的一行 / one line of the statement (love savings book)")
class PointsMarketStatementEntry:
    id: strawberry.ID
    amount: int = strawberry.field(description="余额变动 / change of the balance")
    earned: int = strawberry.field(description="累计积分变动 / change of points earned")
    booked_on: date
    kind: str
    content_zh: str
    content_en: str
    minutes: int | None
    reviewer_account_id: strawberry.ID | None


@strawberry.type(description="积分账户：累计积分、可用余额、星级 / an account's two figures and "
                             "star grade")
class PointsMarketAccount:
    kind: str
    owner_id: strawberry.ID
    balance: int = strawberry.field(description="可用积分 / spendable balance")
    earned: int = strawberry.field(description="累计净积分（消费不减少）/ cumulative net points "
                                               "earned (never lowered by spending)")
    stars: int = strawberry.field(description="星级（0–5）/ star grade")
    star_rule_version: int
    account_pk: strawberry.Private[int | None]
    prefetched: strawberry.Private[StatementPage | None] = None
    """The statement page the query asked for, read in the account's own transaction (one
    transaction for balance and statement, not two)."""

    @strawberry.field(description="明细（新→旧）/ the statement, newest first")
    async def statement(self, info: Info, first: int, after: str | None = None
                        ) -> Connection[PointsMarketStatementEntry]:
        check_first(first)
        if self.account_pk is None:
            return make_connection([], first, lambda r: r)
        start = decode_cursor(after) if after else None
        page = self.prefetched
        if page is None or (page.first, page.after) != (first, start):
            account = self.account_pk

            async def work(access: Access) -> StatementPage:
                return await load_statement(account, first, start)

            page = await read(info, work)
        details = page.details

        def build(r: dict[str, Any]) -> PointsMarketStatementEntry:
            d = details.get(int(r["transfer_id"]), {})
            return PointsMarketStatementEntry(
                id=encode_global_id("PointsMarketStatementEntry", int(r["id"])),
                amount=int(r["amount"]), earned=int(r["earned"]),
                booked_on=r["booked_on"], kind=d.get("kind", ""),
                content_zh=d.get("content_zh", ""), content_en=d.get("content_en", ""),
                minutes=d.get("minutes"),
                reviewer_account_id=gid("Account", d.get("reviewer_account_id")))

        return make_connection(page.rows, first, build)


@dataclass(frozen=True)
class StatementPage:
    """A statement page (``first + 1`` entries) and the details of its transfers."""

    first: int
    after: int | None
    rows: list[dict[str, Any]]
    details: dict[int, dict[str, Any]]


async def load_statement(account: int, first: int, after: int | None) -> StatementPage:
    rows = await reports.statement(account, first=first, after=after)
    return await statement_page(first, after, rows)


async def statement_page(first: int, after: int | None, rows: list[dict[str, Any]]
                         ) -> StatementPage:
    """A page from its ``first + 1`` entries, with their details (claims and items)."""
    return StatementPage(first, after, rows, await reports.statement_details(rows[:first]))


def statement_wanted(info: Info) -> tuple[int, int | None] | None:
    """``(first, after)`` of the one ``statement`` selected under this field, if valid."""
    wanted = [f for field in info.selected_fields for f in field.selections
              if isinstance(f, SelectedField) and f.name == "statement"]
    if len(wanted) != 1:
        return None
    first, after = wanted[0].arguments.get("first"), wanted[0].arguments.get("after")
    if isinstance(first, str) and first.isdigit():   # a literal in the query arrives as text
        first = int(first)
    if not isinstance(first, int) or not 1 <= first <= 100:
        return None
    if after is not None and not isinstance(after, str):
        return None
    try:
        return first, decode_cursor(after) if after else None
    except ApiError:
        return None


@strawberry.type(description="货架商品 / a good on the shelf")
class PointsMarketGood(Node):
    name: str
    value_fen: int = strawberry.field(description="价值（分）/ value in fen")
    price_points: int
    stock: int
    per_person_limit: int | None = strawberry.field(description="每人每季度限兑 / per person "
                                                                "per quarter")
    active: bool

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PointsMarketGood:
        return cls(id=encode_global_id("PointsMarketGood", int(row["id"])), name=row["name"],
                   value_fen=int(row["value_fen"]), price_points=int(row["price_points"]),
                   stock=int(row["stock"]), per_person_limit=row["per_person_limit"],
                   active=bool(row["active"]))


@strawberry.type(description="兑换记录 / a redemption at the counter")
class PointsMarketRedemption(Node):
    good_id: strawberry.ID
    resident_id: strawberry.ID | None
    quantity: int
    points: int
    redeemed_on: date
    paid_by: str = strawberry.field(description="account 积分 | card 积分卡")
    status: str = strawberry.field(description="done | voided")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PointsMarketRedemption:
        return cls(id=encode_global_id("PointsMarketRedemption", int(row["id"])),
                   good_id=encode_global_id("PointsMarketGood", int(row["good_id"])),
                   resident_id=gid("Resident", row["resident_id"]),
                   quantity=int(row["quantity"]), points=int(row["points"]),
                   redeemed_on=row["redeemed_on"], paid_by=row["paid_by"],
                   status=row["status"])


@strawberry.type(description="信义积分卡批次 / a batch of point cards")
class PointsMarketCardBatch(Node):
    points: int
    count: int
    prefix: str
    serials: list[str] = strawberry.field(description="编号（仅在生成时返回，供印制）/ serials, "
                                                      "returned when generated, for printing")

    @classmethod
    def from_row(cls, row: dict[str, Any], serials: list[str] | None = None
                 ) -> PointsMarketCardBatch:
        return cls(id=encode_global_id("PointsMarketCardBatch", int(row["id"])),
                   points=int(row["points"]), count=int(row["card_count"]), prefix=row["prefix"],
                   serials=serials or [])


@strawberry.type(description="积分排行的一行 / a line of a ranking")
class PointsMarketRankRow:
    rank: int
    kind: str
    owner_id: strawberry.ID
    points: int
    name: str | None = strawberry.field(description="仅显示同意公开者 / only where agreed")


@strawberry.type(description="公示栏的一行（姓名已遮蔽）/ a line of the public notice board "
                             "(the name masked)")
class PointsMarketNoticeLine:
    claim_id: strawberry.ID = strawberry.field(description="申报 ID（提出异议用）/ to object")
    subject_kind: str = strawberry.field(description="resident | household")
    name: str = strawberry.field(description="遮蔽的姓名（张**），家庭显示“某户” / the masked "
                                             "name; a household shows 某户")
    community: str = strawberry.field(description="社区/村 / the community or village")
    item_code: str
    item_name: str = strawberry.field(description="事项名称（按请求语言）/ the item, in the "
                                                  "request's language")
    points: int = strawberry.field(description="积分（扣分为负）/ points, deductions negative")
    occurred_on: date
    notice_starts_on: date
    notice_ends_on: date


TYPES: list[type] = [PointsMarketItem, PointsMarketClaim, PointsMarketObjection,
                     PointsMarketMeeting, PointsMarketGood, PointsMarketRedemption,
                     PointsMarketCardBatch]
