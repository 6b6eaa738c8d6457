"""The shared demo password never logs anyone in when LINLI_ENV=production."""

from dataclasses import replace

import pytest

from core.identity.service import create_account
from core.identity.sessions import login
from core.schema.errors import ApiError


async def test_demo_password_refused_in_production(linli_env):
    settings = linli_env.settings
    db = linli_env.state.db
    async with db.transaction():
        await create_account("demo-prodcheck", password=settings.demo_password,
                             settings=settings)
    session = await login(db, settings, "demo-prodcheck", settings.demo_password, "10.9.9.1")
    assert session is not None
    production = replace(settings, env="production")
    with pytest.raises(ApiError) as err:
        await login(db, production, "demo-prodcheck", settings.demo_password, "10.9.9.2")
    assert err.value.code == "UNAUTHENTICATED"


async def test_account_create_refuses_the_demo_password_in_production(linli_env):
    production = replace(linli_env.settings, env="production")
    async with linli_env.state.db.transaction():
        with pytest.raises(ApiError) as err:
            await create_account("demo-prodcreate", password=production.demo_password,
                                 settings=production)
    assert err.value.code == "INVALID_ARGUMENT" and err.value.field == "password"
    assert "demo password" in err.value.en
