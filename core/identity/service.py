"""Accounts and memberships: create accounts, grant and revoke roles, find an account by login.

Plain async functions for resolvers, the CLI and the demo seeder; call them inside
``db.transaction()`` (or a scoped write transaction). Refusals are :class:`ApiError` with a
machine code and zh-CN/English text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from core.crypto import blind_index, encrypt
from core.db import get_db
from core.errors import ApiError, ErrorCode
from core.identity.passwords import MAX_PASSWORD, MIN_PASSWORD, hash_password_async
from core.identity.places import PLACE_KINDS, place_of, place_type
from core.identity.refresh import revoke_account
from core.identity.roles import RoleBook
from core.identity.tables import Account, Membership
from core.settings import Settings, get_settings
from core.text import strict_ascii
from tenants.service import get_node, scope_at

__all__ = ["MembershipInfo", "create_account", "find_account", "grant_membership",
           "normalise_phone", "normalise_username", "revoke_membership", "revoke_sessions"]

_USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{2,63}$")
_PHONE = re.compile(r"^1[0-9]{10}$")


def normalise_username(value: str) -> str | None:
    """Lower-case username, or ``None`` if it is not 3–64 of ``a-z 0-9 _ . -`` led by a letter."""
    value = (value or "").strip().lower()
    return value if _USERNAME.match(value) else None


def normalise_phone(value: str) -> str | None:
    """An 11-digit mainland mobile number (spaces, dashes and a +86 prefix dropped)."""
    digits = re.sub(r"[ \t-]", "", strict_ascii(value) or "x")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits if _PHONE.match(digits) else None


def phone_index(phone: str, settings: Settings) -> str:
    return blind_index(phone, settings.pii_key, "phone")


async def find_account(login: str, settings: Settings) -> dict[str, Any] | None:
    """The account named by a phone number or a username (``None`` if there is none)."""
    phone = normalise_phone(login)
    if phone is not None:
        return await Account.select().where(
            Account.phone_index == phone_index(phone, settings)).first()
    username = normalise_username(login)
    if username is None:
        return None
    return await Account.select().where(
        Account.username == username).first()


def _check_password(password: str) -> None:
    if not MIN_PASSWORD <= len(password or "") <= MAX_PASSWORD:
        raise ApiError(ErrorCode.INVALID_ARGUMENT,
                       f"密码长度须为 {MIN_PASSWORD}–{MAX_PASSWORD} 个字符",
                       f"the password must be {MIN_PASSWORD}–{MAX_PASSWORD} characters",
                       "password")


async def create_account(username: str | None = None, phone: str | None = None, *,
                         password: str, display_name: str = "", operator: bool = False,
                         settings: Settings | None = None, password_hash: str | None = None
                         ) -> int:
    """创建账号 Create an account that logs in by username and/or phone; returns its id.
    ``password_hash``: the password's hash when the caller already computed it (the demo's
    shared password), else it is hashed here."""
    settings = settings or get_settings()
    name = normalise_username(username) if username else None
    if username and name is None:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "用户名须为3–64位字母、数字或 _ . -，以字母开头",
                       "a username is 3–64 letters, digits, _ . or -, starting with a letter",
                       "username")
    number = normalise_phone(phone) if phone else None
    if phone and number is None:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "手机号须为11位数字，以1开头",
                       "a phone number is 11 digits starting with 1", "phone")
    if name is None and number is None:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "用户名和手机号至少填写一个",
                       "give a username or a phone number", "username")
    _check_password(password)
    if settings.is_production and password == settings.demo_password:
        # login refuses the demo password in production; an account holding it could never log in
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "生产环境不能使用演示密码",
                       "the demo password is not allowed in production", "password")
    display = (display_name or name or "").strip()[:100]
    if name and await Account.exists().where(Account.username == name):
        raise ApiError(ErrorCode.CONFLICT, "该用户名已被使用", "the username is taken", "username")
    index = phone_index(number, settings) if number else None
    if index and await Account.exists().where(Account.phone_index == index):
        raise ApiError(ErrorCode.CONFLICT, "该手机号已注册账号", "the phone number has an account",
                       "phone")
    row = Account(username=name, phone_index=index,
                  phone_cipher=encrypt(number, settings.pii_key) if number else None,
                  display_name=display,
                  password_hash=password_hash or await hash_password_async(password, settings),
                  is_operator=operator, created_at=datetime.now(UTC))
    await row.save()
    return int(row.id)


async def set_password(account_id: int, password: str, settings: Settings | None = None) -> None:
    _check_password(password)
    digest = await hash_password_async(password, settings or get_settings())
    await Account.update({Account.password_hash: digest}).where(Account.id == account_id)


async def revoke_sessions(account_id: int) -> None:
    """Logout everywhere: refuse older access tokens and revoke every refresh family."""
    now = datetime.now(UTC)
    await Account.update({Account.tokens_valid_after: now}).where(Account.id == account_id)
    await revoke_account(account_id, now)


@dataclass(frozen=True)
class MembershipInfo:
    id: int
    account_id: int
    node_id: int
    role: str
    place_kind: str | None
    place_id: int | None


def _info(row: dict[str, Any]) -> MembershipInfo:
    return MembershipInfo(id=row["id"], account_id=row["account_id"], node_id=row["node_id"],
                          role=row["role"], place_kind=row["place_kind"], place_id=row["place_id"])


async def _check_place(node_id: int, kind: str, place_id: int) -> None:
    """When the place's module registered a resolver, the place must exist under the node."""
    type_name = PLACE_KINDS[kind]
    if not place_type(type_name):
        return
    node = await get_node(node_id)
    assert node is not None
    async with get_db().scoped(await scope_at(node)):
        place = await place_of(type_name, place_id)
    if place is None or (place.node_path and not place.node_path.startswith(node.path)):
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该地点", "place not found", "placeId")


