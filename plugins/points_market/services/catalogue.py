"""积分事项目录 The tenant's catalogue of creditable (+) and discreditable (−) conduct.

Versioned: saving an item adds a version in force from a date (the previous one ends the day
before); a claim keeps the id of the version it was granted under. Seeded on enablement with a
representative set (侯营镇's 66 + 87 kinds in miniature) that staff edit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.plugin import ApiError, current_scope, today_shanghai
from plugins.points_market.tables import Item

__all__ = ["SEED", "SeedItem", "current_item", "items_by_ids", "list_items", "save_item",
           "seed_catalogue"]


@dataclass(frozen=True)
class SeedItem:
    code: str
    category: str
    sign: int
    points: int
    name_zh: str
    name_en: str


SEED: tuple[SeedItem, ...] = (
    SeedItem("C01", "volunteer", 1, 2, "志愿服务（每次不少于30分钟）",
             "Volunteer service (at least 30 minutes)"),
    SeedItem("C02", "volunteer", 1, 5, "无偿献血", "Voluntary blood donation"),
    SeedItem("C03", "governance", 1, 3, "楼长年度考评完成", "Building head's year evaluated"),
    SeedItem("C04", "environment", 1, 1, "保持庭院及门前整洁", "Keeping yard and frontage clean"),
    SeedItem("C05", "revitalisation", 1, 2, "参与乡村振兴义务劳动",
             "Unpaid work for rural revitalisation"),
    SeedItem("C06", "virtue", 1, 10, "见义勇为", "Acting bravely for a just cause"),
    SeedItem("C07", "virtue", 1, 3, "孝老爱亲", "Caring for elders and family"),
    SeedItem("C08", "customs", 1, 2, "红白事简办（移风易俗）",
             "Simple weddings and funerals (reformed customs)"),
    SeedItem("D01", "public_property", -1, 5, "损坏公共财物", "Damaging public property"),
    SeedItem("D02", "environment", -1, 2, "乱倒垃圾", "Dumping rubbish"),
    SeedItem("D03", "construction", -1, 5, "私搭乱建", "Unauthorised building"),
    SeedItem("D04", "virtue", -1, 10, "不赡养老人", "Failing to support elderly parents"),
)


def _now() -> datetime:
    return datetime.now(UTC)


async def seed_catalogue(tenant_id: int, on: date | None = None) -> int:
    """Add the seed items the tenant lacks (by code); the number added. Idempotent."""
    have = {r["code"] for r in await Item.select(Item.code)}
    start = on or today_shanghai()
    rows = [Item(tenant_id=tenant_id, code=s.code, version=1, name_zh=s.name_zh,
                 name_en=s.name_en, category=s.category, sign=s.sign, points=s.points,
                 effective_from=date(start.year, 1, 1), effective_until=None,
                 created_at=_now())
            for s in SEED if s.code not in have]
    if rows:
        await Item.insert(*rows).on_conflict(action="DO NOTHING")
    return len(rows)


async def current_item(code: str, on: date | None = None) -> dict[str, Any] | None:
    """The version of ``code`` in force on ``on`` (default today)."""
    day = on or today_shanghai()
    row: dict[str, Any] | None = await Item.select().where(
        (Item.code == code) & (Item.effective_from <= day)
        & (Item.effective_until.is_null() | (Item.effective_until >= day))
    ).order_by(Item.version, ascending=False).first()
    return row


async def items_by_ids(ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    return {int(r["id"]): r for r in await Item.select().where(Item.id.is_in(ids))}


async def list_items(on: date | None = None) -> list[dict[str, Any]]:
    """Every item in force on ``on``, by code."""
    day = on or today_shanghai()
    rows: list[dict[str, Any]] = await Item.select().where(
        (Item.effective_from <= day)
        & (Item.effective_until.is_null() | (Item.effective_until >= day))
    ).order_by(Item.code)
    return rows


async def save_item(code: str, *, name_zh: str, name_en: str = "", category: str = "",
                    sign: int, points: int, effective_from: date | None = None
                    ) -> dict[str, Any]:
    """A new version of ``code`` (or its first) in force from ``effective_from`` (default
    today); the version before ends the previous day. Claims already granted keep theirs."""
    code = code.strip().upper()
    if not code or len(code) > 16:
        raise ApiError.invalid("code", "事项代码必须为1–16个字符", "the code must have 1–16 characters")
    if sign not in (1, -1):
        raise ApiError.invalid("sign", "加减分方向必须是 1 或 -1", "sign must be 1 or -1")
    if points <= 0 or points > 1000:
        raise ApiError.invalid("points", "分值必须在1–1000之间", "points must be 1–1000")
    if not name_zh.strip():
        raise ApiError.invalid("nameZh", "请填写事项名称", "the name is required")
    start = effective_from or today_shanghai()
    latest = await Item.select().where(Item.code == code).order_by(
        Item.version, ascending=False).first()
    version = 1
    if latest is not None:
        if start <= latest["effective_from"]:
            raise ApiError.invalid("effectiveFrom", "新版本须晚于当前版本的生效日期",
                                   "a new version must start after the current one")
        version = int(latest["version"]) + 1
        await Item.update({Item.effective_until: start - timedelta(days=1)}).where(
            Item.id == latest["id"])
    node = current_scope().write_node
    made = await Item.insert(Item(
        tenant_id=node, code=code, version=version, name_zh=name_zh.strip(),
        name_en=name_en.strip(), category=category.strip(), sign=sign, points=points,
        effective_from=start, effective_until=None, created_at=_now())).returning(Item.id)
    row = (await items_by_ids([int(made[0]["id"])]))[int(made[0]["id"])]
    return row
