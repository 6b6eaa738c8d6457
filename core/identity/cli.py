"""``linli account create|grant`` and ``linli apikey create|revoke``."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import click

from core.audit.service import record
from core.cli_db import cli_database
from core.cli_errors import run_cli
from core.db import Database
from core.identity import apikeys, service
from core.identity.places import PLACE_KINDS
from core.identity.roles import RoleBook
from core.identity.tables import Account
from core.registry import get_registry
from core.settings import Settings, get_settings
from tenants.service import NodeInfo, get_node_by_code, scope_for

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


async def _grant(db: Database, book: RoleBook, account_id: int, node_code: str, role: str,
                 place_kind: str | None, place_id: int | None) -> service.MembershipInfo:
    node = await _node(node_code)
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
    click.option("--place-id", type=int, default=None, help="地点ID / the place's id"),
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
                   place_id: int | None) -> None:
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


async def _account_id(username: str | None, phone: str | None, account_id: int | None,
                      settings: Settings) -> int:
    if sum(x is not None for x in (username, phone, account_id)) != 1:
        raise click.UsageError("须给出 --username、--phone 或 --account-id 之一 / "
                               "name the account by exactly one of them")
    if account_id is not None:
        if not 0 < account_id < 2**31 or not await Account.exists().where(Account.id == account_id):
            raise click.ClickException(f"未找到账号 {account_id} / no account {account_id}")
        return account_id
    found = await service.find_account(username or phone or "", settings)
    if found is None:
        raise click.ClickException("未找到该账号 / no such account")
    return int(found["id"])


@account.command("grant", help="授予角色 / grant a membership")
@click.option("--username", default=None)
@click.option("--phone", default=None)
@click.option("--account-id", type=int, default=None)
@click.option("--node", "node_code", required=True, help="区划代码 / node code")
@click.option("--role", required=True, help="角色 / role")
@_with_place
def account_grant(username: str | None, phone: str | None, account_id: int | None,
                  node_code: str, role: str, place_kind: str | None,
                  place_id: int | None) -> None:
    async def work(db: Database, settings: Settings, book: RoleBook) -> service.MembershipInfo:
        async with db.transaction():
            target = await _account_id(username, phone, account_id, settings)
            return await _grant(db, book, target, node_code, role, place_kind, place_id)

    granted = _run(work)
    click.echo(f"已授予 / granted membership {granted.id}: account {granted.account_id} "
               f"{granted.role} at node {granted.node_id}")


@click.group(help="机器客户端的 API 密钥 / API keys for machine clients")
def apikey() -> None:
    pass


@apikey.command("create", help="新建 API 密钥，密钥只显示一次 / create an API key (shown once)")
@click.option("--node", "node_code", required=True, help="绑定的节点 / the key's node")
@click.option("--permission", "permissions", multiple=True, required=True,
              help="权限，可重复 / a permission; repeat for several")
@click.option("--name", default="", help="名称 / name")
@click.option("--object-kind", default=None, help="插件对象类型 / plugin object kind")
@click.option("--object-id", type=int, default=None, help="插件对象ID / plugin object id")
def apikey_create(node_code: str, permissions: tuple[str, ...], name: str,
                  object_kind: str | None, object_id: int | None) -> None:
    async def work(db: Database, settings: Settings, book: RoleBook) -> tuple[int, str]:
        async with db.transaction():
            node = await _node(node_code)
            info, raw = await apikeys.create_api_key(node.id, list(permissions), book, name=name,
                                                     object_kind=object_kind,
                                                     object_id=object_id)
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


@apikey.command("revoke", help="吊销 API 密钥 / revoke an API key")
@click.argument("key_id", type=int)
def apikey_revoke(key_id: int) -> None:
    async def work(db: Database, settings: Settings, book: RoleBook) -> None:
        from tenants.service import get_node

        async with db.transaction():
            info = await apikeys.revoke_api_key(key_id)
            node = await get_node(info.node_id)
            if node is not None:
                async with db.scoped(scope_for(node), write=True):
                    await record("identity.api_key_revoked", account_id=None,
                                 object_type="ApiKey", object_id=key_id,
                                 summary={"prefix": info.prefix, "via": "cli"})

    _run(work)
    click.echo(f"已吊销 / revoked API key {key_id}")


def register(group: click.Group) -> None:
    group.add_command(account)
    group.add_command(apikey)
