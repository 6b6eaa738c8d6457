"""Year-end expiry: by rule only (default none), the unspent points of the year go back to the
issuance account as ``expiry`` transfers (the earned figure stays), once however often or
concurrently the job runs, and never below zero."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from core.plugin import ApiError, today_shanghai
from plugins.points_market.services import expiry, ledger, shop
from plugins.points_market.tables import Account, Entry, Transfer


async def _year_end(market) -> int:
    rules = market.env.state.services.rules
    async with market.write():
        await rules.set("points_market.expiry", "year_end", market.node)
    return today_shanghai().year


async def _figures(market, resident_id: int) -> tuple[int, int]:
    async with market.read():
        row = (await ledger.accounts_of("resident", [resident_id]))[resident_id]
        return int(row["balance"]), int(row["earned"])


async def test_no_expiry_by_default_and_the_cron_entry_runs(market, run_cron):
    await market.fund(market.resident.id, 30)
    outcome = await run_cron("points_market.expire_year_end", market.node)
    assert (outcome.outcome, outcome.result) == ("succeeded", 0)
    again = await run_cron("points_market.expire_year_end", market.node)
    assert again.outcome == "skipped"           # the year key holds
    async with market.write():
        assert await expiry.expire_year(today_shanghai().year) == 0
    assert await _figures(market, market.resident.id) == (30, 30)


async def test_unspent_points_of_the_year_expire_once_and_earned_stays(market):
    year = await _year_end(market)
    await market.fund(market.resident.id, 50, key="old")
    await market.fund(market.neighbour.id, 8, key="n")
    async with market.write():
        good = await shop.save_good(name="毛巾", value_fen=800, price_points=10, stock=5)
        done = await shop.redeem(good_id=good["id"], resident_id=market.resident.id, quantity=1,
                                 idempotency_key="after-new-year", counter_account_id=None)
        # that redemption happened after the year end (spending draws on the oldest points)
        await Entry.update({Entry.booked_on: date(year + 1, 1, 5)}).where(
            Entry.transfer_id == done["transfer_id"])
    await market.fund(market.resident.id, 7, key="new")
    async with market.write():
        tx = await Transfer.select(Transfer.id).where(Transfer.idempotency_key == "new").first()
        await Entry.update({Entry.booked_on: date(year + 1, 1, 6)}).where(
            Entry.transfer_id == tx["id"])
        assert await expiry.expire_year(year) == 2
        assert await expiry.expire_year(year) == 0            # run twice: nothing more
        assert await Transfer.count().where(Transfer.kind == "expiry") == 2
        assert (await ledger.check_books()).ok
    # 50 earned last year, 10 spent since: 40 expire; the 7 of the new year stay
    assert await _figures(market, market.resident.id) == (7, 57)
    assert await _figures(market, market.neighbour.id) == (0, 8)


async def test_expiry_never_takes_a_balance_below_zero(market):
    year = await _year_end(market)
    await market.fund(market.resident.id, 20)
    async with market.write():
        due = await expiry.expiring(year)
        account = await ledger.account_id("resident", market.resident.id)
        assert due == {account: 20}
        # a redemption sneaks in between reading and posting: the guarded update refuses
        await Account.update({Account.balance: 5}).where(Account.id == account)
    with pytest.raises(ApiError) as err:
        async with market.write():
            moves = [ledger.Move(f"expiry:{year}:{account}", "expiry", account,
                                 await ledger.account_id(ledger.ISSUANCE), 20)]
            await ledger.transfer_many(moves, guard=True)
    assert err.value.code == "INSUFFICIENT_POINTS"


@pytest.mark.postgres_only
async def test_expiry_run_concurrently_twice_expires_once(market):
    year = await _year_end(market)
    for i, person in enumerate((market.resident, market.spouse, market.neighbour)):
        await market.fund(person.id, 10 + i)

    async def run() -> int:
        async with market.write():
            return await expiry.expire_year(year)

    counts = await asyncio.gather(run(), run())
    assert sorted(counts) == [0, 3]
    async with market.read():
        assert await Transfer.count().where(Transfer.kind == "expiry") == 3
        books = await ledger.check_books()
        assert books.ok and books.total == 0
