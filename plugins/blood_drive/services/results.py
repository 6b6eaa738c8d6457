"""献血结果 Results: check-in is in ``bookings``; here a result is entered at the site or
imported from the blood station — donated (kind, volume or units, and the honours count it
makes under the rule version stored) or deferred (the reason sealed: it is health data).
Idempotent through ``result_key``: a booking's result once, an import row's external id once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.plugin import (
    Access,
    ApiError,
    NodeInfo,
    beside,
    emit,
    get_node,
    now_utc,
    residents_by_id_numbers,
    seal_personal,
    today_shanghai,
)
from plugins.blood_drive.events import DonationCompleted
from plugins.blood_drive.services.bookings import mark_visit, release_claims
from plugins.blood_drive.services.common import node_of, require, rule_values
from plugins.blood_drive.services.precheck import KINDS
from plugins.blood_drive.services.stats import announce_result
from plugins.blood_drive.tables import Booking, Campaign, Donation, Donor

__all__ = [
    "DEFERRAL_CODES",
    "ImportReport",
    "ImportRow",
    "ResultInput",
    "count_x100",
    "donations_of",
    "import_results",
    "record_result",
]

DEFERRAL_CODES = ("hemoglobin", "blood_pressure", "pulse", "temperature", "weight",
                  "recent_illness", "medication", "vein", "other")


@dataclass(frozen=True)
class ResultInput:
    outcome: str
    """donated | deferred."""
    kind: str = "whole_blood"
    volume_ml: int = 0
    units: int = 0
    deferral_code: str | None = None
    adverse_reaction: bool = False
    donated_on: date | None = None


def count_x100(rule: dict[str, Any], kind: str, volume_ml: int, units: int, on: date) -> int:
    """The honours count ×100: whole blood per ``ml_per_count`` mL (200 mL = 1, 300 mL =
    1.5), platelets per therapeutic unit (×4 before 2010-01-01)."""
    if kind == "whole_blood":
        return volume_ml * 100 // int(rule["ml_per_count"])
    legacy = on < date.fromisoformat(str(rule["legacy_platelets_before"]))
    per = int(rule["legacy_platelet_unit_count" if legacy else "platelet_unit_count"])
    return units * per * 100


async def _validate(node_id: int, data: ResultInput, on: date) -> tuple[int, int]:
    if data.outcome not in ("donated", "deferred"):
        raise ApiError.invalid("outcome", "结果须为已献血或暂缓", "outcome is donated or deferred")
    if on > today_shanghai():
        raise ApiError.invalid("donatedOn", "献血日期不能在将来", "the date cannot be in the future")
    if data.outcome == "deferred":
        if data.deferral_code not in DEFERRAL_CODES:
            raise ApiError.invalid("deferralCode", "请选择暂缓原因", "choose a deferral reason")
        return 0, 0
    if data.kind not in KINDS:
        raise ApiError.invalid("kind", "献血类型无效", "unknown donation kind")
    node = await node_of(node_id)
    rules, versions = await rule_values(node, on, "blood_drive.whole_blood_volumes",
                                        "blood_drive.platelet_units_max",
                                        "blood_drive.donation_count")
    if data.kind == "whole_blood":
        if data.volume_ml not in rules["blood_drive.whole_blood_volumes"] or data.units:
            allowed = "/".join(str(v) for v in rules["blood_drive.whole_blood_volumes"])
            raise ApiError.invalid("volumeMl", f"全血量须为 {allowed} mL",
                                   f"whole blood is {allowed} mL")
    elif not 1 <= data.units <= int(rules["blood_drive.platelet_units_max"]) or data.volume_ml:
        most = int(rules["blood_drive.platelet_units_max"])
        raise ApiError.invalid("units", f"血小板为1–{most}个治疗单位",
                               f"platelets are 1–{most} therapeutic units")
    return (count_x100(rules["blood_drive.donation_count"], data.kind, data.volume_ml,
                       data.units, on), versions["blood_drive.donation_count"])


async def _store(access: Access, donor: dict[str, Any], data: ResultInput, on: date, key: str,
                 source: str, campaign_id: int | None, booking_id: int | None
                 ) -> tuple[dict[str, Any], bool]:
    count, version = await _validate(int(donor["tenant_id"]), data, on)
    donated = data.outcome == "donated"
    row = Donation(
        tenant_id=int(donor["tenant_id"]), donor_id=int(donor["id"]), campaign_id=campaign_id,
        booking_id=booking_id, donated_on=on, outcome=data.outcome,
        kind=data.kind if donated else "whole_blood",
        volume_ml=data.volume_ml if donated else 0, units=data.units if donated else 0,
        count_x100=count, count_rule_version=version, adverse_reaction=data.adverse_reaction,
        deferral_cipher="" if donated else seal_personal(str(data.deferral_code)),
        result_key=key, source=source, recorded_by=access.principal.account_id,
        recorded_at=now_utc())
    inserted = await Donation.insert(row).on_conflict(action="DO NOTHING").returning(Donation.id)
    if not inserted:
        found = await Donation.select().where(Donation.result_key == key).first()
        assert found is not None
        return dict(found), False
    donation_id = int(inserted[0]["id"])
    if donated and donor["home_tenant_id"] is None:
        await emit("blood_drive.donation_completed", DonationCompleted(
            resident_id=int(donor["resident_id"]), donor_id=int(donor["id"]),
            donation_id=donation_id, donated_on=on, kind=data.kind, volume_ml=data.volume_ml,
            units=data.units, campaign_id=campaign_id))
    if source == "entry":      # an import announces once per campaign at its end
        await announce_result(campaign_id)
    found = await Donation.select().where(Donation.id == donation_id).first()
    assert found is not None
    if donor["home_tenant_id"] is not None:
        await _record_at_home(dict(found), donor, campaign_id)
    return dict(found), True


async def _home_region(here: NodeInfo, home: NodeInfo, campaign_id: int | None
                       ) -> NodeInfo | None:
    """The region the visit ran under: the campaign's owner when it is above both street
    offices, else the nearest region above both (an imported row without a campaign)."""
    if campaign_id is not None:
        owner = await Campaign.select(Campaign.tenant_id).where(
            Campaign.id == campaign_id).first()
        if owner is not None and int(owner["tenant_id"]) in (
                here.ancestor_ids & home.ancestor_ids):
            return await get_node(int(owner["tenant_id"]))
    shared = [int(p) for p in here.path.strip("/").split("/") if p
              and int(p) in home.ancestor_ids]
    return await get_node(shared[-1]) if shared else None


async def _record_at_home(donation: dict[str, Any], visitor: dict[str, Any],
                          campaign_id: int | None) -> None:
    """A visiting donor donated here (street office B): their home street office A keeps its
    own record of it — a donation row of A's donor (``source`` ``visit``, no campaign: the
    campaign's statistics count the row here, where the blood was collected), written in A's
    scope through ``core.plugin.beside`` under the campaign's region in this transaction — so
    A's honours, intervals, pre-check, reminders and benefits include it while A reads only
    its own rows; and ``blood_drive.donation_completed`` is emitted there, naming the donor's
    resident record, donor row and donation in A (points_market credits them in A). Nothing
    of B's other rows reaches A; a home without the donor's row (erased since) gets nothing.
    A's record of the booking (``Visit``) reads attended, whatever the result (a deferral is
    health data and stays at B)."""
    here = await node_of(int(visitor["tenant_id"]))
    home = await get_node(int(visitor["home_tenant_id"]))
    region = None if home is None else await _home_region(here, home, campaign_id)
    if home is None or region is None:
        return
    on: date = donation["donated_on"]
    async with beside(home, region):
        if donation["booking_id"] is not None:
            await mark_visit(home.id, here.id, int(donation["booking_id"]), "attended")
        if donation["outcome"] != "donated":
            return
        own = await Donor.select(Donor.id).where(
            (Donor.resident_id == visitor["resident_id"]) & Donor.home_tenant_id.is_null()
        ).first()
        if own is None:
            return
        copy = {k: v for k, v in donation.items() if k not in ("id", "tenant_id")} | {
            "donor_id": int(own["id"]), "campaign_id": None, "booking_id": None,
            "source": "visit", "result_key": f"visit:{here.id}:{donation['id']}"}
        inserted = await Donation.insert(Donation(tenant_id=home.id, **copy)).on_conflict(
            action="DO NOTHING").returning(Donation.id)
        if not inserted:
            return
        await emit("blood_drive.donation_completed", DonationCompleted(
            resident_id=int(visitor["resident_id"]), donor_id=int(own["id"]),
            donation_id=int(inserted[0]["id"]), donated_on=on, kind=str(donation["kind"]),
            volume_ml=int(donation["volume_ml"]), units=int(donation["units"]),
            campaign_id=campaign_id))


async def record_result(access: Access, booking_id: int, data: ResultInput
                        ) -> tuple[dict[str, Any], bool]:
    """The result of a checked-in booking, entered at the site; the same booking's result
    entered again answers the first one (``created`` false)."""
    require(access, "blood_drive.health")
    booking = await Booking.select().where(Booking.id == booking_id).first()
    if booking is None:
        raise ApiError.not_found("预约", "booking", "bookingId")
    key = f"booking:{booking_id}"
    if booking["status"] in ("donated", "deferred"):
        found = await Donation.select().where(Donation.result_key == key).first()
        if found is not None:
            return dict(found), False
    if booking["status"] != "checked_in":
        raise ApiError.conflict("请先签到", "check the donor in first", "bookingId")
    donor = await Donor.select().where(Donor.id == booking["donor_id"]).first()
    assert donor is not None
    on = data.donated_on or today_shanghai()
    result, created = await _store(access, dict(donor), data, on, key, "entry",
                                   int(booking["campaign_id"]), booking_id)
    closed = await Booking.update({Booking.status: data.outcome, Booking.active: None}).where(
        (Booking.id == booking_id) & (Booking.status == "checked_in")).returning(Booking.id)
    if closed:
        await release_claims([dict(booking)])
    return result, created


@dataclass(frozen=True)
class ImportRow:
    row: int
    external_id: str
    donor_id: int | None
    donated_on: date
    result: ResultInput
    campaign_id: int | None = None
    id_number: str | None = None
    """The donor's 身份证号 as the station knows them (instead of ``donor_id``); matched by
    core's blind index, never stored here."""


