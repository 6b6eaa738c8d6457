"""无偿献血 Voluntary blood-donation campaigns: campaigns (often owned by a city) with several
organisers and targets, collection sessions and slots that never overbook, the GB 18467
self-reported pre-check as versioned rules, check-in and results (entered or imported),
honours, benefits and statistics.

A plugin like any third party's: registered through the ``linli.plugins`` entry point
``blood_drive = "plugins.blood_drive.hooks"``, using only core's plugin contract.
"""

from __future__ import annotations

from core.plugin import Permission, PluginMeta, RoleDecl

__all__ = ["META", "NAME"]

NAME = "blood_drive"

META = PluginMeta(
    name=NAME,
    title_zh="无偿献血",
    title_en="Voluntary blood donation",
    version="1.0.0",
    core_versions=">=0.1",
    permissions=(
        Permission("blood_drive.read", "查看献血活动", "Read campaigns, sessions and statistics",
                   granted_to=("tenant_admin", "community_staff", "region_official")),
        Permission("blood_drive.organise", "组织献血活动", "Create campaigns and set targets",
                   granted_to=("tenant_admin",)),
        Permission("blood_drive.sessions", "安排采血场次", "Schedule collection sessions",
                   granted_to=("tenant_admin",)),
        Permission("blood_drive.mobilise", "动员献血者", "Register donors and book for them",
                   granted_to=("tenant_admin", "community_staff")),
        Permission("blood_drive.health", "查看健康征询", "See health answers, check in, "
                   "record results (site and station staff only)"),
        Permission("blood_drive.import", "导入献血结果", "Import results from the blood station"),
    ),
    roles=(
        RoleDecl("blood_drive.site_staff", "采血点工作人员", "Collection-site staff",
                 ("tenant.read", "blood_drive.read", "blood_drive.health")),
        RoleDecl("blood_drive.station_staff", "血站工作人员", "Blood-station staff",
                 ("tenant.read", "blood_drive.read", "blood_drive.health",
                  "blood_drive.import")),
    ),
    emits=("blood_drive.donation_completed", "volunteer.service_recorded"),
    rule_keys=(
        "blood_drive.age_min",
        "blood_drive.age_max",
        "blood_drive.age_max_repeat",
        "blood_drive.weight_min_male_kg",
        "blood_drive.weight_min_female_kg",
        "blood_drive.intervals",
        "blood_drive.platelets_per_year",
        "blood_drive.whole_blood_volumes",
        "blood_drive.platelet_units_max",
        "blood_drive.donation_count",
        "blood_drive.honours",
        "blood_drive.unit_award",
        "blood_drive.benefits",
    ),
    personal_fields=("blood_drive_donor.name_cipher",
                     "blood_drive_precheck.answers_cipher",
                     "blood_drive_precheck.reasons_cipher",
                     "blood_drive_donation.deferral_cipher"),
    audit_actions=(
        "blood_drive.campaign.create",
        "blood_drive.target.set",
        "blood_drive.session.create",
        "blood_drive.donor.register",
        "blood_drive.unit.set",
        "blood_drive.precheck.submit",
        "blood_drive.precheck.reveal",
        "blood_drive.booking.create",
        "blood_drive.booking.cancel",
        "blood_drive.booking.check_in",
        "blood_drive.result.record",
        "blood_drive.result.import",
        "blood_drive.volunteer.record",
        "blood_drive.stats.export",
    ),
)
