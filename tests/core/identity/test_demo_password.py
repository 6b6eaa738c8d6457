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
