"""``linli tenant create|list|tree|move|rename|delete`` and
``linli plugin list|enable|disable|new``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from core.audit.service import record
from core.cli_db import cli_database
from core.cli_errors import run_cli
from core.db import Database
from core.identity.tables import ApiKey, Membership
from core.plugin.scaffold import ScaffoldError, new_plugin
from core.registry import Registry, get_registry
from tenants.plugins import (
    PluginChange,
    enabled_at,
    fire_tenant_enabled,
    plugin_change,
    tenants_at_or_below,
)
from tenants.service import (
    NodeInfo,
    create_node,
    delete_empty_node,
    enabled_plugins,
    get_node,
    get_node_by_code,
    list_nodes,
    move_node,
    rename_node,
    scope_for,
)
from tenants.tables import NODE_KINDS

__all__ = ["register"]

T = TypeVar("T")


@asynccontextmanager
async def _database() -> AsyncIterator[tuple[Database, Registry]]:
    """The configured database with every table (``core.cli_db``) and the registry."""
    async with cli_database() as db:
        yield db, get_registry()


def _run(work: Callable[[Database, Registry], Awaitable[T]]) -> T:
    async def main() -> T:
        async with _database() as (db, registry):
            return await work(db, registry)

    return run_cli(main())


async def _node(code: str, option: str) -> NodeInfo:
    node = await get_node_by_code(code.strip())
    if node is None:
        raise click.ClickException(f"未找到区划代码 {code}（{option}）/ no node with code {code}"
                                   f" ({option})")
    return node


def _line(node: NodeInfo) -> str:
    return f"{node.code}  {node.kind:<8}  {node.name}"


# -- tenant ------------------------------------------------------------------
@click.group(help="区划树：地区与街镇 / the tenant tree: regions and tenants")
def tenant() -> None:
    pass


@tenant.command("create", help="新建节点 / create a node")
@click.option("--kind", required=True, type=click.Choice(NODE_KINDS), help="节点类型 / kind")
@click.option("--code", required=True, help="12位区划代码 / 12-digit administrative code")
@click.option("--name", required=True, help="名称 / name")
@click.option("--parent", "parent_code", default=None, help="上级的区划代码 / parent's code")
def tenant_create(kind: str, code: str, name: str, parent_code: str | None) -> None:
    async def work(db: Database, registry: Registry) -> NodeInfo:
        async with db.transaction():
            parent = await _node(parent_code, "--parent") if parent_code else None
            node = await create_node(kind, code, name, parent)
            async with db.scoped(scope_for(node), write=True):
                await record("tenants.create", account_id=None, object_type="Tenant",
                             object_id=node.id, summary={"kind": kind, "code": node.code,
                                                         "name": node.name, "via": "cli"})
            plugins = await enabled_plugins(node, registry.names)
        for plugin in plugins:
            await fire_tenant_enabled(db, registry, plugin, await tenants_at_or_below(node))
        return node

    node = _run(work)
    click.echo(f"已创建 / created: {_line(node)}")


@tenant.command("list", help="列出节点 / list nodes")
@click.option("--under", default=None, help="只列出此节点及其下级 / only this node and below")
def tenant_list(under: str | None) -> None:
    async def work(db: Database, registry: Registry) -> list[NodeInfo]:
        async with db.transaction(write=False):
            root = await _node(under, "--under") if under else None
            return await list_nodes(root)

    for node in _run(work):
        click.echo(_line(node))


@tenant.command("tree", help="以树形显示 / show as an indented tree")
@click.option("--under", default=None, help="从此节点开始 / start at this node")
def tenant_tree(under: str | None) -> None:
    async def work(db: Database, registry: Registry) -> list[NodeInfo]:
        async with db.transaction(write=False):
            root = await _node(under, "--under") if under else None
            return await list_nodes(root)

    nodes = _run(work)
    children: dict[int | None, list[NodeInfo]] = {}
    ids = {n.id for n in nodes}
    for n in nodes:
        children.setdefault(n.parent_id if n.parent_id in ids else None, []).append(n)

    def show(parent: int | None, level: int) -> None:
        for n in sorted(children.get(parent, []), key=lambda x: x.code):
            click.echo("  " * level + _line(n))
            show(n.id, level + 1)

    show(None, 0)


@tenant.command("move", help="调整上级（记入审计）/ re-parent a node (audited)")
@click.argument("code")
@click.option("--parent", "parent_code", required=True, help="新的上级 / the new parent's code")
def tenant_move(code: str, parent_code: str) -> None:
    async def work(db: Database, registry: Registry) -> tuple[NodeInfo, dict[str, list[Any]]]:
        async with db.transaction():
            node = await _node(code, "CODE")
            new_parent = await _node(parent_code, "--parent")
            old_parent_id = node.parent_id
            subtree = await tenants_at_or_below(node)
            before = {p: await enabled_at(subtree, p) for p in registry.names}
            moved = await move_node(node, new_parent)
            async with db.scoped(scope_for(moved), write=True):
                await record("tenants.move", account_id=None, object_type="Tenant",
                             object_id=node.id,
                             summary={"code": node.code, "via": "cli",
                                      "before": {"parent_id": old_parent_id, "path": node.path},
                                      "after": {"parent_id": new_parent.id,
                                                "parent_code": new_parent.code,
                                                "path": moved.path}})
            after = {p: await enabled_at(subtree, p) for p in registry.names}
        newly = {p: [t for t in subtree if after[p][t.id] and not before[p][t.id]]
                 for p in registry.names}
        for plugin, tenants in newly.items():
            await fire_tenant_enabled(db, registry, plugin, tenants)
        return moved, newly

    moved, _ = _run(work)
    click.echo(f"已移动 / moved: {_line(moved)} → {moved.path}")


@tenant.command("rename", help="更名（记入审计）/ rename a node (audited)")
@click.argument("code")
@click.option("--name", required=True, help="新名称 / the new name")
def tenant_rename(code: str, name: str) -> None:
    async def work(db: Database, registry: Registry) -> tuple[str, NodeInfo]:
        async with db.transaction():
            node = await _node(code, "CODE")
            renamed = await rename_node(node, name)
            async with db.scoped(scope_for(renamed), write=True):
                await record("tenants.rename", account_id=None, object_type="Tenant",
                             object_id=node.id, summary={"code": node.code, "via": "cli"},
                             before={"name": node.name}, after={"name": renamed.name})
        return node.name, renamed

    old, renamed = _run(work)
    click.echo(f"已更名 / renamed: {old} → {_line(renamed)}")


def _owned_queries(db: Database, node: NodeInfo) -> list[tuple[str, Any]]:
    """What counts as a node's data: its memberships and API keys, and its rows in every
    tenant-owned table except the audit log (which outlives the node)."""

    queries: list[tuple[str, Any]] = [
        ("memberships", Membership.exists().where(Membership.node_id == node.id)),
        ("api keys", ApiKey.exists().where(ApiKey.node_id == node.id))]
    for table in db.scoped_tables:
        if table.__module__.startswith("core.audit"):
            continue
        queries.append((table._meta.tablename,
                        table.exists().where(table.tenant_id == node.id)))
    return queries


@tenant.command("delete", help="删除没有数据的节点（记入审计）/ delete an empty node (audited)")
@click.argument("code")
def tenant_delete(code: str) -> None:
    async def work(db: Database, registry: Registry) -> NodeInfo:
        async with db.transaction():
            node = await _node(code, "CODE")
            async with db.scoped(scope_for(node)):
                held = [label for label, query in _owned_queries(db, node) if await query]
            await delete_empty_node(node, held)
            parent = await get_node(node.parent_id) if node.parent_id else None
            async with db.scoped(scope_for(parent or node), write=True):
                await record("tenants.delete", account_id=None, object_type="Tenant",
                             object_id=node.id,
                             summary={"code": node.code, "name": node.name, "kind": node.kind,
                                      "path": node.path, "via": "cli"})
        return node

    node = _run(work)
    click.echo(f"已删除 / deleted: {_line(node)}")


# -- plugin ------------------------------------------------------------------
@click.group(help="插件及其启用 / plugins and where they are enabled")
def plugin() -> None:
    pass


@plugin.command("list", help="列出已加载的插件 / list loaded plugins")
@click.option("--node", "node_code", default=None, help="显示在此节点是否启用 / state at node")
def plugin_list(node_code: str | None) -> None:
    async def work(db: Database, registry: Registry) -> list[str]:
        async with db.transaction(write=False):
            if node_code is None:
                return []
            return await enabled_plugins(await _node(node_code, "--node"), registry.names)

    on = set(_run(work))
    registry = get_registry()
    if not registry.names:
        click.echo("没有已加载的插件 / no plugins loaded")
    for name in registry.names:
        meta = registry.metas[name]
        state = "" if node_code is None else ("  启用/enabled" if name in on
                                              else "  停用/disabled")
        click.echo(f"{name}  {meta.version}  {meta.title_zh} / {meta.title_en}{state}")


def _set(name: str, node_code: str, enabled: bool) -> PluginChange:
    async def work(db: Database, registry: Registry) -> PluginChange:
        if name not in registry.names:
            raise click.ClickException(f"未知的插件 {name} / unknown plugin {name}")
        async with db.transaction():
            node = await _node(node_code, "--node")
            change = await plugin_change(node, name, enabled)
            async with db.scoped(scope_for(node), write=True):
                await record("plugins.enable" if enabled else "plugins.disable", account_id=None,
                             object_type="Tenant", object_id=node.id,
                             summary={"plugin": name, "node": node.code, "via": "cli",
                                      "newly_enabled": [t.code for t in change.newly_enabled],
                                      "newly_disabled": [t.code
                                                         for t in change.newly_disabled]})
        await fire_tenant_enabled(db, registry, name, change.newly_enabled)
        return change

    return _run(work)


def _tenant_lines(tenants: list[NodeInfo]) -> None:
    for node in tenants:
        click.echo(f"  {_line(node)}")


@plugin.command("enable", help="在节点及其下级启用 / enable at a node and below")
@click.argument("name")
@click.option("--node", "node_code", required=True, help="区划代码 / node code")
def plugin_enable(name: str, node_code: str) -> None:
    newly = _set(name, node_code, True).newly_enabled
    click.echo(f"已启用 {name} / enabled {name} at {node_code}; "
               f"新启用街镇 / newly enabled tenants: {len(newly)}")
    _tenant_lines(newly)


@plugin.command("disable", help="在节点及其下级停用 / disable at a node and below")
@click.argument("name")
@click.option("--node", "node_code", required=True, help="区划代码 / node code")
def plugin_disable(name: str, node_code: str) -> None:
    gone = _set(name, node_code, False).newly_disabled
    click.echo(f"已停用 {name} / disabled {name} at {node_code}; "
               f"新停用街镇 / newly disabled tenants: {len(gone)}")
    _tenant_lines(gone)


@plugin.command("new", help="新建插件（独立的 pip 包）/ write a new plugin as its own pip package")
@click.argument("name")
@click.option("--dir", "directory", default=".", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="在此目录下创建 NAME/ / create NAME/ in this directory")
def plugin_new(name: str, directory: Path) -> None:
    try:
        project = new_plugin(name, directory)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"已创建插件 {name} / wrote plugin {name}: {project}\n"
               f"  pip install -e {project}    # 安装 / install\n"
               f"  cd {project} && pytest       # 运行其测试 / run its tests\n"
               f"  linli plugin enable {name} --node CODE")


def register(group: click.Group) -> None:
    group.add_command(tenant)
    group.add_command(plugin)
