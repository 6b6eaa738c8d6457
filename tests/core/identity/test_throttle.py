"""Failed logins are throttled per account and per client address, with the state in the DB."""

import secrets
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx

from core.app import create_app
from core.state import AppState
from core.identity import sessions, throttle
from core.identity.tables import LoginAttempt
from core.identity.throttle import account_key, client_address, client_key, pair_key
from core.testing import GraphQLClient


async def _fail(ops, client, name, times):
    for _ in range(times):
        result = await ops.login(client, name, "wrong password!")
        assert result["code"] == "UNAUTHENTICATED", result


async def test_an_attacker_elsewhere_cannot_lock_an_account(client_at, make_account, ops,
                                                             linli_env, monkeypatch):
    """Wrong passwords from other addresses (twice the limit) do not lock the account: its
    owner still logs in from their own address (before: 5 failures anywhere locked it)."""
    _, username = await make_account()
    for _ in range(2 * linli_env.settings.login_max_failures):
        await _fail(ops, client_at(), username, 1)
    assert (await ops.login(client_at(), username))["__typename"] == "LoginPayload"


async def test_throttled_per_account_and_address(client_at, make_account, ops, linli_env,
                                                 monkeypatch):
    account_id, username = await make_account()
    limit = linli_env.settings.login_max_failures
    ip = ops.fresh_ip()
    await _fail(ops, client_at(ip), username, limit)
    checked = []
    real = sessions.check_password

    async def spy(*args, **kwargs):
        checked.append(args)
        return await real(*args, **kwargs)

    monkeypatch.setattr(sessions, "check_password", spy)
    result = await ops.login(client_at(ip), username)  # the right password, the same address
    assert result["__typename"] == "UserError" and result["code"] == "THROTTLED", result
    assert result["messageZh"] and result["messageEn"]
    assert checked == []  # refused without checking the password
    pair = pair_key(account_key(account_id), ip)
    async with linli_env.state.db.transaction(write=False):
        assert await LoginAttempt.count().where(LoginAttempt.key == pair) == limit
    # The same account from another address, and other accounts, are not affected.
    assert (await ops.login(client_at(), username))["__typename"] == "LoginPayload"
    _, other = await make_account()
    assert (await ops.login(client_at(ip), other))["__typename"] == "LoginPayload"


async def test_the_delay_grows_with_each_failure(linli_env):
    """After the free failures a pair waits base, 2×base, 4×base … after its last failure."""
    settings = replace(linli_env.settings, login_max_failures=2, login_delay_base_seconds=10,
                       login_delay_max_seconds=35, login_max_failures_per_address=100)
    pair, address = f"login:t{secrets.token_hex(4)}@ip:x", f"ip:x{secrets.token_hex(4)}"
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    db = linli_env.state.db

    async def attempt(seconds: float) -> bool:
        async with db.transaction():
            return await throttle.reserve(pair, address, settings,
                                          t0 + timedelta(seconds=seconds)) is not None

    assert await attempt(0) and await attempt(1)          # two free failures
    assert not await attempt(5)                           # waits 10 s after the last (t=1)
    assert await attempt(11.5)                            # third failure at 11.5
    assert not await attempt(30)                          # now waits 20 s: until 31.5
    assert await attempt(32)                              # fourth failure at 32
    assert not await attempt(66)                          # 40 s capped at 35: until 67
    assert await attempt(67.5)


async def test_throttled_per_client_address(client_at, make_account, ops, linli_env):
    """Many accounts sprayed from one address: past the per-address cap that address is
    refused, whoever it names."""
    ip = ops.fresh_ip()
    noisy = client_at(ip)
    cap = linli_env.settings.login_max_failures_per_address
    now = datetime.now(UTC)
    async with linli_env.state.db.transaction():  # cap - 1 earlier failures, many names
        await LoginAttempt.insert(*(LoginAttempt(key=client_key(ip), at=now)
                                    for _ in range(cap - 1)))
    await _fail(ops, noisy, f"nobody{ip.replace('.', '')}", 1)
    _, username = await make_account()
    refused = await ops.login(noisy, username)
    assert refused["code"] == "THROTTLED"
    elsewhere = await ops.login(client_at(), username)
    assert elsewhere["__typename"] == "LoginPayload"
    async with linli_env.state.db.transaction(write=False):
        assert await LoginAttempt.count().where(LoginAttempt.key == client_key(ip)) == cap


async def test_success_clears_the_pairs_failures(client_at, make_account, ops, linli_env):
    account_id, username = await make_account()
    limit = linli_env.settings.login_max_failures
    ip = ops.fresh_ip()
    await _fail(ops, client_at(ip), username, limit - 1)
    assert (await ops.login(client_at(ip), username))["__typename"] == "LoginPayload"
    async with linli_env.state.db.transaction(write=False):
        assert await LoginAttempt.count().where(
            LoginAttempt.key == pair_key(account_key(account_id), ip)) == 0
    await _fail(ops, client_at(ip), username, limit - 1)
    assert (await ops.login(client_at(ip), username))["__typename"] == "LoginPayload"


def _replica(linli_env, **changes):
    state = linli_env.state
    replica_state = AppState(settings=replace(state.settings, **changes), db=state.db,
                             registry=state.registry, rolebook=state.rolebook,
                             schema=state.schema)
    return create_app(state=replica_state, manage_db=False)


