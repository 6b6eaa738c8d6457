"""信义超市 The shop: goods priced in points, redeemed at the counter, and 信义积分卡 cards.

A redemption deducts the resident's points (a guarded transfer: ``INSUFFICIENT_POINTS`` rather
than a balance below zero) and the stock (``stock = stock - q WHERE stock >= q``) in one
transaction, so however many counters redeem at once neither goes negative. Exchange is open
always, in windows (the last ``points_market.exchange_window_days`` days of each quarter) or on
quarterly meeting days (the same window), by rule. A redemption is voided the same day by a
reversal. A card is used once: a conditional update retires its serial; a second use is
refused and audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from core.plugin import (
    ApiError,
    ErrorCode,
    current_scope,
    get_resident,
    record,
    rule_value,
    today_shanghai,
)
from plugins.points_market.services import ledger
from plugins.points_market.services.live import announce_good
from plugins.points_market.tables import Card, CardBatch, Good, Quota, Redemption, Transfer

__all__ = [
    "CARD_POINTS",
    "CardUse",
    "batch_cards",
    "cards_xlsx",
    "exchange_open",
    "issue_cards",
    "quarter_of",
    "redeem",
    "redeem_with_cards",
    "restock",
    "save_good",
    "use_card",
    "void_redemption",
]

CARD_POINTS = (1, 2, 5)


def _now() -> datetime:
    return datetime.now(UTC)


def quarter_of(day: date) -> tuple[date, date]:
    """First and last day of the quarter of ``day``."""
    first_month = (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    end = date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1) - timedelta(days=1)
    return start, end


async def exchange_open(day: date) -> bool:
    """Whether the counter may exchange on ``day`` under the tenant's exchange rule."""
    tenant = current_scope().write_node or 0
    mode = await rule_value("points_market.exchange_mode", tenant, day)
    if mode.value == "always":
        return True
    days = await rule_value("points_market.exchange_window_days", tenant, day)
    _, last = quarter_of(day)
    return day > last - timedelta(days=int(days.value))


async def save_good(*, name: str, value_fen: int, price_points: int, stock: int,
                    per_person_limit: int | None = None, good_id: int | None = None,
                    active: bool = True) -> dict[str, Any]:
    """Add a good, or change one (name, value, price, limit; ``stock`` is then added)."""
    if not name.strip() or len(name) > 120:
        raise ApiError.invalid("name", "请填写商品名称（不超过120字）", "name the good (≤ 120)")
    if value_fen < 0:
        raise ApiError.invalid("valueFen", "价值不能为负", "the value cannot be negative")
    if price_points <= 0:
        raise ApiError.invalid("pricePoints", "积分价格必须大于0", "the price must be positive")
    if per_person_limit is not None and per_person_limit <= 0:
        raise ApiError.invalid("perPersonLimit", "限购数量必须大于0", "the limit must be positive")
    if good_id is None:
        if stock < 0:
            raise ApiError.invalid("stock", "库存不能为负", "stock cannot be negative")
        made = await Good.insert(Good(
            tenant_id=current_scope().write_node, name=name.strip(), value_fen=value_fen,
            price_points=price_points, stock=stock, per_person_limit=per_person_limit,
            active=active, created_at=_now())).returning(Good.id)
        good_id = int(made[0]["id"])
    else:
        values: dict[Any, Any] = {Good.name: name.strip(), Good.value_fen: value_fen,
                                  Good.price_points: price_points,
                                  Good.per_person_limit: per_person_limit, Good.active: active,
                                  Good.stock: Good.stock + stock}
        done = await Good.update(values).where(
            (Good.id == good_id) & (Good.stock >= -stock)).returning(Good.id)
        if not done:
            if not await Good.exists().where(Good.id == good_id):
                raise ApiError.not_found("商品", "good", "goodId")
            raise ApiError.invalid("stock", "库存不能为负", "stock cannot go negative")
    announce_good(good_id)
    return await get_good(good_id)


async def restock(good_id: int, quantity: int) -> dict[str, Any]:
    """进货 Add ``quantity`` to a good's stock (``stock = stock + n`` in the database, so a
    restock racing with counters loses nothing); the rest of the good is left as it is."""
    if quantity <= 0 or quantity > 100_000:
        raise ApiError.invalid("quantity", "进货数量必须在1–100000之间",
                               "restock 1–100,000 items")
    done = await Good.update({Good.stock: Good.stock + quantity}).where(
        Good.id == good_id).returning(Good.id)
    if not done:
        raise ApiError.not_found("商品", "good", "goodId")
    announce_good(good_id)
    return await get_good(good_id)


