"""Loading plugins: blocking by name, check_pending, requirements, stable hook order."""

import pytest
import strawberry

from core.plugin import PluginMeta, hookimpl
from core.registry import PluginError, Registry
from core.settings import get_settings, reset_settings


def make_plugin(name: str, **hooks: object) -> object:
    """A throwaway plugin object named ``name`` with the given hook implementations."""

    class Plugin:
        @hookimpl
        def linli_plugin_meta(self) -> PluginMeta:
            return PluginMeta(name=name, title_zh=name, title_en=name, version="0.1")

    for hook, fn in hooks.items():
        setattr(Plugin, hook, hookimpl(fn))
    return Plugin()


def test_disabled_plugin_is_not_registered() -> None:
    registry = Registry(disabled={"blocked_test"})
    registry.register(make_plugin("blocked_test"))
    registry.register(make_plugin("allowed_test"))
    assert registry.names == ["allowed_test"]
    assert not [n for n, _ in registry.pm.list_name_plugin() if n == "blocked_test"]


def test_disable_plugins_setting_is_parsed(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("LINLI_DISABLE_PLUGINS", " canteen , blood_drive,")
    monkeypatch.setenv("LINLI_VAR_DIR", str(tmp_path))
    reset_settings()
    try:
        assert get_settings().disable_plugins == {"canteen", "blood_drive"}
    finally:
        reset_settings()


def test_check_catches_misspelt_marked_hook() -> None:
    registry = Registry()
    registry.register(make_plugin("typo_test", linli_tenant_enabeld=lambda self, tenant_id: None))
    with pytest.raises(PluginError, match="linli_tenant_enabeld"):
        registry.check()


def test_check_catches_misspelt_unmarked_hook() -> None:
    plugin = make_plugin("typo2_test")
    type(plugin).linli_query_feilds = lambda self: []
    registry = Registry()
    registry.register(plugin)
    with pytest.raises(PluginError, match="typo2_test.*linli_query_feilds"):
        registry.check()


def test_wrong_hook_arguments_are_refused() -> None:
    registry = Registry()
    with pytest.raises(PluginError, match="args_test"):
        registry.register(make_plugin("args_test",
                                      linli_tenant_enabled=lambda self, tenant: None))


def test_requirements_and_duplicates() -> None:
    registry = Registry()
    registry.register(make_plugin("needs_test"))
    registry.metas["needs_test"] = PluginMeta(name="needs_test", title_zh="x", title_en="x",
                                              version="1", requires=("missing_test",))
    with pytest.raises(PluginError, match="missing_test"):
        registry.check()
    with pytest.raises(PluginError, match="twice"):
        registry.register(make_plugin("needs_test"))


def test_hook_results_are_sorted_by_plugin_name() -> None:
    @strawberry.type
    class AlphaThing:
        x: int

    @strawberry.type
    class ZetaThing:
        x: int

    registry = Registry()
    # registered alpha first: pluggy itself would answer zeta first (last registered first)
    registry.register(make_plugin("alpha_test", linli_graphql_types=lambda self: [AlphaThing]))
    registry.register(make_plugin("zeta_test", linli_graphql_types=lambda self: [ZetaThing]))
    raw = [impl.plugin_name for impl in reversed(
        registry.pm.hook.linli_graphql_types.get_hookimpls())]  # pluggy's call order
    assert raw == ["zeta_test", "alpha_test"]
    assert registry.graphql_types() == [("alpha_test", AlphaThing), ("zeta_test", ZetaThing)]


def test_unregister_removes_plugin() -> None:
    registry = Registry()
    registry.register(make_plugin("gone_test"))
    registry.unregister("gone_test")
    assert registry.names == [] and registry.pm.get_plugin("gone_test") is None
