"""Tables of the tenant tree and of plugin enablement per node."""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import BigInt, Boolean, Timestamptz, Varchar

from core.db import AuthStateTable, BaseTable

__all__ = ["Node", "PluginEnablement"]

REGION_KINDS = ("city", "district", "county")
TENANT_KINDS = ("street", "town", "township")
NODE_KINDS = REGION_KINDS + TENANT_KINDS


class Node(AuthStateTable, BaseTable, tablename="linli_node"):
    """区划节点 A node of the tenant tree: a region (市/区/县) or a tenant (街道/镇/乡)."""

    kind = Varchar(length=16, null=False)
    code = Varchar(length=12, unique=True, null=False)
    name = Varchar(length=100, null=False)
    parent_id = BigInt(null=True, default=None, index=True)
    path = Varchar(length=255, index=True, null=False, default="")
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = []

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p][:-1]


class PluginEnablement(AuthStateTable, BaseTable, tablename="linli_plugin_enablement"):
    """插件启用 Whether a plugin is on for a node (and, for a region, everything below it)."""

    node_id = BigInt(null=False, default=None, index=True)
    plugin = Varchar(length=64, null=False)
    enabled = Boolean(default=True)
    changed_at = Timestamptz()
    changed_by = BigInt(null=True, default=None)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("node_id", "plugin")]
