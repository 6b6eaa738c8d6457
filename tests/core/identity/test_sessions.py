"""Login by username or phone, access-token expiry, refresh rotation and replay, logout."""

from datetime import UTC, datetime, timedelta

from core.identity.refresh import hash_token
from core.identity.tables import RefreshToken, RevokedToken
from core.identity.tokens import decode_access_token, issue_access_token


async def test_login_by_username(client_at, make_account, ops, linli_env):
    gql = client_at()
    account_id, username = await make_account()
    result = await ops.login(gql, username.upper())
    assert result["__typename"] == "LoginPayload", result
    claims = decode_access_token(result["accessToken"], linli_env.settings.secret_key)
    assert claims["sub"] == str(account_id)
    assert claims["exp"] - claims["iat"] <= 15 * 60
    me = await ops.me(gql, result["accessToken"])
    assert me.get("errors") is None, me
    assert me["data"]["me"]["name"] == username


async def test_login_by_phone(client_at, make_account, ops, linli_env):
    gql = client_at()
    phone = ops.fresh_phone()
    account_id, _ = await make_account(phone=phone)
    spaced = f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}"
    result = await ops.login(gql, spaced)
    assert result["__typename"] == "LoginPayload", result
    assert decode_access_token(result["accessToken"],
                               linli_env.settings.secret_key)["sub"] == str(account_id)


async def test_refresh_token_stored_only_as_hash(client_at, make_account, ops, linli_env):
    _, username = await make_account()
    result = await ops.login(client_at(), username)
    raw = result["refreshToken"]
    async with linli_env.state.db.transaction(write=False):
        rows = await RefreshToken.select().where(RefreshToken.token_hash == hash_token(raw))
        leaked = await RefreshToken.exists().where(RefreshToken.token_hash == raw)
    assert len(rows) == 1 and not leaked


async def test_wrong_password_and_unknown_login(client_at, make_account, ops):
    gql = client_at()
    _, username = await make_account()
    wrong = await ops.login(gql, username, "not the password")
    unknown = await ops.login(gql, "nobody-" + username, "not the password")
    for result in (wrong, unknown):
        assert result["__typename"] == "UserError"
        assert result["code"] == "UNAUTHENTICATED"
        assert result["messageZh"] and result["messageEn"] == "wrong login or password"
    assert wrong == unknown  # nothing tells an unknown login from a wrong password


async def test_expired_access_token_is_refused(gql, make_account, linli_env):
    account_id, _ = await make_account()
    past = datetime.now(UTC) - timedelta(minutes=20)
    token, _, _ = issue_access_token(account_id, linli_env.settings.secret_key, 900, now=past)
    result = await gql("{ me { name } }", token=token)
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_refresh_rotates(client_at, make_account, ops, linli_env):
    gql = client_at()
    _, username = await make_account()
    first = await ops.login(gql, username)
    second = await ops.refresh(gql, first["refreshToken"])
    assert second["__typename"] == "RefreshTokenPayload", second
    assert second["refreshToken"] != first["refreshToken"]
    assert (await ops.me(gql, second["accessToken"])).get("errors") is None
    async with linli_env.state.db.transaction(write=False):
        old = await RefreshToken.select().where(
            RefreshToken.token_hash == hash_token(first["refreshToken"])).first()
        new = await RefreshToken.select().where(
            RefreshToken.token_hash == hash_token(second["refreshToken"])).first()
    assert old["rotated_at"] is not None and old["revoked_at"] is None
    assert new["family"] == old["family"] and new["rotated_at"] is None
    third = await ops.refresh(gql, second["refreshToken"])
    assert third["__typename"] == "RefreshTokenPayload", third


async def test_replayed_refresh_token_revokes_the_family(client_at, make_account, ops, linli_env):
    gql = client_at()
    _, username = await make_account()
    first = await ops.login(gql, username)
    second = await ops.refresh(gql, first["refreshToken"])
    replay = await ops.refresh(gql, first["refreshToken"])
    assert replay["__typename"] == "UserError" and replay["code"] == "UNAUTHENTICATED"
    newest = await ops.refresh(gql, second["refreshToken"])
    assert newest["__typename"] == "UserError" and newest["code"] == "UNAUTHENTICATED"
    async with linli_env.state.db.transaction(write=False):
        family = (await RefreshToken.select(RefreshToken.family).where(
            RefreshToken.token_hash == hash_token(first["refreshToken"])).first())["family"]
        rows = await RefreshToken.select().where(RefreshToken.family == family)
    assert len(rows) == 2 and all(r["revoked_at"] is not None for r in rows)
    # Another login (a new family) is unaffected.
    assert (await ops.login(gql, username))["__typename"] == "LoginPayload"


async def test_bad_refresh_token(client_at, ops):
    result = await ops.refresh(client_at(), "no-such-token")
    assert result["__typename"] == "UserError" and result["code"] == "UNAUTHENTICATED"


async def test_logout_is_effective_on_the_next_request(client_at, make_account, ops, linli_env):
    gql = client_at()
    _, username = await make_account()
    session = await ops.login(gql, username)
    other = await ops.login(gql, username)
    out = await ops.logout(gql, session["accessToken"], session["refreshToken"])
    assert out == {"__typename": "LogoutPayload", "loggedOut": True}
    me = await ops.me(gql, session["accessToken"])
    assert me["data"] is None and me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    refreshed = await ops.refresh(gql, session["refreshToken"])
    assert refreshed["__typename"] == "UserError" and refreshed["code"] == "UNAUTHENTICATED"
    # The other session of the same account goes on.
    assert (await ops.me(gql, other["accessToken"])).get("errors") is None
    claims = decode_access_token(session["accessToken"], linli_env.settings.secret_key)
    async with linli_env.state.db.transaction(write=False):
        assert await RevokedToken.exists().where(RevokedToken.jti == claims["jti"])


