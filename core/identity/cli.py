"""``linli account create|grant|link-resident`` and ``linli apikey create|revoke``.

Ids are taken as the API returns them (global ids) or as integers; names where unique: a node
by its code, an account by username or phone, a place by its name under the node, a resident by
身份证号, an API key by its prefix (``core.cli_ids``)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import click

from core.audit.service import record
from core.cli_db import cli_database
from core.cli_errors import run_cli
from core.cli_ids import CliId, IdParam
from core.db import Database
from core.identity import apikeys, service
from core.identity.places import PLACE_KINDS
from core.identity.roles import RoleBook
from core.identity.tables import Account, ApiKey
from core.people.accounts import link_resident
from core.people.residents import id_index
from core.people.tables import Building, Community, Grid, Resident
from core.registry import get_registry
from core.settings import Settings, get_settings
from tenants.service import NodeInfo, get_node, get_node_by_code, scope_for

__all__ = ["register"]

T = TypeVar("T")


@asynccontextmanager
async def _database() -> AsyncIterator[tuple[Database, Settings, RoleBook]]:
    """The configured database with every table (``core.cli_db``), settings and roles."""
    async with cli_database() as db:
        yield db, get_settings(), RoleBook.from_registry(get_registry())


def _run(work: Callable[[Database, Settings, RoleBook], Awaitable[T]]) -> T:
    async def main() -> T:
        async with _database() as (db, settings, book):
            return await work(db, settings, book)

    return run_cli(main())


async def _node(code: str) -> NodeInfo:
    node = await get_node_by_code(code.strip())
    if node is None:
        raise click.ClickException(f"未找到区划代码 {code} / no node with code {code}")
    return node


_PLACE_TABLES: dict[str, type[Community | Grid | Building]] = {
    "community": Community, "grid": Grid, "building": Building}
_KIND_OF_TYPE = {type_name: kind for kind, type_name in PLACE_KINDS.items()}


async def _place(db: Database, book: RoleBook, node: NodeInfo, role: str,
                 place_kind: str | None, place: CliId | None) -> tuple[str | None, int | None]:
    """``--place-id`` as an integer, a global id (which also names the kind) or a name that
    is unique among the node's places of that kind."""
    if place is None:
        return place_kind, None
    if place.type_name is not None:
        typed = _KIND_OF_TYPE[place.type_name]
        if place_kind is not None and place_kind != typed:
            raise click.UsageError(f"--place-id 是 {place.type_name}，与 --place-kind {place_kind} "
                                   f"不符 / --place-id is a {place.type_name}, not a {place_kind}")
        return typed, place.pk
    decl = book.roles.get(role)
    if place.pk is not None:
        return place_kind, place.pk
    kind = place_kind or (decl.place_kind if decl else None)
    if kind is None:
        raise click.UsageError("按名称指定地点时须给出 --place-kind / name a place together "
                               "with --place-kind")
    table = _PLACE_TABLES[kind]
    async with db.scoped(scope_for(node)):
        rows = await table.select(table.id).where(table.name == place.text).limit(2)
    if len(rows) != 1:
        what = "未找到" if not rows else "有多个"
        raise click.ClickException(f"{node.code} {what}名为 {place.text} 的 {kind} / "
                                   f"{'no' if not rows else 'more than one'} {kind} named "
                                   f"{place.text} at {node.code}; give its id")
    return kind, int(rows[0]["id"])


async def _grant(db: Database, book: RoleBook, account_id: int, node_code: str, role: str,
                 place_kind: str | None, place: CliId | None) -> service.MembershipInfo:
    node = await _node(node_code)
    place_kind, place_id = await _place(db, book, node, role, place_kind, place)
    granted = await service.grant_membership(account_id, node.id, role, place_kind, place_id,
                                             rolebook=book)
    async with db.scoped(scope_for(node), write=True):
        await record("identity.membership_granted", account_id=None, object_type="Membership",
                     object_id=granted.id,
                     summary={"account": account_id, "node": node.id, "role": role,
                              "place_kind": granted.place_kind, "place_id": granted.place_id,
                              "via": "cli"})
    return granted


def _password(password: str | None, from_stdin: bool) -> str:
    if from_stdin == (password is not None):
        raise click.UsageError("须给出 --password 或 --password-stdin 之一 / "
                               "give exactly one of --password and --password-stdin")
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    assert password is not None
    return password


_place_options = [
    click.option("--place-kind", type=click.Choice(sorted(PLACE_KINDS)), default=None,
                 help="限于一个地点 / narrow to one place"),
    click.option("--place-id", type=IdParam("Community", "Grid", "Building", allow_names=True),
                 default=None, help="地点：全局ID、编号或（在该节点唯一的）名称 / the place: "
                                    "global id, integer, or its name when unique at the node"),
]


