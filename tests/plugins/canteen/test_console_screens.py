"""The 幸福食堂 console's secondary screens in real headless Chromium on 柳园街道's demo: canteen
status changes (fitting out needs its expected ready date), elder registration in the city
registry, weekly menu editing (published at once on the public page), the batch upload of a
day's meals (per-row rejection table, idempotent), and the public menu page picking from the
street's canteen list. axe-core: no serious or critical violation in normal and elder-friendly
mode; no CSP problem; nothing scrolls sideways at 390 px."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from canteen_kit import check_page, gid, liuyuan

from core.people.tables import Resident
from core.plugin import today_shanghai
from core.testing.console import PASSWORD, console_browser
from plugins.canteen.demo import seed_demo
from plugins.canteen.tables import Elder, Meal
from tenants.service import scope_for

PAGES = ("canteen/manage", "canteen/elders", "canteen/dishes", "canteen/upload")


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
        elder = next(e for e in await Elder.select().where(Elder.active == True).order_by(
            Elder.id) if int(e["id"]) not in fed)
        registered = [r["resident_id"] for r in await Elder.select(Elder.resident_id)]
        resident = await Resident.select(Resident.id, Resident.name).where(
            Resident.id.not_in(registered)).order_by(Resident.id).first()
    admin = await factory.account(node, "tenant_admin", password=PASSWORD, name="食堂管理员")
    return SimpleNamespace(node=node, admin=admin, settings=linli_env.settings, db=db,
                           elder=elder, resident=resident, today=today)


def _api(b: Any, world: SimpleNamespace, doc: str, variables: dict[str, Any]) -> Any:
    """What the server holds now, asked through its own GraphQL API as the street's admin (the
    test is synchronous: Playwright's sync API cannot share the database's event loop)."""
    import httpx

    out = httpx.post(f"{b.base}/graphql", json={"query": doc, "variables": variables},
                     headers={"Authorization": f"Bearer {world.admin.token}",
                              "X-Linli-Node": world.node.code}, timeout=30).json()
    assert "errors" not in out, out
    return out["data"]


@pytest.mark.browser
def test_secondary_screens_in_headless_chromium(world: SimpleNamespace) -> None:
    violations: dict[str, list[dict[str, Any]]] = {}
    with console_browser(world.settings) as b:
        p = b.login(world.admin.username)
        assert set(PAGES) <= set(b.nav_routes()), b.nav_routes()

        # -- status: 福乐居 (signed) → fitting out, refused without the expected ready date ---
        b.open("canteen/manage")
        b.wait_text("东关国际幸福食堂")
        b.wait_text("预计达到运营条件")       # 东关国际 is fitting out, its date shown
        row = ".ct-manage-row:has-text('福乐居幸福食堂')"
        assert p.query_selector(f"{row} button.ct-next-ready") is None   # not a step from signed
        p.click(f"{row} button.ct-next-fitting_out")
        p.wait_for_selector(".ct-status-dialog button.ct-save-status")
        p.click(".ct-status-dialog button.ct-save-status")
        b.wait_text("预计达到运营条件的日期", selector=".ct-status-dialog")
        expected = str(world.today + timedelta(days=60))
        p.fill("#ct-expected", expected)
        p.press("#ct-expected", "Enter")
        p.fill("#ct-note", "已进场装修")
        p.click(".ct-status-dialog button.ct-save-status")
        b.wait_text(f"预计达到运营条件 {expected}", selector=row)
        assert "已进场装修" in p.inner_text(row)
        check_page(b, "canteen-manage", p, violations)

        # -- registering an elder once for the whole city ---------------------------------------
        b.open("canteen/elders")
        p.fill("#ct-resident-name", str(world.resident["name"]))
        p.click("button.find-resident")
        p.wait_for_selector(".ct-residents button.resident")
        p.click(f".ct-residents button.resident:has-text('{world.resident['name']}') >> nth=0")
        p.wait_for_selector(".ct-register #ct-card")
        p.fill("#ct-card", "LY-CARD-9001")
        p.click(".ct-register button.register")
        p.wait_for_selector(".ct-registered li")
        assert "LY-CARD-9001" in p.inner_text(".ct-registered")
        check_page(b, "canteen-elders", p, violations)

        # -- editing this week's menu of the first operating canteen ----------------------------
        b.open("canteen/dishes")
        p.wait_for_selector(".ct-dish-row")
        dishes = len(p.query_selector_all(".ct-dish-row"))
        p.click("button.ct-add-dish")
        p.fill(".ct-dish-row >> nth=-1 >> .ct-dish-name input", "山药排骨")
        p.click("button.ct-publish")
        b.wait_text("已发布", selector="body")
        for _ in range(50):
            if len(p.query_selector_all(".ct-dish-row")) == dishes + 1:
                break
            p.wait_for_timeout(100)
        assert len(p.query_selector_all(".ct-dish-row")) == dishes + 1
        check_page(b, "canteen-dishes", p, violations)

        # -- a day's meals uploaded: one recorded, two rows rejected, then nothing new ---------
        b.open("canteen/upload")
        p.wait_for_selector("#ct-upload-canteen")
        b.wait_text("馨颐颐养中心幸福食堂")
        sheet = (f"卡号,日期,餐次,价格(分)\n{world.elder['card_token']},{world.today},午餐,1000\n"
                 f"NO-SUCH-CARD,{world.today},午餐,1000\n"
                 f"{world.elder['card_token']},{world.today},夜宵,1000\n").encode()
        upload = {"name": "day.csv", "mimeType": "text/csv", "buffer": sheet}
        p.set_input_files("#ct-meals-file", files=[upload])
        p.wait_for_selector(".ct-upload-summary")
        b.wait_text("新登记 1 餐", selector=".ct-upload-summary")
        assert len(p.query_selector_all(".ct-rejected tbody tr")) == 2
        assert [c.inner_text() for c in p.query_selector_all(
            ".ct-rejected tbody tr td:first-child")] == ["2", "3"]
        check_page(b, "canteen-upload", p, violations)
        p.set_input_files("#ct-meals-file", files=[upload])
        b.wait_text("已登记过未变化 1 餐", selector=".ct-upload-summary")
        assert "新登记 0 餐" in p.inner_text(".ct-upload-summary")

        # -- phone-sized: nothing scrolls sideways --------------------------------------------
        phone = b.new_page(width=390, height=844)
        b.login(world.admin.username, page=phone)
        for route in PAGES:
            b.open(route, phone)
            phone.wait_for_timeout(800)
            b.shot(route.replace("/", "-") + "-phone", phone)
            width = phone.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 390, f"{route} scrolls sideways at 390 px ({width})"

        # -- the public menu page: the street's canteens, no id needed -------------------------
        public = b.new_page(width=390, height=844)
        public.goto(f"{b.base}/console/public/{world.node.code}/canteen/menu")
        public.wait_for_selector(".ct-public-canteen")
        names = public.inner_text(".ct-public-canteens")
        assert "东关国际幸福食堂" in names and "装修中" in names, names
        b.wait_text("山药排骨", page=public)       # the first operating canteen, just edited
        public.click(".ct-public-canteen:has-text('水韵社区养老服务中心幸福食堂') button.ct-open-menu")
        b.wait_text("水韵社区养老服务中心幸福食堂 本周菜单", page=public)
        public.wait_for_selector(".ct-day")
        assert "/canteen/menu/" in public.url
        check_page(b, "canteen-public-canteens-phone", public, violations)
        assert not b.csp_problems(), b.problems

        # -- what the server now holds -----------------------------------------------------------
        held = _api(b, world, """query($card: String!) {
          canteenCanteens(first: 50) { nodes { name status expectedReadyOn } }
          canteenIdentifyElder(cardToken: $card) { id birthYear }
        }""", {"card": "LY-CARD-9001"})
        status = next(c for c in held["canteenCanteens"]["nodes"] if c["name"] == "福乐居幸福食堂")
        assert (status["status"], status["expectedReadyOn"]) == ("FITTING_OUT", expected)
        xinyi = _api(b, world, "{ canteenCanteens(first: 1) { nodes { id } } }", {})
        menu = _api(b, world, "query($id: ID!) { canteenMenu(canteenId: $id) { dish } }",
                    {"id": xinyi["canteenCanteens"]["nodes"][0]["id"]})
        assert "山药排骨" in [d["dish"] for d in menu["canteenMenu"]]
        meals = _api(b, world, """query($day: Date!) { canteenMeals(first: 100, servedOn: $day) {
          nodes { elderId source } } }""", {"day": str(world.today)})
        assert [m["source"] for m in meals["canteenMeals"]["nodes"]
                if m["elderId"] == gid("CanteenElder", int(world.elder["id"]))] == ["batch"]
    assert violations == {}, violations
