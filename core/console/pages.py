"""The console's pages: core's own and those plugins declare with ``linli_console_pages``.

:func:`all_pages` checks every declaration once, when the app is built: a route outside the
owner's prefix or claimed twice, a module missing from the plugin's ``console/`` folder, an
unknown permission — each fails naming the plugin, like a clashing GraphQL name does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from core.declarations import ConsolePage
from core.identity.roles import CORE_PERMISSIONS
from core.registry import PluginError, Registry

__all__ = ["CORE_PAGES", "STATIC", "PageEntry", "all_pages"]

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
"""The shell and core's own pages, served at ``/console/static/``."""

RESERVED = frozenset({"static", "vendor", "plugins", "ops", "public"})
"""First segments of ``/console/…`` that serve files or public pages, never a page route."""
ROUTE = re.compile(r"^[a-z0-9]+(?:[-/][a-z0-9]+)*$")
MODULE = re.compile(r"^[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*\.m?js$")

CORE_PAGES: tuple[ConsolePage, ...] = (
    ConsolePage("home", "首页", "Home", "pages/home.js", icon="HomeFilled", order=0),
    ConsolePage("tenants", "单位树", "Tenant tree", "pages/tenants.js",
                permission="tenant.read", icon="OfficeBuilding", order=10),
    ConsolePage("places", "社区与楼栋", "Places", "pages/places.js",
                permission="people.read", icon="Location", order=20),
    ConsolePage("residents", "居民", "Residents", "pages/residents.js",
                permission="people.read", icon="User", order=30),
    ConsolePage("import", "导入导出", "Import and export", "pages/import.js",
                permission="people.import", icon="Upload", order=40),
    ConsolePage("accounts", "账号与成员", "Accounts", "pages/accounts.js",
                permission="identity.manage", icon="Avatar", order=50),
    ConsolePage("plugin-enablement", "插件启用", "Plugins", "pages/plugins.js",
                permission="plugins.manage", icon="Grid", order=60),
    ConsolePage("rules", "规则", "Rules", "pages/rules.js",
                permission="tenant.read", icon="Setting", order=70),
    ConsolePage("audit", "审计记录", "Audit trail", "pages/audit.js",
                permission="audit.read", icon="Document", order=80),
    ConsolePage("notifications", "通知", "Notifications", "pages/notifications.js",
                icon="Bell", order=90),
)


@dataclass(frozen=True)
class PageEntry:
    """A checked page and where its module is served."""

    owner: str
    """``core`` or the plugin's name."""
    page: ConsolePage
    url: str
    """The module's URL (``/console/static/pages/home.js``, ``/console/plugins/p/x.js``)."""


def _prefix(owner: str) -> str:
    return owner.replace("_", "-")


def all_pages(registry: Registry | None) -> list[PageEntry]:
    """Every page, core's first, each plugin's by ``order`` then route; checked."""
    entries = [PageEntry("core", p, f"/console/static/{p.module}") for p in CORE_PAGES]
    if registry is None:
        return entries
    known = {"core"} | set(registry.names)
    permissions = {p.code for _, p in registry.permissions()}
    permissions |= {p.code for p in CORE_PERMISSIONS}
    routes = {e.page.route: "core" for e in entries}
    for owner, page in registry.console_pages():
        def fail(why_zh: str, why_en: str, owner: str = owner, page: ConsolePage = page) -> None:
            raise PluginError(f"插件 {owner} 的控制台页面 {page.route!r}：{why_zh} / plugin "
                              f"{owner}: console page {page.route!r}: {why_en}")

        if not isinstance(page, ConsolePage):
            fail("不是 ConsolePage", "not a core.plugin.ConsolePage")
        if owner not in known:
            fail("未知插件", "unknown plugin")
        prefix = _prefix(owner)
        if not ROUTE.match(page.route) or not (page.route == prefix
                                               or page.route.startswith(prefix + "/")):
            fail(f"路径须以 {prefix} 开头，仅含小写字母、数字、-、/",
                 f"the route must start with {prefix!r} and use a-z, 0-9, '-', '/'")
        if page.route.split("/")[0] in RESERVED:
            fail(f"路径不能以 {page.route.split('/')[0]} 开头（保留）", "the route starts with a "
                 "reserved word (static, vendor, plugins, ops, public)")
        if page.route in routes:
            fail(f"路径已被 {routes[page.route]} 使用", f"route already claimed by "
                 f"{routes[page.route]}")
        if not MODULE.match(page.module):
            fail("模块须为 console/ 下的 .js 路径", "module must be a .js path inside console/")
        folder = registry.plugin_dir(owner)
        if folder is None or not (folder / "console" / page.module).is_file():
            fail(f"找不到模块 console/{page.module}", f"no module console/{page.module} in the "
                 f"plugin package")
        if page.permission is not None and page.permission not in permissions:
            fail(f"未声明的权限 {page.permission}", f"undeclared permission {page.permission}")
        if not page.title_zh.strip() or not page.title_en.strip():
            fail("缺少中文或英文标题", "a zh and an en title are required")
        routes[page.route] = owner
        entries.append(PageEntry(owner, page, f"/console/plugins/{owner}/{page.module}"))
    return entries
