"""The 幸福食堂 console pages in real headless Chromium (``core.testing.console``) on 柳园街道's
demo: each page renders; at the counter an operator finds an elder by 身份证号 and records a meal,
sees the subsidy, and the live page of the same canteen counts it at once; a name search finds
elders; a claim is approved from the monthly claims; the district's finance marks one paid; the
week's menu opens without login. axe-core: no serious or critical violation in normal and
elder-friendly mode; no CSP problem; 390-pixel screenshots in ``var/screenshots/console``."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest
from canteen_kit import check_page, enable, gid, liuyuan

from core.people.records import ResidentRec, from_row
from core.people.residents import reveal_values
from core.people.tables import Resident
from core.plugin import get_node, today_shanghai
from core.testing.console import PASSWORD, console_browser
from plugins.canteen.demo import seed_demo
from plugins.canteen.tables import Canteen, Elder, Meal, Settlement
from tenants.service import scope_for

PAGES = ("canteen/counter", "canteen/live", "canteen/canteens", "canteen/settlements")


@pytest.fixture
async def world(linli_env: Any, factory: Any) -> SimpleNamespace:
    node = await liuyuan(linli_env, factory)
    db = linli_env.state.db
    async with db.scoped(scope_for(node), write=True):
        await seed_demo(node.id)
    today = today_shanghai()
    async with db.scoped(scope_for(node)):
        fed = {int(r["elder_id"]) for r in await Meal.select(Meal.elder_id).where(
            Meal.served_on == today)}
        limit = date(today.year - 75, 1, 1)
        elder = next(e for e in await Elder.select().where(
            (Elder.active == True) & (Elder.birth_date < limit)
        ).order_by(Elder.id) if int(e["id"]) not in fed and e["resident_id"])
        resident = from_row(ResidentRec, await Resident.select().where(
            Resident.id == elder["resident_id"]).first())
        canteen = await Canteen.select().where(Canteen.name == "馨颐颐养中心幸福食堂").first()
        generated = await Settlement.count().where(Settlement.status == "generated")
    id_number, _ = reveal_values(resident, linli_env.settings.pii_key)
    admin = await factory.account(node, "tenant_admin", password=PASSWORD, name="食堂管理员")
    district = await get_node(node.parent_id)
    assert district is not None
    await enable(linli_env, district)   # the district's finance marks claims paid
    finance = await factory.account(district, "canteen.finance", password=PASSWORD,
                                    name="区财政")
    return SimpleNamespace(node=node, admin=admin, finance=finance, settings=linli_env.settings,
                           db=db, elder=elder, id_number=id_number, generated=generated,
                           canteen=gid("CanteenCanteen", int(canteen["id"])), today=today)


def _number(p: Any, selector: str) -> int:
    return int(p.inner_text(selector).strip())


@pytest.mark.browser
def test_canteen_pages_in_headless_chromium(world: SimpleNamespace) -> None:
    violations: dict[str, list[dict[str, Any]]] = {}
    with console_browser(world.settings) as b:
        b.login(world.admin.username)
        routes = b.nav_routes()
        assert set(PAGES) <= set(routes), routes
        # the live figures of the first operating canteen (馨颐颐养中心幸福食堂)
        b.open("canteen/live")
        b.page.wait_for_selector(".live-meals strong")
        before = _number(b.page, ".live-meals strong")
        subsidised = _number(b.page, ".live-subsidised strong")
        assert "馨颐颐养中心幸福食堂" in b.page.inner_text(".ct-live")

        # -- the counter, on a phone: find the elder by ID number, record lunch ---------------
        counter = b.new_page(width=390, height=844)
        b.login(world.admin.username, page=counter)
        b.open("canteen/counter", counter)
        counter.wait_for_selector("#ct-id-number")
        b.wait_text("馨颐颐养中心幸福食堂", page=counter)
        counter.fill("#ct-id-number", world.id_number)
        counter.click("button.find-id")
        counter.wait_for_selector(".ct-elder button.record")
        assert str(world.elder["birth_date"].year) in counter.inner_text(".ct-elder")
        counter.click(".ct-elder button.record")
        counter.wait_for_selector(".ct-meal")
        told = counter.inner_text(".ct-meal")
        assert "已补贴" in told and "补贴" in told, told
        assert str(world.today) in told, told
        check_page(b, "canteen-counter-meal-phone", counter, violations)
        # the same lunch again: no second meal
        counter.click(".ct-elder button.record")
        b.wait_text("已登记过", page=counter, selector=".ct-meal")

        # -- the live page counted it, without a reload ---------------------------------------
        for _ in range(100):
            if _number(b.page, ".live-meals strong") == before + 1:
                break
            b.page.wait_for_timeout(100)
        assert _number(b.page, ".live-meals strong") == before + 1
        assert _number(b.page, ".live-subsidised strong") == subsidised + 1
        check_page(b, "canteen-live", b.page, violations)

        # -- dinner the same day: recorded, but the day's subsidy is used (the refusal shown) --
        counter.click(".el-select:has(#ct-slot) .el-select__wrapper")
        counter.click(".el-select-dropdown__item:has-text('晚餐'):visible")
        counter.wait_for_timeout(300)
        counter.click(".ct-elder button.record")
        b.wait_text("晚餐", page=counter, selector=".ct-meal")
        told = counter.inner_text(".ct-meal")
        assert "无补贴" in told and "当日补贴次数已满" in told, told
        check_page(b, "canteen-counter-refused-phone", counter, violations)

        # -- a name search at the counter -----------------------------------------------------
        counter.fill("#ct-name", str(world.elder["name"])[:1])
        counter.click("button.find-name")
        counter.wait_for_selector(".ct-elders button.elder")

        # -- canteens with their status history ----------------------------------------------
        b.open("canteen/canteens")
        b.wait_text("东关国际幸福食堂")
        b.wait_text("装修中")
        b.wait_text("暂停")   # 育新社区幸福食堂 was suspended once
        check_page(b, "canteen-canteens", b.page, violations)

        # -- monthly claims: approve one awaiting review --------------------------------------
        b.open("canteen/settlements")
        b.page.wait_for_selector(".ct-claim")
        approvable = len(b.page.query_selector_all(".ct-claim button.approve"))
        assert approvable >= 1
        check_page(b, "canteen-settlements", b.page, violations)
        b.page.click(".ct-claim button.approve >> nth=0")
        b.wait_text("已通过", selector="body")
        for _ in range(50):
            if len(b.page.query_selector_all(".ct-claim button.approve")) == approvable - 1:
                break
            b.page.wait_for_timeout(100)
        assert len(b.page.query_selector_all(".ct-claim button.approve")) == approvable - 1
        b.page.click("button.generate")
        b.wait_text("已生成", selector="body")

        # -- phone-sized screenshots of every page -------------------------------------------
        for route in PAGES:
            b.open(route, counter)
            counter.wait_for_timeout(800)
            b.shot(route.replace("/", "-") + "-phone", counter)
            width = counter.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 390, f"{route} scrolls sideways at 390 px ({width})"

        # -- the district's finance marks an approved claim paid ------------------------------
        if True:
            pay = b.new_page(width=390, height=844)
            b.login(world.finance.username, page=pay)
            b.open("canteen/payments", pay)
            pay.wait_for_selector(".ct-claim button.mark-paid")
            unpaid = len(pay.query_selector_all(".ct-claim button.mark-paid"))
            check_page(b, "canteen-payments-phone", pay, violations)
            pay.click(".ct-claim button.mark-paid >> nth=0")
            b.wait_text("已标记拨付", page=pay, selector="body")
            for _ in range(50):
                if len(pay.query_selector_all(".ct-claim button.mark-paid")) == unpaid - 1:
                    break
                pay.wait_for_timeout(100)
            assert len(pay.query_selector_all(".ct-claim button.mark-paid")) == unpaid - 1

        # -- the week's menu, no login, on a phone -------------------------------------------
        public = b.new_page(width=390, height=844)
        public.goto(f"{b.base}/console/public/{world.node.code}/canteen/menu/{world.canteen}")
        public.wait_for_selector("[data-page='canteen/menu']")
        b.wait_text("本周菜单", page=public)
        public.wait_for_selector(".ct-day")
        b.wait_text("红烧肉", page=public)
        check_page(b, "canteen-menu-phone", public, violations)
        assert not b.csp_problems(), b.problems
    assert violations == {}, violations
