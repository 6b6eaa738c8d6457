"""The ledger: balanced transfers, idempotency keys, guarded spending, reversals, the books."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from core.plugin import ApiError
from plugins.points_market.services import ledger
from plugins.points_market.tables import Entry, Transfer


async def test_award_moves_both_figures_and_books_balance(market):
    await market.fund(market.resident.id, 12)
    async with market.read():
        books = await ledger.check_books()
        accounts = await ledger.accounts_of("resident", [market.resident.id])
    assert books.ok and books.total == 0
    account = accounts[market.resident.id]
    assert (account["balance"], account["earned"]) == (12, 12)


async def test_same_key_replayed_makes_one_transfer(market):
    for _ in range(3):
        await market.fund(market.resident.id, 5, key="same-key")
    async with market.read():
        assert await Transfer.count().where(Transfer.idempotency_key == "same-key") == 1
        assert (await ledger.accounts_of("resident", [market.resident.id]))[
            market.resident.id]["balance"] == 5


async def test_key_reused_for_another_transfer_is_a_conflict(market):
    await market.fund(market.resident.id, 5, key="k1")
    with pytest.raises(ApiError) as err:
        await market.fund(market.resident.id, 6, key="k1")
    assert err.value.code == "CONFLICT" and err.value.field == "idempotencyKey"


async def test_guarded_spending_refuses_with_insufficient_points(market):
    await market.fund(market.resident.id, 3)
    with pytest.raises(ApiError) as err:
        async with market.write():
            mine = await ledger.account_id("resident", market.resident.id)
            shop = await ledger.account_id(ledger.SHOP)
            await ledger.transfer("spend", "redemption", mine, shop, 4, guard=True)
    assert err.value.code == "INSUFFICIENT_POINTS"
    async with market.read():
        assert not await Transfer.exists().where(Transfer.idempotency_key == "spend")
        assert (await ledger.check_books()).ok


async def test_reversal_undoes_both_figures_once(market):
    await market.fund(market.resident.id, 7, key="award-1")
    async with market.write():
        award = await Transfer.select().where(Transfer.idempotency_key == "award-1").first()
        rev, made = await ledger.reverse(award["id"], "rev-1")
        assert made and rev["reverses_id"] == award["id"]
        again, made_again = await ledger.reverse(award["id"], "rev-1")
        assert not made_again and again["id"] == rev["id"]
        with pytest.raises(ApiError) as err:
            await ledger.reverse(award["id"], "rev-2")
        assert err.value.code == "CONFLICT"
    async with market.read():
        account = (await ledger.accounts_of("resident", [market.resident.id]))[market.resident.id]
        assert (account["balance"], account["earned"]) == (0, 0)
        assert (await ledger.check_books()).ok


async def test_books_detect_a_tampered_cache(market):
    await market.fund(market.resident.id, 4)
    from plugins.points_market.tables import Account

    async with market.write():
        await Account.update({Account.balance: 99}).where(Account.kind == "resident")
        books = await ledger.check_books()
    assert not books.ok and len(books.mismatched) == 1


async def test_entries_carry_running_figures_that_the_books_check(market):
    """Each entry carries its account's balance and earned figure right after it (a savings
    book's running balance); the newest equals the account's cache, and a wrong one is found."""
    from plugins.points_market.tables import Entry

    await market.fund(market.resident.id, 5, key="a")
    await market.fund(market.resident.id, 7, key="b")
    async with market.write():
        issuance = await ledger.account_id(ledger.ISSUANCE)
        target = await ledger.account_id("resident", market.resident.id)
        await ledger.transfer_many([ledger.Move(f"m{i}", "award", issuance, target, 2,
                                                to_earned=2) for i in range(3)])
        rows = await Entry.select(Entry.balance_after, Entry.earned_after).where(
            Entry.account_id == target).order_by(Entry.id)
        assert [(r["balance_after"], r["earned_after"]) for r in rows] == [
            (5, 5), (12, 12), (14, 14), (16, 16), (18, 18)]
        issued = await Entry.select(Entry.balance_after).where(
            Entry.account_id == issuance).order_by(Entry.id)
        assert [r["balance_after"] for r in issued] == [-5, -12, -14, -16, -18]
        assert (await ledger.check_books()).ok
        newest = await Entry.select(Entry.id).where(Entry.account_id == target).order_by(
            Entry.id, ascending=False).first()
        await Entry.update({Entry.balance_after: 99}).where(Entry.id == newest["id"])
        books = await ledger.check_books()
    assert books.mismatched == [target]


async def _replay(market: Any, key: str) -> bool:
    async with market.write():
        issuance = await ledger.account_id(ledger.ISSUANCE)
        target = await ledger.account_id("resident", market.resident.id)
        _, made = await ledger.transfer(key, "award", issuance, target, 3, to_earned=3)
        return made


async def test_same_key_replayed_100_times_concurrently_is_one_transfer(market):
    results = await asyncio.gather(*(_replay(market, "burst") for _ in range(100)))
    assert sum(results) == 1
    async with market.read():
        assert await Transfer.count().where(Transfer.idempotency_key == "burst") == 1
        assert await Entry.count() == 2
        assert (await ledger.accounts_of("resident", [market.resident.id]))[
            market.resident.id]["balance"] == 3
        assert (await ledger.check_books()).ok
