"""Emitting: the catalogue, payload validation, the event's tenant, the caller's transaction."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from core.errors import ApiError
from core.events.service import EventService, emit
from core.events.types import EventType, ServiceRecorded, WelfareConcern, build_catalogue
from core.plugin import PluginMeta, hookimpl
from core.registry import PluginError, Registry
from tenants.service import scope_at, scope_for


@dataclass(frozen=True)
class Odd:
    """A payload with a field type events cannot carry."""

    items: list[int]


@dataclass(frozen=True)
class Borrowed:
    """A throwaway plugin's own payload."""

    book: str
    copies: int
    due: date | None = None


def _service(resident_id: int, **over: object) -> dict[str, object]:
    return {"resident_id": resident_id, "minutes": 30, "kind": "陪诊",
            "source_module": "test", **over}


async def test_rolled_back_emit_is_never_delivered(kit):
    tenant = await kit.factory.tenant()
    consumer = kit.plugin("volunteer.service_recorded")
    await kit.enable(tenant, consumer)
    resident = await kit.resident(tenant)
    with pytest.raises(RuntimeError, match="changed my mind"):
        async with kit.db.scoped(scope_for(tenant), write=True):
            event_id = await emit("volunteer.service_recorded", _service(resident))
            assert await kit.outbox(event_id) is not None  # visible inside the transaction
            raise RuntimeError("changed my mind")
    assert await kit.outbox(event_id) is None
    await kit.service.sweep(older_than=0)
    assert consumer.calls == []
    assert await kit.effects(tenant) == 0


async def test_emit_needs_the_callers_transaction(kit):
    tenant = await kit.factory.tenant()
    with pytest.raises(ApiError, match="transaction"):
        await emit("volunteer.service_recorded", _service(1), tenant_id=tenant.id)


async def test_undeclared_type_raises(kit):
    tenant = await kit.factory.tenant()
    async with kit.db.scoped(scope_for(tenant), write=True):
        with pytest.raises(ApiError) as err:
            await emit("nobody.happened", {"x": 1})
    assert err.value.code == "INVALID_ARGUMENT" and err.value.field == "event_type"


async def test_plugin_declares_its_own_prefixed_types(kit):
    tenant = await kit.factory.tenant()
    producer = kit.plugin()
    borrowed = EventType(f"{producer.name}.borrowed", 1, Borrowed, "借书", "a book was lent")
    kit.env.state.registry.unregister(producer.name)
    producer.types = (borrowed,)
    kit.env.state.registry.register(producer)
    consumer = kit.plugin(borrowed.name)
    await kit.enable(tenant, consumer)
    async with kit.db.scoped(scope_for(tenant), write=True):
        event_id = await emit(borrowed.name, Borrowed(book="红楼梦", copies=2))
    assert await kit.service.dispatch_pending() >= 1
    [event] = [e for e in consumer.calls if e.id == event_id]
    assert event.payload == Borrowed(book="红楼梦", copies=2)
    assert (event.type, event.version, event.tenant_id) == (borrowed.name, 1, tenant.id)


def _registry_declaring(name: str, *types: EventType) -> Registry:
    class Plugin:
        @hookimpl
        def linli_plugin_meta(self) -> PluginMeta:
            return PluginMeta(name=name, title_zh="测试", title_en="Test", version="0.1")

        @hookimpl
        def linli_event_types(self) -> list[EventType]:
            return list(types)

    registry = Registry()
    registry.register(Plugin())
    return registry


def test_plugin_types_must_carry_the_plugin_prefix():
    registry = _registry_declaring(
        "bad_events", EventType("library.borrowed", 1, Borrowed, "借书", "a book was lent"))
    with pytest.raises(PluginError, match="must start with 'bad_events.'"):
        build_catalogue(registry)


def test_a_type_declared_twice_or_with_a_mutable_payload_is_refused():
    @dataclass
    class Loose:
        x: int

    twice = _registry_declaring(
        "volunteer", EventType("volunteer.service_recorded", 1, ServiceRecorded, "", ""))
    with pytest.raises(PluginError, match="declared by core and volunteer"):
        build_catalogue(twice)
    loose = _registry_declaring("loose", EventType("loose.x", 1, Loose, "", ""))
    with pytest.raises(PluginError, match="frozen dataclass"):
        build_catalogue(loose)
    odd = _registry_declaring("odd", EventType("odd.x", 1, Odd, "", ""))
    with pytest.raises(PluginError, match="unsupported payload field type"):
        build_catalogue(odd)


