"""argon2id parameters come from settings and are read back from the hash; rehash on login."""

from dataclasses import replace

from argon2 import Type, extract_parameters

from core.identity import sessions
from core.identity.passwords import hash_password, verify_password
from core.identity.tables import Account
from core.settings import Settings


def test_production_parameters_are_owasp():
    params = extract_parameters(hash_password("s3cret-password", Settings()))
    assert params.type is Type.ID
    assert (params.memory_cost, params.time_cost, params.parallelism) == (19 * 1024, 2, 1)


def test_test_settings_lower_the_cost(linli_env):
    settings = linli_env.settings
    params = extract_parameters(hash_password("s3cret-password", settings))
    assert params.type is Type.ID
    assert (params.memory_cost, params.time_cost, params.parallelism) == (
        settings.password_memory_kib, settings.password_time_cost, 1)


def test_verify(linli_env):
    digest = hash_password("s3cret-password", linli_env.settings)
    assert verify_password(digest, "s3cret-password", linli_env.settings).ok
    assert not verify_password(digest, "wrong-password", linli_env.settings).ok
    assert not verify_password(None, "s3cret-password", linli_env.settings).ok
    assert not verify_password("not a hash", "s3cret-password", linli_env.settings).ok


async def test_login_rehashes_when_parameters_change(linli_env, make_account, ops):
    account_id, username = await make_account()
    stronger = replace(linli_env.settings, password_memory_kib=128, password_time_cost=2)
    await sessions.login(linli_env.state.db, stronger, username, ops.PASSWORD, ops.fresh_ip())
    async with linli_env.state.db.transaction(write=False):
        row = await Account.select(Account.password_hash).where(Account.id == account_id).first()
    params = extract_parameters(row["password_hash"])
    assert (params.memory_cost, params.time_cost) == (128, 2)
    # The new hash still verifies, and an unchanged configuration does not rehash again.
    assert verify_password(row["password_hash"], ops.PASSWORD, stronger).ok
    assert not verify_password(row["password_hash"], ops.PASSWORD, stronger).needs_rehash
