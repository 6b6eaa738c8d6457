"""A throwaway plugin's *shared downward* table: a region's rows reach the tenants below it,
read-only, and never a tenant of another region."""

import pytest
from piccolo.columns import Varchar

from core.db import CrossTenantWriteError, ScopedTable
from tenants.service import scope_for


class SharedCatalogue(ScopedTable, tablename="test_shared_catalogue"):
    """共享书目 A county's catalogue entry, readable by the streets below it."""

    shared_downward = True
    title = Varchar(length=100)


class PrivateShelf(ScopedTable, tablename="test_private_shelf"):
    """A table that is not shared: a region's rows stay the region's."""

    title = Varchar(length=100)


@pytest.fixture
async def tables(linli_env):
    await linli_env.create_tables([SharedCatalogue, PrivateShelf])


async def titles(db, node, table):
    async with db.scoped(scope_for(node)):
        return sorted(r["title"] for r in await table.select(table.title))


async def test_region_rows_are_read_only_below_and_invisible_elsewhere(linli_env, factory,
                                                                        tables):
    db = linli_env.state.db
    city = await factory.region("city")
    region = await factory.region("district", parent=city)
    other_region = await factory.region("district", parent=city)
    street = await factory.tenant(region)
    other_street = await factory.tenant(other_region)

    async with db.scoped(scope_for(region), write=True):
        await SharedCatalogue.insert(SharedCatalogue(title="区县书目", tenant_id=region.id))
        await PrivateShelf.insert(PrivateShelf(title="区县私有", tenant_id=region.id))
    async with db.scoped(scope_for(street), write=True):
        await SharedCatalogue.insert(SharedCatalogue(title="街道书目", tenant_id=street.id))

    assert await titles(db, street, SharedCatalogue) == ["区县书目", "街道书目"]
    assert await titles(db, street, PrivateShelf) == []
    assert await titles(db, other_street, SharedCatalogue) == []
    assert await titles(db, other_region, SharedCatalogue) == []
    assert await titles(db, region, SharedCatalogue) == ["区县书目"]

    async with db.scoped(scope_for(street), write=True):
        with pytest.raises(CrossTenantWriteError):
            await SharedCatalogue.insert(SharedCatalogue(title="冒充", tenant_id=region.id))
        await SharedCatalogue.update({SharedCatalogue.title: "篡改"}).where(
            SharedCatalogue.title == "区县书目")
        await SharedCatalogue.delete().where(SharedCatalogue.title == "区县书目")
    assert await titles(db, region, SharedCatalogue) == ["区县书目"]

    async with db.scoped(scope_for(region), write=True):
        await SharedCatalogue.update({SharedCatalogue.title: "区县书目二版"}).where(
            SharedCatalogue.title == "区县书目")
    assert await titles(db, street, SharedCatalogue) == ["区县书目二版", "街道书目"]
