"""Elder-friendly mode (适老化) is more than big type: the shell and core's pages switch to simple
wording — no office jargon (审计, 脱敏, 插件, 授予) — in Chinese and in English, on the login page,
the signed-in console and the public pages, and keep it after a reload. Real headless Chromium
(see test_browser.py); axe-core: no serious or critical violation with the plain words either.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from core.testing.console import console_browser, screenshot_dir
from tests.core.console.test_browser import world  # noqa: F401

# what the navigation says for core's pages, usual → plain (zh)
PLAIN_NAV = {"tenants": ("单位树", "各级单位"), "import": ("导入导出", "用表格录入"),
             "accounts": ("账号与成员", "谁能登录"), "plugin-enablement": ("插件启用", "开通的功能"),
             "audit": ("审计记录", "谁做了什么"), "notifications": ("通知", "消息")}


def _nav(page: Any) -> dict[str, str]:
    return {str(e.get_attribute("data-route")): e.inner_text().strip()
            for e in page.query_selector_all(".side .nav [data-route]")}


def _elder(page: Any, on: bool) -> None:
    if page.evaluate("() => document.documentElement.classList.contains('elder')") != on:
        page.click(".elder-toggle .el-switch")
    page.wait_for_timeout(300)


@pytest.mark.browser
def test_elder_mode_speaks_plainly(world: SimpleNamespace) -> None:  # noqa: F811
    violations: dict[str, Any] = {}
    with console_browser(world.settings) as b:
        page = b.page

        def axe(name: str, p: Any = None) -> None:
            found = b.axe(p or page)
            if found:
                violations[name] = found

        # -- the login page ---------------------------------------------------------------
        page.goto(f"{b.base}/console/")
        page.wait_for_selector("#login-name")
        assert "社区工作台" in page.inner_text("#login-title")
        _elder(page, True)
        assert page.inner_text("#login-title").strip() == "邻里 · 社区办事"
        assert "用户名" in page.inner_text(".login-card")
        size = page.evaluate("() => getComputedStyle(document.documentElement).fontSize")
        assert size == "20px", size  # and large text
        b.shot("elder-login")
        axe("elder-login")
        _elder(page, False)

        # -- signed in: the navigation, the page titles, the reveal dialog --------------------
        b.login(world.admin.username)
        if page.inner_text(".node-switch").strip() != "甲街道":
            b.switch_node("甲街道")
        usual = _nav(page)
        for route, (before, _) in PLAIN_NAV.items():
            assert usual[route] == before, usual
        _elder(page, True)
        plain = _nav(page)
        for route, (_, after) in PLAIN_NAV.items():
            assert plain[route] == after, plain
        assert "退出登录" in page.inner_text("button.logout")
        b.open("audit")
        b.wait_text("谁做了什么", selector="#audit-title")
        page.wait_for_selector(".chain-state")
        chain = page.inner_text(".chain-state")
        assert "没有被改动过" in chain and "哈希链" not in chain, chain
        axe("elder-audit")
        b.open("residents")
        page.fill("#resident-search input", world.resident) if page.query_selector(
            "#resident-search input") else page.fill("#resident-search", world.resident)
        page.click("button.search")
        b.wait_text(world.resident)
        table = page.inner_text(".residents")
        assert "部分隐藏" in table and "脱敏" not in table, table[:300]
        page.click(".residents .el-table__body tr:first-child button.reveal")
        page.wait_for_selector("#reveal-reason")
        dialog = page.inner_text(".el-dialog")
        assert "会留下记录，请写明为什么要看" in dialog and "审计" not in dialog, dialog
        b.shot("elder-reveal")
        page.keyboard.press("Escape")
        b.open("plugin-enablement")
        page.wait_for_selector("[data-plugin=building_heads]")
        assert "开通的功能" in page.inner_text("#plugins-title")
        axe("elder-plugins")

        # -- in English the plain words are plain English ------------------------------------
        page.click(".toggles .lang")
        page.wait_for_timeout(300)
        english = _nav(page)
        assert english["audit"] == "Who did what" and english["accounts"] == "Who can sign in"
        assert "Log out" in page.inner_text("button.logout")
        page.click(".toggles .lang")

        # -- it is kept across a reload; switching off brings the usual words back ------------
        page.reload()
        page.wait_for_selector(".frame[data-pages-of='甲街道']")
        assert _nav(page)["audit"] == "谁做了什么"
        _elder(page, False)
        assert _nav(page)["audit"] == "审计记录"

        # -- the public pages offer the mode too, with the same plain words -----------------
        board = b.new_page(width=390, height=844)
        board.goto(f"{b.base}/console/public/{world.a.code}/")
        board.wait_for_selector(".public-top .elder-toggle")
        assert "社区公开栏" in board.inner_text(".public-top")
        _elder(board, True)
        assert "社区告示" in board.inner_text(".public-top")
        b.shot("elder-public", board)
        axe("elder-public", board)
        assert not b.csp_problems(), b.csp_problems()
    assert not violations, violations
    print(f"screenshots in {screenshot_dir()}")