def _registry_emitting(name: str, emits: tuple[str, ...], *types: EventType) -> Registry:
    class Plugin:
        @hookimpl
        def linli_plugin_meta(self) -> PluginMeta:
            return PluginMeta(name=name, title_zh="测试", title_en="Test", version="0.1",
                              emits=emits)

        @hookimpl
        def linli_event_types(self) -> list[EventType]:
            return list(types)

    registry = Registry()
    registry.register(Plugin())
    return registry


def test_emits_must_name_declared_types() -> None:
    lent = EventType("lender.lent", 1, Borrowed, "借出", "lent")
    ok = _registry_emitting("lender", ("lender.lent", "volunteer.service_recorded"), lent)
    assert build_catalogue(ok).owner["lender.lent"] == "lender"
    ghost = _registry_emitting("lender", ("lender.lent", "lender.returned"), lent)
    with pytest.raises(PluginError, match="plugin lender: PluginMeta.emits names "
                                          "'lender.returned'"):
        build_catalogue(ghost)
    other = _registry_emitting("lender", ("canteen.meal_served",))
    with pytest.raises(PluginError, match="'canteen.meal_served', which neither core"):
        build_catalogue(other)


def test_a_declared_type_must_be_listed_in_emits() -> None:
    lent = EventType("lender.lent", 1, Borrowed, "借出", "lent")
    silent = _registry_emitting("lender", (), lent)
    with pytest.raises(PluginError, match="declares event type 'lender.lent' but "
                                          "PluginMeta.emits does not list it"):
        build_catalogue(silent)


@pytest.mark.parametrize("payload, field, text", [
    ({"minutes": 30, "kind": "陪诊", "source_module": "t"}, "resident_id", "missing"),
    ({"extra": 1}, "extra", "unknown"),
    ({"minutes": "30"}, "minutes", "must be a int"),
    ({"minutes": True}, "minutes", "must be a int"),
    ({"minutes": 0}, "minutes", "greater than 0"),
    ({"kind": None}, "kind", "must be a str"),
])
async def test_payload_validation(kit, payload, field, text):
    tenant = await kit.factory.tenant()
    resident = await kit.resident(tenant)
    body = {**_service(resident), **payload}
    if field == "resident_id":
        body = payload
    async with kit.db.scoped(scope_for(tenant), write=True):
        with pytest.raises(ApiError, match=text) as err:
            await emit("volunteer.service_recorded", body)
    assert err.value.code == "INVALID_ARGUMENT" and err.value.field == field
    assert "/" in str(err.value)  # zh / en


async def test_date_fields_take_dates_only(kit):
    tenant = await kit.factory.tenant()
    resident = await kit.resident(tenant)
    base = {"resident_id": resident, "reason_code": "alone", "source_module": "t"}
    async with kit.db.scoped(scope_for(tenant), write=True):
        for wrong in ("2026-01-01", datetime(2026, 1, 1, tzinfo=UTC)):
            with pytest.raises(ApiError, match="noticed_since"):
                await emit("people.welfare_concern", {**base, "noticed_since": wrong})
        with pytest.raises(ApiError, match="payload must be"):
            await emit("people.welfare_concern", ["not", "a", "mapping"])
        assert await emit("people.welfare_concern", {**base, "noticed_since": date(2026, 1, 1)})


