"""我的献血 in real headless Chromium (``core.testing.console``) at 390 pixels: a resident signed
in as themselves sees award progress, results, the next eligible day and their bookings — one
here, one at another street office — and cancels each; another resident sees that they are not
registered. axe-core finds no serious or critical violation in normal and elder-friendly mode;
no CSP problem; screenshots go to ``var/screenshots/console``."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from core.testing.console import PASSWORD, console_browser
from tests.plugins.blood_drive.conftest import make_world


@pytest.fixture
async def me(linli_env: Any, factory: Any, enable_plugin: Any) -> SimpleNamespace:
    from core.identity.tables import Account
    from plugins.blood_drive.services import bookings, results
    from plugins.blood_drive.tables import Donor

    world = await make_world(linli_env, factory, enable_plugin)
    campaign = await world.campaign(title="学雷锋见行动 捐热血献真情")
    here = await world.session(world.a, campaign, capacity=5, days=2)
    elsewhere = await world.campaign(title="市级冬季献血活动")
    there = await world.session(world.b, elsewhere, capacity=5, days=3)
    donor = await world.donor(world.a, "王自己")
    async with world.read(world.a.node):
        row = await Donor.select().where(Donor.id == donor["id"]).first()
    assert row is not None
    acct = await factory.account(world.a.node, "resident", password=PASSWORD, name="王自己")
    other = await factory.account(world.a.node, "resident", password=PASSWORD, name="邻居")
    async with linli_env.state.db.transaction():
        await Account.update({Account.resident_id: row["resident_id"],
                              Account.resident_tenant_id: world.a.node.id}).where(
            Account.id == acct.id)
    old = await world.campaign(title="往年献血活动")
    past = await world.session(world.a, old, capacity=5, days=1)
    slot = (await world.slots(world.a, past))[0]
    booked = await world.do(world.a.node, lambda s: bookings.book(s, int(slot["id"]),
                                                                  int(donor["id"])))
    await world.do(world.a.node, lambda s: bookings.check_in(s, int(booked["id"])))
    await world.do(world.a.node, lambda s: results.record_result(
        s, int(booked["id"]), results.ResultInput("donated", volume_ml=400)))
    slot_here = (await world.slots(world.a, here))[0]
    slot_there = (await world.slots(world.b, there))[0]
    await world.do(world.a.node, lambda s: bookings.book(s, int(slot_here["id"]),
                                                         int(donor["id"])))
    await world.do(world.a.node, lambda s: bookings.book_visiting(
        s, world.b.node, int(slot_there["id"]), int(donor["id"])))
    return SimpleNamespace(world=world, settings=linli_env.settings, acct=acct, other=other,
                           slot_there=slot_there, donor=donor, campaign=campaign)


@pytest.mark.browser
def test_my_donations_page(me: SimpleNamespace) -> None:
    violations: dict[str, Any] = {}
    with console_browser(me.settings) as b:
        phone = b.new_page(width=390)
        b.login(me.acct.username, page=phone)
        assert "blood-drive/mine" in b.nav_routes(phone), b.nav_routes(phone)
        b.open("blood-drive/mine", phone)
        b.wait_text("表彰进度", phone)
        phone.wait_for_selector(".honours")
        text = phone.inner_text("main")
        assert "累计献血 2 次" in text and "铜奖" in text and "还差 18 次" in text, text
        assert "400 mL" in text and "全血最早" in text, text
        assert world_b_name(me) in phone.inner_text(".visits"), text
        for mode in ("normal", "elder"):
            if mode == "elder":
                phone.click(".elder-toggle .el-switch")
            found = b.axe(phone)
            if found:
                violations[mode] = found
            b.shot(f"blood-drive-mine-{mode}", phone)
        phone.click(".elder-toggle .el-switch")
        phone.click(".bookings button.cancel-mine")
        b.wait_text("预约已取消", phone, selector="body")
        phone.wait_for_selector(".bookings .booking-status:has-text('已取消')")
        phone.click(".visits button.cancel-mine")
        phone.wait_for_selector(".visits .visit-status:has-text('已取消')")
        neighbour = b.new_page(width=390)
        b.login(me.other.username, page=neighbour)
        b.open("blood-drive/mine", neighbour)
        b.wait_text("您还没有在本街镇登记为献血者", neighbour)
        assert not b.csp_problems(), b.problems
    assert violations == {}, violations


def world_b_name(me: SimpleNamespace) -> str:
    return str(me.world.b.node.name)
