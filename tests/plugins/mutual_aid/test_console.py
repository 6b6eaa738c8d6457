"""The 红邻菜单 console pages in real headless Chromium (``core.testing.console``) on the demo:
each page renders, a keeper lends a tool from a box to a resident and sees the loan (then takes
it back), an order is accepted with the volunteer who serves it, a group dish is added and a session of it scheduled (then
listed with its places, its attendance opened on the menu page), a note is published from the moderation queue, the public board
opens without login and an answer given on the notes page arrives there live; axe-core reports no serious/critical violation in normal and elder-friendly mode, no CSP
problem; a 390-pixel screenshot of each page goes to ``var/screenshots/console``."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from core.demo.people import demo_rows
from core.people.excel import import_rows
from core.testing.console import PASSWORD, console_browser
from plugins.mutual_aid.tables import Loan, Note
from tenants.service import scope_for

PAGES = ("mutual-aid/boxes", "mutual-aid/menu", "mutual-aid/dishes", "mutual-aid/projects",
         "mutual-aid/notes")


@pytest.fixture
async def world(linli_env: Any, factory: Any, enable_plugin: Any) -> SimpleNamespace:
    """A street office with 40 residents in 御苑社区 and the 红邻菜单 demo at every stage."""
    state = linli_env.state
    node = await factory.tenant(name="红邻街道")
    rows = list(demo_rows(node.code, ("御苑社区",), {}, count=40, seed=node.id))
    report = await import_rows(state.db, node, ((i + 2, r) for i, r in enumerate(rows)), None,
                               pii_key=state.settings.pii_key)
    assert report.ok, report.errors[:3]
    await enable_plugin(node, "mutual_aid")
    async with state.db.scoped(scope_for(node), write=True):
        await state.registry.demo_data(node.id)
    async with state.db.scoped(scope_for(node)):
        open_loans = await Loan.count().where(Loan.returned_at.is_null())
        pending = await Note.count().where(Note.status == "pending")
    assert pending >= 1
    admin = await factory.account(node, "tenant_admin", password=PASSWORD, name="红邻管理员")
    return SimpleNamespace(node=node, admin=admin, resident=rows[0][0], open_loans=open_loans,
                           settings=linli_env.settings, state=state)


def _quiet(b: Any) -> None:
    """Wait until no message is showing (a fading message fails axe's contrast check)."""
    for _ in range(100):
        if not b.page.locator(".el-message").count():
            return
        b.page.wait_for_timeout(100)


def _loans(b: Any) -> int:
    return len(b.page.query_selector_all(".loans button.return"))


@pytest.mark.browser
def test_console_pages(world: SimpleNamespace) -> None:
    node, admin, resident = world.node, world.admin, world.resident
    with console_browser(world.settings) as b:
        b.login(admin.username)
        for route in PAGES:
            assert route in b.nav_routes(), b.nav_routes()
        # boxes: lend the first tool to a resident; the loan appears, then comes back
        b.open("mutual-aid/boxes")
        b.page.wait_for_selector(".items button.take")
        b.page.wait_for_timeout(300)
        before = _loans(b)
        assert before == min(world.open_loans, 100)
        assert b.axe() == []
        lend = b.page.locator(".items tr", has=b.page.locator("button.take:not([disabled])",
                                                              has_text="借出")).first
        name = lend.locator("td >> nth=0").inner_text().strip()
        lend.locator("button.take").click()               # a tool: the take opens a loan
        b.page.fill("#ma-take-name", resident[:1])
        b.page.click("button.find-resident")
        b.page.wait_for_selector("#ma-take-who")
        b.page.click("button.confirm-take")
        b.wait_text("已借出", selector="body")
        for _ in range(50):
            if _loans(b) == before + 1:
                break
            b.page.wait_for_timeout(100)
        assert _loans(b) == before + 1
        assert b.page.locator(".loans .loan-item", has_text=name).count() >= 1
        _quiet(b)
        b.page.click(".loans button.return >> nth=0")
        b.wait_text("已归还", selector="body")
        # the menu: orders at every step, the teams
        b.open("mutual-aid/menu")
        b.page.wait_for_selector(".orders .order-status")
        b.wait_text("服务队")
        _quiet(b)
        assert b.axe() == []
        accepts = len(b.page.query_selector_all(".orders button.accept"))
        assert accepts >= 1
        b.page.fill("#ma-vol-name", resident[:1])              # the volunteer who serves
        b.page.click("button.find-volunteer")
        b.page.wait_for_selector("#ma-vol")
        b.page.click(".orders button.accept >> nth=0")        # placed → accepted
        b.wait_text("已更新：已接单", selector="body")
        for _ in range(50):
            if len(b.page.query_selector_all(".orders button.accept")) == accepts - 1:
                break
            b.page.wait_for_timeout(100)
        assert len(b.page.query_selector_all(".orders button.accept")) == accepts - 1
        _quiet(b)
        # the menu's dishes and sessions: add a group dish, schedule a session of it
        b.open("mutual-aid/dishes")
        b.page.wait_for_selector(".dishes .dish-mode")
        b.page.wait_for_selector(".sessions .session-item")
        _quiet(b)
        assert b.axe() == []
        b.page.fill("#ma-dish-title", "周末书法课")
        b.page.fill("#ma-dish-capacity", "12")
        b.page.click("button.create-dish")
        b.wait_text("已上架：周末书法课", selector="body")
        b.wait_text("周末书法课", selector=".dishes")
        _quiet(b)
        b.page.fill("#ma-session-capacity", "12")
        b.page.click("button.create-session")      # the chosen dish: the one just added
        b.wait_text("已安排场次", selector="body")
        b.wait_text("报名 0/12，余 12", selector=".sessions")
        _quiet(b)
        # its attendance opens on the menu page (the session found through node(id:))
        b.page.locator(".sessions .session-item", has_text="周末书法课").locator(
            "button.attendance").click()
        b.page.wait_for_selector("#ma-menu-title")
        b.wait_text("报名 0/12，到场 0", selector="body")
        _quiet(b)
        # projects through their cycle
        b.open("mutual-aid/projects")
        b.wait_text("需求调查")
        b.page.wait_for_selector(".project")
        assert b.axe() == []
        # notes: publish the first pending one
        b.open("mutual-aid/notes")
        b.page.wait_for_selector(".notes button.publish")
        assert b.axe() == []
        b.page.click(".notes button.publish >> nth=0")
        b.wait_text("已公开", selector="body")
        _quiet(b)
        # phone-sized screenshots of every page, then axe again in elder-friendly mode
        phone = b.new_page(width=390)
        b.login(admin.username, page=phone)
        for route in PAGES:
            b.open(route, phone)
            if route == "mutual-aid/notes":           # the queue is empty now: show the answers
                phone.click("text=已公开")
                phone.wait_for_selector(".notes")
            phone.wait_for_timeout(800)
            b.shot(route.replace("/", "-"), phone)
        b.open("home")
        b.page.click(".elder-toggle .el-switch")
        b.page.wait_for_selector("html.elder")
        elder: dict[str, Any] = {}
        for route in PAGES:
            b.open(route)
            b.page.wait_for_timeout(800)
            found = b.axe()
            if found:
                elder[route] = found
        b.shot("mutual-aid-boxes-elder")
        assert elder == {}, elder
        b.page.click(".elder-toggle .el-switch")
        # the public live board, no login
        public = b.new_page(width=390)
        public.goto(f"{b.base}/console/public/{node.code}/mutual-aid/board")
        public.wait_for_selector("[data-page='mutual-aid/board']")
        b.wait_text("红邻菜单", page=public)
        b.wait_text("实时更新中", page=public)
        b.wait_text("楼道堆放杂物太多", page=public)
        assert b.axe(public) == []
        b.shot("mutual-aid-board", public)
        # an answer given on the notes page arrives on the open public board without reloading
        b.open("mutual-aid/notes")
        b.page.click("text=已公开")
        b.page.wait_for_selector(".notes button.answer")
        b.page.fill(".notes input[aria-label='答复内容'] >> nth=0", "已与广场舞队约定晚八点半前结束")
        b.page.click(".notes button.answer >> nth=0")
        b.wait_text("已与广场舞队约定晚八点半前结束", page=public)
        public.click(".elder-toggle .el-switch")
        public.wait_for_selector("html.elder")
        public.wait_for_timeout(300)
        assert b.axe(public) == []
        assert not b.csp_problems(), b.problems
