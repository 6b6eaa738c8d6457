"""GraphQL of rules as data: ``effectiveRules`` (what is in force at the acting node, and where
each value comes from) and ``setRuleValue`` (a tenant's override, a region's default or lock).

Listed in ``core.schema.compose.CORE_CONTRIBUTORS``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import strawberry

from core.identity.access import Access
from core.rules.service import Resolved, RuleKey, RuleRegistry
from core.schema.context import Info
from core.schema.errors import ApiError, ErrorCode, UserError
from core.schema.limits import bad_value
from core.schema.mutations import Audit, run_mutation
from tenants.service import NodeInfo
from tenants.tables import Node

__all__ = ["mutation_fields", "query_fields", "types"]


@strawberry.type(description="规则值的来源 / where a rule's value comes from")
class RuleSource:
    kind: str = strawberry.field(
        description="default（声明的默认值）、self（本节点）或 inherited（上级区域）/ "
                    "default (the declared default), self (this node) or inherited (a region above)")
    code: str | None = strawberry.field(description="来源节点的区划代码 / the source node's code")
    name: str | None = strawberry.field(description="来源节点名称 / the source node's name")


@strawberry.type(description="当前生效的规则 / a rule as in force at the acting node")
class EffectiveRule:
    key: str
    owner: str = strawberry.field(description="声明它的插件或 core / the declaring plugin or core")
    type: str = strawberry.field(description="int, float, str, bool, json, date")
    value: str = strawberry.field(description="生效值（JSON）/ the value in force, as JSON")
    default_value: str = strawberry.field(description="声明的默认值（JSON）/ the default, as JSON")
    version: int = strawberry.field(
        description="版本（值行ID，0 表示默认值），计算结果应保存它 / the version (row id; 0 = "
                    "the default); computations store it")
    source: RuleSource
    effective_from: date | None = strawberry.field(
        name="effectiveOn", description="生效日期 / the day it takes effect")
    locked: bool = strawberry.field(description="该值被区域锁定 / the value is a region's lock")
    overridable: bool = strawberry.field(
        description="当前节点能否设置自己的值 / whether the acting node may set its own value")
    description_zh: str
    description_en: str
    minimum: float | None
    maximum: float | None


@strawberry.type(description="已设置规则值 / a rule value was set")
class SetRuleValuePayload:
    version: int = strawberry.field(description="新值的版本 / the new value's version")
    rule: EffectiveRule = strawberry.field(
        description="该规则在新值生效之日的状态 / the rule as in force on the new value's date")


SetRuleValueResult = Annotated[SetRuleValuePayload | UserError, strawberry.union("SetRuleValueResult")]


@strawberry.input(description="设置规则值 / set a rule's value at the acting node")
class SetRuleValueInput:
    key: str
    value: str = strawberry.field(description="JSON 值，如 65、\"文字\"、true / the value as JSON")
    effective_from: date | None = strawberry.field(
        name="effectiveOn", default=None, description="生效日期，默认今天，不能早于今天 / default today; not in the past")
    locked: bool = strawberry.field(
        default=False, description="区域锁定，下级不能覆盖 / a region's lock: no override below")


def _registry(ctx: Any) -> RuleRegistry:
    rules: RuleRegistry | None = ctx.state.services.rules
    if rules is None:
        raise ApiError(ErrorCode.INTERNAL, "规则服务未启用", "the rules service is not installed")
    return rules


async def _nodes(path: list[int]) -> dict[int, dict[str, Any]]:
    rows = await Node.select(Node.id, Node.code, Node.name).where(Node.id.is_in(path or [-1]))
    return {int(r["id"]): r for r in rows}


def _view(decl: RuleKey, owner: str, got: Resolved, node: NodeInfo,
          nodes: dict[int, dict[str, Any]]) -> EffectiveRule:
    if got.source_node_id is None:
        source = RuleSource(kind="default", code=None, name=None)
    else:
        found = nodes.get(got.source_node_id, {})
        source = RuleSource(kind="self" if got.source_node_id == node.id else "inherited",
                            code=found.get("code"), name=found.get("name"))
    return EffectiveRule(
        key=decl.key, owner=owner, type=decl.type,
        value=json.dumps(got.value, ensure_ascii=False),
        default_value=json.dumps(decl.default, ensure_ascii=False),
        version=got.version, source=source, effective_from=got.effective_from,
        locked=got.locked,
        overridable=not (got.locked and got.source_node_id not in (None, node.id)),
        description_zh=decl.description_zh, description_en=decl.description_en,
        minimum=decl.minimum, maximum=decl.maximum)


async def _effective(rules: RuleRegistry, keys: list[str], node: NodeInfo,
                     on: date | None) -> list[EffectiveRule]:
    got = await rules.get_many(keys, node, on)
    nodes = await _nodes([int(p) for p in node.path.strip("/").split("/") if p])
    return [_view(rules.keys[k], rules.owner[k], got[k], node, nodes) for k in keys]


@strawberry.field(description="当前节点生效的全部规则及其来源 / every declared rule as in force "
                              "at the acting node, with where each value comes from")
async def effective_rules(info: Info, on: date | None = None) -> list[EffectiveRule]:
    ctx = info.context
    rules = _registry(ctx)
    await ctx.require("tenant.read")
    node = await ctx.node()
    async with ctx.read():
        return await _effective(rules, sorted(rules.keys), node, on)


def _parse(raw: str) -> Any:
    """The rule value: JSON, nested at most ``MAX_VALUE_DEPTH`` levels, with no NUL or lone
    surrogate (before, a 100,000-deep value was INTERNAL)."""
    if len(raw) > 100_000:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "值过长", "the value is too long", "value")
    try:
        value = json.loads(raw)
    except (ValueError, TypeError, RecursionError) as exc:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "值必须是合法的 JSON",
                       "the value must be valid JSON", "value") from exc
    why = bad_value(value)
    if why is not None:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, *why, "value")
    return value


@dataclass(frozen=True)
class _RuleSet:
    value: Any
    before: Resolved
    done: Resolved
    view: EffectiveRule


@strawberry.mutation(description="设置规则值：街镇覆盖、区域默认或锁定 / set a rule value: a "
                                 "tenant's override, a region's default or lock")
async def set_rule_value(info: Info, input: SetRuleValueInput) -> SetRuleValueResult:
    ctx = info.context

    async def work(access: Access) -> _RuleSet:
        rules = _registry(ctx)
        await ctx.require("rules.manage")
        node = await ctx.node()
        value = _parse(input.value)
        decl = rules.declared(input.key)
        before = await rules.get(input.key, node, input.effective_from)
        done = await rules.set(input.key, value, node, input.effective_from,
                               locked=input.locked, account_id=access.principal.account_id)
        (view,) = await _effective(rules, [decl.key], node, done.effective_from)
        return _RuleSet(value, before, done, view)

    def audit(r: _RuleSet) -> Audit:
        return Audit("rules.set", "RuleValue", r.done.version,
                     {"key": input.key, "value": r.value, "locked": input.locked,
                      "effective_from": r.done.effective_from,
                      "before": {"value": r.before.value, "version": r.before.version}})

    return await run_mutation(info, work, lambda r: SetRuleValuePayload(version=r.done.version,
                                                                 rule=r.view), audit=audit)


def types() -> list[type]:
    return []


def query_fields() -> list[Any]:
    return [effective_rules]


def mutation_fields() -> list[Any]:
    return [set_rule_value]
