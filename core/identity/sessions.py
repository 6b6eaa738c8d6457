"""Login, refresh and logout: access tokens plus rotating refresh-token families.

Each function opens its own unscoped transactions, because some failures must still be
committed (a failed login is counted; a replayed refresh token revokes its family) before the
typed error is raised. Passwords are verified outside any transaction (argon2 takes a while).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from core.db import Database
from core.errors import ApiError, ErrorCode
from core.identity.access import Principal
from core.identity.passwords import PasswordCheck, check_password, hash_password_async
from core.identity.refresh import (
    IssuedRefresh,
    RotateOutcome,
    find_refresh,
    issue_refresh,
    revoke_family,
    rotate_refresh,
)
from core.identity.service import find_account, revoke_sessions
from core.identity.tables import Account, RevokedToken
from core.identity.throttle import (
    account_key,
    clear_failures,
    client_key,
    login_key,
    pair_key,
    release,
    reserve,
)
from core.identity.tokens import issue_access_token
from core.settings import Settings

__all__ = ["Session", "login", "logout", "refresh"]

WRONG = ("账号或密码错误", "wrong login or password")
THROTTLED = ("登录失败次数过多，请稍后再试", "too many failed logins; try again later")
BAD_REFRESH = ("刷新令牌无效或已失效，请重新登录", "the refresh token is invalid or expired; log in again")


@dataclass(frozen=True)
class Session:
    """What a login or refresh hands back: both tokens and when they expire."""

    account_id: int
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


def _session(account_id: int, issued: IssuedRefresh, settings: Settings) -> Session:
    token, _, expires = issue_access_token(account_id, settings.secret_key,
                                           settings.access_token_seconds, family=issued.family)
    return Session(account_id, token, expires, issued.token, issued.expires_at)


async def login(db: Database, settings: Settings, login_name: str, password: str,
                client_ip: str) -> Session:
    """登录 By username or phone. The attempt is reserved (counted) before the password is
    checked, atomically, so concurrent attempts cannot exceed the limit; throttled callers are
    refused without a check. Throttling is per (account, address) with growing delays and per
    address with a cap (``core.identity.throttle``); the account alone is never locked."""
    async with db.transaction():
        account = await find_account(login_name or "", settings)
        if account is not None and account["is_active"]:
            acct_key = account_key(account["id"])
        else:
            account, acct_key = None, login_key(login_name or "")
        reserved = await reserve(pair_key(acct_key, client_ip), client_key(client_ip),
                                 settings)
    if reserved is None:
        raise ApiError(ErrorCode.THROTTLED, *THROTTLED)
    verdict = await check_password(account["password_hash"] if account else None,
                                   password or "", settings)
    if settings.is_production and password == settings.demo_password:
        verdict = PasswordCheck(False)  # the shared demo password never works in production
    new_hash = (await hash_password_async(password, settings)
                if verdict.ok and verdict.needs_rehash else None)
    if verdict.ok and account is not None:  # a failure stays counted by its reservation
        async with db.transaction():
            await clear_failures(pair_key(acct_key, client_ip))
            await release(reserved)
            if new_hash is not None:
                await Account.update({Account.password_hash: new_hash}).where(
                    Account.id == account["id"])
            issued = await issue_refresh(account["id"], settings.refresh_token_days)
    if not verdict.ok or account is None:
        raise ApiError(ErrorCode.UNAUTHENTICATED, *WRONG)
    return _session(account["id"], issued, settings)


async def refresh(db: Database, settings: Settings, raw: str) -> Session:
    """Rotate a refresh token; a replayed one revokes its family and is refused."""
    async with db.transaction():
        outcome, issued = await rotate_refresh(raw or "")
        if issued is not None:
            account = await Account.select(Account.is_active).where(
                Account.id == issued.account_id).first()
            if not account or not account["is_active"]:
                await revoke_family(issued.family)
                outcome, issued = RotateOutcome.UNKNOWN, None
    if outcome is not RotateOutcome.OK or issued is None:
        raise ApiError(ErrorCode.UNAUTHENTICATED, *BAD_REFRESH, field="refreshToken")
    return _session(issued.account_id, issued, settings)


async def logout(db: Database, settings: Settings, principal: Principal,
                 refresh_token: str | None = None, *, everywhere: bool = False) -> None:
    """退出登录 Revoke the current access token and its session's refresh family — named by the
    refresh token or, without one, by the access token itself (or every session)."""
    if principal.account_id is None or principal.token_id is None:
        raise ApiError(ErrorCode.INVALID_ARGUMENT, "只有登录会话可以退出", "only a login session can log out")
    async with db.transaction():
        family = None
        if refresh_token:
            row = await find_refresh(refresh_token)
            if row is None or row["account_id"] != principal.account_id:
                raise ApiError(ErrorCode.INVALID_ARGUMENT, *BAD_REFRESH, field="refreshToken")
            family = row["family"]
        family = family or principal.session_family
        now = datetime.now(UTC)
        await RevokedToken.delete().where(RevokedToken.expires_at < now)
        if not await RevokedToken.exists().where(RevokedToken.jti == principal.token_id):
            await RevokedToken.insert(RevokedToken(
                jti=principal.token_id,
                expires_at=now + timedelta(seconds=max(settings.access_token_seconds, 900))))
        if family is not None:
            await revoke_family(family, now)
        if everywhere:
            await revoke_sessions(principal.account_id)
