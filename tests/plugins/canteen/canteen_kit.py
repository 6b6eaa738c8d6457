"""Helpers of the canteen tests importable by test modules (conftest modules are not):
global ids, enabling the plugin, an operating canteen, counting statements, checking a console
page in the browser."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.plugin import system_access
from core.schema.relay import encode_global_id
from tenants.plugins import change_plugin, fire_tenant_enabled
from tenants.service import scope_for

PLUGIN = "canteen"


def gid(type_name: str, pk: int) -> str:
    return str(encode_global_id(type_name, pk))


async def enable(env: Any, node: Any, enabled: bool = True) -> None:
    async with env.state.db.transaction():
        newly = await change_plugin(node, PLUGIN, enabled)
    await fire_tenant_enabled(env.state.db, env.state.registry, PLUGIN, newly)


async def operating_canteen(env: Any, street: Any, name: str,
                            slots: tuple[str, ...] = ("breakfast", "lunch", "dinner")
                            ) -> dict[str, Any]:
    from plugins.canteen.services import canteens

    async with env.state.db.scoped(scope_for(street.node), write=True):
        access = system_access(street.node)
        row = await canteens.create_canteen(
            access, name=name, kind="enterprise_listed", elderly_centre=False,
            operator_name="运营方", address="地址", slots=list(slots), seats=20)
        for status in ("signed", "fitting_out", "ready", "operating"):
            row = await canteens.change_status(access, int(row["id"]), status,
                                               date(2024, 1, 1),
                                               expected_ready_on=date(2024, 1, 1))
    return row






async def liuyuan(env: Any, factory: Any) -> Any:
    """聊城市 › 东昌府区 › 柳园街道 with the core demo's residents and the plugin on."""
    from core.demo.people import demo_rows
    from core.demo.places import DEMO_COMPOUNDS
    from core.people.excel import import_rows

    city = await factory.region("city", name="聊城市")
    district = await factory.region("district", parent=city, name="东昌府区")
    node = await factory.tenant(district, name="柳园街道")
    rows = demo_rows(node.code, ("水韵社区", "育新社区"), DEMO_COMPOUNDS, count=150, seed=node.id)
    report = await import_rows(env.state.db, node, ((i + 2, r) for i, r in enumerate(rows)),
                               None, pii_key=env.settings.pii_key, progress=False)
    assert report.ok, report.errors[:3]
    await enable(env, node)
    return node


def check_page(b: Any, name: str, p: Any, violations: dict[str, Any]) -> None:
    """Screenshot and axe, in normal then elder-friendly mode (after any toast has faded)."""
    for _ in range(80):
        if not p.query_selector(".el-message"):
            break
        p.wait_for_timeout(100)
    p.wait_for_timeout(400)
    b.shot(name, p)
    if found := b.axe(p):
        violations[name] = found
    p.click(".elder-toggle .el-switch")
    p.wait_for_timeout(300)
    b.shot(f"{name}-elder", p)
    if found := b.axe(p):
        violations[f"{name}-elder"] = found
    p.click(".elder-toggle .el-switch")