async def get_good(good_id: int) -> dict[str, Any]:
    row = await Good.select().where(Good.id == good_id).first()
    if row is None:
        raise ApiError.not_found("商品", "good", "goodId")
    return dict(row)


async def _take_stock(good_id: int, quantity: int) -> None:
    taken = await Good.update({Good.stock: Good.stock - quantity}).where(
        (Good.id == good_id) & (Good.stock >= quantity) & Good.active.eq(True)
    ).returning(Good.id)
    if not taken:
        raise ApiError.conflict("库存不足", "not enough stock", "quantity")
    announce_good(good_id)


async def _take_quota(good: dict[str, Any], resident_id: int, quantity: int, day: date
                      ) -> None:
    """Take ``quantity`` of a limited good from the resident's allowance for the quarter of
    ``day``: the row is made once (a unique key), then ``used = used + q WHERE used <= limit -
    q`` — a conditional update, so concurrent counters cannot pass the limit together."""
    limit = good["per_person_limit"]
    if limit is None:
        return
    start, _ = quarter_of(day)
    await Quota.insert(Quota(tenant_id=current_scope().write_node, good_id=int(good["id"]),
                             resident_id=resident_id, period_start=start, used=0)
                       ).on_conflict(action="DO NOTHING")
    taken = await Quota.update({Quota.used: Quota.used + quantity}).where(
        (Quota.good_id == good["id"]) & (Quota.resident_id == resident_id)
        & (Quota.period_start == start) & (Quota.used <= int(limit) - quantity)
    ).returning(Quota.id)
    if not taken:
        raise ApiError.invalid("quantity", f"超出每人每季度限兑 {limit} 件",
                               f"over the limit of {limit} per person per quarter")


async def _give_back_quota(row: dict[str, Any]) -> None:
    """A voided redemption's quantity returns to the allowance of its quarter."""
    if row["resident_id"] is None:
        return
    start, _ = quarter_of(row["redeemed_on"])
    await Quota.update({Quota.used: Quota.used - int(row["quantity"])}).where(
        (Quota.good_id == row["good_id"]) & (Quota.resident_id == row["resident_id"])
        & (Quota.period_start == start) & (Quota.used >= int(row["quantity"])))


async def redeem(*, good_id: int, resident_id: int, quantity: int, idempotency_key: str,
                 counter_account_id: int | None, today: date | None = None
                 ) -> dict[str, Any]:
    """Exchange ``quantity`` of a good for a resident's points at the counter (once per
    idempotency key: a replay returns the first redemption)."""
    if quantity <= 0 or quantity > 100:
        raise ApiError.invalid("quantity", "数量必须在1–100之间", "quantity must be 1–100")
    day = today or today_shanghai()
    good = await get_good(good_id)
    resident = await get_resident(resident_id)
    if resident is None:
        raise ApiError.not_found("居民", "resident", "residentId")
    if not await exchange_open(day):
        raise ApiError.invalid("goodId", "现在不在兑换时间内", "the shop is not open for exchange now")
    points = int(good["price_points"]) * quantity
    account = await ledger.account_id("resident", resident_id)
    shop = await ledger.account_id(ledger.SHOP)
    tx, made = await ledger.transfer(f"redeem:{idempotency_key}", "redemption", account, shop,
                                     points, guard=True, memo=f"{good['name']} × {quantity}",
                                     created_by=counter_account_id)
    if not made:
        row = await Redemption.select().where(Redemption.transfer_id == tx["id"]).first()
        if row is None:
            raise ApiError.conflict("幂等键已用于另一笔不同的转账",
                                    "the idempotency key was used for something else",
                                    "idempotencyKey")
        return dict(row)
    await _take_stock(good_id, quantity)
    await _take_quota(good, resident_id, quantity, day)
    made_row = await Redemption.insert(Redemption(
        tenant_id=current_scope().write_node, good_id=good_id, quantity=quantity,
        resident_id=resident_id, account_id=account, points=points, paid_by="account",
        transfer_id=tx["id"], redeemed_on=day, counter_account_id=counter_account_id,
        status="done", created_at=_now())).returning(Redemption.id)
    await record("points_market.redeem", account_id=counter_account_id,
                 object_type="PointsMarketRedemption", object_id=made_row[0]["id"],
                 summary={"good_id": good_id, "quantity": quantity, "points": points})
    row = await Redemption.select().where(Redemption.id == made_row[0]["id"]).first()
    assert row is not None
    return dict(row)


