"""Mutations ``login``, ``refreshToken`` and ``logout``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry

from core.identity import sessions
from core.identity.schema.types import (
    AuthPayload,
    LoginPayload,
    LoginResult,
    LogoutPayload,
    LogoutResult,
    RefreshTokenPayload,
    RefreshTokenResult,
)
from core.schema.context import Context, Info
from core.schema.mutations import run_unscoped
from core.schema.relay import encode_global_id

__all__ = ["login", "logout", "refresh_token"]


@strawberry.input(description="登录 / log in by username or phone")
class LoginInput:
    login: str = strawberry.field(description="用户名或手机号 / username or phone number")
    password: str


@strawberry.input(description="轮换刷新令牌 / rotate a refresh token")
class RefreshTokenInput:
    refresh_token: str


@strawberry.input(description="退出登录 / log out")
class LogoutInput:
    refresh_token: str | None = strawberry.field(
        default=None, description="同时吊销此刷新令牌所在的令牌族 / also revoke this token's family")
    everywhere: bool = strawberry.field(
        default=False, description="退出所有设备 / end every session of the account")


def _payload(kind: type[AuthPayload]) -> Callable[[sessions.Session], Any]:
    def build(session: sessions.Session) -> Any:
        return kind(account_id=encode_global_id("Account", session.account_id),
                    access_token=session.access_token,
                    access_token_expires_at=session.access_expires_at,
                    refresh_token=session.refresh_token,
                    refresh_token_expires_at=session.refresh_expires_at)

    return build


@strawberry.mutation(description="登录，返回访问令牌与刷新令牌 / log in; returns both tokens")
async def login(info: Info, input: LoginInput) -> LoginResult:
    return await run_unscoped(info, lambda ctx: sessions.login(
        ctx.state.db, ctx.state.settings, input.login, input.password, ctx.client_ip), _payload(LoginPayload))


@strawberry.mutation(description="用刷新令牌换新令牌 / exchange a refresh token for new tokens")
async def refresh_token(info: Info, input: RefreshTokenInput) -> RefreshTokenResult:
    return await run_unscoped(info, lambda ctx: sessions.refresh(
        ctx.state.db, ctx.state.settings, input.refresh_token), _payload(RefreshTokenPayload))


@strawberry.mutation(description="退出登录，下一次请求即生效 / log out, effective on the next request")
async def logout(info: Info, input: LogoutInput) -> LogoutResult:
    async def work(ctx: Context) -> None:
        await sessions.logout(ctx.state.db, ctx.state.settings, ctx.require_principal(),
                              input.refresh_token, everywhere=input.everywhere)

    return await run_unscoped(info, work, lambda _: LogoutPayload(logged_out=True))