async def test_logout_everywhere(client_at, make_account, ops):
    gql = client_at()
    _, username = await make_account()
    one = await ops.login(gql, username)
    two = await ops.login(gql, username)
    out = await ops.logout(gql, two["accessToken"], everywhere=True)
    assert out["__typename"] == "LogoutPayload"
    for session in (one, two):
        me = await ops.me(gql, session["accessToken"])
        assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        refreshed = await ops.refresh(gql, session["refreshToken"])
        assert refreshed["code"] == "UNAUTHENTICATED"
    again = await ops.login(gql, username)
    assert (await ops.me(gql, again["accessToken"])).get("errors") is None


async def test_logout_with_someone_elses_refresh_token_changes_nothing(client_at, make_account,
                                                                      ops):
    gql = client_at()
    _, alice = await make_account()
    _, bob = await make_account()
    a = await ops.login(gql, alice)
    b = await ops.login(gql, bob)
    out = await ops.logout(gql, a["accessToken"], b["refreshToken"])
    assert out["__typename"] == "UserError" and out["code"] == "INVALID_ARGUMENT"
    assert out["field"] == "refreshToken"
    assert (await ops.me(gql, a["accessToken"])).get("errors") is None
    assert (await ops.refresh(gql, b["refreshToken"]))["__typename"] == "RefreshTokenPayload"


async def test_logout_needs_a_session(client_at, ops):
    result = await client_at()(
        "mutation { logout(input: {}) { __typename ... on UserError { code } } }")
    assert result["data"]["logout"] == {"__typename": "UserError", "code": "UNAUTHENTICATED"}


async def test_logout_without_a_refresh_token_ends_that_session(client_at, make_account, ops):
    """Issue 9 item 6: before, the session's refresh token stayed usable."""
    gql = client_at()
    _, username = await make_account()
    session = await ops.login(gql, username)
    other = await ops.login(gql, username)
    out = await ops.logout(gql, session["accessToken"])
    assert out["__typename"] == "LogoutPayload"
    refreshed = await ops.refresh(gql, session["refreshToken"])
    assert refreshed["__typename"] == "UserError" and refreshed["code"] == "UNAUTHENTICATED"
    assert (await ops.me(gql, other["accessToken"])).get("errors") is None
    assert (await ops.refresh(gql, other["refreshToken"]))["__typename"] == "RefreshTokenPayload"


async def test_a_replay_ends_the_familys_access_tokens_on_the_next_request(client_at,
                                                                          make_account, ops):
    """Issue 9 item 6: before, an access token kept working after its family was revoked."""
    gql = client_at()
    _, username = await make_account()
    first = await ops.login(gql, username)
    second = await ops.refresh(gql, first["refreshToken"])
    other = await ops.login(gql, username)
    assert (await ops.me(gql, second["accessToken"])).get("errors") is None
    replay = await ops.refresh(gql, first["refreshToken"])
    assert replay["code"] == "UNAUTHENTICATED"
    for token in (first["accessToken"], second["accessToken"]):
        me = await ops.me(gql, token)
        assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await ops.me(gql, other["accessToken"])).get("errors") is None


async def test_a_signed_token_whose_claims_do_not_parse_is_unauthenticated(gql, linli_env):
    """Issue 9 item 4: ``sub: "abc"`` (correctly signed) gave a bare 500."""
    import time

    import jwt

    now = int(time.time())
    base = {"jti": "ab12", "iat": now, "exp": now + 600, "aud": "linli-api"}
    for claims in ({**base, "sub": "abc"}, {**base, "sub": "\u0661\u0662"},
                   {**base, "sub": "1", "jti": 5}, {**base, "sub": "1", "iat_us": "x"},
                   {**base, "sub": "1", "fam": ["x"]}):
        token = jwt.encode(claims, linli_env.settings.secret_key, algorithm="HS256")
        result = await gql("{ me { name } }", token=token)
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", (claims, result)


async def test_a_cached_token_is_refused_right_after_logout_or_a_replay(client_at, make_account,
                                                                       ops):
    """Issue 10: a token seen before is answered from the principal cache without SQL; logout
    and a revoked refresh family bump the revocation epoch, so the very next request with the
    token reads the database again and is refused."""
    from core.identity.cache import auth_cache

    gql = client_at()
    _, username = await make_account()
    session = await ops.login(gql, username)
    assert (await ops.me(gql, session["accessToken"])).get("errors") is None
    hits = auth_cache.hits
    assert (await ops.me(gql, session["accessToken"])).get("errors") is None
    assert auth_cache.hits > hits  # served from the cache
    await ops.logout(gql, session["accessToken"], session["refreshToken"])
    me = await ops.me(gql, session["accessToken"])
    assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    first = await ops.login(gql, username)
    second = await ops.refresh(gql, first["refreshToken"])
    for _ in range(2):
        assert (await ops.me(gql, second["accessToken"])).get("errors") is None
    assert (await ops.refresh(gql, first["refreshToken"]))["code"] == "UNAUTHENTICATED"
    me = await ops.me(gql, second["accessToken"])
    assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