async def test_forwarded_for_is_ignored_unless_from_a_trusted_proxy(client_at, make_account,
                                                                    ops, linli_env):
    """Rotating X-Forwarded-For from an ordinary client changes nothing: every failure counts
    on the socket's address (before, uvicorn believed it from 127.0.0.1: 10 values, 10 keys)."""
    account_id, username = await make_account()
    ip = ops.fresh_ip()
    limit = linli_env.settings.login_max_failures
    for n in range(limit):
        result = await ops.login(client_at(ip), username, "wrong password!",
                                 headers={"X-Forwarded-For": f"192.0.2.{n + 1}"})
        assert result["code"] == "UNAUTHENTICATED"
    result = await ops.login(client_at(ip), username, headers={"X-Forwarded-For": "192.0.2.99"})
    assert result["code"] == "THROTTLED"
    async with linli_env.state.db.transaction(write=False):
        keys = {r["key"] for r in await LoginAttempt.select(LoginAttempt.key).where(
            LoginAttempt.key.like(f"{account_key(account_id)}@%"))}
    assert keys == {pair_key(account_key(account_id), ip)}


async def test_forwarded_for_names_the_client_behind_a_trusted_proxy(make_account, ops,
                                                                     linli_env):
    proxy = ops.fresh_ip()
    app = _replica(linli_env, trusted_proxies=(f"{proxy}/32",))
    account_id, username = await make_account()
    client_ip = ops.fresh_ip()
    transport = httpx.ASGITransport(app=app, client=(proxy, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://proxied") as http:
        result = await ops.login(GraphQLClient(http), username, "wrong password!",
                                 headers={"X-Forwarded-For": f"6.6.6.6, {client_ip}"})
    assert result["code"] == "UNAUTHENTICATED"
    async with linli_env.state.db.transaction(write=False):
        assert await LoginAttempt.count().where(
            LoginAttempt.key == pair_key(account_key(account_id), client_ip)) == 1


def test_client_address():
    trusted = ("10.0.0.0/8", "127.0.0.1")
    assert client_address("127.0.0.1", "1.2.3.4", ()) == "127.0.0.1"
    assert client_address("8.8.8.8", "1.2.3.4", trusted) == "8.8.8.8"
    assert client_address("127.0.0.1", "1.2.3.4", trusted) == "1.2.3.4"
    assert client_address("127.0.0.1", "9.9.9.9, 1.2.3.4, 10.1.1.1", trusted) == "1.2.3.4"
    assert client_address("127.0.0.1", "not-an-ip", trusted) == "127.0.0.1"
    assert client_address("127.0.0.1", "10.1.1.1", trusted) == "127.0.0.1"


def test_serve_does_not_let_uvicorn_trust_forwarded_headers(linli_env):
    from core.serve_cli import uvicorn_options

    options = uvicorn_options(linli_env.settings)
    assert options["proxy_headers"] is False


async def test_another_replica_on_the_same_database_agrees(client_at, make_account, ops,
                                                           linli_env):
    """A second app instance (another replica) over the same database refuses too."""
    _, username = await make_account()
    ip = ops.fresh_ip()
    await _fail(ops, client_at(ip), username, linli_env.settings.login_max_failures)
    replica = _replica(linli_env)
    transport = httpx.ASGITransport(app=replica, client=(ip, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://replica") as http:
        result = await ops.login(GraphQLClient(http), username)
    assert result["code"] == "THROTTLED"


async def test_concurrent_attempts_cannot_exceed_the_limit(client_at, make_account, ops,
                                                           linli_env, monkeypatch,
                                                           record_property):
    """50 wrong passwords at once for one account from one address: at most the limit are
    checked (before the attempt was reserved atomically, 22 of 30 were checked with a limit of
    5), and the right password right after the burst is refused too."""
    import asyncio

    account_id, username = await make_account()
    limit = linli_env.settings.login_max_failures
    checked = []
    real = sessions.check_password

    async def spy(*args, **kwargs):
        checked.append(1)
        await asyncio.sleep(0.02)  # widen the window a check-then-count race would need
        return await real(*args, **kwargs)

    monkeypatch.setattr(sessions, "check_password", spy)
    ip = ops.fresh_ip()
    # the first growing delay longer than the burst, so every extra check would be the race's
    app = _replica(linli_env, login_delay_base_seconds=600)
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://burst") as http:
        results = await asyncio.gather(*(ops.login(GraphQLClient(http), username,
                                                   "wrong password!") for _ in range(50)))
        right_after = await ops.login(GraphQLClient(http), username)
    outcome = [r["code"] for r in results]
    record_property("concurrent_checked", len(checked))
    record_property("concurrent_throttled", outcome.count("THROTTLED"))
    assert len(checked) <= limit, (len(checked), outcome)
    assert outcome.count("UNAUTHENTICATED") == len(checked)
    assert outcome.count("THROTTLED") == 50 - len(checked)
    assert right_after["code"] == "THROTTLED"
    async with linli_env.state.db.transaction(write=False):
        assert await LoginAttempt.count().where(
            LoginAttempt.key == pair_key(account_key(account_id), ip)) <= limit
