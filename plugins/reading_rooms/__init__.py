"""城市书房 City reading rooms: a county's network of rooms across its street offices and towns,
one catalogue, self-registered cards, 通借通还 lending (borrow anywhere, return anywhere), holds,
统筹配送 transfers, quiet-study seats and activities.

The first module whose data belongs to a region: a network is owned by a county node; rooms,
titles and copies are shared downward, cards and loans are the county's, reached from below only
by the reader's own work. Registered through the ``linli.plugins`` entry point
``reading_rooms = "plugins.reading_rooms.hooks"``, using only ``core.plugin``.
"""

from __future__ import annotations

from core.plugin import Permission, PluginMeta, RoleDecl

__all__ = ["META", "NAME"]

NAME = "reading_rooms"

META = PluginMeta(
    name=NAME,
    title_zh="城市书房",
    title_en="City reading rooms",
    version="1.0.0",
    core_versions=">=0.1",
    permissions=(
        Permission("reading_rooms.read", "查看书房网络", "Read the reading-room network",
                   granted_to=("tenant_admin", "region_official")),
        Permission("reading_rooms.manage", "管理书房网络", "Run the network: rooms, catalogue, "
                   "copies, staff, transfers", granted_to=("tenant_admin",)),
        Permission("reading_rooms.circulate", "借还服务", "Lend, return and serve holds at a room",
                   granted_to=("tenant_admin",)),
        Permission("reading_rooms.report", "书房统计", "Reports of the network",
                   granted_to=("tenant_admin", "region_official")),
        Permission("reading_rooms.reveal", "查看读者完整信息", "Reveal a reader's full name, phone "
                   "and ID number (audited with the reason)", granted_to=("tenant_admin",)),
    ),
    roles=(
        RoleDecl("reading_rooms.librarian", "书房馆员", "Reading-room librarian",
                 ("tenant.read", "reading_rooms.read", "reading_rooms.circulate")),
        RoleDecl("reading_rooms.central", "书房网络中心", "Network central staff",
                 ("tenant.read", "reading_rooms.read", "reading_rooms.manage",
                  "reading_rooms.circulate", "reading_rooms.report")),
    ),
    emits=("reading_rooms.hold_ready", "reading_rooms.loan_overdue",
           "reading_rooms.reader_notice"),
    consumes=("reading_rooms.reader_notice",),
    rule_keys=(
        "reading_rooms.loan_limit_adult",
        "reading_rooms.loan_limit_child",
        "reading_rooms.loan_days",
        "reading_rooms.renewals",
        "reading_rooms.renewal_days",
        "reading_rooms.hold_shelf_days",
        "reading_rooms.lost_after_days",
        "reading_rooms.due_soon_days",
        "reading_rooms.class_policy",
        "reading_rooms.fines_enabled",
    ),
    personal_fields=("reading_rooms_card.name_cipher", "reading_rooms_card.phone_cipher",
                     "reading_rooms_card.id_number_cipher"),
    audit_actions=(
        "reading_rooms.network.create",
        "reading_rooms.room.create",
        "reading_rooms.staff.link",
        "reading_rooms.title.add",
        "reading_rooms.copy.add",
        "reading_rooms.card.register",
        "reading_rooms.card.status",
        "reading_rooms.card.reveal",
        "reading_rooms.loan.checkout",
        "reading_rooms.loan.checkin",
        "reading_rooms.loan.renew",
        "reading_rooms.hold.place",
        "reading_rooms.hold.cancel",
        "reading_rooms.transfer.create",
        "reading_rooms.transfer.receive",
        "reading_rooms.seat.book",
        "reading_rooms.seat.add",
        "reading_rooms.visits.record",
        "reading_rooms.activity.create",
        "reading_rooms.activity.signup",
    ),
)
