"""The shop and point cards: concurrent counters never take a balance or stock below zero, a
replayed key redeems once, same-day voids, exchange windows, and cards used once."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest

from core.plugin import ApiError, today_shanghai
from plugins.points_market.services import ledger, shop
from plugins.points_market.tables import Good, Redemption, Transfer


async def _good(market: Any, *, price: int, stock: int, limit: int | None = None) -> int:
    async with market.write():
        row = await shop.save_good(name="洗衣粉", value_fen=1000, price_points=price, stock=stock,
                                   per_person_limit=limit)
    return int(row["id"])


async def _redeem(market: Any, good: int, resident: int, key: str, quantity: int = 1) -> Any:
    try:
        async with market.write():
            return await shop.redeem(good_id=good, resident_id=resident, quantity=quantity,
                                     idempotency_key=key, counter_account_id=market.keeper.id)
    except ApiError as exc:
        return exc


async def test_redemption_deducts_points_and_stock_and_keeps_earned(market):
    await market.fund(market.resident.id, 30)
    good = await _good(market, price=10, stock=3)
    done = await _redeem(market, good, market.resident.id, "r1", quantity=2)
    assert not isinstance(done, ApiError) and done["points"] == 20
    async with market.read():
        account = (await ledger.accounts_of("resident", [market.resident.id]))[market.resident.id]
        assert (account["balance"], account["earned"]) == (10, 30)
        assert (await Good.select(Good.stock).where(Good.id == good).first())["stock"] == 1
        assert (await ledger.check_books()).ok
    again = await _redeem(market, good, market.resident.id, "r1", quantity=2)
    assert again["id"] == done["id"]


async def test_200_concurrent_redemptions_of_10_against_100_exactly_10_succeed(market):
    await market.fund(market.resident.id, 100)
    good = await _good(market, price=10, stock=1000)
    results = await asyncio.gather(*(_redeem(market, good, market.resident.id, f"c{i}")
                                     for i in range(200)))
    ok = [r for r in results if not isinstance(r, ApiError)]
    refused = [r for r in results if isinstance(r, ApiError)]
    assert len(ok) == 10
    assert len(refused) == 190 and {r.code for r in refused} == {"INSUFFICIENT_POINTS"}
    async with market.read():
        account = (await ledger.accounts_of("resident", [market.resident.id]))[market.resident.id]
        assert account["balance"] == 0 and account["earned"] == 100
        assert (await Good.select(Good.stock).where(Good.id == good).first())["stock"] == 990
        books = await ledger.check_books()
        assert books.total == 0 and books.ok


async def test_50_concurrent_redemptions_of_the_last_5_items_exactly_5(market):
    await market.fund(market.resident.id, 1000)
    good = await _good(market, price=1, stock=5)
    results = await asyncio.gather(*(_redeem(market, good, market.resident.id, f"s{i}")
                                     for i in range(50)))
    ok = [r for r in results if not isinstance(r, ApiError)]
    assert len(ok) == 5
    assert {r.code for r in results if isinstance(r, ApiError)} == {"CONFLICT"}
    async with market.read():
        assert (await Good.select(Good.stock).where(Good.id == good).first())["stock"] == 0
        assert (await ledger.accounts_of("resident", [market.resident.id]))[
            market.resident.id]["balance"] == 995
        assert (await ledger.check_books()).ok


async def test_same_redemption_key_100_times_concurrently_redeems_once(market):
    await market.fund(market.resident.id, 100)
    good = await _good(market, price=10, stock=100)
    results = await asyncio.gather(*(_redeem(market, good, market.resident.id, "one")
                                     for _ in range(100)))
    assert not [r for r in results if isinstance(r, ApiError)]
    assert len({r["id"] for r in results}) == 1
    async with market.read():
        assert await Redemption.count() == 1
        assert await Transfer.count().where(Transfer.kind == "redemption") == 1


async def test_void_same_day_restores_points_and_stock_once(market):
    await market.fund(market.resident.id, 20)
    good = await _good(market, price=10, stock=2)
    done = await _redeem(market, good, market.resident.id, "v1")
    async with market.write():
        voided = await shop.void_redemption(done["id"], account_id=market.keeper.id)
        assert voided["status"] == "voided"
        with pytest.raises(ApiError) as err:
            await shop.void_redemption(done["id"], account_id=market.keeper.id)
        assert err.value.code == "CONFLICT"
    async with market.read():
        account = (await ledger.accounts_of("resident", [market.resident.id]))[market.resident.id]
        assert (account["balance"], account["earned"]) == (20, 20)
        assert (await Good.select(Good.stock).where(Good.id == good).first())["stock"] == 2
        assert await Transfer.count().where(Transfer.kind == "reversal") == 1


async def test_void_another_day_is_refused(market):
    await market.fund(market.resident.id, 20)
    good = await _good(market, price=10, stock=2)
    done = await _redeem(market, good, market.resident.id, "v2")
    with pytest.raises(ApiError) as err:
        async with market.write():
            await shop.void_redemption(done["id"], account_id=None,
                                       today=today_shanghai() + timedelta(days=1))
    assert err.value.field == "redemptionId"


async def test_per_person_limit_per_quarter(market):
    await market.fund(market.resident.id, 100)
    good = await _good(market, price=1, stock=10, limit=2)
    assert not isinstance(await _redeem(market, good, market.resident.id, "l1", 2), ApiError)
    refused = await _redeem(market, good, market.resident.id, "l2")
    assert isinstance(refused, ApiError) and refused.field == "quantity"


async def test_exchange_windows_by_rule(market):
    rules = market.env.state.services.rules
    async with market.write():
        assert await shop.exchange_open(today_shanghai())
        await rules.set("points_market.exchange_mode", "windows", market.node)
        _, last = shop.quarter_of(today_shanghai())
        inside = await shop.exchange_open(last - timedelta(days=3))
        outside = await shop.exchange_open(last - timedelta(days=20))
    assert inside and not outside


def test_quarter_bounds():
    assert shop.quarter_of(date(2026, 11, 28)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert shop.quarter_of(date(2026, 2, 1)) == (date(2026, 1, 1), date(2026, 3, 31))


async def _use(market: Any, serial: str, resident: int) -> Any:
    async with market.write():
        return await shop.use_card(serial, resident_id=resident, account_id=market.keeper.id)


async def test_card_used_concurrently_twice_is_credited_once_and_refusal_audited(market):
    async with market.write():
        batch, serials = await shop.issue_cards(points=5, count=3, account_id=market.admin.id)
    assert batch["card_count"] == 3 and len(set(serials)) == 3
    uses = await asyncio.gather(_use(market, serials[0], market.resident.id),
                                _use(market, serials[0], market.neighbour.id))
    assert sorted(u.refused is None for u in uses) == [False, True]
    refused = next(u for u in uses if u.refused is not None)
    assert refused.refused.code == "CONFLICT"
    async with market.read():
        assert await Transfer.count().where(Transfer.kind == "card_credit") == 1
        both = await ledger.accounts_of("resident", [market.resident.id, market.neighbour.id])
        assert sum(a["balance"] for a in both.values()) == 5
        from core.audit.service import AuditEntry

        assert await AuditEntry.count().where(
            AuditEntry.action == "points_market.card.reuse_refused") == 1


async def test_card_denominations(market):
    with pytest.raises(ApiError) as err:
        async with market.write():
            await shop.issue_cards(points=3, count=1, account_id=None)
    assert err.value.field == "points"


async def test_per_person_limit_holds_under_concurrent_counters(market):
    """The limit is a conditional update on the quota row: 20 counters at once, limit 2 —
    exactly 2 succeed, the others get a typed error on ``quantity``; a void gives one back."""
    await market.fund(market.resident.id, 1000)
    good = await _good(market, price=1, stock=100, limit=2)
    results = await asyncio.gather(*(_redeem(market, good, market.resident.id, f"q{i}")
                                     for i in range(20)))
    ok = [r for r in results if not isinstance(r, ApiError)]
    refused = [r for r in results if isinstance(r, ApiError)]
    assert len(ok) == 2
    assert {(r.code, r.field) for r in refused} == {("INVALID_ARGUMENT", "quantity")}
    async with market.read():
        assert (await Good.select(Good.stock).where(Good.id == good).first())["stock"] == 98
        assert (await ledger.accounts_of("resident", [market.resident.id]))[
            market.resident.id]["balance"] == 998
        assert (await ledger.check_books()).ok
    async with market.write():
        await shop.void_redemption(ok[0]["id"], account_id=market.keeper.id)
    assert not isinstance(await _redeem(market, good, market.resident.id, "q-after"), ApiError)
    assert isinstance(await _redeem(market, good, market.resident.id, "q-over"), ApiError)


async def _spend(market: Any, good: int, serials: list[str], key: str, **kw: Any) -> Any:
    try:
        async with market.write():
            return await shop.redeem_with_cards(good_id=good, serials=serials, quantity=1,
                                                idempotency_key=key,
                                                counter_account_id=market.keeper.id, **kw)
    except ApiError as exc:
        return exc


async def test_cards_spent_at_the_counter_retire_and_pay_for_goods(market):
    good = await _good(market, price=7, stock=3)
    async with market.write():
        _, fives = await shop.issue_cards(points=5, count=2, account_id=market.admin.id)
        _, twos = await shop.issue_cards(points=2, count=2, account_id=market.admin.id)
    # too little, and a superfluous card (no change given): refused, nothing written
    short = await _spend(market, good, [fives[0]], "k0")
    assert isinstance(short, ApiError) and short.code == "INSUFFICIENT_POINTS"
    extra = await _spend(market, good, [fives[0], twos[0], twos[1]], "k0")
    assert isinstance(extra, ApiError) and extra.field == "serials"
    use = await _spend(market, good, [fives[0], twos[0].lower()], "k1")
    assert use.refused is None and use.redemption["paid_by"] == "card"
    assert use.redemption["points"] == 7
    again = await _spend(market, good, [fives[0], twos[0]], "k1")   # replayed key
    assert again.redemption["id"] == use.redemption["id"]
    reuse = await _spend(market, good, [fives[0], twos[1]], "k2")
    assert reuse.refused is not None and reuse.refused.code == "CONFLICT"
    async with market.read():
        from core.audit.service import AuditEntry
        from plugins.points_market.tables import Card

        assert await AuditEntry.count().where(
            AuditEntry.action == "points_market.card.reuse_refused") == 1
        statuses = {c["serial"]: c["status"] for c in await Card.select(Card.serial, Card.status)}
        assert statuses[fives[0]] == statuses[twos[0]] == "used"
        assert statuses[fives[1]] == statuses[twos[1]] == "issued"
        assert (await Good.select(Good.stock).where(Good.id == good).first())["stock"] == 2
        assert await Transfer.count().where(Transfer.kind == "card_spend") == 1
        assert (await ledger.check_books()).ok
    # a card is used once: its redemption cannot be voided to bring the serials back
    with pytest.raises(ApiError) as refused:
        async with market.write():
            await shop.void_redemption(use.redemption["id"], account_id=market.keeper.id)
    assert refused.value.code == "INVALID_ARGUMENT" and refused.value.field == "redemptionId"
    assert (await _spend(market, good, [fives[0], twos[0]], "k3")).refused.code == "CONFLICT"
    async with market.read():
        assert (await Good.select(Good.stock).where(Good.id == good).first())["stock"] == 2
        assert await Redemption.count().where(Redemption.status == "voided") == 0


async def test_the_same_card_spent_at_two_counters_at_once_pays_once(market):
    good = await _good(market, price=5, stock=10)
    async with market.write():
        _, serials = await shop.issue_cards(points=5, count=1, account_id=market.admin.id)
    results = await asyncio.gather(*(_spend(market, good, serials, f"race{i}")
                                     for i in range(10)))
    paid = [r for r in results if not isinstance(r, ApiError) and r.refused is None]
    assert len(paid) == 1
    refused = [r.refused if not isinstance(r, ApiError) else r for r in results
               if isinstance(r, ApiError) or r.refused is not None]
    assert len(refused) == 9 and {r.code for r in refused} == {"CONFLICT"}
    async with market.read():
        assert await Transfer.count().where(Transfer.kind == "card_spend") == 1
        assert (await Good.select(Good.stock).where(Good.id == good).first())["stock"] == 9
        assert (await ledger.check_books()).ok
