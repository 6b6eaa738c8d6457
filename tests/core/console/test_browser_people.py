"""The accounts page and the live unread count, in real headless Chromium (see test_browser.py).

An administrator finds an account by name, links it to the resident it belongs to (searching
residents, never typing an id) and makes it the grid worker of a grid picked from a list; the
grid-workers table and the API agree. Then that worker, signed in on a phone, watches the bell's
unread count go up without a reload when a matter is handed to them. axe-core: no serious or
critical violation on the accounts page (normal and elder-friendly mode).
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest

from core.testing.console import PASSWORD, console_browser
from tests.core.console.test_browser import _gql, world  # noqa: F401


def _unread(page: Any) -> int:
    label = page.get_attribute("button.bell", "aria-label") or ""
    found = re.search(r"(\d+)", label)
    return int(found.group(1)) if found else -1


@pytest.fixture
async def people(world: SimpleNamespace, factory: Any) -> SimpleNamespace:  # noqa: F811
    """The browser world plus 赵网格, a volunteer account of 甲 that can sign in."""
    world.worker = await factory.account(world.a, "volunteer", password=PASSWORD, name="赵网格")
    return world


@pytest.mark.browser
def test_accounts_page_and_live_unread_count(people: SimpleNamespace) -> None:
    world = people  # noqa: F811
    shots: list[str] = []
    with console_browser(world.settings) as b:
        page = b.page
        code = world.a.code
        token = world.admin.token
        first = _gql(b.base, world.neighbour.token, code,
                     "{ buildings(first: 1) { edges { node { id grid { id name community "
                     "{ name } } } } } }", {})
        building = first["data"]["buildings"]["edges"][0]["node"]
        grid = building["grid"]
        grid_label = f"{grid['community']['name']} {grid['name']}"

        b.login(world.admin.username)
        if page.inner_text(".node-switch").strip() != "甲街道":
            b.switch_node("甲街道")
        b.open("accounts")
        page.wait_for_selector(".accounts .el-table__row")
        page.fill("#account-search", "赵网格")
        page.wait_for_selector(".accounts[data-searched='赵网格']")  # answered by accounts(search:)
        assert len(page.query_selector_all(".accounts .el-table__row")) == 1
        # link the account to its resident: search residents by name, pick one
        page.click(".accounts .el-table__row button.link-resident")
        page.fill("#link-search", world.resident)
        page.click("button.link-find")
        page.wait_for_selector("button.pick-resident")
        page.click("button.pick-resident >> nth=0")
        page.wait_for_selector(".accounts .linked-resident")
        assert world.resident in page.inner_text(".accounts .linked-resident")
        # make it the grid worker of a grid picked from the list
        page.click(".el-select:has(#grant-account) .el-select__wrapper")
        page.click(".account-option:has-text('赵网格'):visible")
        page.wait_for_timeout(300)
        page.click(".el-select:has(#grant-kind) .el-select__wrapper")
        page.click(".kind-grid:visible")
        page.wait_for_timeout(300)
        page.click(".el-select:has(#grant-grid) .el-select__wrapper")
        page.click(f".grid-option:has-text('{grid_label}'):visible")
        page.wait_for_timeout(300)
        page.click("button.grant")
        page.wait_for_selector(".el-message--success")
        b.wait_text("赵网格", selector=".grid-workers")
        assert grid["name"] in page.inner_text(".grid-workers")
        page.fill("#account-search", "")
        page.wait_for_timeout(400)
        shots.append(str(b.shot("accounts-linked")))
        for elder in (False, True):
            if elder:
                page.click(".elder-toggle .el-switch")
                page.wait_for_timeout(300)
            found = b.axe(page)
            assert not found, found
        page.click(".elder-toggle .el-switch")

        listed = _gql(b.base, token, code, "{ accounts(first: 100) { edges { node { id "
                      "displayName residentId memberships { role placeKind placeId } } } } }", {})
        mine = [e["node"] for e in listed["data"]["accounts"]["edges"]
                if e["node"]["displayName"] == "赵网格"]
        assert mine and mine[0]["residentId"], mine
        assert {"role": "grid_worker", "placeKind": "grid", "placeId": grid["id"]} in \
            mine[0]["memberships"]

        # -- the worker, on a phone, sees the unread count rise without a reload -------------
        phone = b.new_page(width=390, height=844)
        b.login(world.worker.username, page=phone)
        assert phone.query_selector(".frame[data-pages-of='甲街道']")  # only a member of 甲
        phone.wait_for_timeout(1500)  # the inbox subscription is registered
        before = _unread(phone)
        assert before >= 0
        raised = _gql(b.base, world.neighbour.token, code,
                      "mutation($b: ID!) { buildingHeadRaiseMatter(input: {buildingId: $b, "
                      "title: \"电梯异响\"}) { __typename ... on BuildingHeadMatterChange "
                      "{ matter { id } } } }", {"b": building["id"]})
        matter = raised["data"]["buildingHeadRaiseMatter"]["matter"]["id"]
        handed = _gql(b.base, world.neighbour.token, code,
                      "mutation($m: ID!, $w: ID!) { buildingHeadHandOffMatter(input: {matterId: "
                      "$m, gridWorkerId: $w, note: \"请上门查看\"}) { __typename } }",
                      {"m": matter, "w": mine[0]["id"]})
        assert handed["data"]["buildingHeadHandOffMatter"]["__typename"] == \
            "BuildingHeadHandOffMatterPayload", handed
        url = phone.url
        for _ in range(100):
            if _unread(phone) == before + 1:
                break
            phone.wait_for_timeout(100)
        assert _unread(phone) == before + 1, phone.get_attribute("button.bell", "aria-label")
        assert phone.url == url
        shots.append(str(b.shot("unread-live-phone", phone)))
        assert not b.csp_problems(), b.csp_problems()