async def grant_membership(account_id: int, node_id: int, role: str,
                           place_kind: str | None = None, place_id: int | None = None, *,
                           rolebook: RoleBook | None = None,
                           by_workflow: bool = False) -> MembershipInfo:
    """授予角色 Give ``account_id`` ``role`` at a node, or at one place of the role's kind.
    A role a plugin's workflow grants (``RoleDecl.granted_by``) needs ``by_workflow``."""
    book = rolebook or _default_rolebook()
    decl = book.roles.get(role)
    if decl is None:
        valid = ", ".join(sorted(book.roles))
        raise ApiError(ErrorCode.INVALID_ARGUMENT, f"未知的角色 {role}；可用角色：{valid}",
                       f"unknown role {role}; valid roles: {valid}", "role")
    if decl.granted_by is not None and not by_workflow:
        zh, en = decl.granted_by
        raise ApiError(ErrorCode.INVALID_ARGUMENT, f"角色 {role} 不能直接授予，须通过{zh}",
                       f"role {role} is not granted directly: it comes with {en}", "role")
    if place_kind is None and decl.place_kind is not None and place_id is not None:
        place_kind = decl.place_kind
    if place_kind is not None and place_kind not in PLACE_KINDS:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "地点类型须为 community、grid 或 building",
                       "placeKind must be community, grid or building", "placeKind")
    if decl.place_kind is not None and place_kind != decl.place_kind:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, f"角色 {role} 须指定一个 {decl.place_kind}",
                       f"role {role} is held at one {decl.place_kind}", "placeKind")
    if (place_kind is None) != (place_id is None):
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "地点类型与地点须同时给出",
                       "placeKind and placeId go together", "placeId")
    if not await Account.exists().where(Account.id == account_id):
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该账号", "account not found", "accountId")
    if await get_node(node_id) is None:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该节点", "node not found", "nodeId")
    if place_kind is not None and place_id is not None:
        await _check_place(node_id, place_kind, place_id)
    same = ((Membership.account_id == account_id) & (Membership.node_id == node_id)
            & (Membership.role == role))
    same &= (Membership.place_kind.is_null() if place_kind is None
             else Membership.place_kind == place_kind)
    same &= Membership.place_id.is_null() if place_id is None else Membership.place_id == place_id
    if await Membership.exists().where(same):
        raise ApiError(ErrorCode.CONFLICT, "该账号已有此角色", "the account already holds this role")
    row = Membership(account_id=account_id, node_id=node_id, role=role, place_kind=place_kind,
                     place_id=place_id, created_at=datetime.now(UTC))
    await row.save()
    return MembershipInfo(int(row.id), account_id, node_id, role, place_kind, place_id)


async def get_membership(membership_id: int) -> MembershipInfo | None:
    row = await Membership.select().where(Membership.id == membership_id).first()
    return _info(row) if row else None


async def revoke_membership(membership_id: int) -> MembershipInfo:
    """收回角色 Delete a membership; effective on the account's next request."""
    found = await get_membership(membership_id)
    if found is None:
        raise ApiError(ErrorCode.NOT_FOUND, "未找到该成员身份", "membership not found", "id")
    await Membership.delete().where(Membership.id == membership_id)
    return found


def _default_rolebook() -> RoleBook:
    from core.registry import get_registry

    return RoleBook.from_registry(get_registry())


__all__ += ["get_membership", "phone_index", "set_password"]
