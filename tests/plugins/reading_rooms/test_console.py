"""The 城市书房 console pages in real headless Chromium, on the demo network (阳谷县): a resident
without login finds 红楼梦 on a phone (390 px) and sees where copies stand; a librarian at the
desk checks a lent copy in and is told where it goes next, opens a reader's card and lends a
copy; the staff catalogue renders. axe-core: no serious or critical violation on any page in
normal and elder-friendly mode; no CSP violation; screenshots in ``var/screenshots/console``."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from core.testing import id_number
from core.testing.console import PASSWORD, console_browser
from tenants.service import scope_for


@pytest.fixture
async def yanggu(linli_env: Any, factory: Any, enable_plugin: Any) -> SimpleNamespace:
    from plugins.reading_rooms.demo import seed_demo
    from plugins.reading_rooms.tables import Card, Copy, Loan, Room, Title

    county = await factory.region("county", name="阳谷县")
    tenants = [await factory.tenant(county, name="侨润街道"),
               await factory.tenant(county, kind="town", name="寿张镇"),
               await factory.tenant(county, kind="town", name="金斗营镇")]
    await enable_plugin(county, "reading_rooms")
    db = linli_env.state.db
    async with db.scoped(scope_for(tenants[0]), write=True):
        await seed_demo(tenants[0].id)
    async with db.scoped(scope_for(county)):
        rooms = {r["name"]: int(r["id"]) for r in await Room.select()}
        here = rooms["不二城市书房"]
        late = {int(r["card_id"]) for r in await Loan.select(Loan.card_id).where(
            (Loan.status == "open") & (Loan.due_on < date.today()))}
        card = next(c for c in await Card.select().where(Card.reader_type == "adult").order_by(
            Card.id, ascending=False) if int(c["id"]) not in late)
        shelf, spare = await Copy.select(Copy.barcode, Copy.title_id).where(
            (Copy.current_room_id == here) & (Copy.status == "available")).order_by(
            Copy.id, ascending=False).limit(2)
        book = await Title.select(Title.title).where(Title.id == shelf["title_id"]).first()
        lent = await Loan.select(Loan.copy_id).where(Loan.status == "open").order_by(
            Loan.id).first()
        lent_copy = await Copy.select(Copy.barcode).where(Copy.id == lent["copy_id"]).first()
    librarian = await factory.account(county, "tenant_admin", password=PASSWORD, name="王书香")
    reader = await factory.account(tenants[0], "resident", password=PASSWORD, name="读者本人")
    newcomer = await factory.account(tenants[1], "resident", password=PASSWORD, name="新读者")
    async with db.scoped(scope_for(county), write=True):
        await Card.update({Card.account_id: reader.id}).where(Card.id == card["id"])
    return SimpleNamespace(county=county, tenants=tenants, settings=linli_env.settings,
                           librarian=librarian, reader=reader, card=card["card_number"],
                           newcomer=newcomer, newcomer_id=id_number(date(1990, 3, 8)),
                           shelf=shelf["barcode"], book=book["title"],
                           spare=spare["barcode"], lent=lent_copy["barcode"], db=db)


@pytest.mark.browser
def test_reading_room_pages_in_headless_chromium(yanggu: SimpleNamespace) -> None:
    violations: dict[str, list[dict[str, Any]]] = {}
    with console_browser(yanggu.settings) as b:

        def check(name: str, p: Any) -> None:
            for _ in range(80):  # toasts fade out (axe would measure them mid-fade)
                if not p.query_selector(".el-message"):
                    break
                p.wait_for_timeout(100)
            p.wait_for_timeout(400)
            b.shot(name, p)
            if found := b.axe(p):
                violations[name] = found
            p.click(".elder-toggle .el-switch")
            p.wait_for_timeout(300)
            b.shot(f"{name}-elder", p)
            if found := b.axe(p):
                violations[f"{name}-elder"] = found
            p.click(".elder-toggle .el-switch")

        # -- a resident, no login, on a phone: find a book ----------------------------------
        phone = b.new_page(width=390, height=844)
        phone.goto(f"{b.base}/console/public/{yanggu.tenants[0].code}/reading-rooms/find-a-book")
        phone.wait_for_selector("#rr-words")
        phone.fill("#rr-words", "红楼")
        phone.click("button.search")
        b.wait_text("红楼梦", page=phone)
        phone.fill("#rr-words", yanggu.book)
        phone.click("button.search")
        b.wait_text("不二城市书房", page=phone)
        where = phone.inner_text(".rr-titles")
        assert yanggu.book in where and "在架" in where, where
        width = phone.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways at 390 px ({width})"
        check("reading-rooms-find-a-book-phone", phone)

        # -- the librarian at the desk, on a phone ------------------------------------------
        desk = b.new_page(width=390, height=844)
        b.login(yanggu.librarian.username, page=desk)
        routes = b.nav_routes(desk)
        assert {"reading-rooms/desk", "reading-rooms/catalogue"} <= set(routes), routes
        b.open("reading-rooms/desk", page=desk)
        desk.click(".el-select:has(#rr-room) .el-select__wrapper")
        desk.click(".room-option:has-text('不二城市书房'):visible")
        desk.wait_for_timeout(300)
        # check-in: the page says where the copy goes next
        desk.fill("#rr-in-barcode", yanggu.lent)
        desk.click("button.checkin")
        desk.wait_for_selector(".rr-checkin")
        told = desk.inner_text(".rr-checkin")
        assert yanggu.lent in told and desk.inner_text(".rr-instruction").strip(), told
        action = desk.inner_text(".rr-action")
        assert any(w in action for w in ("上架", "预约架", "在途")), action
        b.shot("reading-rooms-desk-checkin-phone", desk)
        # the reader's card, then lend a copy from this room's shelf
        desk.fill("#rr-card", yanggu.card)
        desk.click("button.patron")
        desk.wait_for_selector(".rr-patron")
        assert yanggu.card in desk.inner_text(".rr-patron")
        desk.fill("#rr-out-barcode", yanggu.shelf)
        desk.click("button.checkout")
        desk.wait_for_selector(".el-message--success, .desk-error")
        assert not desk.query_selector(".desk-error"), desk.inner_text(".desk-error")
        b.wait_text(yanggu.shelf, page=desk, selector=".rr-loans")
        width = desk.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the desk scrolls sideways at 390 px ({width})"
        check("reading-rooms-desk-phone", desk)
        # a refusal is shown, not thrown: the same copy cannot be lent twice
        desk.fill("#rr-out-barcode", yanggu.shelf)
        desk.click("button.checkout")
        desk.wait_for_selector(".desk-error")

        # -- the staff catalogue -------------------------------------------------------------
        b.open("reading-rooms/catalogue", page=desk)
        desk.fill("#rr-words", "红楼")
        desk.click("button.search")
        b.wait_text("红楼梦", page=desk)
        check("reading-rooms-catalogue-phone", desk)

        # -- holds and transfers ---------------------------------------------------------------
        b.open("reading-rooms/holds", page=desk)
        desk.wait_for_selector(".rr-transfers .el-table__row")       # the demo's batch
        sent = len(desk.query_selector_all(".rr-transfers .el-table__row"))
        desk.fill("#hold-words", yanggu.book)
        desk.click("button.hold-find")
        desk.wait_for_selector("#hold-card")
        desk.click(".el-select:has(#hold-room) .el-select__wrapper")
        desk.click(".hold-room-option:has-text('寿张镇城市书房'):visible")
        desk.wait_for_timeout(300)
        desk.fill("#hold-card", yanggu.card)
        desk.click("button.place-hold")
        desk.wait_for_selector(".rr-placed li, .holds-error")
        assert not desk.query_selector(".holds-error"), desk.inner_text(".holds-error")
        assert yanggu.book in desk.inner_text(".rr-placed")
        desk.click("button.cancel-hold")
        desk.wait_for_selector(".hold-status[data-status=CANCELLED]")
        assert "已取消" in desk.inner_text(".rr-placed")
        desk.click(".el-select:has(#batch-from) .el-select__wrapper")
        desk.click(".batch-from-option:has-text('不二城市书房'):visible")
        desk.wait_for_timeout(300)
        desk.click(".el-select:has(#batch-to) .el-select__wrapper")
        desk.click(".batch-to-option:has-text('金斗营镇城市书房'):visible")
        desk.wait_for_timeout(300)
        desk.fill("#batch-barcodes", yanggu.spare)
        desk.click("button.send-batch")
        desk.wait_for_selector(".el-message--success, .holds-error")
        assert not desk.query_selector(".holds-error"), desk.inner_text(".holds-error")
        deadline = 50
        while len(desk.query_selector_all(".rr-transfers .el-table__row")) != sent + 1:
            deadline -= 1
            assert deadline, "the new transfer is listed"
            desk.wait_for_timeout(100)
        with desk.expect_download() as got:
            desk.click("button.manifest >> nth=0")
        assert got.value.suggested_filename.endswith(".xlsx")
        check("reading-rooms-holds-phone", desk)
        # -- the reader's own card, on a phone --------------------------------------------------
        mine = b.new_page(width=390, height=844)
        b.login(yanggu.reader.username, page=mine)
        b.open("reading-rooms/my-card", page=mine)
        mine.wait_for_selector(".rr-card, .card-error")
        assert not mine.query_selector(".card-error"), mine.inner_text(".card-error")
        assert yanggu.card in mine.inner_text(".rr-card")
        assert yanggu.book in mine.inner_text(".rr-my-loans")        # lent at the desk above
        check("reading-rooms-my-card-phone", mine)

        # -- the reader books a quiet-study seat (tomorrow: the demo's seat A has 3 slots taken)
        b.open("reading-rooms/seats", page=mine)
        mine.wait_for_selector(".rr-seat-grid, .seats-error, .rr-seats .muted")
        mine.wait_for_selector(".rr-seat-grid")
        first_row = mine.query_selector(".rr-seat-grid tbody tr")
        assert len(first_row.query_selector_all(".slot-taken")) == 3, first_row.inner_text()
        free = len(mine.query_selector_all(".rr-seat-grid .slot-free"))
        mine.click(".rr-seat-grid tbody tr >> nth=1 >> .slot-free >> nth=0")
        mine.wait_for_selector(".rr-booked, .seats-error")
        assert not mine.query_selector(".seats-error"), mine.inner_text(".seats-error")
        b.wait_text("已约", page=mine, selector=".rr-seat-grid tbody tr >> nth=1")
        assert len(mine.query_selector_all(".rr-seat-grid .slot-free")) == free - 1
        # the same reader cannot take a second seat in that slot: refused, shown
        mine.click(".rr-seat-grid tbody tr >> nth=2 >> .slot-free >> nth=0")
        mine.wait_for_selector(".seats-error")
        assert "已预约" in mine.inner_text(".seats-error")
        width = mine.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390 + 1 or mine.query_selector(".rr-seat-grid"), width
        check("reading-rooms-seats-phone", mine)

        # -- the reader signs up for an activity ------------------------------------------------
        b.open("reading-rooms/activities", page=mine)
        mine.wait_for_selector(".rr-activity[data-title='品茶读书会']")
        assert not mine.query_selector(".rr-announce")          # readers do not announce
        mine.click(".rr-activity[data-title='品茶读书会'] button.sign-up")
        mine.wait_for_selector(".rr-activity[data-title='品茶读书会'] .signed, .activities-error")
        assert not mine.query_selector(".activities-error"), mine.inner_text(".activities-error")
        assert "3/20" in mine.inner_text(".rr-activity[data-title='品茶读书会'] .places")
        check("reading-rooms-activities-phone", mine)

        # -- a newcomer of 寿张镇 registers their own card ----------------------------------------
        fresh = b.new_page(width=390, height=844)
        b.login(yanggu.newcomer.username, page=fresh)
        b.open("reading-rooms/register", page=fresh)
        fresh.fill("#rr-name", "新读者")
        fresh.fill("#rr-id", "110105199001011234")                     # a wrong check digit
        fresh.click("button.register")
        fresh.wait_for_selector(".register-error")
        assert fresh.get_attribute(".register-error", "data-field") == "idNumber"
        fresh.fill("#rr-id", yanggu.newcomer_id)
        fresh.fill("#rr-phone", "13912345678")
        fresh.click("button.register")
        fresh.wait_for_selector(".rr-new-card, .register-error")
        assert not fresh.query_selector(".register-error"), fresh.inner_text(".register-error")
        assert "成人证" in fresh.inner_text(".rr-new-card")
        check("reading-rooms-register-phone", fresh)
        fresh.click("button.register")                                 # one card per person
        fresh.wait_for_selector(".register-error")
        assert "已有" in fresh.inner_text(".register-error")

        # -- central staff: the month's report, and an activity announced -------------------------
        staff = b.new_page()
        b.login(yanggu.librarian.username, page=staff)
        assert "reading-rooms/reports" in b.nav_routes(staff)
        b.open("reading-rooms/reports", page=staff)
        staff.wait_for_selector(".rr-report-rooms .el-table__row")
        report = staff.inner_text(".rr-report-rooms")
        assert "不二城市书房" in report and "22类齐全" in report, report
        assert int(staff.inner_text(".rr-active strong")) > 0
        check("reading-rooms-reports", staff)
        b.open("reading-rooms/activities", page=staff)
        staff.wait_for_selector(".rr-announce")
        staff.fill("#act-title", "周末读书沙龙")
        staff.fill("#act-starts", "2030-05-01T14:30")
        staff.click("button.announce")
        staff.wait_for_selector(".rr-activity[data-title='周末读书沙龙'], .activities-error")
        assert not staff.query_selector(".activities-error"), staff.inner_text(
            ".activities-error")
        check("reading-rooms-activities-staff", staff)
        assert not b.csp_problems(), b.csp_problems()
    assert not violations, "; ".join(f"{p}: {v['id']} ({v['impact']}) {v['nodes'][:1]}"
                                     for p, found in violations.items() for v in found)
