"""Tenant tree operations: create, move (re-parent, audited), list, roll-up, plugin enablement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from core.errors import ApiError
from tenants.codes import validate_code
from tenants.scope import Scope
from tenants.tables import NODE_KINDS, REGION_KINDS, TENANT_KINDS, Node, PluginEnablement

__all__ = [
    "NodeInfo",
    "create_node",
    "delete_empty_node",
    "descendants",
    "enabled_plugins",
    "get_node",
    "get_node_by_code",
    "move_node",
    "rename_node",
    "scope_for",
    "set_plugin_enabled",
]

_PARENT_KINDS = {
    "city": (),
    "district": ("city",),
    "county": ("city",),
    "street": ("city", "district", "county"),
    "town": ("city", "district", "county"),
    "township": ("city", "district", "county"),
}


@dataclass(frozen=True)
class NodeInfo:
    id: int
    kind: str
    code: str
    name: str
    parent_id: int | None
    path: str

    @property
    def is_region(self) -> bool:
        return self.kind in REGION_KINDS

    @property
    def ancestor_ids(self) -> frozenset[int]:
        return frozenset(int(p) for p in self.path.strip("/").split("/") if p) - {self.id}

    @property
    def depth(self) -> int:
        return self.path.strip("/").count("/")


def _info(row: dict[str, object]) -> NodeInfo:
    return NodeInfo(id=int(row["id"]), kind=str(row["kind"]), code=str(row["code"]),  # type: ignore[call-overload]
                    name=str(row["name"]), parent_id=row["parent_id"],  # type: ignore[arg-type]
                    path=str(row["path"]))


async def get_node(node_id: int) -> NodeInfo | None:
    row = await Node.select().where(Node.id == node_id).first()
    return _info(row) if row else None


async def get_node_by_code(code: str) -> NodeInfo | None:
    row = await Node.select().where(Node.code == code).first()
    return _info(row) if row else None


async def list_nodes(under: NodeInfo | None = None) -> list[NodeInfo]:
    query = Node.select().order_by(Node.path)
    if under is not None:
        query = query.where(Node.path.like(under.path + "%"))
    return [_info(r) for r in await query]


async def descendants(node: NodeInfo, *, tenants_only: bool = False) -> list[NodeInfo]:
    rows = [n for n in await list_nodes(node) if n.id != node.id]
    return [n for n in rows if n.kind in TENANT_KINDS] if tenants_only else rows


# How many leading digits of a parent's code its children share (统计用区划代码: 2 province,
# 2 city, 2 county/district, 3 township).
_PREFIX_DIGITS = {"city": 4, "district": 6, "county": 6}


def _check_prefix(code: str, parent: NodeInfo) -> None:
    digits = _PREFIX_DIGITS.get(parent.kind)
    if digits and code[:digits] != parent.code[:digits]:
        prefix = parent.code[:digits]
        raise ApiError.invalid("code", f"区划代码须以上级 {parent.name} 的前缀 {prefix} 开头",
                               f"the code must start with {prefix}, the prefix of its parent "
                               f"{parent.code}")


async def create_node(kind: str, code: str, name: str, parent: NodeInfo | None) -> NodeInfo:
    if kind not in NODE_KINDS:
        raise ApiError.invalid("kind", f"未知的节点类型 {kind}", f"unknown node kind {kind}")
    code = validate_code(code, kind)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ApiError.invalid("name", "名称不能为空且不超过100字",
                               "the name must be 1–100 characters")
    allowed = _PARENT_KINDS[kind]
    if parent is None and allowed:
        raise ApiError.invalid("parent", f"{kind} 必须有上级", f"a {kind} needs a parent")
    if parent is not None and parent.kind not in allowed:
        raise ApiError.invalid("parent", f"{kind} 不能位于 {parent.kind} 之下",
                               f"a {kind} cannot sit under a {parent.kind}")
    if parent is not None:
        _check_prefix(code, parent)
    if await Node.exists().where(Node.code == code):
        raise ApiError.conflict(f"区划代码 {code} 已存在", f"code {code} already exists", "code")
    row = Node(kind=kind, code=code, name=name, parent_id=parent.id if parent else None,
               path="", created_at=datetime.now(UTC))
    await row.save()
    path = (parent.path if parent else "/") + f"{row.id}/"
    await Node.update({Node.path: path}).where(Node.id == row.id)
    return NodeInfo(row.id, kind, code, name, parent.id if parent else None, path)


async def move_node(node: NodeInfo, new_parent: NodeInfo) -> NodeInfo:
    """Re-parent ``node`` (撤并/区划调整) and rewrite the paths of its subtree."""
    if new_parent.kind not in _PARENT_KINDS[node.kind]:
        raise ApiError.invalid("parent", f"{node.kind} 不能位于 {new_parent.kind} 之下",
                               f"a {node.kind} cannot sit under a {new_parent.kind}")
    if new_parent.path.startswith(node.path):
        raise ApiError.invalid("parent", "不能移动到自己的下级", "cannot move under itself")
    old_prefix = node.path
    new_prefix = new_parent.path + f"{node.id}/"
    subtree = await Node.select(Node.id, Node.path).where(Node.path.like(old_prefix + "%"))
    for row in subtree:
        await Node.update({Node.path: new_prefix + row["path"][len(old_prefix):]}).where(
            Node.id == row["id"])
    await Node.update({Node.parent_id: new_parent.id}).where(Node.id == node.id)
    moved = await get_node(node.id)
    assert moved is not None
    return moved


async def rename_node(node: NodeInfo, name: str) -> NodeInfo:
    """Give ``node`` a new name (撤并更名); the code and the tree stay."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ApiError.invalid("name", "名称不能为空且不超过100字",
                               "the name must be 1–100 characters")
    await Node.update({Node.name: name}).where(Node.id == node.id)
    return NodeInfo(node.id, node.kind, node.code, name, node.parent_id, node.path)


