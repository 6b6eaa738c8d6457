"""``linli demo``: seed the demo tenants (real places, invented residents) and print the logins.

Idempotent: places, residents and accounts that exist are left alone, so ``make run`` can be
run again on the same database.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import click

from core.app import build_state
from core.dbsetup import StaleDatabase, ensure_sqlite_schema
from core.demo.people import demo_rows
from core.demo.places import DEMO_COMPOUNDS, DEMO_TREE, DemoNode
from core.identity.passwords import hash_password_async
from core.identity.service import create_account, grant_membership
from core.identity.tables import Account
from core.people.excel import import_rows
from core.people.tables import Grid, Resident
from core.plugin.demo import take_demo_logins
from core.serve_cli import serve
from core.settings import get_settings
from tenants.plugins import change_plugin, fire_tenant_enabled
from tenants.service import create_node, get_node_by_code, scope_for

__all__ = ["DemoLogin", "register", "seed_demo"]

DEFAULT_COMMUNITY = "中心社区"
RESIDENTS_PER_TENANT = 200


@dataclass
class DemoLogin:
    username: str
    role_zh: str
    role_en: str
    node_code: str
    node_name: str


@dataclass
class DemoSummary:
    nodes_created: int = 0
    residents_imported: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


async def _seed_tree(summary: DemoSummary) -> dict[str, Any]:

    nodes: dict[str, Any] = {}

    async def walk(item: DemoNode, parent: Any) -> None:
        kind, code, name, _, children = item
        node = await get_node_by_code(code)
        if node is None:
            node = await create_node(kind, code, name, parent)
            summary.nodes_created += 1
        nodes[code] = node
        for child in children:
            await walk(child, node)

    for root in DEMO_TREE:
        await walk(root, None)
    return nodes


def _tenants(items: tuple[DemoNode, ...] = DEMO_TREE) -> list[DemoNode]:
    out: list[DemoNode] = []
    for item in items:
        if item[0] in ("street", "town", "township"):
            out.append(item)
        out += _tenants(item[4])
    return out


async def _seed_residents(state: Any, node: Any, item: DemoNode, count: int,
                          summary: DemoSummary, progress: bool) -> None:

    async with state.db.scoped(scope_for(node)):
        if await Resident.count() > 0:
            return
    communities = item[3] or (DEFAULT_COMMUNITY,)
    rows = demo_rows(node.code, communities, DEMO_COMPOUNDS, count=count, seed=node.id)
    report = await import_rows(state.db, node, ((i + 2, r) for i, r in enumerate(rows)), None,
                               pii_key=state.settings.pii_key, progress=False)
    if not report.ok:
        problems = "; ".join(f"row {e.row} {e.column}: {e.reason_en}" for e in report.errors[:5])
        raise click.ClickException(f"演示数据导入失败 / demo import failed: {problems}")
    summary.residents_imported += report.created


_LOGINS = (
    # username, role, node code, place, zh, en
    ("demo-operator", None, None, "部署运维员", "deployment operator"),
    ("demo-dongchangfu", "region_official", "371502000000", "东昌府区工作人员",
     "region official of 东昌府区"),
    ("demo-xinqu-admin", "tenant_admin", "371502001000", "新区街道管理员",
     "tenant administrator of 新区街道"),
    ("demo-xinqu-grid", "grid_worker", "371502001000", "新区街道网格员",
     "grid worker in 新区街道"),
    ("demo-liuyuan-admin", "tenant_admin", "371502002000", "柳园街道管理员",
     "tenant administrator of 柳园街道"),
    ("demo-liuyuan-grid", "grid_worker", "371502002000", "柳园街道网格员",
     "grid worker in 柳园街道"),
    ("demo-resident", "resident", "371502001000", "新区街道居民", "resident of 新区街道"),
)


async def _first_grid(state: Any, node: Any) -> int:

    async with state.db.scoped(scope_for(node)):
        row = await Grid.select(Grid.id).order_by(Grid.id).first()
    if row is None:
        raise click.ClickException(f"{node.name} 没有网格 / has no grid")
    return int(row["id"])


async def _first_resident(state: Any, node: Any) -> int:

    async with state.db.scoped(scope_for(node)):
        row = await Resident.select(Resident.id).order_by(Resident.id).first()
    return int(row["id"]) if row else 0


async def _seed_accounts(state: Any, nodes: dict[str, Any], summary: DemoSummary) -> None:

    password = state.settings.demo_password
    digest: str | None = None  # argon2id costs ~0.1 s a hash: hash the shared password once
    for username, role, code, zh, en in _LOGINS:
        node = nodes.get(code) if code else None
        summary.logins.append(DemoLogin(username, zh, en, code or "-",
                                        node.name if node else "-"))
        async with state.db.transaction():
            if await Account.exists().where(Account.username == username):
                continue
            digest = digest or await hash_password_async(password, state.settings)
            account_id = await create_account(username, password=password, display_name=zh,
                                              operator=role is None, settings=state.settings,
                                              password_hash=digest)
        if role is None or node is None:
            continue
        place_kind, place_id = (("grid", await _first_grid(state, node))
                                if role == "grid_worker" else (None, None))
        async with state.db.transaction():
            await grant_membership(account_id, node.id, role, place_kind, place_id,
                                   rolebook=state.rolebook)
            if role == "resident":
                resident_id = await _first_resident(state, node)
                await Account.update({Account.resident_id: resident_id,
                                      Account.resident_tenant_id: node.id}).where(
                    Account.id == account_id)


async def seed_demo(state: Any, *, residents: int = RESIDENTS_PER_TENANT,
                    progress: bool = True) -> DemoSummary:
    """Seed the demo tree, residents, accounts and every loaded plugin's demo data."""

    if state.settings.is_production:
        raise click.ClickException("生产环境不能写入演示数据 / no demo data in production")
    summary = DemoSummary()
    async with state.db.transaction():
        nodes = await _seed_tree(summary)
    tenants = _tenants()
    for i, item in enumerate(tenants, 1):
        if progress:
            click.echo(f"[{i}/{len(tenants)}] {item[2]}")
        await _seed_residents(state, nodes[item[1]], item, residents, summary, progress)
    await _seed_accounts(state, nodes, summary)
    for root in DEMO_TREE:
        for plugin in state.registry.names:
            async with state.db.transaction():
                newly = await change_plugin(nodes[root[1]], plugin, True)
            await fire_tenant_enabled(state.db, state.registry, plugin, newly)
    for item in tenants:
        node = nodes[item[1]]
        async with state.db.scoped(scope_for(node), write=True):
            await state.registry.demo_data(node.id)
    summary.logins += [DemoLogin(login.username, login.role_zh, login.role_en, login.node_code,
                                 login.node_name) for login in take_demo_logins()]
    return summary


