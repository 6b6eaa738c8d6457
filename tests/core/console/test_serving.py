"""The console is served by the API itself: the shell page under a strict CSP (the import map
allowed by its hash, no inline code, no eval, this origin only), every file gzip-compressed,
nothing outside the served folders; ``consolePages`` lists core's pages and those of the plugins
enabled for the acting node where the caller holds the permission; bad page declarations fail
naming the plugin."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import types
from pathlib import Path

import pytest

from core.console.pages import all_pages
from core.plugin import ConsolePage, Permission, PluginMeta, hookimpl
from core.registry import PluginError, Registry

PAGES = "query { consolePages { owner route title moduleUrl permission } }"


async def test_shell_page_and_its_policy(http):
    resp = await http.get("/console/residents", headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200 and resp.headers["content-encoding"] == "gzip"
    policy = resp.headers["content-security-policy"]
    assert "unsafe-eval" not in policy and "unsafe-inline" not in policy and "http" not in policy
    importmap = re.search(r'<script type="importmap">(.*?)</script>', resp.text).group(1)
    digest = base64.b64encode(hashlib.sha256(importmap.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy and "script-src 'self' 'sha256-" in policy
    assert "style-src 'self';" in policy and "connect-src 'self'" in policy
    assert not re.search(r"(src|href)=\"(https?:)?//", resp.text), "an external URL"
    assert len(re.findall(r"<script", resp.text)) == 2  # the import map and the shell module
    assert (await http.get("/console/")).text == resp.text
    assert (await http.get("/console/public/371502001001/building-heads/board")).text == resp.text


async def test_files_are_compressed_typed_and_fenced(http):
    page = (await http.get("/console/")).text
    hashed = re.search(r'"vue":"(/console/vendor/vue[^"]+\?v=[0-9a-f]{12})"', page).group(1)
    vue = await http.get(hashed, headers={"Accept-Encoding": "gzip"})
    assert vue.status_code == 200 and vue.headers["content-type"].startswith("text/javascript")
    assert vue.headers["content-encoding"] == "gzip" and "immutable" in vue.headers["cache-control"]
    # sent as the vendor step precompressed it (not compressed again at start-up)
    from core.console.vendor import VENDOR_DIR
    from core.console.web import _blob
    vue_file = VENDOR_DIR / "vue.runtime.esm-browser.prod.js"
    assert vue.content == vue_file.read_bytes()
    assert _blob(vue_file).gz == vue_file.with_name(vue_file.name + ".gz").read_bytes()
    # a version that is not the file's hash is not cached as immutable
    stale = await http.get("/console/vendor/vue.runtime.esm-browser.prod.js?v=1")
    assert stale.headers["cache-control"] == "no-cache"
    # the shell's own files are named by hash in the page, and cached for a year then
    for url in re.findall(r'(/console/static/(?:shell\.js|shell\.css|kit\.js)\?v=[0-9a-f]{12})',
                          page):
        assert "immutable" in (await http.get(url)).headers["cache-control"], url
    # everything the sign-in page imports is announced up front; Element Plus is not among it
    for name in ("vue.runtime", "kit.js", "htm.module.js"):
        assert re.search(rf'<link rel="modulepreload" href="[^"]*{re.escape(name)}', page), name
    assert "element-plus.mjs" not in page.split('<script type="importmap">')[0]
    assert not re.search(r'<link rel="(modulepreload|stylesheet)" href="[^"]*element-plus', page)
    raw = await http.get("/console/static/kit.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers and b"export function query" in raw.content
    etag = raw.headers["etag"]
    assert (await http.get("/console/static/kit.js",
                           headers={"If-None-Match": etag})).status_code == 304
    doc = await http.get("/console/ops/console/session.graphql")
    assert doc.status_code == 200 and "mutation ConsoleLogin" in doc.text
    page = await http.get("/console/plugins/building_heads/visits.js")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/javascript")
    for bad in ("/console/static/../web.py", "/console/static/%2e%2e/web.py",
                "/console/vendor/../vendor.py", "/console/plugins/building_heads/../hooks.py",
                "/console/plugins/building_heads/hooks.py", "/console/plugins/nope/x.js",
                "/console/ops/../schema.graphql", "/console/ops/console/session.txt",
                "/console/static/missing.js", "/console/favicon.ico"):
        assert (await http.get(bad)).status_code == 404, bad


def test_the_whole_first_page_is_small_compressed():
    """What the login page loads and then fetches while the form waits (shell, libraries,
    styles, the signed-in frame), gzip-compressed, < 1.5 MB."""
    from core.console.pages import STATIC
    from core.console.vendor import IMPORTS, VENDOR_DIR

    first = [VENDOR_DIR / IMPORTS[k] for k in ("vue", "element-plus", "element-plus/locale/zh-cn",
                                               "element-plus/locale/en", "@element-plus/icons-vue",
                                               "graphql-ws", "htm")]
    first += [VENDOR_DIR / "common-CGW11Fyb.js", VENDOR_DIR / "element-plus.css",
              STATIC / "kit.js", STATIC / "shell.js", STATIC / "shell.css", STATIC / "frame.js"]
    total = sum(len(gzip.compress(p.read_bytes(), 9)) for p in first)
    assert total < 1_500_000, total


async def test_pages_follow_enablement_and_permissions(gql, factory, enable_plugin):
    tenant = await factory.tenant()
    admin = await factory.account(tenant, "tenant_admin")
    worker = await factory.account(tenant, "grid_worker")
    await enable_plugin(tenant, "building_heads", False)
    out = await gql(PAGES, token=admin.token, node=tenant.code)
    routes = [p["route"] for p in out["data"]["consolePages"]]
    assert routes[0] == "home" and "residents" in routes and "audit" in routes
    assert not [r for r in routes if r.startswith("building-heads")]
    await enable_plugin(tenant, "building_heads")
    out = await gql(PAGES, token=admin.token, node=tenant.code)
    pages = {p["route"]: p for p in out["data"]["consolePages"]}
    assert pages["building-heads/visits"]["moduleUrl"] == \
        "/console/plugins/building_heads/visits.js"
    assert pages["building-heads/coverage"]["title"] == "楼长走访覆盖"
    assert "building-heads/public-board" not in pages  # public pages are listed apart
    seen = {p["route"] for p in (await gql(PAGES, token=worker.token, node=tenant.code))
            ["data"]["consolePages"]}
    assert "plugin-enablement" not in seen and "audit" not in seen  # no plugins.manage, no audit.read
    assert "building-heads/board" in seen and "building-heads/rota" not in seen
    public = await gql("query { consolePages(public: true) { route } }", node=tenant.code)
    assert [p["route"] for p in public["data"]["consolePages"]] == ["building-heads/public-board"]
    nobody = await gql(PAGES)
    assert nobody["errors"][0]["extensions"]["code"] in ("UNAUTHENTICATED", "INVALID_ARGUMENT")


def _plugin(tmp_path: Path, name: str, *pages: ConsolePage, files: tuple[str, ...] = ()
            ) -> types.ModuleType:
    package = tmp_path / name
    (package / "console").mkdir(parents=True)
    for f in files:
        (package / "console" / f).write_text("export default {};\n")
    module = types.ModuleType(f"{name}_hooks")
    module.__file__ = str(package / "hooks.py")

    @hookimpl
    def linli_plugin_meta() -> PluginMeta:
        return PluginMeta(name=name, title_zh="测试", title_en="Test", version="1.0",
                          permissions=(Permission(f"{name}.use", "用", "Use"),))

    @hookimpl
    def linli_console_pages() -> list[ConsolePage]:
        return list(pages)

    module.linli_plugin_meta = linli_plugin_meta  # type: ignore[attr-defined]
    module.linli_console_pages = linli_console_pages  # type: ignore[attr-defined]
    return module


@pytest.mark.parametrize(("page", "problem"), [
    (ConsolePage("other/x", "页", "Page", "x.js"), "must start with 'parcel-lockers'"),
    (ConsolePage("parcel-lockers/Bad", "页", "Page", "x.js"), "must start with"),
    (ConsolePage("parcel-lockers/x", "页", "Page", "missing.js"), "no module console/missing.js"),
    (ConsolePage("parcel-lockers/x", "页", "Page", "../x.js"), "module must be"),
    (ConsolePage("parcel-lockers/x", "页", "Page", "x.js", permission="nope.use"),
     "undeclared permission"),
    (ConsolePage("parcel-lockers/x", "", "Page", "x.js"), "a zh and an en title"),
])
def test_bad_declarations_fail_naming_the_plugin(tmp_path, page, problem):
    registry = Registry()
    registry.register(_plugin(tmp_path, "parcel_lockers", page, files=("x.js",)),
                      name="parcel_lockers")
    with pytest.raises(PluginError, match="parcel_lockers") as err:
        all_pages(registry)
    assert problem in str(err.value)


def test_core_routes_never_shadow_served_folders():
    from core.console.pages import CORE_PAGES, RESERVED

    assert not {p.route.split("/")[0] for p in CORE_PAGES} & RESERVED


def test_a_route_claimed_twice_fails(tmp_path):
    registry = Registry()
    page = ConsolePage("parcel-lockers/x", "页", "Page", "x.js", permission="parcel_lockers.use")
    registry.register(_plugin(tmp_path, "parcel_lockers", page, page, files=("x.js",)),
                      name="parcel_lockers")
    with pytest.raises(PluginError, match="already claimed"):
        all_pages(registry)
    ok = Registry()
    ok.register(_plugin(tmp_path / "b", "parcel_lockers", page, files=("x.js",)),
                name="parcel_lockers")
    entries = all_pages(ok)
    assert entries[-1].url == "/console/plugins/parcel_lockers/x.js"