async def void_redemption(redemption_id: int, *, account_id: int | None,
                          today: date | None = None) -> dict[str, Any]:
    """Void a redemption on the day it was made: the points come back by a reversal, the
    stock is restored; once. A redemption paid with 信义积分卡 cannot be voided: a card is
    used once, its serial retired on use (domain file), so it never comes back to be spent
    again."""
    day = today or today_shanghai()
    row = await Redemption.select().where(Redemption.id == redemption_id).first()
    if row is None:
        raise ApiError.not_found("兑换记录", "redemption", "redemptionId")
    if row["paid_by"] == "card":
        raise ApiError.invalid("redemptionId", "积分卡兑换不能撤销：卡号使用后即注销，一卡只用一次",
                               "a redemption paid with point cards cannot be voided: a card's "
                               "serial is retired on use, and a card is used once")
    if row["redeemed_on"] != day:
        raise ApiError.invalid("redemptionId", "只能撤销当天的兑换",
                               "only a redemption of today can be voided")
    done = await Redemption.update({Redemption.status: "voided", Redemption.voided_at: _now()}
                                   ).where((Redemption.id == redemption_id)
                                           & (Redemption.status == "done")).returning(
        Redemption.id)
    if not done:
        raise ApiError.conflict("该兑换已撤销", "the redemption was already voided",
                                "redemptionId")
    if row["transfer_id"] is not None:
        await ledger.reverse(int(row["transfer_id"]), f"void:{redemption_id}",
                             created_by=account_id)
    await Good.update({Good.stock: Good.stock + int(row["quantity"])}).where(
        Good.id == row["good_id"])
    announce_good(int(row["good_id"]))
    await _give_back_quota(row)
    await record("points_market.redemption.void", account_id=account_id,
                 object_type="PointsMarketRedemption", object_id=redemption_id,
                 summary={"points": row["points"]})
    again = await Redemption.select().where(Redemption.id == redemption_id).first()
    assert again is not None
    return dict(again)


async def issue_cards(*, points: int, count: int, prefix: str = "XY",
                      account_id: int | None) -> tuple[dict[str, Any], list[str]]:
    """A batch of ``count`` serial-numbered cards of 1, 2 or 5 points; the serials (for
    printing): ``<prefix><batch>-<n>-<check>`` with a random check part, so serials cannot be
    guessed from one another."""
    if points not in CARD_POINTS:
        raise ApiError.invalid("points", "面值必须是 1、2 或 5 分", "cards are of 1, 2 or 5 points")
    if count <= 0 or count > 5000:
        raise ApiError.invalid("count", "每批1–5000张", "a batch has 1–5000 cards")
    prefix = prefix.strip().upper()[:8] or "XY"
    node = current_scope().write_node
    made = await CardBatch.insert(CardBatch(
        tenant_id=node, points=points, card_count=count, prefix=prefix, created_by=account_id,
        created_at=_now())).returning(CardBatch.id)
    batch_id = int(made[0]["id"])
    serials = [f"{prefix}{batch_id:04d}-{n:05d}-{secrets.token_hex(2).upper()}"
               for n in range(1, count + 1)]
    await Card.insert(*[Card(tenant_id=node, batch_id=batch_id, serial=s, points=points,
                             status="issued") for s in serials])
    await record("points_market.cards.issue", account_id=account_id,
                 object_type="PointsMarketCardBatch", object_id=batch_id,
                 summary={"points": points, "count": count})
    batch = await CardBatch.select().where(CardBatch.id == batch_id).first()
    assert batch is not None
    return dict(batch), serials