def print_logins(summary: DemoSummary, password: str, url: str) -> None:
    click.echo("")
    click.echo(f"演示账号（统一密码 / shared password: {password}）:")
    for login in summary.logins:
        click.echo(f"  {login.username:<20} {login.role_zh} / {login.role_en}  "
                   f"X-Linli-Node: {login.node_code}")
    click.echo(f"\nGraphQL: {url}/graphql  (GraphiQL 在浏览器中打开 / open in a browser)")
    click.echo(f"控制台 / console: {url}/console/  (用上面的账号登录 / sign in with a login above)")


async def _run(residents: int) -> DemoSummary:

    state = build_state()
    await state.db.start()
    try:
        if state.settings.is_sqlite:
            await ensure_sqlite_schema(state.db, state.db.tables)
        return await seed_demo(state, residents=residents)
    finally:
        await state.db.stop()


def register(group: click.Group) -> None:
    @group.command("demo", help="写入演示数据并打印演示账号 / seed the demo data and print logins")
    @click.option("--serve", "serve_after", is_flag=True, help="然后启动服务 / then serve the API")
    @click.option("--residents", default=RESIDENTS_PER_TENANT, show_default=True,
                  help="每个街镇的居民数 / residents per demo tenant")
    def demo_cmd(serve_after: bool, residents: int) -> None:

        settings = get_settings()
        try:
            summary = asyncio.run(_run(residents))
        except StaleDatabase as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"节点新增 {summary.nodes_created}，居民新增 {summary.residents_imported} / "
                   f"{summary.nodes_created} nodes and {summary.residents_imported} residents added")
        print_logins(summary, settings.demo_password, f"http://{settings.host}:{settings.port}")
        if serve_after:

            serve()
