"""The 转交事项 console page (双向进入) in real headless Chromium: a head on a phone (390 px) sees
what a grid worker handed them (a matter and a task), answers the matter in one step, and the
grid worker's page shows the answer. axe-core: no serious or critical violation; no CSP
violation; screenshots in ``var/screenshots/console``."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from core.plugin import encode_global_id as gid
from core.testing.console import PASSWORD, console_browser

HAND = """mutation($input: BuildingHeadHandOffInput!) { buildingHeadHandOff(input: $input) {
  __typename } }"""
REQUEST = """mutation($input: BuildingHeadRequestDutyInput!) {
  buildingHeadRequestDuty(input: $input) { __typename } }"""
RAISE = """mutation($input: BuildingHeadRaiseMatterInput!) { buildingHeadRaiseMatter(input: $input) {
  ... on BuildingHeadRaiseMatterPayload { matter { id } } } }"""


@pytest.fixture
async def handed(world: Any, factory: Any, gql: Any, heads_kit: Any,
                 linli_env: Any) -> SimpleNamespace:
    b0 = world.buildings[0]
    head = await factory.account(world.node, None, password=PASSWORD, name="李楼长")
    resident = world.residents[world.households[b0.id][1].id][0]
    await heads_kit.make_head(world, linli_env.state.services.rules, b0, resident,
                              link_account_id=head.id)
    worker = await factory.account(world.node, "grid_worker", place_kind="grid",
                                   place_id=world.grids[0].id, password=PASSWORD,
                                   name="张网格员")
    node = world.node.code
    raised = await gql(RAISE, {"input": {"buildingId": gid("Building", b0.id),
                                         "title": "单元门禁损坏"}}, token=worker.token, node=node)
    matter = raised["data"]["buildingHeadRaiseMatter"]["matter"]["id"]
    out = await gql(HAND, {"input": {"matterId": matter, "to": "HEAD",
                                     "note": "网格巡查发现，请楼长牵头"}},
                    token=worker.token, node=node)
    assert out["data"]["buildingHeadHandOff"]["__typename"] == "BuildingHeadHandOffPayload"
    out = await gql(REQUEST, {"input": {"buildingId": gid("Building", b0.id),
                                        "kind": "INFO_COLLECTION", "summary": "核对新入住住户",
                                        "note": "本周内完成"}}, token=worker.token, node=node)
    assert out["data"]["buildingHeadRequestDuty"]["__typename"] == \
        "BuildingHeadRequestDutyPayload"
    return SimpleNamespace(settings=linli_env.settings, head=head, worker=worker)


@pytest.mark.browser
def test_the_handoffs_page_both_ways(handed: SimpleNamespace) -> None:
    violations: dict[str, list[dict[str, Any]]] = {}
    with console_browser(handed.settings) as b:
        def check(name: str, p: Any) -> None:
            for _ in range(80):  # toasts fade out (axe would measure them mid-fade)
                if not p.query_selector(".el-message"):
                    break
                p.wait_for_timeout(100)
            p.wait_for_timeout(400)
            b.shot(name, p)
            if found := b.axe(p):
                violations[name] = found

        phone = b.new_page(width=390, height=844)
        b.login(handed.head.username, page=phone)
        assert "building-heads/handoffs" in b.nav_routes(phone)
        b.open("building-heads/handoffs", page=phone)
        phone.wait_for_selector("li.handoff")
        items = phone.inner_text(".handoff-list")
        assert "单元门禁损坏" in items and "信息采集：核对新入住住户" in items, items
        assert "网格员 → 楼长" in items
        check("building-heads-handoffs-phone", phone)
        first = phone.query_selector("li.handoff:has-text('单元门禁损坏')")
        assert first is not None
        first.query_selector("textarea").fill("已列入本月楼栋议事")
        first.query_selector("button.answer-button").click()
        phone.wait_for_selector(".el-message--success")
        b.wait_text("答复：已列入本月楼栋议事", page=phone)
        width = phone.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways at 390 px ({width})"
        phone.click("label.by-me")
        b.wait_text("暂无转交事项", page=phone)

        desk = b.new_page()
        b.login(handed.worker.username, page=desk)
        b.open("building-heads/handoffs", page=desk)
        desk.click("label.by-me")
        b.wait_text("已列入本月楼栋议事", page=desk)
        check("building-heads-handoffs-by-me", desk)
        assert not b.csp_problems(), b.csp_problems()
    assert not violations, violations
