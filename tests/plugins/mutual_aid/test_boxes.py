"""Boxes: takes and loans, returns, donations, counts, restock requests, and stock that never
goes below zero under concurrent takes (20 takes of the last 3 wrenches → exactly 3)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from core.plugin import ApiError, today_shanghai
from plugins.mutual_aid.services import boxes
from plugins.mutual_aid.tables import Count, Item, Loan, Movement, Restock


async def _box_with(world: Any, **item: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    async with world.write():
        access = await world.access()
        box = await boxes.create_box(access, building_id=world.buildings[0].id, name="1号楼便民箱")
        row = await boxes.add_item(access, box_id=box["id"], **item)
    return box, row


async def test_taking_a_tool_opens_a_loan_due_in_three_days(world):
    _, wrench = await _box_with(world, name="扳手", kind="tool", quantity=2)
    assert wrench["loanable"] is True
    async with world.write():
        out = await boxes.take(await world.access(), item_id=wrench["id"],
                               resident_id=world.residents[0].id)
    loan = out["loan"]
    assert out["item"]["quantity"] == 1
    assert loan["due_on"] == today_shanghai() + timedelta(days=3)
    assert loan["rule_version"] >= 1 and loan["returned_at"] is None
    async with world.write():
        back = await boxes.return_loan(await world.access(), loan_id=loan["id"])
    assert back["returned_at"] is not None
    with pytest.raises(ApiError) as twice:
        async with world.write():
            await boxes.return_loan(await world.access(), loan_id=loan["id"])
    assert twice.value.code == "CONFLICT"
    async with world.read():
        item = await Item.select().where(Item.id == wrench["id"]).first()
        moves = await Movement.select(Movement.kind, Movement.delta).where(
            Movement.item_id == wrench["id"]).order_by(Movement.id)
    assert item["quantity"] == 2
    assert [(m["kind"], m["delta"]) for m in moves] == [("take", -1), ("return", 1)]


async def test_consumables_only_lower_stock(world):
    _, thread = await _box_with(world, name="针线包", kind="consumable", quantity=5)
    async with world.write():
        out = await boxes.take(await world.access(), item_id=thread["id"], quantity=2,
                               resident_id=world.residents[1].id)
    assert out["loan"] is None and out["item"]["quantity"] == 3
    with pytest.raises(ApiError) as bad:
        async with world.write():
            await boxes.take(await world.access(), item_id=thread["id"], quantity=4,
                             resident_id=world.residents[1].id)
    assert bad.value.code == "CONFLICT"


async def test_the_loan_period_is_a_versioned_rule(world):
    rules = world.env.state.services.rules
    async with world.write():
        resolved = await rules.set("mutual_aid.loan_days", 7, world.node)
    _, wrench = await _box_with(world, name="扳手", kind="tool", quantity=1)
    async with world.write():
        out = await boxes.take(await world.access(), item_id=wrench["id"],
                               resident_id=world.residents[0].id)
    assert out["loan"]["due_on"] - today_shanghai() == timedelta(days=7)
    assert out["loan"]["rule_version"] == resolved.version > 0


async def _take_alone(world: Any, item_id: int, resident_id: int) -> Any:
    try:
        async with world.write():
            return await boxes.take(await world.access(), item_id=item_id,
                                    resident_id=resident_id)
    except ApiError as exc:
        return exc


async def test_twenty_concurrent_takes_of_the_last_three_wrenches(world):
    _, wrench = await _box_with(world, name="扳手", kind="tool", quantity=3,
                                restock_threshold=1)
    results = await asyncio.gather(*(
        _take_alone(world, wrench["id"], world.residents[i % len(world.residents)].id)
        for i in range(20)))
    won = [r for r in results if not isinstance(r, ApiError)]
    lost = [r for r in results if isinstance(r, ApiError)]
    assert len(won) == 3 and len(lost) == 17
    assert {e.code for e in lost} == {"CONFLICT"}
    async with world.read():
        item = await Item.select().where(Item.id == wrench["id"]).first()
        loans = await Loan.count().where(Loan.item_id == wrench["id"])
        restocks = await Restock.select().where(Restock.item_id == wrench["id"])
    assert item["quantity"] == 0 and loans == 3
    assert len(restocks) == 1 and restocks[0]["status"] == "open"


async def test_donations_add_stock_once_the_keeper_confirms(world):
    box, umbrella = await _box_with(world, name="雨伞", kind="tool", quantity=1)
    async with world.write():
        access = await world.access()
        donation = await boxes.offer_donation(access, box_id=box["id"], name="雨伞",
                                              quantity=2, kind="tool", item_id=umbrella["id"],
                                              resident_id=world.residents[2].id)
    async with world.read():
        assert (await Item.select().where(Item.id == umbrella["id"]).first())["quantity"] == 1
    async with world.write():
        decided = await boxes.confirm_donation(await world.access(), donation_id=donation["id"])
    assert decided["status"] == "confirmed"
    with pytest.raises(ApiError) as again:
        async with world.write():
            await boxes.confirm_donation(await world.access(), donation_id=donation["id"])
    assert again.value.code == "CONFLICT"
    async with world.read():
        assert (await Item.select().where(Item.id == umbrella["id"]).first())["quantity"] == 3


async def test_a_count_records_losses_and_keeps_history(world):
    _, saw = await _box_with(world, name="锯条", kind="consumable", quantity=6,
                             restock_threshold=2)
    async with world.write():
        count = await boxes.count_item(await world.access(), item_id=saw["id"], counted=3,
                                       broken=1, note="少了三根，断了一根")
    assert (count["expected"], count["counted"], count["lost"], count["broken"]) == (6, 3, 3, 1)
    async with world.read():
        item = await Item.select().where(Item.id == saw["id"]).first()
        history = await Count.count().where(Count.item_id == saw["id"])
        restock = await Restock.select().where(Restock.open_item == saw["id"])
    assert item["quantity"] == 2 and history == 1
    assert len(restock) == 1 and restock[0]["quantity_at"] == 2


async def test_a_restock_request_closes_when_stock_is_back(world):
    box, plaster = await _box_with(world, name="创可贴", kind="consumable", quantity=1,
                                   restock_threshold=1)
    async with world.write():
        access = await world.access()
        donation = await boxes.offer_donation(access, box_id=box["id"], name="创可贴",
                                              quantity=10, item_id=plaster["id"])
        await boxes.confirm_donation(access, donation_id=donation["id"])
    async with world.read():
        rows = await Restock.select().where(Restock.item_id == plaster["id"])
    assert [(r["status"], r["open_item"]) for r in rows] == [("closed", None)]


async def test_only_tools_can_be_lent(world):
    with pytest.raises(ApiError) as bad:
        await _box_with(world, name="针线包", kind="consumable", quantity=1, loanable=True)
    assert bad.value.code == "INVALID_ARGUMENT" and bad.value.field == "loanable"


async def test_overdue_borrowers_are_reminded_once_a_day(world, factory, run_cron):
    _, wrench = await _box_with(world, name="扳手", kind="tool", quantity=2)
    async with world.write():
        out = await boxes.take(await world.access(), item_id=wrench["id"],
                               resident_id=world.residents[0].id)
        await boxes.take(await world.access(), item_id=wrench["id"],
                         resident_id=world.residents[1].id)  # not overdue
        await Loan.update({Loan.due_on: today_shanghai() - timedelta(days=1)}).where(
            Loan.id == out["loan"]["id"])
    first = await run_cron("mutual_aid.remind_overdue_loans", world.node)
    assert first.result == 1
    async with world.write():
        from plugins.mutual_aid.services.boxes import remind_overdue

        assert await remind_overdue({}, world.node.id) == 0  # reminded today already
    async with world.read():
        row = await Loan.select().where(Loan.id == out["loan"]["id"]).first()
    assert row["reminded_on"] == today_shanghai()


async def test_enablement_seeds_the_rules_so_a_loan_stores_a_real_version(world, seeded_rules):
    """Enabling the plugin writes every default as a dated row of the root region: a loan
    stores the loan period's row version (≥ 1), never 0."""
    from plugins.mutual_aid.rules import RULES, SINCE

    _, saw = await _box_with(world, name="锯条", kind="tool", quantity=1)
    async with world.write():
        out = await boxes.take(await world.access(), item_id=saw["id"],
                               resident_id=world.residents[0].id)
    got = await seeded_rules(world.node, RULES, SINCE, today_shanghai())
    assert out["loan"]["rule_version"] == got["mutual_aid.loan_days"].version