def _with_place(f: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(_place_options):
        f = option(f)
    return f


@click.group(help="账号与角色 / accounts and memberships")
def account() -> None:
    pass


@account.command("create", help="新建账号 / create an account")
@click.option("--username", default=None, help="用户名 / username")
@click.option("--phone", default=None, help="手机号 / phone number")
@click.option("--password", default=None, help="密码（会留在 shell 历史中）/ password")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码 / read it from stdin")
@click.option("--display-name", default="", help="显示名称 / display name")
@click.option("--operator", is_flag=True, help="部署运维员 / deployment operator")
@click.option("--node", "node_code", default=None, help="授予角色的节点 / node of a membership")
@click.option("--role", default=None, help="角色 / role at --node")
@_with_place
def account_create(username: str | None, phone: str | None, password: str | None,
                   password_stdin: bool, display_name: str, operator: bool,
                   node_code: str | None, role: str | None, place_kind: str | None,
                   place_id: CliId | None) -> None:
    secret = _password(password, password_stdin)
    if (node_code is None) != (role is None):
        raise click.UsageError("--node 与 --role 须同时给出 / --node and --role go together")

    async def work(db: Database, settings: Settings, book: RoleBook) -> int:
        async with db.transaction():
            account_id = await service.create_account(username, phone, password=secret,
                                                      display_name=display_name,
                                                      operator=operator, settings=settings)
            if node_code and role:
                await _grant(db, book, account_id, node_code, role, place_kind, place_id)
        return account_id

    account_id = _run(work)
    click.echo(f"已创建账号 / created account {account_id}")


async def _account_id(username: str | None, phone: str | None, account: CliId | None,
                      settings: Settings) -> int:
    if sum(x is not None for x in (username, phone, account)) != 1:
        raise click.UsageError("须给出 --username、--phone 或 --account-id 之一 / "
                               "name the account by exactly one of them")
    if account is not None:
        account_id = account.pk or 0
        if not await Account.exists().where(Account.id == account_id):
            raise click.ClickException(f"未找到账号 {account.text} / no account {account.text}")
        return account_id
    found = await service.find_account(username or phone or "", settings)
    if found is None:
        raise click.ClickException("未找到该账号 / no such account")
    return int(found["id"])


@account.command("grant", help="授予角色 / grant a membership")
@click.option("--username", default=None)
@click.option("--phone", default=None)
@click.option("--account-id", type=IdParam("Account"), default=None,
              help="账号的全局ID或编号 / the account's global id or integer id")
@click.option("--node", "node_code", required=True, help="区划代码 / node code")
@click.option("--role", required=True, help="角色 / role")
@_with_place
def account_grant(username: str | None, phone: str | None, account_id: CliId | None,
                  node_code: str, role: str, place_kind: str | None,
                  place_id: CliId | None) -> None:
    async def work(db: Database, settings: Settings, book: RoleBook) -> service.MembershipInfo:
        async with db.transaction():
            target = await _account_id(username, phone, account_id, settings)
            return await _grant(db, book, target, node_code, role, place_kind, place_id)

    granted = _run(work)
    click.echo(f"已授予 / granted membership {granted.id}: account {granted.account_id} "
               f"{granted.role} at node {granted.node_id}")


async def _resident(db: Database, node: NodeInfo, resident: CliId, settings: Settings) -> int:
    """A resident of ``node`` by integer id, global id or 身份证号."""
    async with db.scoped(scope_for(node)):
        if resident.pk is not None:
            where = Resident.id == resident.pk
        else:
            where = Resident.id_number_index == id_index(resident.text, settings.pii_key)
        row = await Resident.select(Resident.id).where(where).first()
    if row is None:
        raise click.ClickException(f"{node.code} 没有居民 {resident.text} / no resident "
                                   f"{resident.text} at {node.code}")
    return int(row["id"])


@account.command("link-resident", help="把账号关联到一名居民（或用 --unlink 解除），记入审计 / "
                                       "link an account to a resident (or --unlink), audited")
@click.option("--username", default=None)
@click.option("--phone", default=None)
@click.option("--account-id", type=IdParam("Account"), default=None,
              help="账号的全局ID或编号 / the account's global id or integer id")
@click.option("--node", "node_code", required=True, help="居民所在街镇的代码 / the tenant's code")
@click.option("--resident", type=IdParam("Resident", allow_names=True), default=None,
              help="居民的全局ID、编号或身份证号 / the resident's global id, integer id or ID "
                   "number")
@click.option("--unlink", is_flag=True, help="解除关联 / remove the link")
def account_link_resident(username: str | None, phone: str | None, account_id: CliId | None,
                          node_code: str, resident: CliId | None, unlink: bool) -> None:
    if unlink == (resident is not None):
        raise click.UsageError("须给出 --resident 或 --unlink 之一 / give --resident or --unlink")

    async def work(db: Database, settings: Settings, book: RoleBook) -> tuple[int, int | None]:
        async with db.transaction():
            node = await _node(node_code)
            target = await _account_id(username, phone, account_id, settings)
        if node.is_region:
            raise click.ClickException(f"{node.code} 是区域，居民属于街道或乡镇 / {node.code} is "
                                       "a region; residents belong to a street office or town")
        resident_id = None if resident is None else await _resident(db, node, resident, settings)
        async with db.scoped(scope_for(node), write=True):
            rec, before = await link_resident(target, resident_id, node.id)
            await record("identity.account_resident_linked", account_id=None,
                         object_type="Account", object_id=rec.id,
                         summary={"before": {"resident_id": before},
                                  "after": {"resident_id": rec.resident_id}, "via": "cli"})
        return rec.id, rec.resident_id

    done, linked = _run(work)
    if linked is None:
        click.echo(f"已解除账号 {done} 的居民关联 / account {done} is linked to no resident")
    else:
        click.echo(f"已关联 / linked account {done} to resident {linked}")


@click.group(help="机器客户端的 API 密钥 / API keys for machine clients")
def apikey() -> None:
    pass


@apikey.command("create", help="新建 API 密钥，密钥只显示一次 / create an API key (shown once)")
@click.option("--node", "node_code", required=True, help="绑定的节点 / the key's node")
@click.option("--permission", "permissions", multiple=True, required=True,
              help="权限，可重复 / a permission; repeat for several")
@click.option("--name", default="", help="名称 / name")
@click.option("--object-kind", default=None, help="插件对象类型 / plugin object kind")
@click.option("--object-id", type=IdParam(), default=None,
              help="插件对象的全局ID（或编号）/ the plugin object's global id (or integer id)")
def apikey_create(node_code: str, permissions: tuple[str, ...], name: str,
                  object_kind: str | None, object_id: CliId | None) -> None:
    async def work(db: Database, settings: Settings, book: RoleBook) -> tuple[int, str]:
        async with db.transaction():
            node = await _node(node_code)
            info, raw = await apikeys.create_api_key(node.id, list(permissions), book, name=name,
                                                     object_kind=object_kind,
                                                     object_id=object_id.pk if object_id
                                                     else None,
                                                     object_type=object_id.type_name
                                                     if object_id else None)
            async with db.scoped(scope_for(node), write=True):
                await record("identity.api_key_created", account_id=None, object_type="ApiKey",
                             object_id=info.id,
                             summary={"prefix": info.prefix, "name": info.name, "via": "cli",
                                      "permissions": list(info.permissions)})
        return info.id, raw

    key_id, raw = _run(work)
    click.echo(f"API 密钥 {key_id}（请立即保存，之后不再显示）/ API key {key_id} "
               "(save it now; it is not shown again):")
    click.echo(raw)


@apikey.command("revoke", help="吊销 API 密钥（全局ID、编号或前缀）/ revoke an API key (global "
                               "id, integer id or prefix)")
@click.argument("key", type=IdParam("ApiKey", allow_names=True))
def apikey_revoke(key: CliId) -> None:
    async def work(db: Database, settings: Settings, book: RoleBook) -> int:
        async with db.transaction():
            key_id = key.pk
            if key_id is None:  # a prefix, as `lk_<prefix>_…` and the API show it
                row = await ApiKey.select(ApiKey.id).where(
                    ApiKey.prefix == key.text.removeprefix("lk_").split("_")[0]).first()
                if row is None:
                    raise click.ClickException(f"未找到 API 密钥 {key.text} / no API key "
                                               f"{key.text}")
                key_id = int(row["id"])
            info = await apikeys.revoke_api_key(key_id)
            node = await get_node(info.node_id)
            if node is not None:
                async with db.scoped(scope_for(node), write=True):
                    await record("identity.api_key_revoked", account_id=None,
                                 object_type="ApiKey", object_id=key_id,
                                 summary={"prefix": info.prefix, "via": "cli"})
        return key_id

    key_id = _run(work)
    click.echo(f"已吊销 / revoked API key {key_id}")


def register(group: click.Group) -> None:
    group.add_command(account)
    group.add_command(apikey)
