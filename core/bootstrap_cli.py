"""``linli bootstrap``: the first tenant and its first administrator, in one idempotent command.

It creates what is missing and leaves what exists: the city (and optionally a district or county)
above the tenant, the tenant (街道/乡镇), the administrator's account and their ``tenant_admin``
membership at the tenant. Run it again with the same arguments and it changes nothing; an
existing account keeps its password (no password is needed then). A node that exists under
another kind or parent is an error, never silently moved. Creations are audited as
``linli tenant create`` and ``linli account grant`` audit them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import click

from core.audit.service import record
from core.cli_db import cli_database
from core.cli_errors import run_cli
from core.db import get_db
from core.identity import service
from core.identity.roles import RoleBook
from core.identity.tables import Membership
from core.registry import get_registry
from core.settings import get_settings
from tenants.plugins import fire_tenant_enabled, tenants_at_or_below
from tenants.service import NodeInfo, create_node, enabled_plugins, get_node_by_code, scope_for

__all__ = ["BootstrapReport", "bootstrap", "register"]


@dataclass
class BootstrapReport:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)

    def line(self) -> str:
        if not self.created:
            return (f"已就绪，无需改动 / already bootstrapped: nothing changed "
                    f"({len(self.existing)} present)")
        return (f"完成 / bootstrapped: created {len(self.created)}, "
                f"{len(self.existing)} already present")


async def _ensure_node(report: BootstrapReport, kind: str, code: str, name: str,
                       parent: object | None) -> object:

    db = get_db()
    node = await get_node_by_code(code.strip())
    parent_id = parent.id if isinstance(parent, NodeInfo) else None
    if node is not None:
        if node.kind != kind or node.parent_id != parent_id:
            raise click.ClickException(
                f"节点 {code} 已存在但类型或上级不同（{node.kind}）/ node {code} exists as a "
                f"{node.kind} under another parent: not changed; fix the arguments")
        note = "" if node.name == name else f" (named {node.name!r}, not renamed)"
        report.existing.append(f"{kind} {code}")
        click.echo(f"已存在 / exists: {kind} {code} {node.name}{note}")
        return node
    node = await create_node(kind, code, name, parent if isinstance(parent, NodeInfo) else None)
    async with db.scoped(scope_for(node), write=True):
        await record("tenants.create", account_id=None, object_type="Tenant", object_id=node.id,
                     summary={"kind": kind, "code": node.code, "name": node.name,
                              "via": "bootstrap"})
    report.created.append(f"{kind} {code}")
    click.echo(f"已创建 / created: {kind} {node.code} {node.name}")
    return node


async def bootstrap(*, city: tuple[str, str], district: tuple[str, str] | None,
                    district_kind: str, tenant: tuple[str, str], tenant_kind: str,
                    username: str, display_name: str, password: str | None,
                    role: str = "tenant_admin") -> BootstrapReport:

    report = BootstrapReport()
    settings = get_settings()
    registry = get_registry()
    book = RoleBook.from_registry(registry)
    async with cli_database(create=True) as db:  # bootstrap may start a new embedded file
        async with db.transaction():
            top = await _ensure_node(report, "city", city[0], city[1], None)
            if district is not None:
                top = await _ensure_node(report, district_kind, district[0], district[1], top)
            before = len(report.created)
            node = await _ensure_node(report, tenant_kind, tenant[0], tenant[1], top)
            assert isinstance(node, NodeInfo)
            new_tenant = len(report.created) > before
            found = await service.find_account(username, settings)
            if found is None:
                if not password:
                    raise click.UsageError(
                        f"账号 {username} 不存在，需要密码（--password-stdin）/ account "
                        f"{username} does not exist: give its password (--password-stdin)")
                account_id = await service.create_account(username, None, password=password,
                                                          display_name=display_name,
                                                          settings=settings)
                report.created.append(f"account {username}")
                click.echo(f"已创建账号 / created account {username} ({account_id})")
            else:
                account_id = int(found["id"])
                report.existing.append(f"account {username}")
                click.echo(f"账号已存在，密码未改 / account {username} exists ({account_id}); "
                           "password unchanged")
            held = await Membership.exists().where(
                (Membership.account_id == account_id) & (Membership.node_id == node.id)
                & (Membership.role == role) & Membership.place_kind.is_null())
            if held:
                report.existing.append(f"{role} at {node.code}")
                click.echo(f"角色已存在 / exists: {username} is {role} at {node.code}")
            else:
                granted = await service.grant_membership(account_id, node.id, role,
                                                         rolebook=book)
                async with db.scoped(scope_for(node), write=True):
                    await record("identity.membership_granted", account_id=None,
                                 object_type="Membership", object_id=granted.id,
                                 summary={"account": account_id, "node": node.id, "role": role,
                                          "place_kind": None, "place_id": None,
                                          "via": "bootstrap"})
                report.created.append(f"{role} at {node.code}")
                click.echo(f"已授予 / granted: {username} is {role} at {node.code}")
            plugins = await enabled_plugins(node, registry.names) if new_tenant else []
        for plugin in plugins:  # enabled above the new tenant: its plugins set it up
            await fire_tenant_enabled(db, registry, plugin, await tenants_at_or_below(node))
    click.echo(report.line())
    return report


def _pair(value: str | None, option: str) -> tuple[str, str] | None:
    if value is None:
        return None
    code, sep, name = value.partition(":")
    if not sep or not code.strip() or not name.strip():
        raise click.BadParameter("应为 CODE:NAME / expected CODE:NAME", param_hint=option)
    return code.strip(), name.strip()


def register(group: click.Group) -> None:
    @group.command("bootstrap", help="首个街镇及其管理员（可重复运行）/ the first tenant and its "
                                     "administrator (idempotent: creates only what is missing)")
    @click.option("--city", required=True, metavar="CODE:NAME",
                  help="市 / the city (12-digit code), e.g. 371500000000:聊城市")
    @click.option("--district", default=None, metavar="CODE:NAME",
                  help="区或县（可选）/ district or county under the city (optional)")
    @click.option("--district-kind", type=click.Choice(["district", "county"]),
                  default="district", show_default=True)
    @click.option("--tenant", required=True, metavar="CODE:NAME",
                  help="街道或乡镇 / the tenant, e.g. 371502001000:古楼街道")
    @click.option("--tenant-kind", type=click.Choice(["street", "town", "township"]),
                  default="street", show_default=True)
    @click.option("--admin", "username", required=True, help="管理员用户名 / admin username")
    @click.option("--admin-name", "display_name", default="", help="显示名称 / display name")
    @click.option("--password-stdin", is_flag=True,
                  help="从标准输入读取新账号密码 / read the new account's password from stdin")
    def bootstrap_cmd(city: str, district: str | None, district_kind: str, tenant: str,
                      tenant_kind: str, username: str, display_name: str,
                      password_stdin: bool) -> None:

        password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
        city_pair = _pair(city, "--city")
        tenant_pair = _pair(tenant, "--tenant")
        assert city_pair is not None and tenant_pair is not None
        run_cli(bootstrap(city=city_pair, district=_pair(district, "--district"),
                          district_kind=district_kind, tenant=tenant_pair,
                          tenant_kind=tenant_kind, username=username,
                          display_name=display_name, password=password))
