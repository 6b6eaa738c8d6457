"""The service functions used by the demo seeder: validation and login names."""

import pytest

from core.crypto import blind_index, decrypt
from core.identity import service
from core.identity.tables import Account
from core.schema.errors import ApiError


@pytest.mark.parametrize(("kwargs", "code", "field"), [
    ({}, "INVALID_ARGUMENT", "username"),
    ({"username": "1abc"}, "INVALID_ARGUMENT", "username"),
    ({"username": "ab"}, "INVALID_ARGUMENT", "username"),
    ({"phone": "12345"}, "INVALID_ARGUMENT", "phone"),
    ({"username": "valid_name", "password": "short"}, "INVALID_ARGUMENT", "password"),
])
async def test_create_account_refuses(linli_env, kwargs, code, field):
    kwargs.setdefault("password", "long enough password")
    async with linli_env.state.db.transaction():
        with pytest.raises(ApiError) as caught:
            await service.create_account(settings=linli_env.settings, **kwargs)
    assert (caught.value.code, caught.value.field) == (code, field)


async def test_create_account_stores_phone_protected(linli_env):
    settings = linli_env.settings
    async with linli_env.state.db.transaction():
        phone = "13912345678"
        account_id = await service.create_account(phone="+86 139-1234-5678",
                                                  password="long enough password",
                                                  display_name="王阿姨", settings=settings)
        row = await Account.select().where(Account.id == account_id).first()
        with pytest.raises(ApiError) as dup:
            await service.create_account(phone=phone, password="long enough password",
                                         settings=settings)
    assert row["username"] is None and row["display_name"] == "王阿姨"
    assert row["phone_index"] == blind_index(phone, settings.pii_key, "phone")
    assert decrypt(row["phone_cipher"], settings.pii_key) == phone
    assert dup.value.code == "CONFLICT"


async def test_login_names():
    assert service.normalise_phone("86 13912345678") == "13912345678"
    assert service.normalise_phone("23912345678") is None
    assert service.normalise_username(" Zhang.San ") == "zhang.san"
    assert service.normalise_username("张三") is None
