"""幸福食堂 Happiness canteens: canteens, the city's elder registry and once-a-day subsidy
record, meals at the counter and in batches, versioned age subsidies, monthly settlement.

A plugin like any third party's: registered through the ``linli.plugins`` entry point
``canteen = "plugins.canteen.hooks"``, using only core's plugin contract.
"""

from __future__ import annotations

from core.plugin import Permission, PluginMeta, RoleDecl

__all__ = ["META", "NAME"]

NAME = "canteen"

META = PluginMeta(
    name=NAME,
    title_zh="幸福食堂",
    title_en="Happiness canteens",
    version="1.0.0",
    core_versions=">=0.1",
    permissions=(
        Permission("canteen.read", "查看幸福食堂", "Read canteens, meals and claims",
                   granted_to=("tenant_admin", "community_staff")),
        Permission("canteen.manage", "管理幸福食堂", "Register canteens and their status",
                   granted_to=("tenant_admin",)),
        Permission("canteen.serve", "登记就餐", "Record meals at a canteen counter",
                   granted_to=("tenant_admin",)),
        Permission("canteen.elders", "登记老人", "Register elders in the city registry",
                   granted_to=("tenant_admin",)),
        Permission("canteen.settle", "审核结算", "Review monthly claims",
                   granted_to=("tenant_admin",)),
        Permission("canteen.pay", "标记拨付", "Mark claims paid (region finance)"),
    ),
    roles=(
        RoleDecl("canteen.operator", "食堂运营方", "Canteen operator",
                 ("tenant.read", "canteen.read", "canteen.serve")),
        RoleDecl("canteen.finance", "区县财政", "District/county finance",
                 ("tenant.read", "canteen.read", "canteen.pay")),
    ),
    emits=("people.welfare_concern",),
    rule_keys=(
        "canteen.age_brackets",
        "canteen.extra_brackets",
        "canteen.daily_cap",
        "canteen.cap_scope",
        "canteen.regular_meals",
        "canteen.regular_window_days",
        "canteen.absent_days",
    ),
    personal_fields=("canteen_elder.name", "canteen_elder.birth_date",
                     "canteen_elder.card_token", "canteen_elder.id_number_index"),
    audit_actions=(
        "canteen.create",
        "canteen.status",
        "canteen.operator.link",
        "canteen.elder.register",
        "canteen.elder.identify",
        "canteen.meal.record",
        "canteen.meal.batch",
        "canteen.daily.claim",
        "canteen.settlement.generate",
        "canteen.settlement.review",
        "canteen.settlement.pay",
        "canteen.menu.set",
    ),
)
