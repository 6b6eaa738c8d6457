"""Core permissions and roles. Plugins add theirs through their meta (``PluginMeta``)."""

from __future__ import annotations

from dataclasses import replace

from core.declarations import Permission, RoleDecl

__all__ = ["CORE_PERMISSIONS", "CORE_ROLES", "RoleBook"]

CORE_PERMISSIONS: tuple[Permission, ...] = (
    Permission("deployment.operate", "部署运维", "Operate the deployment"),
    Permission("tenant.read", "查看租户", "Read the tenant and its settings"),
    Permission("tenant.manage", "管理租户", "Manage the tenant tree below this node"),
    Permission("plugins.manage", "管理插件启用", "Enable or disable plugins"),
    Permission("region.rollup", "查看汇总", "Read roll-up figures of the tenants below"),
    Permission("people.read", "查看居民与地点", "Read places, households and residents"),
    Permission("places.read", "查看所在地点", "Read the places of one's grants (names only: "
               "no households or residents)"),
    Permission("people.write", "维护居民与地点", "Create and change places and residents"),
    Permission("people.reveal_pii", "查看完整个人信息", "Reveal ID numbers and phones",
               personal_data=True),
    Permission("people.import", "导入居民", "Import residents from Excel"),
    Permission("people.export", "导出居民", "Export residents to Excel", personal_data=True),
    Permission("people.personal_data.manage", "个人信息导出与删除",
               "Export or erase one person's data (PIPL)", personal_data=True),
    Permission("identity.manage", "管理账号与角色", "Manage accounts, memberships, API keys"),
    Permission("audit.read", "查看审计记录", "Read the audit trail"),
    Permission("rules.manage", "设置规则", "Set rule values (and, at a region, lock them)"),
    Permission("self.read", "查看本人信息", "Read one's own resident record"),
)

_ALL_CORE = tuple(p.code for p in CORE_PERMISSIONS)

CORE_ROLES: tuple[RoleDecl, ...] = (
    RoleDecl("operator", "部署运维员", "Deployment operator", _ALL_CORE),
    RoleDecl("region_official", "区县工作人员", "Region official",
             ("tenant.read", "region.rollup")),
    RoleDecl("tenant_admin", "街镇管理员", "Tenant administrator",
             tuple(p for p in _ALL_CORE if p != "deployment.operate")),
    RoleDecl("community_staff", "社区两委", "Community staff",
             ("tenant.read", "people.read", "people.write", "people.import", "people.export"),
             place_kind="community"),
    RoleDecl("grid_worker", "网格员", "Grid worker",
             ("tenant.read", "people.read", "people.write"), place_kind="grid"),
    RoleDecl("volunteer", "志愿者", "Volunteer", ("tenant.read",)),
    RoleDecl("resident", "居民", "Resident", ("self.read",)),
)


class RoleBook:
    """Every role and permission known to this deployment (core plus enabled plugins)."""

    def __init__(self, roles: tuple[RoleDecl, ...] = CORE_ROLES,
                 permissions: tuple[Permission, ...] = CORE_PERMISSIONS) -> None:
        self.roles: dict[str, RoleDecl] = {}
        self.permissions: dict[str, Permission] = {}
        self.owner: dict[str, str] = {}
        for p in permissions:
            self.add_permission(p, "core")
        for r in roles:
            self.add_role(r, "core")

    def add_permission(self, perm: Permission, owner: str) -> None:
        if perm.code in self.permissions and self.owner.get("p:" + perm.code) != owner:
            raise ValueError(f"permission {perm.code!r} declared by {self.owner['p:' + perm.code]}"
                             f" and {owner}")
        self.permissions[perm.code] = perm
        self.owner["p:" + perm.code] = owner

    def add_role(self, role: RoleDecl, owner: str) -> None:
        if role.code in self.roles and self.owner.get("r:" + role.code) != owner:
            raise ValueError(f"role {role.code!r} declared by {self.owner['r:' + role.code]}"
                             f" and {owner}")
        self.roles[role.code] = role
        self.owner["r:" + role.code] = owner

    def permissions_of(self, role: str) -> frozenset[str]:
        decl = self.roles.get(role)
        return frozenset(decl.permissions) if decl else frozenset()

    @classmethod
    def from_registry(cls, registry: object) -> RoleBook:
        book = cls()
        grants: list[Permission] = []
        for owner, item in registry.permissions():  # type: ignore[attr-defined]
            if isinstance(item, RoleDecl):
                book.add_role(item, owner)
            else:
                book.add_permission(item, owner)
                grants.append(item)
        for perm in grants:  # default grants, once every role is known
            for role in perm.granted_to:
                decl = book.roles.get(role)
                if decl is None or book.owner.get("r:" + role) != "core":
                    raise ValueError(f"permission {perm.code!r} is granted to {role!r}, "
                                     "which is not a core role")
                if perm.code not in decl.permissions:
                    book.roles[role] = replace(decl, permissions=(*decl.permissions, perm.code))
        return book
