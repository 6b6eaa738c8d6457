"""GraphiQL works offline: its assets come from the package (pinned, hashed, with licences), the
page names no other origin and carries a strict CSP, and in headless Chromium with every host but
127.0.0.1 unresolvable the editor renders with no request leaving the server and no CSP
violation. Without Chromium (or Playwright) the browser test skips; under ``CI=true`` it fails."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from core.graphiql import CSP, PAGE, served_files
from core.graphiql.vendor import ASSET_DIR, ASSETS, MANIFEST, sha256_of
from core.testing.live import in_ci, live_server, require_tool

CHROMIUM = "/usr/bin/chromium"


def test_vendored_files_match_their_manifest() -> None:
    manifest = json.loads(MANIFEST.read_text())
    for asset in ASSETS:
        entry = manifest[asset.name]
        assert (entry["package"], entry["version"], entry["source"]) == \
            (asset.package, asset.version, asset.source)
    for name, entry in manifest.items():
        assert sha256_of(ASSET_DIR / name) == entry["sha256"], f"{name} differs from manifest"
    packages = {(a.package, a.version) for a in ASSETS}
    licences = {(e["package"], e["version"]) for n, e in manifest.items()
                if n.startswith("LICENSE.")}
    assert licences == packages, "every vendored package ships with its licence"
    assert {p.name for p in ASSET_DIR.iterdir()} == {*manifest, "manifest.json"}, \
        "a file under assets/ the manifest does not record"


async def test_page_names_no_other_origin_and_sets_a_strict_csp(http: Any) -> None:
    resp = await http.get("/graphql", headers={"Accept": "text/html"})
    assert resp.status_code == 200 and resp.text == PAGE
    assert resp.headers["content-security-policy"] == CSP
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP and "http" not in CSP
    assert not re.search(r"(src|href)=\"(https?:)?//", resp.text), "an external URL"
    refs = re.findall(r"(?:src|href)=\"/graphiql/([^\"]+)\"", resp.text)
    assert len(refs) == 8 and not re.search(r"<(script|style)>", resp.text)  # nothing inline
    for name in refs:
        asset = await http.get(f"/graphiql/{name}")
        assert asset.status_code == 200, name
        assert asset.content == served_files()[name].read_bytes()
        assert asset.headers["content-type"].startswith(
            "text/javascript" if name.endswith(".js") else "text/css")
    assert (await http.get("/graphiql/..%2Fapp.py")).status_code == 404
    assert (await http.get("/graphiql/vendor.py")).status_code == 404


def _playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        message = "playwright 未安装，跳过 / Playwright for Python is not installed"
        if in_ci():
            pytest.fail(message + " (CI=true: a failure)")
        pytest.skip(message)
    return sync_playwright


@pytest.mark.browser
def test_graphiql_renders_offline_in_headless_chromium(linli_env: Any) -> None:
    chromium = require_tool(CHROMIUM, "the offline GraphiQL check runs in Debian's chromium "
                                      "(apt-get install chromium fonts-noto-cjk)")
    sync_playwright = _playwright()
    with live_server(linli_env.settings) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-sync",
            "--no-first-run", "--disable-component-update",
            # the network is "blocked": no host but the server's resolves
            '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'])
        try:
            page = browser.new_page()
            requests: list[str] = []
            problems: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: problems.append(m.text)
                    if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"{base}/graphql?q=%7B%20linliProbe%3A%20__typename%20%7D", wait_until="load")
            # the editor is there (not "Loading…"): CodeMirror editors and the run button
            page.wait_for_selector(".graphiql-query-editor .CodeMirror", timeout=30_000)
            page.wait_for_selector(".graphiql-execute-button", timeout=10_000)
            assert "Loading" not in page.inner_text("#graphiql")
            # it works: a query typed in the editor runs against this server
            page.click(".graphiql-execute-button")
            page.wait_for_selector(".graphiql-response .CodeMirror-code", timeout=10_000)
            for _ in range(100):  # polled from Python: a string predicate would need eval
                if "Query" in page.inner_text(".graphiql-response"):
                    break
                page.wait_for_timeout(100)
            assert '"linliProbe": "Query"' in page.inner_text(".graphiql-response")
        finally:
            browser.close()
    outside = [u for u in requests if not u.startswith(("http://127.0.0.1:", "ws://127.0.0.1:",
                                                         "data:"))]
    assert not outside, f"requests left the server: {outside}"
    assert any(u.endswith("/graphiql/graphiql.min.js") for u in requests)
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], \
        problems
