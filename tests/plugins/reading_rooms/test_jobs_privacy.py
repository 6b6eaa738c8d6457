"""The daily job (due-soon and overdue notices, hold-shelf expiry, lost marking) run by the real
runner per tenant, idempotent; rules as data (a county's own loan period); PIPL export and
erasure of a reader's card."""

from __future__ import annotations

from datetime import timedelta

from core.plugin import today_shanghai


async def test_daily_job_notices_expiry_and_lost(world, factory, run_cron, notifications,
                                                 emitted_events, drain):
    from plugins.reading_rooms.tables import Copy, Loan

    reader = await factory.account(world.qr, "resident")
    card = await world.card("张三", account=reader, home=world.qr)
    _, codes = await world.title(copies={"qr": 3})
    loans = [await world.checkout("qr", card, code) for code in codes]
    today = today_shanghai()
    async with world.county_write():
        await Loan.update({Loan.due_on: today + timedelta(days=3)}).where(
            Loan.id == loans[0]["id"])
        await Loan.update({Loan.due_on: today - timedelta(days=2)}).where(
            Loan.id == loans[1]["id"])
        await Loan.update({Loan.due_on: today - timedelta(days=91)}).where(
            Loan.id == loans[2]["id"])
    first = await run_cron("reading_rooms.daily", world.qr)
    assert first.outcome == "succeeded"
    assert first.result == {"due_soon": 1, "overdue": 2, "holds_expired": 0, "lost": 1}
    again = await run_cron("reading_rooms.daily", world.qr, period="again")
    assert again.result == {"due_soon": 0, "overdue": 0, "holds_expired": 0, "lost": 0}
    other = await run_cron("reading_rooms.daily", world.sz)     # no room of 寿张 lent them
    assert other.result == {"due_soon": 0, "overdue": 0, "holds_expired": 0, "lost": 0}
    await drain()     # the reader is told in their own tenant (侨润), where they read it
    assert await notifications(world.county, reader) == []
    kinds = [n["kind"] if isinstance(n, dict) else n.kind
             for n in await notifications(world.qr, reader)]
    assert sorted(kinds) == ["reading_rooms.due_soon", "reading_rooms.overdue",
                             "reading_rooms.overdue"]
    assert len(await emitted_events(world.county, "reading_rooms.loan_overdue")) == 2
    async with world.county_write():
        lost = await Loan.select().where(Loan.id == loans[2]["id"]).first()
        copy = await Copy.select().where(Copy.barcode == codes[2]).first()
    assert lost["status"] == "lost" and lost["open_copy_id"] is None
    assert copy["status"] == "lost"
    # a lost copy that turns up is returned like any other
    back = await world.checkin("jd", codes[2])
    assert back.action == "shelf"


async def test_loan_period_is_a_versioned_rule_of_the_county(world, linli_env):

    rules = linli_env.state.services.rules
    async with world.county_write():
        await rules.set("reading_rooms.loan_days", 14, world.county, today_shanghai())
    card = await world.card()
    _, codes = await world.title()
    loan = await world.checkout("qr", card, codes[0])
    assert loan["due_on"] >= today_shanghai() + timedelta(days=14)
    assert loan["due_on"] < today_shanghai() + timedelta(days=21)
    assert "loan_days=" in loan["rule_versions"]


async def test_personal_data_export_and_erase(world, factory, linli_env):
    from plugins.reading_rooms.hooks import linli_personal_data
    from plugins.reading_rooms.tables import Card
    from tenants.service import scope_for

    reader = await factory.account(world.qr, "resident")
    card = await world.card("张三", account=reader, home=world.qr)
    async with world.county_write():
        await Card.update({Card.resident_id: 4242}).where(Card.id == card["id"])
    _, codes = await world.title(copies={"qr": 2})
    await world.checkout("qr", card, codes[0])
    await world.checkin("qr", codes[0])
    await world.checkout("qr", card, codes[1])
    async with world.db.scoped(scope_for(world.qr)):
        exported = await linli_personal_data(4242, "export")
    assert exported["cards"][0]["name"] == "张三" and len(exported["loans"]) == 2
    async with world.db.scoped(scope_for(world.qr), write=True):
        erased = await linli_personal_data(4242, "erase")
    assert erased == {"cards_blanked": 1, "loans_deleted": 1, "holds_cancelled": 0,
                      "bookings_deleted": 0}
    async with world.db.scoped(scope_for(world.qr), write=True):
        twice = await linli_personal_data(4242, "erase")
    assert set(twice.values()) == {0}
    async with world.county_write():
        row = await Card.select().where(Card.id == card["id"]).first()
    assert row["status"] == "blocked" and row["account_id"] is None
    assert world.cipher.open(row["name_cipher"]) == ""


async def test_a_notice_from_another_tenants_room_reaches_the_reader_at_home(
        world, factory, run_cron, notifications, drain):
    """A reader of 侨润街道 borrows in 寿张镇: 寿张's daily job (inside the county's rows) tells
    the reader in 侨润, where they read their notifications, and nowhere else."""
    from plugins.reading_rooms.tables import Loan

    reader = await factory.account(world.qr, "resident")
    card = await world.card("李四", account=reader, home=world.qr)
    _, codes = await world.title(copies={"sz": 1})
    loan = await world.checkout("sz", card, codes[0])
    async with world.county_write():
        await Loan.update({Loan.due_on: today_shanghai() - timedelta(days=1)}).where(
            Loan.id == loan["id"])
    assert (await run_cron("reading_rooms.daily", world.sz)).result["overdue"] == 1
    await drain()
    assert [n["kind"] for n in await notifications(world.qr, reader)] == [
        "reading_rooms.overdue"]
    for elsewhere in (world.sz, world.county, world.jd):
        assert await notifications(elsewhere, reader) == []


async def test_enablement_seeds_the_rules_so_a_loan_stores_real_versions(world, seeded_rules):
    """Enabling the plugin writes every default as a dated row of the root region: a loan
    stores every policy rule's row version (≥ 1), none 0."""
    from plugins.reading_rooms.rules import RULES, SINCE

    card = await world.card()
    _, codes = await world.title()
    loan = await world.checkout("qr", card, codes[0])
    got = await seeded_rules(world.county, RULES, SINCE, today_shanghai())
    assert loan["rule_versions"] == ",".join(
        f"{key.split('.', 1)[1]}={resolved.version}" for key, resolved in got.items())
