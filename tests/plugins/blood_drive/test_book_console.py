"""The cross-street booking page in real headless Chromium (``core.testing.console``): street
A's staff pick a donor of A, enter street B's code, pick a slot of B's session of the city's
campaign from B's public call and book it; the page lists the booking as A recorded it (B's
name, the site, the time), and cancelling it there frees B's seat. axe-core finds no serious
or critical violation; no CSP problem; a 390-pixel screenshot goes to
``var/screenshots/console``."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from core.testing.console import PASSWORD, console_browser
from tests.plugins.blood_drive.conftest import make_world


@pytest.fixture
async def two(linli_env: Any, factory: Any, enable_plugin: Any) -> SimpleNamespace:
    from plugins.blood_drive.tables import Slot

    world = await make_world(linli_env, factory, enable_plugin)
    campaign = await world.campaign(title="学雷锋见行动 捐热血献真情")
    session = await world.session(world.b, campaign, capacity=5, slots=2)
    donor = await world.donor(world.a, "张跨街")
    staff = await factory.account(world.a.node, "tenant_admin", password=PASSWORD,
                                  name="甲街道动员")
    slots = await world.slots(world.b, session)
    return SimpleNamespace(world=world, settings=linli_env.settings, staff=staff, donor=donor,
                           session=session, slots=slots, Slot=Slot)


@pytest.mark.browser
def test_book_at_another_street_office_page(two: SimpleNamespace) -> None:
    w = two.world
    with console_browser(two.settings) as b:
        b.login(two.staff.username)
        assert "blood-drive/book" in b.nav_routes(), b.nav_routes()
        b.open("blood-drive/book")
        b.wait_text("在其他街镇的预约")
        b.page.wait_for_selector(".book-donor")
        assert b.axe() == []
        b.page.fill(".street-code input", w.b.node.code)
        b.page.click("button.find-sessions")
        b.page.wait_for_selector(".visit-slot")
        b.page.click(".visit-slot")
        b.page.click(".bd-visit-slot-pop .el-select-dropdown__item:not(.is-disabled) >> nth=0")
        b.page.click("button.book-visit")
        b.wait_text("已预约：", selector="body")
        b.page.wait_for_selector(".visits .visit")
        text = b.page.inner_text(".visits")
        assert w.b.node.name in text and "广场" in text and "09:00" in text, text
        assert "已预约" in text
        _quiet(b)
        assert b.axe() == []
        phone = b.new_page(width=390)
        b.login(two.staff.username, page=phone)
        b.open("blood-drive/book", phone)
        phone.wait_for_selector(".visits .visit")
        b.shot("blood-drive-book", phone)
        b.page.click(".visits button.cancel-visit")
        b.wait_text("预约已取消", selector="body")
        b.page.wait_for_selector(".visits .visit-status:has-text('已取消')")
        _quiet(b)
        # a slot picked on B's public call arrives as ?street=&slot=: the form is filled in
        from urllib.parse import quote

        from core.plugin import encode_global_id

        second = encode_global_id("BloodDriveSlot", int(two.slots[1]["id"]))
        b.open("blood-drive/campaigns")       # the page reads its query when it opens
        b.open(f"blood-drive/book?street={w.b.node.code}&slot={quote(second, safe='')}")
        b.page.wait_for_selector("button.book-visit:not([disabled])")
        b.page.click("button.book-visit")
        b.page.wait_for_selector(".visits .visit-status:has-text('已预约')")
        assert "10:00–11:00" in b.page.inner_text(".visits")
        assert not b.csp_problems(), b.problems


def _quiet(b: Any) -> None:
    for _ in range(100):
        if not b.page.locator(".el-message").count():
            return
        b.page.wait_for_timeout(100)
