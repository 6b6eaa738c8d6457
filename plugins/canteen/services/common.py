"""What the canteen services share: the city above a canteen, the plugin's rule values, the
subsidy computation (pure), month keys in Asia/Shanghai and the caller's reach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from core.plugin import (
    Access,
    ApiError,
    NodeInfo,
    Resolved,
    get_node,
    plugin_rules,
)
from plugins.canteen import NAME
from plugins.canteen.rules import RULES

__all__ = [
    "OPERATOR_ROLE",
    "OWN_RULES",
    "SLOTS",
    "Subsidy",
    "SubsidyRules",
    "age_on",
    "city_of",
    "compute_subsidy",
    "month_key",
    "next_month",
    "require",
    "scope_key",
    "subsidy_rules",
]

OWN_RULES = plugin_rules(NAME, RULES)
OPERATOR_ROLE = "canteen.operator"
SLOTS = ("breakfast", "lunch", "dinner")


def require(access: Access, permission: str) -> None:
    """FORBIDDEN unless the caller holds ``permission`` at the acting node."""
    decision = access.check(permission)
    if not decision:
        raise ApiError.forbidden(decision.reason_zh or "没有权限",
                                 decision.reason_en or "permission denied")


async def city_of(tenant_id: int) -> NodeInfo:
    """The city node above a street office or town (the root of its path)."""
    node = await get_node(tenant_id)
    if node is None:
        raise ApiError.not_found("单位", "node", "tenantId")
    root = int(node.path.strip("/").split("/")[0])
    city = node if root == node.id else await get_node(root)
    if city is None or city.kind != "city":
        raise ApiError.invalid("tenantId", "该单位不在任何城市之下",
                               "this node is not below a city")
    return city


def scope_key(scope: str, tenant: NodeInfo, canteen_id: int) -> str:
    """The key of the once-a-day record for a cap counted in ``scope``: ``''`` for the city
    (every canteen of it), ``d<id>`` for the district or county above the street office (the
    city itself when the street office sits right under it), ``t<id>`` for the street office or
    town, ``c<id>`` for the canteen."""
    if scope == "canteen":
        return f"c{canteen_id}"
    if scope == "tenant":
        return f"t{tenant.id}"
    if scope == "district":
        return f"d{tenant.parent_id}" if tenant.parent_id is not None else ""
    return ""


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def next_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year + (mon == 12):04d}-{mon % 12 + 1:02d}"


def age_on(birth: date, day: date) -> int:
    """Full years on ``day``. The birthday itself counts; someone born on 29 February reaches
    a new age on 1 March in common years (as the registry office and the city's system count)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class SubsidyRules:
    """The rule values in force for one tenant on one meal date, with their versions."""

    brackets: list[dict[str, Any]]
    extras: list[dict[str, Any]]
    cap: int
    version: int
    extra_version: int
    cap_version: int
    scope: str = "city"
    scope_version: int = 0


async def subsidy_rules(tenant: NodeInfo, day: date) -> SubsidyRules:
    """The subsidy keys (brackets, extras, the cap and its scope) at ``tenant`` on the meal date (rules change by meal date)."""
    values: dict[str, Resolved] = {
        key: await OWN_RULES.get(key, tenant, day)
        for key in ("canteen.age_brackets", "canteen.extra_brackets", "canteen.daily_cap",
                    "canteen.cap_scope")}
    return SubsidyRules(
        brackets=list(values["canteen.age_brackets"].value),
        extras=list(values["canteen.extra_brackets"].value),
        cap=int(values["canteen.daily_cap"].value),
        version=values["canteen.age_brackets"].version,
        extra_version=values["canteen.extra_brackets"].version,
        cap_version=values["canteen.daily_cap"].version,
        scope=str(values["canteen.cap_scope"].value),
        scope_version=values["canteen.cap_scope"].version)


@dataclass(frozen=True)
class Subsidy:
    fen: int
    codes: tuple[str, ...]
    """Bracket codes applied (empty: not eligible)."""


def _in(bracket: dict[str, Any], age: int) -> bool:
    low = bracket.get("min_age")
    high = bracket.get("max_age")
    return (low is None or age >= int(low)) and (high is None or age <= int(high))


def compute_subsidy(rules: SubsidyRules, birth: date, tags: set[str], day: date) -> Subsidy:
    """The subsidy of one subsidised meal on ``day``: the first age bracket that holds the age
    on the meal date, plus every extra bracket whose tag the elder carries or whose age range
    holds. Without an age bracket the elder is not eligible (extras only add to one)."""
    age = age_on(birth, day)
    base = next((b for b in rules.brackets if _in(b, age)), None)
    if base is None:
        return Subsidy(0, ())
    fen, codes = int(base["fen"]), [str(base["code"])]
    for extra in rules.extras:
        tag = extra.get("tag")
        matches = (tag in tags) if tag is not None else _in(extra, age)
        if matches:
            fen += int(extra["fen"])
            codes.append(str(extra["code"]))
    return Subsidy(fen, tuple(codes))
