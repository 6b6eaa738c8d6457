"""Browser tests of the console (``/console/``) in real headless Chromium (Debian's ``chromium``
driven by Playwright for Python; never ``playwright install``).

``console_browser(settings)`` serves the test database with ``linli serve`` (``live_server``) and
yields a :class:`ConsoleBrowser`: sign in through the login page, switch node, open a route,
wait for text, check accessibility with the vendored axe-core (serious and critical violations
are failures), save screenshots. Without Chromium or Playwright the test skips with a clear
message; under ``CI=true`` it fails. Every host but 127.0.0.1 is unresolvable: a request that
would leave the server fails. Screenshots go to ``$LINLI_SCREENSHOTS`` (default
``var/screenshots/console``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from core.testing.live import in_ci, live_server, require_tool

__all__ = ["CHROMIUM", "ConsoleBrowser", "console_browser", "screenshot_dir"]

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "console-test-password-1"
"""The password the console tests give their accounts (``factory.account(password=…)``)."""


def screenshot_dir() -> Path:
    root = Path(__file__).resolve().parents[2]
    folder = Path(os.environ.get("LINLI_SCREENSHOTS", root / "var" / "screenshots" / "console"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        message = "playwright 未安装，跳过 / Playwright for Python is not installed"
        if in_ci():
            pytest.fail(message + " (CI=true: a failure)")
        pytest.skip(message)
    return sync_playwright


class ConsoleBrowser:
    """One browser (several pages possible) on a live server at ``base``."""

    def __init__(self, base: str, browser: Any) -> None:
        self.base = base
        self.browser = browser
        self.problems: list[str] = []
        self.requests: list[str] = []
        self.page = self.new_page()

    def new_page(self, width: int = 1280, height: int = 860) -> Any:
        """A fresh page (its own storage: another user) at ``width`` × ``height``."""
        context = self.browser.new_context(viewport={"width": width, "height": height},
                                           locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.problems.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))
        return page

    # -- moving around ---------------------------------------------------------------------
    def login(self, username: str, password: str = PASSWORD, page: Any = None) -> Any:
        page = page or self.page
        page.goto(f"{self.base}/console/")
        page.wait_for_selector("#login-name")
        page.fill("#login-name", username)
        page.fill("#login-password", password)
        page.click("button[type=submit]")
        page.wait_for_selector(".frame[data-pages-of]:not([data-pages-of=''])")
        return page

    def open(self, route: str, page: Any = None) -> Any:
        """Go to ``/console/<route>`` inside the app (no reload) and wait for the page."""
        page = page or self.page
        page.evaluate("r => { history.pushState({}, '', '/console/' + r); "
                      "dispatchEvent(new PopStateEvent('popstate')); }", route)
        page.wait_for_selector(f"[data-page='{route.split('?')[0]}']")
        return page

    def switch_node(self, name: str, page: Any = None) -> None:
        page = page or self.page
        page.click(".node-switch")
        page.click(f".el-select-dropdown__item:has-text('{name}'):visible")
        page.wait_for_selector(f".frame[data-pages-of='{name}']")  # its navigation loaded

    def nav_routes(self, page: Any = None) -> list[str]:
        page = page or self.page
        return [str(e.get_attribute("data-route"))
                for e in page.query_selector_all(".side .nav [data-route]")]

    def wait_text(self, text: str, page: Any = None, timeout: float = 20.0,
                  selector: str = "#main") -> None:
        """Wait (polled from Python: a string predicate would need eval under the CSP)."""
        page = page or self.page
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in page.inner_text(selector):
                return
            page.wait_for_timeout(100)
        raise AssertionError(f"{text!r} did not appear in {selector}: "
                             f"{page.inner_text(selector)[:500]!r}")

    # -- checks ------------------------------------------------------------------------------
    def axe(self, page: Any = None) -> list[dict[str, Any]]:
        """axe-core's serious and critical violations on the page as it is now — with every
        running CSS transition and animation finished first (Element Plus fades a tag's colours
        in over 0.3 s; axe would otherwise judge the contrast of a colour half-way)."""
        page = page or self.page
        page.evaluate("() => document.getAnimations().forEach(a => { try { a.finish(); } "
                      "catch (e) { /* an infinite animation cannot finish: left running */ } })")
        # from this origin (the CSP allows 'self'), the vendored file the manifest pins
        page.add_script_tag(url=f"{self.base}/console/vendor/axe.min.js")
        result = page.evaluate("async () => (await axe.run(document, {resultTypes: "
                               "['violations']})).violations.map(v => ({id: v.id, impact: "
                               "v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map("
                               "n => n.html)}))")
        return [v for v in result if v["impact"] in ("serious", "critical")]

    def shot(self, name: str, page: Any = None) -> Path:
        path = screenshot_dir() / f"{name}.png"
        (page or self.page).screenshot(path=str(path), full_page=True)
        return path

    def csp_problems(self) -> list[str]:
        return [p for p in self.problems if "Content Security Policy" in p or "Refused" in p]


@contextmanager
def console_browser(settings: Any, env: dict[str, str] | None = None) -> Iterator[ConsoleBrowser]:
    """A live server for ``settings`` and a headless Chromium on it (skips without Chromium)."""
    chromium = require_tool(CHROMIUM, "the console's browser tests run in Debian's chromium "
                                      "(apt-get install chromium fonts-noto-cjk)")
    sync_playwright = _playwright()
    with live_server(settings, env) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-sync",
            "--no-first-run", "--disable-component-update", "--disable-dev-shm-usage",
            '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'])
        try:
            yield ConsoleBrowser(base, browser)
        finally:
            browser.close()
