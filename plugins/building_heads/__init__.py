"""楼长制 Building heads: appointments, home visits, 四步议事法 matters, 红旗驿站 rota.

A plugin like any third party's: registered through the ``linli.plugins`` entry point
``building_heads = "plugins.building_heads.hooks"``, using only core's plugin contract.
"""

from __future__ import annotations

from core.plugin import Permission, PluginMeta, RoleDecl

__all__ = ["META", "NAME"]

NAME = "building_heads"

META = PluginMeta(
    name=NAME,
    title_zh="楼长制",
    title_en="Building heads",
    version="1.0.0",
    core_versions=">=0.1",
    permissions=(
        Permission("building_heads.read", "查看楼长工作", "Read building-head work",
                   granted_to=("tenant_admin", "community_staff")),
        Permission("building_heads.manage", "管理楼长", "Appoint, evaluate and manage heads",
                   granted_to=("tenant_admin", "community_staff")),
        Permission("building_heads.visit", "登记走访", "Log home visits",
                   granted_to=("tenant_admin", "community_staff")),
        Permission("building_heads.matter", "处理议事事项", "Raise and move matters",
                   granted_to=("tenant_admin", "community_staff", "grid_worker")),
        Permission("building_heads.rota", "管理红旗驿站排班", "Manage the station rota",
                   granted_to=("tenant_admin", "community_staff")),
        Permission("building_heads.answer", "答复转交事项", "Answer matters handed over "
                   "(a property company's account)"),
    ),
    roles=(
        RoleDecl("building_heads.head", "楼长", "Building head",
                 ("tenant.read", "places.read", "building_heads.read", "building_heads.visit",
                  "building_heads.matter"), place_kind="building"),
        RoleDecl("building_heads.property", "物业", "Property company",
                 ("tenant.read", "building_heads.answer"), place_kind="community",
                 granted_by=("楼长制“开通物业账号”（buildingHeadLinkPropertyAccount）",
                             "the 楼长制 property account link (buildingHeadLinkPropertyAccount)")),
        RoleDecl("building_heads.coordinator", "楼长制管理员", "Building-head coordinator",
                 ("tenant.read", "people.read", "building_heads.read", "building_heads.manage",
                  "building_heads.visit", "building_heads.matter", "building_heads.rota")),
    ),
    emits=("building_heads.evaluation_completed", "volunteer.service_recorded"),
    consumes=("people.welfare_concern", "mutual_aid.matter_requested"),
    rule_keys=(
        "building_heads.max_age",
        "building_heads.special_tags",
        "building_heads.notice_days",
        "building_heads.term_years",
        "building_heads.welfare_visit_days",
        "building_heads.evaluation_weights",
        "building_heads.evaluation_grades",
    ),
    personal_fields=("building_heads_candidate.health_note", "building_heads_visit.notes"),
    audit_actions=(
        "building_heads.candidate.nominate",
        "building_heads.candidate.override",
        "building_heads.appoint",
        "building_heads.handover",
        "building_heads.visit.log",
        "building_heads.matter.raise",
        "building_heads.matter.step",
        "building_heads.matter.resolve",
        "building_heads.matter.escalate",
        "building_heads.matter.handoff",
        "building_heads.matter.followup",
        "building_heads.rota.generate",
        "building_heads.rota.swap",
        "building_heads.evaluate",
        "building_heads.candidate.notice",
        "building_heads.term.end",
        "building_heads.appointment.link",
        "building_heads.duty.record",
        "building_heads.duty.close",
        "building_heads.improvement.plan",
        "building_heads.meeting.record",
        "building_heads.survey.answer",
        "building_heads.station.create",
        "building_heads.rota.leave",
        "building_heads.duty.assign",
        "building_heads.duty.collect",
        "building_heads.handoff.create",
        "building_heads.handoff.answer",
        "building_heads.property.register",
        "building_heads.property.link",
    ),
)
