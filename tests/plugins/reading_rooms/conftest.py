"""Fixtures for the reading-rooms tests: a county (阳谷县-like) with three tenants below it — 侨润
街道, 寿张镇, 金斗营镇 — the plugin on at the county, a network with one room in each tenant, and
helpers to catalogue, register cards and circulate through the services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from core.plugin import Access, personal_cipher, system_access
from core.testing import id_number
from tenants.service import scope_for

_isbn_serial = itertools.count(1)
_barcodes = itertools.count(1)
_people = itertools.count(1)


def isbn13(n: int) -> str:
    body = f"97875{n:07d}"
    return body + str((10 - sum(int(c) * (3 if i % 2 else 1)
                                for i, c in enumerate(body)) % 10) % 10)


REGISTER = """mutation($input: ReadingRoomRegisterCardInput!) {
  readingRoomRegisterCard(input: $input) {
    ... on ReadingRoomRegisterCardPayload { card { id cardNumber name idNumber readerType } }
    ... on UserError { code field message }
  }
}"""


@dataclass
class World:
    env: Any
    gql: Any
    county: Any
    qr: Any
    sz: Any
    jd: Any
    network: Any = None
    rooms: dict[str, int] = field(default_factory=dict)

    @property
    def db(self) -> Any:
        return self.env.state.db

    def county_write(self) -> Any:
        return self.db.scoped(scope_for(self.county), write=True)

    def write(self, node: Any) -> Any:
        return self.db.scoped(scope_for(node), write=True)

    @property
    def staff(self) -> Access:
        return system_access(self.county)

    @property
    def cipher(self) -> Any:
        return personal_cipher(self.env.state)

    async def title(self, name: str = "红楼梦", authors: str = "曹雪芹", letter: str = "I",
                    copies: dict[str, int] | None = None) -> tuple[dict[str, Any], list[str]]:
        """A title with copies per room key (default one in 侨润)."""
        from plugins.reading_rooms.services import catalogue

        codes: list[str] = []
        async with self.county_write():
            row = await catalogue.add_title(
                self.staff, self.network, isbn=isbn13(next(_isbn_serial) + 5000), title=name,
                authors=authors, publisher="人民文学出版社", year=1996, class_letter=letter,
                call_number=f"{letter}242/1")
            for key, n in (copies or {"qr": 1}).items():
                batch = [f"T{next(_barcodes):07d}" for _ in range(n)]
                await catalogue.add_copies(self.staff, self.network, int(row["id"]),
                                           self.rooms[key], batch)
                codes += batch
        return row, codes

    async def card(self, name: str = "读者", *, birth: date = date(1985, 5, 1),
                   account: Any = None, home: Any = None) -> dict[str, Any]:
        """A card: at the county's desk, or self-service by ``account`` acting at ``home``."""
        from plugins.reading_rooms.services import cards

        number = id_number(birth, male=next(_people) % 2 == 1)
        if account is None:
            async with self.county_write():
                return await cards.register_card(self.staff, self.network, self.cipher,
                                                 name=name, id_number=number,
                                                 phone="13800000000")
        out = await self.gql(REGISTER, {"input": {"name": name, "idNumber": number}},
                             token=account.token, node=home.code)
        payload = out["data"]["readingRoomRegisterCard"]
        assert "card" in payload, out
        async with self.county_write():
            return await cards.card_by_number(self.network, payload["card"]["cardNumber"])

    async def checkout(self, room: str, card: dict[str, Any], barcode: str) -> dict[str, Any]:
        from plugins.reading_rooms.services import circulation

        async with self.county_write():
            return await circulation.checkout(self.staff, self.rooms[room], card["card_number"],
                                              barcode)

    async def checkin(self, room: str, barcode: str) -> Any:
        from plugins.reading_rooms.services import circulation

        async with self.county_write():
            return await circulation.checkin(self.staff, self.rooms[room], barcode)

    async def copy(self, barcode: str) -> dict[str, Any]:
        from plugins.reading_rooms.services.circulation import copy_by_barcode

        async with self.db.scoped(scope_for(self.county)):
            return await copy_by_barcode(self.network, barcode)


@pytest.fixture
async def make_world(linli_env: Any, gql: Any, factory: Any, enable_plugin: Any) -> Any:
    async def make(return_policy: str = "float") -> World:
        from plugins.reading_rooms.services import network as network_service
        from plugins.reading_rooms.services.common import get_network

        county = await factory.region("county", name="阳谷县")
        world = World(linli_env, gql, county, await factory.tenant(county, name="侨润街道"),
                      await factory.tenant(county, kind="town", name="寿张镇"),
                      await factory.tenant(county, kind="town", name="金斗营镇"))
        await enable_plugin(county, "reading_rooms")
        async with world.county_write():
            row = await network_service.create_network(world.staff, "阳谷县城市书房",
                                                       return_policy=return_policy)
            world.network = await get_network(int(row["id"]))
            for key, node, name in (("qr", world.qr, "不二城市书房"), ("sz", world.sz, "寿张书房"),
                                    ("jd", world.jd, "金斗营书房")):
                room = await network_service.add_room(world.staff, world.network, name=name,
                                                      place_tenant_code=node.code)
                world.rooms[key] = int(room["id"])
        return world

    return make


@pytest.fixture
async def world(make_world: Any) -> World:
    built: World = await make_world()
    return built


@pytest.fixture(scope="session")
def ops() -> Any:
    """The committed example operations: ``await ops.call(gql, "Name", variables, **kw)``
    runs one (asserting no errors) and returns its data; ``ops.only(name)`` is its text."""
    import re
    from pathlib import Path
    from types import SimpleNamespace

    folder = Path(__file__).resolve().parents[3] / "graphql" / "operations" / "reading_rooms"
    doc = "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.graphql")))

    def only(name: str) -> str:
        return next(b for b in doc.split("\n\n") if re.search(rf"(query|mutation) {name}\b", b))

    async def call(gql: Any, name: str, variables: dict[str, Any] | None = None,
                   **kw: Any) -> Any:
        out = await gql(only(name), variables or {}, **kw)
        assert "errors" not in out, out
        return out["data"]

    return SimpleNamespace(only=only, call=call)
