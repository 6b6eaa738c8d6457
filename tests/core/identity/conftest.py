"""Helpers for identity tests: accounts with passwords, and clients at their own addresses.

Failed logins are throttled per client address, so every test that logs in uses fresh
addresses (never the shared default client's), and cannot throttle another test.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from core.identity import service
from core.testing import GraphQLClient

_octets = itertools.count(1)

LOGIN = """mutation($login: String!, $password: String!) {
  login(input: {login: $login, password: $password}) {
    __typename
    ... on LoginPayload { accountId accessToken accessTokenExpiresAt refreshToken }
    ... on UserError { code messageZh messageEn field }
  }
}"""

REFRESH = """mutation($token: String!) {
  refreshToken(input: {refreshToken: $token}) {
    __typename
    ... on RefreshTokenPayload { accessToken refreshToken }
    ... on UserError { code messageEn }
  }
}"""

LOGOUT = """mutation($token: String, $everywhere: Boolean! = false) {
  logout(input: {refreshToken: $token, everywhere: $everywhere}) {
    __typename
    ... on LogoutPayload { loggedOut }
    ... on UserError { code messageEn field }
  }
}"""

PASSWORD = "correct horse battery"


def fresh_ip() -> str:
    n = next(_octets) + secrets.randbelow(50) * 10000
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


@pytest.fixture
async def client_at(linli_app: Any) -> AsyncIterator[Callable[[str | None], GraphQLClient]]:
    """``client_at(ip)`` → a GraphQL client whose requests come from ``ip`` (fresh if None)."""
    opened: list[httpx.AsyncClient] = []

    def make(ip: str | None = None) -> GraphQLClient:
        transport = httpx.ASGITransport(app=linli_app, client=(ip or fresh_ip(), 40000))
        client = httpx.AsyncClient(transport=transport, base_url="http://test")
        opened.append(client)
        return GraphQLClient(client)

    yield make
    for client in opened:
        await client.aclose()


@pytest.fixture
def make_account(linli_env: Any) -> Callable[..., Awaitable[tuple[int, str]]]:
    """Create an account with a password through the service; returns (id, username)."""

    async def make(*, phone: str | None = None, password: str = PASSWORD,
                   node: Any = None, role: str | None = None, **place: Any) -> tuple[int, str]:
        username = f"user{secrets.token_hex(5)}"
        async with linli_env.state.db.transaction():
            account_id = await service.create_account(username, phone, password=password,
                                                      display_name="测试", settings=linli_env.settings)
            if node is not None and role is not None:
                await service.grant_membership(account_id, node.id, role,
                                               place.get("place_kind"), place.get("place_id"),
                                               rolebook=linli_env.state.rolebook)
        return account_id, username

    return make


def fresh_phone() -> str:
    return "139" + "".join(secrets.choice("0123456789") for _ in range(8))


class Ops:
    """The identity operations tests need, as a fixture (test modules cannot import this)."""

    PASSWORD = PASSWORD
    fresh_ip = staticmethod(fresh_ip)
    fresh_phone = staticmethod(fresh_phone)

    async def login(self, gql: GraphQLClient, name: str, password: str = PASSWORD, *,
                    headers: dict[str, str] | None = None) -> dict[str, Any]:
        result = await gql(LOGIN, {"login": name, "password": password}, headers=headers)
        assert result.get("errors") is None, result
        return result["data"]["login"]  # type: ignore[no-any-return]

    async def refresh(self, gql: GraphQLClient, token: str) -> dict[str, Any]:
        result = await gql(REFRESH, {"token": token})
        assert result.get("errors") is None, result
        return result["data"]["refreshToken"]  # type: ignore[no-any-return]

    async def logout(self, gql: GraphQLClient, access: str, refresh: str | None = None,
                     everywhere: bool = False) -> dict[str, Any]:
        result = await gql(LOGOUT, {"token": refresh, "everywhere": everywhere}, token=access)
        assert result.get("errors") is None, result
        return result["data"]["logout"]  # type: ignore[no-any-return]

    async def me(self, gql: GraphQLClient, access: str) -> dict[str, Any]:
        return await gql("{ me { id name } }", token=access)


@pytest.fixture
def ops() -> Ops:
    return Ops()
