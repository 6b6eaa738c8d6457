"""红邻菜单 Mutual aid: neighbour boxes with loans, the needs menu with volunteer teams and
response times, and 红便签 anonymous notes.

A plugin like any third party's: registered through the ``linli.plugins`` entry point
``mutual_aid = "plugins.mutual_aid.hooks"``, using only core's plugin contract.
"""

from __future__ import annotations

from core.plugin import Permission, PluginMeta, RoleDecl

__all__ = ["META", "NAME"]

NAME = "mutual_aid"

_STAFF = ("tenant_admin", "community_staff")

META = PluginMeta(
    name=NAME,
    title_zh="红邻菜单",
    title_en="Mutual aid",
    version="1.0.0",
    core_versions=">=0.1",
    permissions=(
        Permission("mutual_aid.read", "查看红邻菜单", "Read boxes, orders and notes",
                   granted_to=_STAFF),
        Permission("mutual_aid.box", "管理便民箱", "Keep boxes: stock, donations, counts",
                   granted_to=_STAFF),
        Permission("mutual_aid.lend", "登记取用归还", "Record takes and returns for residents",
                   granted_to=_STAFF),
        Permission("mutual_aid.menu", "管理菜单与点单", "Run the menu: teams, dishes, orders",
                   granted_to=_STAFF),
        Permission("mutual_aid.serve", "接单服务", "Accept and serve orders",
                   granted_to=_STAFF),
        Permission("mutual_aid.moderate", "审核答复红便签", "Moderate and answer notes",
                   granted_to=_STAFF),
    ),
    roles=(
        RoleDecl("mutual_aid.keeper", "便民箱管理员", "Box keeper",
                 ("tenant.read", "mutual_aid.read", "mutual_aid.box", "mutual_aid.lend")),
        RoleDecl("mutual_aid.volunteer", "志愿者", "Team volunteer",
                 ("tenant.read", "mutual_aid.read", "mutual_aid.serve")),
        RoleDecl("mutual_aid.leader", "服务队队长", "Team leader",
                 ("tenant.read", "mutual_aid.read", "mutual_aid.serve", "mutual_aid.menu")),
    ),
    emits=("mutual_aid.matter_requested", "volunteer.service_recorded"),
    consumes=("people.community_created",),
    rule_keys=("mutual_aid.loan_days", "mutual_aid.response_hours",
               "mutual_aid.notes_per_day"),
    audit_actions=(
        "mutual_aid.box.create",
        "mutual_aid.item.add",
        "mutual_aid.take",
        "mutual_aid.return",
        "mutual_aid.donation.confirm",
        "mutual_aid.count",
        "mutual_aid.dish.create",
        "mutual_aid.order.step",
        "mutual_aid.note.moderate",
        "mutual_aid.note.answer",
        "mutual_aid.matter.request",
        "mutual_aid.session.attendance",
        "mutual_aid.project.step",
    ),
)
