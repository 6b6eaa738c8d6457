"""A plugin permission can name core roles that hold it by default."""

import pytest

from core.identity.roles import RoleBook
from core.plugin import Permission, RoleDecl


class _Registry:
    def __init__(self, items):
        self.items = items

    def permissions(self):
        return self.items


def test_granted_to_adds_the_permission_to_core_roles():
    perm = Permission("probe.read", "读", "read", granted_to=("tenant_admin", "grid_worker"))
    book = RoleBook.from_registry(_Registry([("probe", perm)]))
    assert "probe.read" in book.permissions_of("tenant_admin")
    assert "probe.read" in book.permissions_of("grid_worker")
    assert "probe.read" not in book.permissions_of("region_official")
    assert book.roles["grid_worker"].place_kind == "grid"  # the role keeps its place


def test_granted_to_a_plugin_role_or_unknown_role_is_refused():
    role = RoleDecl("probe.keeper", "管理", "keeper", ("probe.read",))
    perm = Permission("probe.read", "读", "read", granted_to=("probe.keeper",))
    with pytest.raises(ValueError, match="not a core role"):
        RoleBook.from_registry(_Registry([("probe", role), ("probe", perm)]))
    with pytest.raises(ValueError, match="not a core role"):
        RoleBook.from_registry(_Registry([("probe", Permission("probe.x", "x", "x",
                                                                granted_to=("nobody",)))]))


async def test_tenant_admin_reads_building_head_coverage(gql, factory, linli_env):
    from tenants.plugins import change_plugin

    tenant = await factory.tenant()
    async with linli_env.state.db.transaction():
        await change_plugin(tenant, "building_heads", True)
    admin = await factory.account(tenant, "tenant_admin")
    result = await gql("{ buildingHeadCoverage(level: TENANT) { households } }",
                       token=admin.token, node=tenant.code)
    assert result.get("errors") is None, result
