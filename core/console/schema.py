"""GraphQL of the console: ``consolePages``, the pages the shell lists for the caller.

Listed in ``core.schema.compose.CORE_CONTRIBUTORS``. Pages are declared by core
(``core.console.pages.CORE_PAGES``) and by plugins (``linli_console_pages``); a plugin's pages
appear only where it is enabled for the node, and a page with a permission only for a caller
whose grants at the acting node carry it. ``public: true`` lists the public pages of the node
named by ``X-Linli-Node`` for anyone, signed in or not.
"""

from __future__ import annotations

from typing import Any

import strawberry

from core.console.pages import PageEntry, all_pages
from core.language import choose
from core.people.tables import Community
from core.registry import Registry
from core.schema.budget import LIST_BOUND
from core.schema.context import Info
from core.schema.public import public_read
from core.schema.relay import encode_global_id

__all__ = ["query_fields", "types"]

_CACHE: dict[int, tuple[Registry, list[PageEntry]]] = {}


def pages_of(registry: Registry) -> list[PageEntry]:
    """The checked pages of ``registry`` (computed once per registry)."""
    hit = _CACHE.get(id(registry))
    if hit is None or hit[0] is not registry:
        hit = (registry, all_pages(registry))
        _CACHE[id(registry)] = hit
    return hit[1]


@strawberry.type(name="ConsolePage", description="控制台页面 / a page of the web console")
class ConsolePageType:
    owner: str = strawberry.field(description="core 或插件名 / core or the plugin's name")
    route: str = strawberry.field(description="/console/ 下的路径 / the path under /console/")
    title: str = strawberry.field(description="按 Accept-Language 的标题 / the title in the "
                                              "caller's language")
    title_zh: str
    title_en: str
    icon: str = strawberry.field(description="Element Plus 图标名 / an Element Plus icon name")
    module_url: str = strawberry.field(description="页面 ES 模块的地址 / the page module's URL")
    permission: str | None
    public: bool
    order: int


def _build(entry: PageEntry, english: bool) -> ConsolePageType:
    p = entry.page
    return ConsolePageType(owner=entry.owner, route=p.route,
                           title=p.title_en if english else p.title_zh, title_zh=p.title_zh,
                           title_en=p.title_en, icon=p.icon, module_url=entry.url,
                           permission=p.permission, public=p.public, order=p.order)


@strawberry.field(
    description="控制台可见页面：本节点启用的插件且本人有权限的页面；public 为真时列出 "
                "X-Linli-Node 所指社区的公开页面（无需登录）/ the console pages the caller may "
                "open at the acting node (plugins enabled there, permission held); with public: "
                "true, the public pages of the node named by X-Linli-Node, for anyone",
    metadata={LIST_BOUND: 60})
async def console_pages(info: Info, public: bool = False) -> list[ConsolePageType]:
    ctx = info.context
    entries = pages_of(ctx.state.registry)
    enabled = set(await ctx.enabled_plugins())
    english = choose('zh', 'en') == 'en'
    if public:
        chosen = [e for e in entries if e.page.public
                  and (e.owner == "core" or e.owner in enabled)]
    else:
        access = await ctx.access()
        chosen = [e for e in entries if not e.page.public
                  and (e.owner == "core" or e.owner in enabled)
                  and (e.page.permission is None or access.has(e.page.permission))]
    order = {"core": 0}
    chosen.sort(key=lambda e: (order.get(e.owner, 1), e.owner if e.owner != "core" else "",
                               e.page.order, e.page.route))
    return [_build(e, english) for e in chosen]


@strawberry.type(name="InstalledPlugin", description="已安装的插件 / a plugin installed here")
class InstalledPluginType:
    name: str
    title: str
    title_zh: str
    title_en: str
    version: str
    requires: list[str]


@strawberry.field(description="本部署安装的插件（不论是否启用；启用情况见 Tenant.enabledPlugins）/ "
                              "the plugins installed in this deployment (enabled or not)",
                  metadata={LIST_BOUND: 60})
async def installed_plugins(info: Info) -> list[InstalledPluginType]:
    ctx = info.context
    await ctx.access()  # signed in and acting somewhere
    english = choose("zh", "en") == "en"
    registry = ctx.state.registry
    return [InstalledPluginType(name=m.name, title=m.title_en if english else m.title_zh,
                                title_zh=m.title_zh, title_en=m.title_en, version=m.version,
                                requires=list(m.requires))
            for m in (registry.meta(n) for n in registry.names)]


@strawberry.type(name="PublicCommunity", description="公开页面上的社区 / a community as public "
                                                  "pages name it")
class PublicCommunityType:
    id: strawberry.ID
    code: str = strawberry.field(description="12位村级区划代码，公开页面地址中使用 / the 12-digit "
                                             "code public pages' addresses use")
    name: str


@strawberry.field(description="X-Linli-Node 所指街镇的社区（可匿名；公开页面按区划代码找社区）/ the "
                              "communities of the node named by X-Linli-Node, for anyone (public "
                              "pages find a community by its code)",
                  metadata={LIST_BOUND: 100})
async def public_communities(info: Info) -> list[PublicCommunityType]:

    async with public_read(info.context):
        rows = await Community.select(Community.id, Community.code, Community.name).order_by(
            Community.code).limit(100)
    return [PublicCommunityType(id=strawberry.ID(encode_global_id("Community", int(r["id"]))),
                                code=str(r["code"]), name=str(r["name"])) for r in rows]


def types() -> list[Any]:
    return [ConsolePageType, InstalledPluginType, PublicCommunityType]


def query_fields() -> list[Any]:
    return [console_pages, installed_plugins, public_communities]
