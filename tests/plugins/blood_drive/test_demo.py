"""Demo data: the February 2023 Liaocheng campaign with its five organisers, owned by the city,
sessions, bookings and results in several street offices; fast; a second run adds nothing."""

from __future__ import annotations

import json
import time
from typing import Any

from core.demo.people import demo_rows
from core.demo.places import DEMO_COMPOUNDS
from core.people.excel import import_rows
from plugins.blood_drive.demo import seed_demo
from plugins.blood_drive.tables import Booking, Campaign, Donation, Session
from tenants.service import scope_for


async def _street(env: Any, factory: Any, district: Any, name: str) -> Any:
    node = await factory.tenant(district, name=name)
    rows = demo_rows(node.code, ("社区甲",), DEMO_COMPOUNDS, count=120, seed=node.id)
    report = await import_rows(env.state.db, node, ((i + 2, r) for i, r in enumerate(rows)),
                               None, pii_key=env.settings.pii_key, progress=False)
    assert report.ok, report.errors[:3]
    return node


async def test_demo(linli_env, factory, enable_plugin, emitted_events):
    city = await factory.region("city", name="聊城市")
    district = await factory.region("district", parent=city, name="东昌府区")
    streets = [await _street(linli_env, factory, district, n) for n in ("新区街道", "柳园街道")]
    await enable_plugin(city, "blood_drive")
    started = time.perf_counter()
    for node in streets:
        async with linli_env.state.db.scoped(scope_for(node), write=True):
            await seed_demo(node.id)
    elapsed = time.perf_counter() - started
    counts = []
    for node in streets:
        async with linli_env.state.db.scoped(scope_for(node)):
            campaigns = {r["title"]: r for r in await Campaign.select()}
            counts.append((await Session.count(), await Booking.count(),
                           await Donation.count()))
    liaocheng = campaigns["学雷锋见行动 捐热血献真情"]
    assert liaocheng["tenant_id"] == city.id and len(campaigns) == 2
    assert "聊城市红十字会" in liaocheng["organisers"] and liaocheng["organisers"].count('"') == 10
    assert all(s == 3 and b >= 15 and d >= 15 for s, b, d in counts), counts
    assert elapsed < 10, elapsed
    from plugins.blood_drive.tables import BookingClaim

    for node in streets:   # results emit their events and carry the real count-rule version
        async with linli_env.state.db.scoped(scope_for(node)):
            donated = await Donation.select().where(Donation.outcome == "donated")
            open_bookings = await Booking.count().where(Booking.active == 1)
            claims = await BookingClaim.count().where(
                (BookingClaim.booking_tenant_id == node.id) & (BookingClaim.active == 1))
        events = await emitted_events(node, "blood_drive.donation_completed")
        assert len(events) == len(donated) > 0
        async with linli_env.state.db.scoped(scope_for(node)):
            from plugins.blood_drive.services.common import rule_values

            used = {d["donated_on"]: (await rule_values(node, d["donated_on"],
                                                        "blood_drive.donation_count"))[1]
                    ["blood_drive.donation_count"] for d in donated}
        assert all(d["count_rule_version"] == used[d["donated_on"]] for d in donated)
        assert min(used.values()) >= 1, used     # seeded rule rows, never the default's 0
        async with linli_env.state.db.scoped(scope_for(node)):
            from plugins.blood_drive.tables import Precheck

            checks = await Precheck.select(Precheck.rule_versions)
        assert checks and all(len(json.loads(c["rule_versions"])) == 7 and min(
            json.loads(c["rule_versions"]).values()) >= 1 for c in checks)
        assert claims == open_bookings > 0          # the city's once-only claims
    from core.identity.tables import Account
    from core.plugin.demo import take_demo_logins
    from plugins.blood_drive.tables import Donor

    logins = {x.username: x for x in take_demo_logins()}
    for node in streets:   # 我的献血: a resident login linked to the veteran donor
        assert logins[f"demo-donor-{node.code}"].node_code == node.code
        account = await Account.select().where(
            Account.username == f"demo-donor-{node.code}").first()
        async with linli_env.state.db.scoped(scope_for(node)):
            veteran = await Donor.select().order_by(Donor.id).first()
            assert veteran is not None and account["resident_id"] == veteran["resident_id"]
            assert account["resident_tenant_id"] == node.id
            assert await Donation.count().where(Donation.donor_id == veteran["id"]) >= 10
            assert await Booking.count().where((Booking.donor_id == veteran["id"])
                                               & (Booking.status == "booked")) == 1
    for node in streets:
        async with linli_env.state.db.scoped(scope_for(node), write=True):
            await seed_demo(node.id)
        async with linli_env.state.db.scoped(scope_for(node)):
            assert await Session.count() == 3
    assert {x.username for x in take_demo_logins()} == set(logins) & {
        f"demo-donor-{n.code}" for n in streets}     # printed again on a second run
    print(f"\nblood_drive demo: {elapsed:.2f} s for two street offices, {counts}")
