"""The 积分超市 console pages in real headless Chromium (``core.testing.console``) on the demo:
each page renders, a reviewer approves a claim from the review queue (and it goes on notice),
the public ranking and the 公示栏 open without login; axe-core reports no serious/critical violation, no CSP
problem; a 390-pixel screenshot of each page goes to ``var/screenshots/console``."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from core.demo.people import demo_rows
from core.people.excel import import_rows
from core.testing.console import PASSWORD, console_browser
from plugins.points_market.tables import Claim
from tenants.service import scope_for

PAGES = ("points-market/claims", "points-market/notices", "points-market/account",
         "points-market/counter", "points-market/goods")


@pytest.fixture
async def world(linli_env: Any, factory: Any, enable_plugin: Any) -> SimpleNamespace:
    """A street office with 40 residents and the 积分超市 demo (claims at every stage)."""
    state = linli_env.state
    node = await factory.tenant(name="积分街道")
    rows = list(demo_rows(node.code, ("御苑社区",), {}, count=40, seed=node.id))
    report = await import_rows(state.db, node, ((i + 2, r) for i, r in enumerate(rows)), None,
                               pii_key=state.settings.pii_key)
    assert report.ok, report.errors[:3]
    await enable_plugin(node, "points_market")
    async with state.db.scoped(scope_for(node), write=True):
        await state.registry.demo_data(node.id)
    async with state.db.scoped(scope_for(node)):
        pending = await Claim.count().where(Claim.status == "pending")
    assert pending >= 2
    admin = await factory.account(node, "tenant_admin", password=PASSWORD, name="积分管理员")
    return SimpleNamespace(node=node, admin=admin, resident=rows[0][0], pending=pending,
                           settings=linli_env.settings)


def _quiet(b: Any) -> None:
    """Wait until no message is showing (a fading message fails axe's contrast check)."""
    for _ in range(100):
        if not b.page.locator(".el-message").count():
            return
        b.page.wait_for_timeout(100)


@pytest.mark.browser
def test_console_pages(world: SimpleNamespace) -> None:
    node, admin, resident = world.node, world.admin, world.resident
    with console_browser(world.settings) as b:
        b.login(admin.username)
        for route in PAGES:
            assert route in b.nav_routes(), b.nav_routes()
        # the review queue: approve the first claim; it leaves the queue for good
        b.open("points-market/claims")
        b.page.wait_for_selector(".claims button.approve")
        before = len(b.page.query_selector_all(".claims button.approve"))
        assert before == min(world.pending, 100)
        assert b.axe() == []
        b.page.click(".claims button.approve >> nth=0")
        b.wait_text("已通过", selector="body")
        b.open("home")
        b.open("points-market/claims")
        b.page.wait_for_selector(".claims button.approve")
        b.page.wait_for_timeout(300)
        assert len(b.page.query_selector_all(".claims button.approve")) == before - 1
        # the notice list, a resident's statement, the counter
        b.open("points-market/notices")
        b.wait_text("公示期")
        _quiet(b)
        assert b.axe() == []
        b.open("points-market/account")
        b.page.fill("#pm-resident-name", resident)
        b.page.click("button.find-resident")
        b.page.click("button.resident >> nth=0")
        b.wait_text("积分明细")
        assert b.axe() == []
        b.open("points-market/counter")
        b.wait_text("货架")
        assert b.axe() == []
        # goods stocking: add a good with price, stock and limit; restock it; change its price
        b.open("points-market/goods")
        b.wait_text("货架管理")
        b.page.fill("#pm-good-name", "搪瓷杯")
        b.page.fill("#pm-good-value", "6")
        b.page.fill("#pm-good-price", "6")
        b.page.fill("#pm-good-stock", "12")
        b.page.fill("#pm-good-limit", "2")
        b.page.click("button.save-good")
        b.wait_text("已上架：搪瓷杯", selector="body")
        b.page.wait_for_selector(".stock[data-good='搪瓷杯']")
        assert b.page.inner_text(".stock[data-good='搪瓷杯']") == "12"
        row = b.page.locator(".goods .el-table__row", has_text="搪瓷杯")
        row.locator(".restock-qty input").fill("8")
        row.locator("button.restock").click()
        b.wait_text("已进货，库存 20", selector="body")
        assert b.page.inner_text(".stock[data-good='搪瓷杯']") == "20"
        row.locator("button.edit").click()
        b.page.fill("#pm-good-price", "5")
        b.page.click("button.save-good")
        b.wait_text("已保存：搪瓷杯", selector="body")
        b.page.wait_for_timeout(300)
        cells = row.locator("td").all_inner_texts()
        assert [c.strip() for c in cells[:5]] == ["搪瓷杯", "6.00", "5", "20", "2"], cells
        _quiet(b)
        assert b.axe() == []
        # phone-sized screenshots of every page
        phone = b.new_page(width=390)
        b.login(admin.username, page=phone)
        for route in PAGES:
            b.open(route, phone)
            phone.wait_for_timeout(800)
            b.shot(route.replace("/", "-"), phone)
        # the public ranking, no login
        public = b.new_page(width=390)
        public.goto(f"{b.base}/console/public/{node.code}/points-market/ranking")
        public.wait_for_selector("[data-page='points-market/ranking']")
        b.wait_text("积分榜", page=public)
        b.wait_text("积分公示", page=public)     # the 公示栏: claims on notice, names masked
        b.wait_text("公示至", page=public)
        assert world.resident not in public.inner_text("[aria-labelledby='pm-notice-title']")
        assert b.axe(public) == []
        b.shot("points-market-ranking", public)
        assert not b.csp_problems(), b.problems


@pytest.fixture
async def crowded(world: SimpleNamespace, linli_env: Any) -> SimpleNamespace:
    """25 more claims on notice today: more than one page (20) of the public 公示栏."""
    from datetime import timedelta

    from core.plugin import RESIDENTS, today_shanghai
    from plugins.points_market.services import claims

    today = today_shanghai()
    async with linli_env.state.db.scoped(scope_for(world.node), write=True):
        people = [int(r["id"]) for r in await RESIDENTS.select(RESIDENTS.id).limit(25)]
        for n, person in enumerate(people):
            row = await claims.report_claim(item_code="C04", occurred_on=today - timedelta(
                days=n % 5), resident_id=person)
            await claims.review_claim(int(row["id"]), True, reviewer_account_id=None,
                                      today=today)
    async with linli_env.state.db.scoped(scope_for(world.node)):
        world.noticed = await Claim.count().where(
            (Claim.status == "noticed") & (Claim.notice_from <= today)
            & (Claim.notice_until >= today))
    assert world.noticed > 20
    return world


@pytest.mark.browser
def test_public_board_pages_with_more(crowded: SimpleNamespace) -> None:
    """The 公示栏 is a connection: the page shows 20 lines, "更多公示" brings the rest."""
    with console_browser(crowded.settings) as b:
        public = b.new_page(width=390)
        public.goto(f"{b.base}/console/public/{crowded.node.code}/points-market/ranking")
        public.wait_for_selector("[data-page='points-market/ranking']")
        lines = "[aria-labelledby='pm-notice-title'] .board-item"
        public.wait_for_selector(lines)
        assert public.locator(lines).count() == 20
        public.click("button.pm-more-notices")
        for _ in range(50):
            if public.locator(lines).count() > 20:
                break
            public.wait_for_timeout(100)
        assert public.locator(lines).count() == min(crowded.noticed, 40)
        if crowded.noticed <= 40:
            assert not public.locator("button.pm-more-notices").count()
        assert b.axe(public) == []
        assert not b.csp_problems(), b.problems
