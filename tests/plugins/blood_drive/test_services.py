"""Results, reminders, personal data and typed refusals through the services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.plugin import ApiError
from plugins.blood_drive.services import bookings, campaigns, precheck, reminders, results
from plugins.blood_drive.services.personal_data import personal_data
from plugins.blood_drive.tables import Booking, Donation, Donor, Precheck, Reminder, Slot


async def _donated(world, donor, volume=400, on=None):
    campaign = await world.campaign()
    session = await world.session(world.a, campaign, capacity=2)
    slot = (await world.slots(world.a, session))[0]
    node = world.a.node
    b = await world.do(node, lambda s: bookings.book(s, int(slot["id"]), int(donor["id"])))
    await world.do(node, lambda s: bookings.check_in(s, int(b["id"])))
    return await world.do(node, lambda s: results.record_result(
        s, int(b["id"]), results.ResultInput("donated", "whole_blood", volume, 0,
                                             donated_on=on)))


async def test_result_rules_and_refusals(world):
    donor = await world.donor(world.a)
    campaign = await world.campaign()
    session = await world.session(world.a, campaign)
    slot = (await world.slots(world.a, session))[0]
    node = world.a.node
    b = await world.do(node, lambda s: bookings.book(s, int(slot["id"]), int(donor["id"])))
    with pytest.raises(ApiError) as early:
        await world.do(node, lambda s: results.record_result(
            s, int(b["id"]), results.ResultInput("donated", volume_ml=400)))
    assert early.value.code == "CONFLICT"          # not checked in yet
    await world.do(node, lambda s: bookings.check_in(s, int(b["id"])))
    for bad, field in ((results.ResultInput("donated", volume_ml=450), "volumeMl"),
                       (results.ResultInput("donated", "platelets", 0, 3), "units"),
                       (results.ResultInput("deferred"), "deferralCode")):
        with pytest.raises(ApiError) as refused:
            await world.do(node, lambda s, x=bad: results.record_result(s, int(b["id"]), x))
        assert refused.value.field == field
    async with world.read(node):
        assert await Donation.count() == 0
    row, created = await world.do(node, lambda s: results.record_result(
        s, int(b["id"]), results.ResultInput("deferred", deferral_code="hemoglobin")))
    assert created and row["deferral_cipher"].startswith("v1:")
    async with world.read(node):
        done = await Booking.select().where(Booking.id == b["id"]).first()
    assert done["status"] == "deferred" and done["active"] is None


async def test_campaign_refusals_are_typed(world):
    today = date.today()
    base = {"title": "t", "starts_on": today, "ends_on": today, "organisers": ("红十字会",)}
    for over, field in (({"ends_on": today - timedelta(days=1)}, "endsOn"),
                        ({"organisers": ()}, "organisers"),
                        ({"contact_phones": ("abc",)}, "contactPhones"),
                        ({"target_groups": ("aliens",)}, "targetGroups")):
        with pytest.raises(ApiError) as refused:
            await world.do(world.city, lambda s, o=over: campaigns.create_campaign(
                s, campaigns.CampaignInput(**{**base, **o})))
        assert refused.value.field == field
    campaign = await world.campaign()
    with pytest.raises(ApiError) as outside:
        await world.session(world.a, campaign, days=60)
    assert outside.value.field == "heldOn"


async def test_precheck_uses_history_and_stores_versions(world):
    donor = await world.donor(world.a, birth=date(1990, 1, 1))
    await _donated(world, donor, on=date.today() - timedelta(days=10))
    row = await world.do(world.a.node, lambda s: precheck.submit_precheck(
        s, int(donor["id"]), precheck.Answers(weight_kg=70)))
    assert row["outcome"] == "eligible_from"
    assert '"blood_drive.intervals"' in row["rule_versions"]
    assert precheck.open_precheck(row)[1] == ["interval"]
    with pytest.raises(ApiError) as bad:
        await world.do(world.a.node, lambda s: precheck.submit_precheck(
            s, int(donor["id"]), precheck.Answers(weight_kg=5)))
    assert bad.value.field == "weightKg"


async def test_reminders_once_per_eligible_date(world, run_cron, notifications):
    donor = await world.donor(world.a, remind=True)
    await _donated(world, donor, on=date.today() - timedelta(days=200))
    quiet = await world.donor(world.a, "不提醒")
    await _donated(world, quiet, on=date.today() - timedelta(days=200))
    first = await run_cron("blood_drive.remind", world.a.node)
    assert first.outcome == "succeeded"
    async with world.write(world.a.node):
        assert await reminders.send_reminders(world.a.node.id) == 0     # already told
        assert await Reminder.count() == 1


async def test_personal_data_export_and_erase(world):
    donor = await world.donor(world.a, "王某")
    await world.do(world.a.node, lambda s: precheck.submit_precheck(
        s, int(donor["id"]), precheck.Answers(weight_kg=66)))
    campaign = await world.campaign()
    session = await world.session(world.a, campaign)
    slot = (await world.slots(world.a, session))[0]
    await world.do(world.a.node, lambda s: bookings.book(s, int(slot["id"]), int(donor["id"])))
    resident = int(donor["resident_id"])
    async with world.read(world.a.node):
        exported = await personal_data(resident, "export")
    assert exported is not None and '"weight_kg": 66' in exported["prechecks"][0]["answers"]
    async with world.write(world.a.node):
        erased = await personal_data(resident, "erase")
        assert erased == {"prechecks_deleted": 1, "bookings_cancelled": 1, "visits_deleted": 0,
                          "deferral_reasons_blanked": 0, "donor_cleared": 0}
        assert await Precheck.count() == 0
        assert (await Slot.select().where(Slot.id == slot["id"]).first())["booked"] == 0
    from plugins.blood_drive.tables import BookingClaim

    async with world.read(world.city):     # the city keeps no person key of an erased donor
        assert await BookingClaim.count().where(
            BookingClaim.campaign_id == campaign["id"]) == 0
    async with world.write(world.a.node):
        again = await personal_data(resident, "erase")
        assert again == {"prechecks_deleted": 0, "bookings_cancelled": 0, "visits_deleted": 0,
                         "deferral_reasons_blanked": 0, "donor_cleared": 0}
        assert await Donor.count() == 1


async def test_targets_only_below_the_owner(world, factory):
    campaign = await world.campaign()
    elsewhere = await factory.tenant()
    with pytest.raises(ApiError) as refused:
        await world.do(world.city, lambda s: campaigns.set_target(
            s, int(campaign["id"]), elsewhere.id, "", 10, 10))
    assert refused.value.field == "tenantId"
    await world.do(world.city, lambda s: campaigns.set_target(
        s, int(campaign["id"]), world.b.node.id, "辖区学校", 10, 12))
    with pytest.raises(ApiError) as not_owner:
        await world.do(world.a.node, lambda s: campaigns.set_target(
            s, int(campaign["id"]), world.a.node.id, "", 1, 1))
    assert not_owner.value.code == "FORBIDDEN"


async def test_donor_leaderboard_only_with_consent(world):
    from plugins.blood_drive.services import stats

    shy = await world.donor(world.a, "甲")
    proud = await world.donor(world.a, "乙")
    await world.do(world.a.node, lambda s: campaigns.register_donor(
        s, int(proud["resident_id"]), leaderboard_opt_in=True))
    for donor in (shy, proud):
        await _donated(world, donor, volume=400)
    campaign_ids = set()
    async with world.read(world.a.node):
        for row in await Donation.select(Donation.campaign_id):
            campaign_ids.add(int(row["campaign_id"]))
    ranked = []
    for cid in campaign_ids:
        ranked += await world.do(world.a.node, lambda s, c=cid: stats.donor_leaderboard(s, c))
    assert ranked == [(int(proud["resident_id"]), 200, 400)]


async def test_personal_data_reaches_visiting_rows_in_other_street_offices(world):
    """A donor of A who booked B's session: the export from A lists B's visiting row and
    booking; the erasure cancels it (seat and claim back) and blanks the sealed name there."""
    from plugins.blood_drive.tables import Booking, BookingClaim

    donor = await world.donor(world.a, "李跨街")
    campaign = await world.campaign()
    slot = (await world.slots(world.b, await world.session(world.b, campaign)))[0]
    await world.do(world.a.node, lambda s: bookings.book_visiting(
        s, world.b.node, int(slot["id"]), int(donor["id"])))
    resident = int(donor["resident_id"])
    async with world.write(world.a.node):
        exported = await personal_data(resident, "export")
    [visit] = exported["visiting"]
    assert visit["street_office_id"] == world.b.node.id and len(visit["bookings"]) == 1
    assert [(v["street_office"], v["status"]) for v in exported["visits"]] == [
        (world.b.node.name, "booked")]              # A's own record of the booking there
    async with world.write(world.a.node):
        erased = await personal_data(resident, "erase")
    assert erased["bookings_cancelled"] == 1 and erased["visitor_name_blanked"] == 1
    assert erased["visits_deleted"] == 1
    async with world.read(world.b.node):
        assert (await Slot.select().where(Slot.id == slot["id"]).first())["booked"] == 0
        assert (await Booking.select().first())["status"] == "cancelled"
        assert (await Donor.select().where(Donor.resident_id == resident).first())[
            "name_cipher"] == ""
    async with world.read(world.city):
        assert await BookingClaim.count().where(
            BookingClaim.campaign_id == campaign["id"]) == 0
