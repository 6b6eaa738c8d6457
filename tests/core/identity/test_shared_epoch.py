"""Issue 10: the revocation epoch is shared across API processes. Two real ``linli serve``
processes (A and B) serve the session's database; B has the caller cached. A logout in A, or a
membership revoked by a third process (this test's), is refused by B on its very next
request — not up to the cache's 30 s later."""

from __future__ import annotations

from typing import Any

import httpx

from core.identity.tables import Membership
from core.testing.live import live_server

PASSWORD = "correct horse 1"
LOGIN = """mutation($login: String!, $password: String!) {
  login(input: {login: $login, password: $password}) {
    ... on LoginPayload { accessToken refreshToken } ... on UserError { code } } }"""
LOGOUT = """mutation($token: String) {
  logout(input: {refreshToken: $token}) { __typename } }"""
READ = "{ residents(first: 1) { edges { node { name } } } }"


async def _post(http: httpx.AsyncClient, base: str, query: str, variables: Any = None,
                headers: dict[str, str] | None = None) -> dict[str, Any]:
    resp = await http.post(f"{base}/graphql", json={"query": query, "variables": variables},
                           headers=headers or {})
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


def _code(result: dict[str, Any]) -> str | None:
    errors = result.get("errors")
    return errors[0]["extensions"]["code"] if errors else None


async def test_logout_in_one_process_is_refused_by_another_on_the_next_request(linli_env,
                                                                               factory):
    tenant = await factory.tenant()
    account = await factory.account(tenant, password=PASSWORD)
    with live_server(linli_env.settings, timeout=180) as a, \
            live_server(linli_env.settings, timeout=180) as b:
        async with httpx.AsyncClient(timeout=60) as http:
            session = (await _post(http, a, LOGIN, {"login": account.username,
                                                    "password": PASSWORD}))["data"]["login"]
            headers = {"Authorization": f"Bearer {session['accessToken']}",
                       "X-Linli-Node": tenant.code}
            for _ in range(3):  # B now answers the token from its cache
                assert _code(await _post(http, b, READ, headers=headers)) is None
            out = await _post(http, a, LOGOUT, {"token": session["refreshToken"]}, headers)
            assert out["data"]["logout"]["__typename"] == "LogoutPayload"
            assert _code(await _post(http, b, READ, headers=headers)) == "UNAUTHENTICATED"
            assert _code(await _post(http, a, READ, headers=headers)) == "UNAUTHENTICATED"


async def test_a_membership_revoked_elsewhere_is_refused_on_the_next_request(linli_env,
                                                                             factory):
    tenant = await factory.tenant()
    account = await factory.account(tenant)
    headers = {"Authorization": f"Bearer {account.token}", "X-Linli-Node": tenant.code}
    with live_server(linli_env.settings, timeout=180) as b:
        async with httpx.AsyncClient(timeout=60) as http:
            for _ in range(3):
                assert _code(await _post(http, b, READ, headers=headers)) is None
            # this test's process is a third one: it deletes the membership in a transaction
            async with linli_env.state.db.transaction():
                await Membership.delete().where(Membership.account_id == account.id)
            assert _code(await _post(http, b, READ, headers=headers)) in {"NOT_FOUND",
                                                                          "FORBIDDEN"}