async def delete_empty_node(node: NodeInfo, held: Sequence[str]) -> None:
    """Delete ``node`` if nothing hangs on it: no child nodes and nothing in ``held`` (the
    caller's labels of the kinds of data it found the node still owns). Its plugin settings go
    with it; its audit entries stay (the log is append-only)."""
    if await Node.exists().where(Node.parent_id == node.id):
        raise ApiError.conflict("该节点下仍有下级节点，不能删除",
                                "the node has nodes below it and cannot be deleted", "code")
    if held:
        raise ApiError.conflict(f"该节点仍有数据，不能删除：{'、'.join(held)}",
                                f"the node still holds data and cannot be deleted: "
                                f"{', '.join(held)}", "code")
    await PluginEnablement.delete().where(PluginEnablement.node_id == node.id)
    await Node.delete().where(Node.id == node.id)


def scope_for(node: NodeInfo, tenants_below: Sequence[int] = (), *,
              account_id: int | None = None) -> Scope:
    """The scope of work acting at ``node``: itself (and, for a region, the tenants below)."""
    return Scope(
        read_nodes=frozenset({node.id, *tenants_below}),
        write_node=node.id,
        shared_nodes=node.ancestor_ids,
        acting_node=node.id,
        account_id=account_id,
    )


async def scope_at(node: NodeInfo, *, account_id: int | None = None) -> Scope:
    below = [n.id for n in await descendants(node)] if node.is_region else []
    return scope_for(node, below, account_id=account_id)


async def enabled_plugins(node: NodeInfo, known: Sequence[str]) -> list[str]:
    """Plugins on at ``node``: the nearest explicit setting on the path wins; default off."""
    ids = [int(p) for p in node.path.strip("/").split("/") if p]
    rows = await PluginEnablement.select().where(PluginEnablement.node_id.is_in(ids or [-1]))
    depth = {nid: i for i, nid in enumerate(ids)}
    best: dict[str, tuple[int, bool]] = {}
    for r in rows:
        d = depth[r["node_id"]]
        if r["plugin"] not in best or d > best[r["plugin"]][0]:
            best[r["plugin"]] = (d, bool(r["enabled"]))
    return sorted(p for p in known if best.get(p, (0, False))[1])


async def set_plugin_enabled(node: NodeInfo, plugin: str, enabled: bool,
                             account_id: int | None = None) -> None:
    now = datetime.now(UTC)
    existing = await PluginEnablement.select(PluginEnablement.id).where(
        (PluginEnablement.node_id == node.id) & (PluginEnablement.plugin == plugin)).first()
    if existing:
        await PluginEnablement.update({PluginEnablement.enabled: enabled,
                                       PluginEnablement.changed_at: now,
                                       PluginEnablement.changed_by: account_id}).where(
            PluginEnablement.id == existing["id"])
    else:
        await PluginEnablement.insert(PluginEnablement(
            node_id=node.id, plugin=plugin, enabled=enabled, changed_at=now,
            changed_by=account_id))
