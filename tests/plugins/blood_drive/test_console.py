"""The 无偿献血 console pages in real headless Chromium (``core.testing.console``) on the demo:
each page renders (the campaign's progress with its chart, sessions and bookings, a donor's
pre-checks), site staff check a booked donor in and enter the result, health answers appear
only after a reveal with a reason; axe-core reports no serious/critical violation, no CSP
problem; a 390-pixel screenshot of each page goes to ``var/screenshots/console``."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from core.demo.people import demo_rows
from core.demo.places import DEMO_COMPOUNDS
from core.people.excel import import_rows
from core.testing.console import PASSWORD, console_browser
from tenants.service import scope_for

PAGES = ("blood-drive/campaigns", "blood-drive/sessions", "blood-drive/precheck")


@pytest.fixture
async def world(linli_env: Any, factory: Any, enable_plugin: Any) -> SimpleNamespace:
    """A city (the campaign's owner) with one street office of 120 residents and the demo."""
    state = linli_env.state
    city = await factory.region("city", name="聊城市")
    district = await factory.region("district", parent=city, name="东昌府区")
    node = await factory.tenant(district, name="新区街道")
    rows = demo_rows(node.code, ("社区甲",), DEMO_COMPOUNDS, count=120, seed=node.id)
    report = await import_rows(state.db, node, ((i + 2, r) for i, r in enumerate(rows)), None,
                               pii_key=state.settings.pii_key, progress=False)
    assert report.ok, report.errors[:3]
    await enable_plugin(city, "blood_drive")
    async with state.db.scoped(scope_for(node), write=True):
        await state.registry.demo_data(node.id)
    admin = await factory.account(node, "tenant_admin", password=PASSWORD, name="献血管理员")
    await factory.grant(admin, node, "blood_drive.site_staff")  # check-in and health answers
    return SimpleNamespace(node=node, admin=admin, settings=linli_env.settings)


def _choose_until(b: Any, wanted: str) -> None:
    """Step through the page's selector (sessions, donors) until ``wanted`` is on the page."""
    page = b.page
    for i in range(40):
        if page.locator(wanted).count():
            return
        page.click("section .toolbar .el-select")
        page.click(f".el-select-dropdown__item:visible >> nth={i + 1}")
        page.wait_for_timeout(500)
    raise AssertionError(f"nothing shows {wanted!r}")


def _quiet(b: Any) -> None:
    """Wait until no message is showing (a fading message fails axe's contrast check)."""
    for _ in range(100):
        if not b.page.locator(".el-message").count():
            return
        b.page.wait_for_timeout(100)


@pytest.mark.browser
def test_console_pages(world: SimpleNamespace) -> None:
    with console_browser(world.settings) as b:
        b.login(world.admin.username)
        for route in PAGES:
            assert route in b.nav_routes(), b.nav_routes()
        b.open("blood-drive/campaigns")
        b.wait_text("目标人数")
        b.page.wait_for_selector(".chart canvas")
        assert b.axe() == []
        # sessions: check a booked donor in, then enter the result
        b.open("blood-drive/sessions")
        b.page.wait_for_selector(".bookings .booking-status")
        assert b.axe() == []
        _choose_until(b, ".bookings button.check-in")
        booked = b.page.locator(".bookings .booking-status:has-text('已预约')").count()
        b.page.click(".bookings button.check-in >> nth=0")
        b.wait_text("已签到", selector="body")
        b.page.wait_for_timeout(600)  # the bookings are reloaded from the server
        assert b.page.locator(".bookings .booking-status:has-text('已预约')").count() == booked - 1
        b.page.click(".bookings button.enter-result >> nth=0")
        b.page.click(".result-dialog button.save-result")
        b.wait_text("结果已录入", selector="body")
        # book a free slot for a donor without an open booking in this campaign
        rows = b.page.locator(".bookings .booking-status").count()
        b.page.click(".book .book-slot")
        b.page.click(".bd-slot-pop .el-select-dropdown__item:not(.is-disabled) >> nth=0")
        for i in range(30):
            b.page.click(".book .book-donor")
            b.page.click(f".bd-donor-pop .el-select-dropdown__item >> nth={i}")
            b.page.click(".book button.book-button")
            b.page.wait_for_timeout(700)
            if b.page.locator(".el-message--success:has-text('已预约')").count():
                break
        else:
            raise AssertionError("no donor could be booked")
        b.page.wait_for_timeout(500)
        assert b.page.locator(".bookings .booking-status").count() == rows + 1
        _quiet(b)
        assert b.axe() == []
        # pre-check: the answers only after a reveal with a reason
        b.open("blood-drive/precheck")
        b.wait_text("健康回答")
        assert b.axe() == []
        assert "体重" not in b.page.inner_text("#main")
        _choose_until(b, "button.reveal")
        assert "体重" not in b.page.inner_text("#main")
        b.page.click("button.reveal >> nth=0")
        b.page.fill("#bd-reveal-reason", "采血前核对")
        b.page.click("button.confirm-reveal")
        b.wait_text("体重")
        b.page.wait_for_selector(".el-dialog", state="hidden")  # closed (a fading dialog fails contrast)
        _quiet(b)
        assert b.axe() == []
        phone = b.new_page(width=390)
        b.login(world.admin.username, page=phone)
        for route in PAGES:
            b.open(route, phone)
            phone.wait_for_timeout(1000)
            b.shot(route.replace("/", "-"), phone)
        assert not b.csp_problems(), b.problems


@pytest.fixture
async def station(world: SimpleNamespace, factory: Any, linli_env: Any) -> SimpleNamespace:
    """Blood-station staff of the street office (import) and one resident with a known 身份证号."""
    from datetime import date

    from core.people.residents import apply_resident, make_resident_data
    from core.plugin import get_household
    from core.testing import id_number

    number = id_number(date(1986, 7, 9), male=False)
    async with linli_env.state.db.scoped(scope_for(world.node), write=True):
        from core.people.tables import Household

        household = await Household.select(Household.id).first()
        rec, _ = await apply_resident(make_resident_data(
            name="赵导入", id_number=number, household=await get_household(int(household["id"])),
            relation="其他", tags=[]), linli_env.state.settings.pii_key)
    staff = await factory.account(world.node, "blood_drive.station_staff", password=PASSWORD,
                                  name="血站工作人员")
    return SimpleNamespace(staff=staff, number=number, resident=rec.id)


@pytest.mark.browser
def test_results_import_page(world: SimpleNamespace, station: SimpleNamespace,
                             tmp_path: Any) -> None:
    """Station staff upload a .csv on the import page: the good row is imported, the two bad
    rows are listed with row, field and reason; uploading again reports a duplicate."""
    path = tmp_path / "results.csv"
    path.write_text("血站记录号,身份证号,献血日期,结果,类型,献血量,治疗单位,暂缓原因\n"
                    f"WEB-1,{station.number},2024-03-01,已献血,全血,400,,\n"
                    "WEB-2,110101199001011234,2024-03-01,已献血,全血,200,,\n"
                    f"WEB-3,{station.number},not a date,已献血,全血,200,,\n", encoding="utf-8")
    with console_browser(world.settings) as b:
        b.login(station.staff.username)
        assert "blood-drive/import" in b.nav_routes(), b.nav_routes()
        b.open("blood-drive/import")
        b.wait_text("导入献血结果")
        b.page.wait_for_selector("#bd-import-session")
        assert b.axe() == []
        b.page.set_input_files("#bd-results-file", str(path))
        b.wait_text("已导入 1 条，重复 0 条，被拒 2 行", selector="body")
        rows = b.page.locator(".import-errors .el-table__body tr")
        assert rows.count() == 2
        text = b.page.inner_text(".import-errors")
        assert "idNumber" in text and "donatedOn" in text and "3" in text and "4" in text
        _quiet(b)
        assert b.axe() == []
        b.shot("blood-drive-import-report")
        b.page.set_input_files("#bd-results-file", str(path))
        b.wait_text("已导入 0 条，重复 1 条，被拒 2 行", selector="body")
        phone = b.new_page(width=390)
        b.login(station.staff.username, page=phone)
        b.open("blood-drive/import", phone)
        phone.wait_for_timeout(1000)
        b.shot("blood-drive-import", phone)
        assert not b.csp_problems(), b.problems