async def test_the_event_tenant_is_the_residents(kit):
    region = await kit.factory.region()
    home, other = await kit.factory.tenant(region), await kit.factory.tenant(region)
    consumer = kit.plugin("people.welfare_concern")
    await kit.enable(region, consumer)  # both tenants below
    resident = await kit.resident(home)
    concern = WelfareConcern(resident_id=resident, reason_code="alone",
                             noticed_since=date(2026, 11, 1), source_module="test")

    async with kit.db.transaction():
        region_scope = await scope_at(region)  # reads the tenants below, writes the region
    async with kit.db.scoped(region_scope, write=True):
        event_id = await emit("people.welfare_concern", concern)
        with pytest.raises(ApiError) as mismatch:
            await emit("people.welfare_concern", concern, tenant_id=other.id)
    assert mismatch.value.field == "tenant_id"
    assert (await kit.outbox(event_id))["tenant_id"] == home.id

    async with kit.db.scoped(scope_for(other), write=True):  # not visible from another tenant
        with pytest.raises(ApiError) as hidden:
            await emit("people.welfare_concern", concern)
    assert hidden.value.code == "NOT_FOUND"

    await kit.service.deliver(event_id)
    [event] = [e for e in consumer.calls if e.id == event_id]
    assert event.tenant_id == home.id and event.payload == concern
    assert isinstance(event.payload.noticed_since, date)
    assert consumer.scopes[-1] == home.id  # the handler ran in the resident's tenant


async def test_tenant_without_a_resident_is_the_scopes_or_the_explicit_one(kit):
    tenant, other = await kit.factory.tenant(), await kit.factory.tenant()
    producer = kit.plugin()
    kit.env.state.registry.unregister(producer.name)
    producer.types = (EventType(f"{producer.name}.borrowed", 1, Borrowed, "借书", "lent"),)
    kit.env.state.registry.register(producer)
    name = f"{producer.name}.borrowed"
    async with kit.db.scoped(scope_for(tenant), write=True):
        mine = await emit(name, {"book": "书", "copies": 1})
        with pytest.raises(ApiError) as err:
            await emit(name, {"book": "书", "copies": 1}, tenant_id=other.id)
    assert err.value.code == "FORBIDDEN"
    async with kit.db.transaction():  # unscoped work names its tenant
        theirs = await emit(name, {"book": "书", "copies": 1}, tenant_id=other.id)
        with pytest.raises(ApiError, match="no tenant"):
            await emit(name, {"book": "书", "copies": 1})
    assert (await kit.outbox(mine))["tenant_id"] == tenant.id
    assert (await kit.outbox(theirs))["tenant_id"] == other.id


async def test_a_region_addresses_an_event_to_a_tenant_below_it_only(kit):
    """Work written for a region (a county's desk, or a tenant's job inside ``as_region``) may
    name a tenant below that region; a tenant elsewhere stays FORBIDDEN, and the handler runs
    in the named tenant's own scope."""
    county = await kit.factory.region("county")
    below, elsewhere = await kit.factory.tenant(county), await kit.factory.tenant()
    producer = kit.plugin()
    kit.env.state.registry.unregister(producer.name)
    producer.types = (EventType(f"{producer.name}.borrowed", 1, Borrowed, "借书", "lent"),)
    kit.env.state.registry.register(producer)
    name = f"{producer.name}.borrowed"
    async with kit.db.scoped(scope_for(county), write=True):
        sent = await emit(name, {"book": "书", "copies": 1}, tenant_id=below.id)
        with pytest.raises(ApiError) as err:
            await emit(name, {"book": "书", "copies": 1}, tenant_id=elsewhere.id)
    assert err.value.code == "FORBIDDEN"
    async with kit.db.scoped(scope_for(below), write=True):   # a tenant cannot name a sibling
        with pytest.raises(ApiError):
            await emit(name, {"book": "书", "copies": 1}, tenant_id=county.id + 10**9)
    assert (await kit.outbox(sent))["tenant_id"] == below.id


async def test_a_consumer_of_an_uninstalled_producer_subscribes_fine(kit):
    tenant = await kit.factory.tenant()
    consumer = kit.plugin("ghost_module.something_happened", "volunteer.service_recorded")
    kit.env.state.registry.check()
    EventService(kit.db, kit.env.state.registry)  # the catalogue builds
    await kit.enable(tenant, consumer)
    resident = await kit.resident(tenant)
    async with kit.db.scoped(scope_for(tenant), write=True):
        event_id = await emit("volunteer.service_recorded", _service(resident))
    await kit.service.deliver(event_id)
    assert [e.id for e in consumer.calls] == [event_id]
    assert consumer.calls[0].payload == ServiceRecorded(resident, 30, "陪诊", "test")
