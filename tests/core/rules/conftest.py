"""A throwaway plugin declaring rule keys, and an app whose registry has it (the session app is
left alone)."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from core.app import create_app
from core.identity.roles import RoleBook
from core.plugin import PluginMeta, hookimpl
from core.registry import Registry
from core.rules import service as rules_module
from core.rules.service import RuleKey, RuleRegistry
from core.schema.compose import build_schema
from core.state import AppState
from core.testing import GraphQLClient


def _no_swearing(value: str) -> str | None:
    return "问候语不能含有“笨”字 / the greeting must be polite" if "笨" in value else None


PROBE_RULES = [
    RuleKey("rules_probe.max_age", "int", 65, "楼长最大年龄", "oldest age of a building head",
            minimum=18, maximum=120),
    RuleKey("rules_probe.greeting", "str", "您好", "问候语", "greeting", validate=_no_swearing),
    RuleKey("rules_probe.subsidy", "float", 3.0, "每餐补贴（元）", "subsidy per meal (yuan)",
            minimum=0),
]


class RulesProbe:
    """A plugin that only declares rule keys."""

    @hookimpl
    def linli_plugin_meta(self) -> PluginMeta:
        return PluginMeta(name="rules_probe", title_zh="规则探针", title_en="Rules probe",
                          version="0.1", rule_keys=tuple(k.key for k in PROBE_RULES))

    @hookimpl
    def linli_rules(self) -> list[RuleKey]:
        return PROBE_RULES


@pytest.fixture
def probe_state(linli_env: Any) -> AppState:
    registry = Registry()
    registry.load_entrypoints()
    registry.register(RulesProbe())
    registry.check()
    state = AppState(settings=linli_env.settings, db=linli_env.state.db, registry=registry,
                     rolebook=RoleBook.from_registry(registry), schema=build_schema(registry))
    rules_module.install(state)
    return state


@pytest.fixture
def rules(probe_state: AppState) -> RuleRegistry:
    return probe_state.services.rules  # type: ignore[no-any-return]


@pytest.fixture
async def rules_gql(probe_state: AppState) -> AsyncIterator[GraphQLClient]:
    app = create_app(state=probe_state, manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as client:
        yield GraphQLClient(client)