async def _donors_by_id_number(numbers: list[str]) -> dict[str, dict[str, Any]]:
    """Donors of the residents holding ``numbers``; a resident not yet a donor becomes one
    (the station's record says they donated)."""
    residents = await residents_by_id_numbers(numbers)
    if not residents:
        return {}
    ids = sorted({r.id for r in residents.values()})
    known = {int(r["resident_id"]) for r in await Donor.select(Donor.resident_id).where(
        Donor.resident_id.is_in(ids))}
    new = [Donor(tenant_id=r.tenant_id, resident_id=r.id, created_at=now_utc())
           for r in {x.id: x for x in residents.values()}.values() if r.id not in known]
    if new:
        await Donor.insert(*new)
    donors = {int(r["resident_id"]): dict(r) for r in await Donor.select().where(
        Donor.resident_id.is_in(ids))}
    return {n: donors[r.id] for n, r in residents.items() if r.id in donors}


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    rejected: list[tuple[int, str, str, str, str | None]] = field(default_factory=list)
    """(row, code, zh, en, field)."""


async def import_results(access: Access, rows: list[ImportRow],
                         done: Callable[[int], None] | None = None) -> ImportReport:
    """Import the blood station's results: each row once (its external id), every bad row
    reported with its reason while the good ones are kept; importing again adds nothing.
    ``done(n)`` is told after each row how many are through (the CLI's progress)."""
    require(access, "blood_drive.import")
    if not 1 <= len(rows) <= 2000:
        raise ApiError.invalid("rows", "每次导入1–2000行", "import 1–2,000 rows at a time")
    report = ImportReport()
    donors = {int(r["id"]): dict(r) for r in await Donor.select().where(
        Donor.id.is_in(sorted({r.donor_id for r in rows if r.donor_id is not None} or {0})))}
    by_number = await _donors_by_id_number(
        [r.id_number.strip().upper() for r in rows if r.id_number])
    seen: set[str] = set()
    changed: set[int | None] = set()
    for item in rows:
        ext = item.external_id.strip()
        try:
            if not ext or len(ext) > 60:
                raise ApiError.invalid("externalId", "缺少血站记录编号", "the station's record id "
                                       "is missing")
            if ext in seen:
                raise ApiError.invalid("externalId", "同一文件中编号重复",
                                       "the record id repeats in this import")
            seen.add(ext)
            if item.id_number is not None:
                donor = by_number.get(item.id_number.strip().upper()) \
                    if item.id_number.strip() else None
                if donor is None:
                    raise ApiError.not_found("该身份证号的居民", "resident with this ID number",
                                             "idNumber")
            else:
                donor = donors.get(item.donor_id or 0)
                if donor is None:
                    raise ApiError.not_found("献血者", "donor", "donorId")
            _, created = await _store(access, donor, item.result, item.donated_on,
                                      f"import:{ext}", "import", item.campaign_id, None)
            if created:
                report.imported += 1
                changed.add(item.campaign_id)
            else:
                report.duplicates += 1
        except ApiError as err:
            report.rejected.append((item.row, err.code, err.zh, err.en, err.field))
        if done is not None:
            done(report.imported + report.duplicates + len(report.rejected))
    for campaign_id in sorted(c for c in changed if c is not None):
        await announce_result(campaign_id)
    return report


async def donations_of(donor_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not donor_ids:
        return {}
    rows = await Donation.select().where(Donation.donor_id.is_in(sorted(set(donor_ids)))
                                         ).order_by(Donation.donated_on)
    out: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(int(r["donor_id"]), []).append(r)
    return out