async def batch_cards(batch_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A card batch and its cards (serial order), for printing."""
    batch = await CardBatch.select().where(CardBatch.id == batch_id).first()
    if batch is None:
        raise ApiError.not_found("积分卡批次", "card batch", "batch")
    cards: list[dict[str, Any]] = await Card.select(Card.serial, Card.points, Card.status).where(
        Card.batch_id == batch_id).order_by(Card.id)
    return dict(batch), cards


def cards_xlsx(batch: dict[str, Any], cards: list[dict[str, Any]]) -> bytes:
    """One row per card (number, serial, points, status) — the printer's sheet."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"信义积分卡 {batch['prefix']}{int(batch['id']):04d}"[:31]
    sheet.append(["序号 No.", "编号 Serial", "分值 Points", "状态 Status"])
    for n, card in enumerate(cards, 1):
        sheet.append([n, card["serial"], card["points"], card["status"]])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@dataclass(frozen=True)
class CardUse:
    """What became of a card presented: ``refused`` (already used or unknown: audited, with
    the error to answer), else the transfer it made."""

    card: dict[str, Any] | None
    transfer: dict[str, Any] | None
    refused: ApiError | None = None
    redemption: dict[str, Any] | None = None
    """What the cards paid for (:func:`redeem_with_cards`)."""


async def use_card(serial: str, *, resident_id: int, account_id: int | None) -> CardUse:
    """Credit a card's points to a resident's account (award from the issuance account,
    counted as earned) and retire its serial — once. A second use is refused and audited; the
    refusal is returned (not raised) so the audit entry commits."""
    serial = serial.strip().upper()
    card = await Card.select().where(Card.serial == serial).first()
    if card is None:
        raise ApiError.not_found("积分卡", "point card", "serial")
    resident = await get_resident(resident_id)
    if resident is None:
        raise ApiError.not_found("居民", "resident", "residentId")
    won = await Card.update({Card.status: "used", Card.used_at: _now(), Card.used_as: "credit"}
                            ).where((Card.id == card["id"]) & (Card.status == "issued")
                                    ).returning(Card.id)
    if not won:
        await record("points_market.card.reuse_refused", account_id=account_id,
                     object_type="PointsMarketCard", object_id=card["id"],
                     summary={"serial": serial, "resident_id": resident_id})
        return CardUse(card=dict(card), transfer=None, refused=ApiError.conflict(
            f"积分卡 {serial} 已使用", f"point card {serial} has already been used", "serial"))
    issuance = await ledger.account_id(ledger.ISSUANCE)
    target = await ledger.account_id("resident", resident_id)
    points = int(card["points"])
    tx, _ = await ledger.transfer(f"card:{card['id']}", "card_credit", issuance, target, points,
                                  to_earned=points, card_id=card["id"], created_by=account_id,
                                  memo=f"信义积分卡 {serial}")
    await Card.update({Card.transfer_id: tx["id"]}).where(Card.id == card["id"])
    await record("points_market.card.use", account_id=account_id, object_type="PointsMarketCard",
                 object_id=card["id"], summary={"serial": serial, "resident_id": resident_id})
    return CardUse(card=dict(card), transfer=tx)


async def redeem_with_cards(*, good_id: int, serials: list[str], quantity: int,
                            idempotency_key: str, counter_account_id: int | None,
                            resident_id: int | None = None, today: date | None = None
                            ) -> CardUse:
    """Pay for goods at the counter with 信义积分卡 (bearer cards, no account needed): the
    cards' points must cover the price, and no card may be superfluous (the counter gives no
    change: a card beyond what the price needs is refused). Each card's serial is retired by a
    conditional update; the points move from the issuance account to the shop's (kind
    ``card_spend``, the cards' whole value), and stock (and a per-person limit when a resident
    is named) are taken in the same transaction — once per idempotency key.

    A card already used is refused and audited (``points_market.card.reuse_refused``); the
    refusal is returned, not raised, so its audit entry commits while nothing else was written.
    Two counters racing for the same card: the second waits for the first and is refused with
    ``CONFLICT``, its transaction rolled back."""
    if quantity <= 0 or quantity > 100:
        raise ApiError.invalid("quantity", "数量必须在1–100之间", "quantity must be 1–100")
    wanted = sorted({s.strip().upper() for s in serials if s.strip()})
    if not wanted or len(wanted) != len([s for s in serials if s.strip()]) or len(wanted) > 200:
        raise ApiError.invalid("serials", "请出示1–200张不重复的积分卡",
                               "present 1–200 distinct cards")
    day = today or today_shanghai()
    good = await get_good(good_id)
    if resident_id is not None and await get_resident(resident_id) is None:
        raise ApiError.not_found("居民", "resident", "residentId")
    if not await exchange_open(day):
        raise ApiError.invalid("goodId", "现在不在兑换时间内", "the shop is not open for exchange now")
    key = f"cards:{idempotency_key}"
    if not idempotency_key or len(key) > 120:
        raise ApiError.invalid("idempotencyKey", "幂等键必须为1–110个字符",
                               "the idempotency key must have 1–110 characters")
    earlier = await Transfer.select(Transfer.id).where(Transfer.idempotency_key == key).first()
    if earlier is not None:   # a replay: the first redemption stands
        row = await Redemption.select().where(Redemption.transfer_id == earlier["id"]).first()
        if row is None:
            raise ApiError.conflict("幂等键已用于另一笔不同的转账",
                                    "the idempotency key was used for something else",
                                    "idempotencyKey")
        return CardUse(card=None, transfer=None, redemption=dict(row))
    cards = await Card.select().where(Card.serial.is_in(wanted)).order_by(Card.id)
    unknown = sorted(set(wanted) - {str(c["serial"]) for c in cards})
    if unknown:
        raise ApiError.not_found(f"积分卡 {unknown[0]}", f"point card {unknown[0]}", "serials")
    used = [c for c in cards if c["status"] != "issued"]
    if used:
        await record("points_market.card.reuse_refused", account_id=counter_account_id,
                     object_type="PointsMarketCard", object_id=used[0]["id"],
                     summary={"serials": [c["serial"] for c in used], "good_id": good_id})
        return CardUse(card=dict(used[0]), transfer=None, refused=ApiError.conflict(
            f"积分卡 {used[0]['serial']} 已使用",
            f"point card {used[0]['serial']} has already been used", "serials"))
    price = int(good["price_points"]) * quantity
    total = sum(int(c["points"]) for c in cards)
    if total < price:
        raise ApiError(ErrorCode.INSUFFICIENT_POINTS, f"积分卡共 {total} 分，不足 {price} 分",
                       f"the cards hold {total} points, the price is {price}", "serials")
    if total - min(int(c["points"]) for c in cards) >= price:
        raise ApiError.invalid("serials", "有多余的积分卡（柜台不找零）",
                               "a card is not needed for this price (the counter gives no change)")
    ids = [int(c["id"]) for c in cards]
    retired = await Card.update({Card.status: "used", Card.used_at: _now(),
                                 Card.used_as: "spend"}).where(
        Card.id.is_in(ids) & (Card.status == "issued")).returning(Card.id)
    if len(retired) != len(ids):   # another counter took a card meanwhile: roll back
        raise ApiError.conflict("积分卡已被使用", "a card has just been used at another counter",
                                "serials")
    issuance = await ledger.account_id(ledger.ISSUANCE)
    shop_account = await ledger.account_id(ledger.SHOP)
    tx, _ = await ledger.transfer(key, "card_spend", issuance, shop_account, total,
                                  created_by=counter_account_id,
                                  memo=f"{good['name']} × {quantity}（积分卡 {len(ids)} 张）")
    await _take_stock(good_id, quantity)
    if resident_id is not None:
        await _take_quota(good, resident_id, quantity, day)
    made = await Redemption.insert(Redemption(
        tenant_id=current_scope().write_node, good_id=good_id, quantity=quantity,
        resident_id=resident_id, account_id=None, points=total, paid_by="card",
        transfer_id=tx["id"], redeemed_on=day, counter_account_id=counter_account_id,
        status="done", created_at=_now())).returning(Redemption.id)
    redemption_id = int(made[0]["id"])
    await Card.update({Card.transfer_id: tx["id"], Card.redemption_id: redemption_id}).where(
        Card.id.is_in(ids))
    await record("points_market.card.use", account_id=counter_account_id,
                 object_type="PointsMarketRedemption", object_id=redemption_id,
                 summary={"serials": wanted, "good_id": good_id, "points": total})
    row = await Redemption.select().where(Redemption.id == redemption_id).first()
    assert row is not None
    return CardUse(card=None, transfer=tx, redemption=dict(row))
