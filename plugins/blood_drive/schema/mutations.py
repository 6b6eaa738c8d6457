"""Mutation fields of the plugin: one ``input`` each, a union of the payload (named
``<Mutation>Payload``) and ``UserError``, run through ``run_mutation`` (one write transaction,
audited); services decide."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from core.plugin import (
    Access,
    ApiError,
    Audit,
    Info,
    NodeInfo,
    UserError,
    get_node_by_code,
    run_mutation,
)
from plugins.blood_drive.schema.common import pk, required_pk
from plugins.blood_drive.schema.types import (
    BloodDriveBooking,
    BloodDriveCampaign,
    BloodDriveDonation,
    BloodDriveDonor,
    BloodDriveGroup,
    BloodDriveImportReport,
    BloodDriveKind,
    BloodDriveOutcome,
    BloodDrivePrecheck,
    BloodDriveRejectedRow,
    BloodDriveSession,
    BloodDriveUnit,
)
from plugins.blood_drive.services import (
    bookings,
    campaigns,
    health,
    precheck,
    results,
    sheets,
    stats,
    volunteers,
)
from plugins.blood_drive.services.common import require

__all__ = ["MUTATIONS"]


async def _street(code: str) -> NodeInfo:
    node = await get_node_by_code(code.strip())
    if node is None:
        raise ApiError.not_found("街镇", "street office", "streetOfficeCode")
    return node


# ---- campaigns -------------------------------------------------------------------------------

@strawberry.input(description="发起献血活动 / create a campaign")
class BloodDriveCreateCampaignInput:
    title: str
    starts_on: date
    ends_on: date
    organisers: list[str]
    call_text: str = ""
    contact_name: str = ""
    contact_phones: list[str] = strawberry.field(default_factory=list)
    anchor_on: date | None = None
    anchor_name: str = ""
    target_groups: list[BloodDriveGroup] = strawberry.field(
        default_factory=lambda: [BloodDriveGroup.PUBLIC])
    target_donors: int = 0
    target_units: int = 0


@strawberry.type
class BloodDriveCreateCampaignPayload:
    campaign: BloodDriveCampaign


BloodDriveCreateCampaignResult = Annotated[BloodDriveCreateCampaignPayload | UserError,
                                           strawberry.union("BloodDriveCreateCampaignResult")]


@strawberry.mutation(description="发起献血活动（归属当前单位，可为城市）/ create a campaign owned "
                                 "by the acting node (a city, too)")
async def blood_drive_create_campaign(info: Info, input: BloodDriveCreateCampaignInput
                                      ) -> BloodDriveCreateCampaignResult:
    async def work(access: Access) -> dict[str, Any]:
        return await campaigns.create_campaign(access, campaigns.CampaignInput(
            title=input.title, starts_on=input.starts_on, ends_on=input.ends_on,
            call_text=input.call_text, organisers=tuple(input.organisers),
            contact_name=input.contact_name, contact_phones=tuple(input.contact_phones),
            anchor_on=input.anchor_on, anchor_name=input.anchor_name,
            target_groups=tuple(g.value for g in input.target_groups),
            target_donors=input.target_donors, target_units=input.target_units))

    return await run_mutation(
        info, work, lambda r: BloodDriveCreateCampaignPayload(
            campaign=BloodDriveCampaign.from_row(r)),
        audit=lambda r: Audit("blood_drive.campaign.create", "BloodDriveCampaign", r["id"]))


@strawberry.input(description="设定街镇或单位目标 / set a street office's or work unit's target")
class BloodDriveSetTargetInput:
    campaign_id: strawberry.ID
    tenant_id: strawberry.ID
    work_unit: str = ""
    donors: int = 0
    units: int = 0


@strawberry.type
class BloodDriveSetTargetPayload:
    campaign: BloodDriveCampaign


BloodDriveSetTargetResult = Annotated[BloodDriveSetTargetPayload | UserError,
                                      strawberry.union("BloodDriveSetTargetResult")]


@strawberry.mutation(description="设定目标（活动所属单位）/ set a target (the campaign's owner)")
async def blood_drive_set_target(info: Info, input: BloodDriveSetTargetInput
                                 ) -> BloodDriveSetTargetResult:
    async def work(access: Access) -> dict[str, Any]:
        return await campaigns.set_target(
            access, required_pk(input.campaign_id, "BloodDriveCampaign", "campaignId"),
            required_pk(input.tenant_id, "Tenant", "tenantId"), input.work_unit, input.donors,
            input.units)

    return await run_mutation(
        info, work, lambda r: BloodDriveSetTargetPayload(campaign=BloodDriveCampaign.from_row(r)),
        audit=lambda r: Audit("blood_drive.target.set", "BloodDriveCampaign", r["id"],
                              {"work_unit": input.work_unit, "donors": input.donors,
                               "units": input.units}))


# ---- sessions, units, donors ---------------------------------------------------------------

@strawberry.input(description="时段 / a slot")
class BloodDriveSlotInput:
    starts_at: datetime
    ends_at: datetime
    capacity: int


@strawberry.input(description="安排采血场次 / schedule a collection session")
class BloodDriveCreateSessionInput:
    campaign_id: strawberry.ID
    site_name: str
    held_on: date
    slots: list[BloodDriveSlotInput]
    address: str = ""


@strawberry.type
class BloodDriveCreateSessionPayload:
    session: BloodDriveSession


BloodDriveCreateSessionResult = Annotated[BloodDriveCreateSessionPayload | UserError,
                                          strawberry.union("BloodDriveCreateSessionResult")]


@strawberry.mutation(description="安排采血场次及时段 / schedule a session with its slots")
async def blood_drive_create_session(info: Info, input: BloodDriveCreateSessionInput
                                     ) -> BloodDriveCreateSessionResult:
    async def work(access: Access) -> dict[str, Any]:
        return await campaigns.create_session(
            access, required_pk(input.campaign_id, "BloodDriveCampaign", "campaignId"),
            input.site_name, input.address, input.held_on,
            [campaigns.SlotInput(s.starts_at, s.ends_at, s.capacity) for s in input.slots])

    return await run_mutation(
        info, work, lambda r: BloodDriveCreateSessionPayload(
            session=BloodDriveSession.from_row(r)),
        audit=lambda r: Audit("blood_drive.session.create", "BloodDriveSession", r["id"]))


@strawberry.input(description="登记单位在岗职工数 / a work unit and its serving staff")
class BloodDriveSetUnitInput:
    name: str
    staff_count: int


@strawberry.type
class BloodDriveSetUnitPayload:
    unit: BloodDriveUnit


BloodDriveSetUnitResult = Annotated[BloodDriveSetUnitPayload | UserError,
                                    strawberry.union("BloodDriveSetUnitResult")]


@strawberry.mutation(description="登记单位 / register a work unit")
async def blood_drive_set_unit(info: Info, input: BloodDriveSetUnitInput
                               ) -> BloodDriveSetUnitResult:
    async def work(access: Access) -> dict[str, Any]:
        return await campaigns.set_unit(access, input.name, input.staff_count)

    return await run_mutation(
        info, work, lambda r: BloodDriveSetUnitPayload(unit=BloodDriveUnit(
            name=str(r["name"]), staff_count=int(r["staff_count"]))),
        audit=lambda r: Audit("blood_drive.unit.set", "BloodDriveUnit", r["id"]))


@strawberry.input(description="登记献血者 / register a donor")
class BloodDriveRegisterDonorInput:
    resident_id: strawberry.ID
    work_unit: str = ""
    remind_opt_in: bool = False
    leaderboard_opt_in: bool = False


@strawberry.type
class BloodDriveRegisterDonorPayload:
    donor: BloodDriveDonor


BloodDriveRegisterDonorResult = Annotated[BloodDriveRegisterDonorPayload | UserError,
                                          strawberry.union("BloodDriveRegisterDonorResult")]


@strawberry.mutation(description="登记献血者（本人或动员单位）/ register a donor (themselves "
                                 "or their mobilising office)")
async def blood_drive_register_donor(info: Info, input: BloodDriveRegisterDonorInput
                                     ) -> BloodDriveRegisterDonorResult:
    async def work(access: Access) -> dict[str, Any]:
        return await campaigns.register_donor(
            access, required_pk(input.resident_id, "Resident", "residentId"), input.work_unit,
            input.remind_opt_in, input.leaderboard_opt_in)

    return await run_mutation(
        info, work, lambda r: BloodDriveRegisterDonorPayload(donor=BloodDriveDonor.from_row(r)),
        audit=lambda r: Audit("blood_drive.donor.register", "BloodDriveDonor", r["id"]))


# ---- pre-check -----------------------------------------------------------------------------

@strawberry.input(description="献血前健康征询（个人健康信息，加密保存）/ the pre-check answers "
                              "(health data, sealed at rest)")
class BloodDriveSubmitPrecheckInput:
    donor_id: strawberry.ID
    weight_kg: int
    planned_kind: BloodDriveKind = BloodDriveKind.WHOLE_BLOOD
    adverse_reaction_before: bool = False
    feeling_well: bool = True
    last_donation_on: date | None = None
    last_donation_kind: BloodDriveKind | None = None
    campaign_id: strawberry.ID | None = None


@strawberry.type
class BloodDriveSubmitPrecheckPayload:
    precheck: BloodDrivePrecheck


BloodDriveSubmitPrecheckResult = Annotated[BloodDriveSubmitPrecheckPayload | UserError,
                                           strawberry.union("BloodDriveSubmitPrecheckResult")]


@strawberry.mutation(description="提交健康征询（本人或采血点人员）/ submit a pre-check (the donor "
                                 "or site staff)")
async def blood_drive_submit_precheck(info: Info, input: BloodDriveSubmitPrecheckInput
                                      ) -> BloodDriveSubmitPrecheckResult:
    answers = precheck.Answers(
        weight_kg=input.weight_kg, planned_kind=input.planned_kind.value,
        adverse_reaction_before=input.adverse_reaction_before, feeling_well=input.feeling_well,
        last_donation_on=input.last_donation_on,
        last_donation_kind=input.last_donation_kind.value if input.last_donation_kind else None)

    async def work(access: Access) -> dict[str, Any]:
        return await precheck.submit_precheck(
            access, required_pk(input.donor_id, "BloodDriveDonor", "donorId"), answers,
            pk(input.campaign_id, "BloodDriveCampaign", "campaignId"))

    def wrap(row: dict[str, Any]) -> BloodDriveSubmitPrecheckPayload:
        opened, reasons = precheck.open_precheck(row)
        return BloodDriveSubmitPrecheckPayload(
            precheck=BloodDrivePrecheck.build(row, reasons, opened))

    # the audit entry holds the outcome only: never the answers
    return await run_mutation(info, work, wrap, audit=lambda r: Audit(
        "blood_drive.precheck.submit", "BloodDrivePrecheck", r["id"]))


@strawberry.input(description="查看健康征询回答（审计）/ reveal a pre-check's answers (audited)")
class BloodDriveRevealPrecheckInput:
    precheck_id: strawberry.ID
    reason: str


@strawberry.type
class BloodDriveRevealPrecheckPayload:
    precheck: BloodDrivePrecheck


BloodDriveRevealPrecheckResult = Annotated[BloodDriveRevealPrecheckPayload | UserError,
                                           strawberry.union("BloodDriveRevealPrecheckResult")]


@strawberry.mutation(description="查看健康征询回答（本人或采血点、血站人员，说明理由并审计）/ "
                                 "reveal a pre-check's answers (the donor or site/station "
                                 "staff; with a reason, audited)")
async def blood_drive_reveal_precheck(info: Info, input: BloodDriveRevealPrecheckInput
                                      ) -> BloodDriveRevealPrecheckResult:
    async def work(access: Access) -> Any:
        return await health.reveal_precheck(
            access, required_pk(input.precheck_id, "BloodDrivePrecheck", "precheckId"),
            input.reason)

    return await run_mutation(info, work, lambda r: BloodDriveRevealPrecheckPayload(
        precheck=BloodDrivePrecheck.build(r[0], r[2], r[1])))


# ---- bookings ------------------------------------------------------------------------------

@strawberry.input(description="预约时段 / book a slot")
class BloodDriveBookInput:
    slot_id: strawberry.ID
    donor_id: strawberry.ID
    street_office_code: str | None = strawberry.field(
        default=None, description="场次所在街镇的编码（不是当前街镇时；市级活动可跨街镇预约）/ the "
                                  "code of the street office holding the session, when it is "
                                  "not the acting one (a city's campaign books across offices)")


@strawberry.type
class BloodDriveBookPayload:
    booking: BloodDriveBooking


BloodDriveBookResult = Annotated[BloodDriveBookPayload | UserError,
                                 strawberry.union("BloodDriveBookResult")]


@strawberry.mutation(description="预约（满员或已有预约时拒绝）/ book a slot (refused when full or "
                                 "when the donor already holds a booking in the campaign)")
async def blood_drive_book(info: Info, input: BloodDriveBookInput) -> BloodDriveBookResult:
    async def work(access: Access) -> dict[str, Any]:
        slot = required_pk(input.slot_id, "BloodDriveSlot", "slotId")
        donor = required_pk(input.donor_id, "BloodDriveDonor", "donorId")
        if input.street_office_code:
            street = await _street(input.street_office_code)
            return await bookings.book_visiting(access, street, slot, donor)
        return await bookings.book(access, slot, donor)

    return await run_mutation(
        info, work, lambda r: BloodDriveBookPayload(booking=BloodDriveBooking.from_row(r)),
        audit=lambda r: Audit("blood_drive.booking.create", "BloodDriveBooking", r["id"]))


@strawberry.input(description="取消预约 / cancel a booking")
class BloodDriveCancelBookingInput:
    booking_id: strawberry.ID
    street_office_code: str | None = strawberry.field(
        default=None, description="预约所在街镇的编码（在其他街镇预约时）/ the code of the street "
                                  "office holding the booking, when it is not the acting one")


@strawberry.type
class BloodDriveCancelBookingPayload:
    booking: BloodDriveBooking


BloodDriveCancelBookingResult = Annotated[BloodDriveCancelBookingPayload | UserError,
                                          strawberry.union("BloodDriveCancelBookingResult")]


@strawberry.mutation(description="取消预约（名额退回，可重新预约）/ cancel a booking (the seat "
                                 "returns; the donor may book again)")
async def blood_drive_cancel_booking(info: Info, input: BloodDriveCancelBookingInput
                                     ) -> BloodDriveCancelBookingResult:
    async def work(access: Access) -> dict[str, Any]:
        booking = required_pk(input.booking_id, "BloodDriveBooking", "bookingId")
        if input.street_office_code:
            street = await _street(input.street_office_code)
            return await bookings.cancel_visiting(access, street, booking)
        return await bookings.cancel(access, booking)

    return await run_mutation(
        info, work, lambda r: BloodDriveCancelBookingPayload(
            booking=BloodDriveBooking.from_row(r)),
        audit=lambda r: Audit("blood_drive.booking.cancel", "BloodDriveBooking", r["id"]))


@strawberry.input(description="签到 / check a donor in")
class BloodDriveCheckInInput:
    booking_id: strawberry.ID


@strawberry.type
class BloodDriveCheckInPayload:
    booking: BloodDriveBooking


BloodDriveCheckInResult = Annotated[BloodDriveCheckInPayload | UserError,
                                    strawberry.union("BloodDriveCheckInResult")]


@strawberry.mutation(description="现场签到（采血点人员）/ check in at the site (site staff)")
async def blood_drive_check_in(info: Info, input: BloodDriveCheckInInput
                               ) -> BloodDriveCheckInResult:
    async def work(access: Access) -> dict[str, Any]:
        return await bookings.check_in(
            access, required_pk(input.booking_id, "BloodDriveBooking", "bookingId"))

    return await run_mutation(
        info, work, lambda r: BloodDriveCheckInPayload(booking=BloodDriveBooking.from_row(r)),
        audit=lambda r: Audit("blood_drive.booking.check_in", "BloodDriveBooking", r["id"]))


# ---- results -------------------------------------------------------------------------------

@strawberry.input(description="录入献血结果 / record a result")
class BloodDriveRecordResultInput:
    booking_id: strawberry.ID
    outcome: BloodDriveOutcome
    kind: BloodDriveKind = BloodDriveKind.WHOLE_BLOOD
    volume_ml: int = 0
    units: int = 0
    deferral_code: str | None = None
    adverse_reaction: bool = False


@strawberry.type
class BloodDriveRecordResultPayload:
    donation: BloodDriveDonation
    created: bool


BloodDriveRecordResultResult = Annotated[BloodDriveRecordResultPayload | UserError,
                                         strawberry.union("BloodDriveRecordResultResult")]


def _result(outcome: BloodDriveOutcome, kind: BloodDriveKind, volume_ml: int, units: int,
            deferral_code: str | None, adverse: bool) -> results.ResultInput:
    return results.ResultInput(outcome=outcome.value, kind=kind.value, volume_ml=volume_ml,
                               units=units, deferral_code=deferral_code, adverse_reaction=adverse)


@strawberry.mutation(description="录入献血结果（已献血或暂缓；同一预约只记一次）/ record a result "
                                 "(donated or deferred; once per booking)")
async def blood_drive_record_result(info: Info, input: BloodDriveRecordResultInput
                                    ) -> BloodDriveRecordResultResult:
    async def work(access: Access) -> tuple[dict[str, Any], bool]:
        return await results.record_result(
            access, required_pk(input.booking_id, "BloodDriveBooking", "bookingId"),
            _result(input.outcome, input.kind, input.volume_ml, input.units,
                    input.deferral_code, input.adverse_reaction))

    return await run_mutation(
        info, work, lambda r: BloodDriveRecordResultPayload(
            donation=BloodDriveDonation.from_row(r[0]), created=r[1]),
        audit=lambda r: Audit("blood_drive.result.record", "BloodDriveDonation", r[0]["id"],
                              {"created": r[1]}))


@strawberry.input(description="血站结果一行 / one row of the station's results")
class BloodDriveResultRowInput:
    external_id: str
    donated_on: date
    outcome: BloodDriveOutcome
    kind: BloodDriveKind = BloodDriveKind.WHOLE_BLOOD
    volume_ml: int = 0
    units: int = 0
    deferral_code: str | None = None
    adverse_reaction: bool = False
    campaign_id: strawberry.ID | None = None
    donor_id: strawberry.ID | None = strawberry.field(
        default=None, description="献血者（或给出身份证号）/ the donor (or give the ID number)")
    id_number: str | None = strawberry.field(
        default=None, description="身份证号（按盲索引匹配，不保存）/ the donor's ID number "
                                  "(matched by blind index, never stored)")


@strawberry.input(description="导入血站结果 / import the station's results")
class BloodDriveImportResultsInput:
    rows: list[BloodDriveResultRowInput]


@strawberry.type
class BloodDriveImportResultsPayload:
    report: BloodDriveImportReport


BloodDriveImportResultsResult = Annotated[BloodDriveImportResultsPayload | UserError,
                                          strawberry.union("BloodDriveImportResultsResult")]


@strawberry.mutation(description="导入血站结果（幂等，逐行报告被拒原因）/ import results "
                                 "(idempotent; rejected rows reported one by one)")
async def blood_drive_import_results(info: Info, input: BloodDriveImportResultsInput
                                     ) -> BloodDriveImportResultsResult:
    async def work(access: Access) -> results.ImportReport:
        rows = []
        bad: list[tuple[int, str, str, str, str | None]] = []
        for n, r in enumerate(input.rows, start=1):
            try:
                donor = pk(r.donor_id, "BloodDriveDonor", "donorId")
                campaign = pk(r.campaign_id, "BloodDriveCampaign", "campaignId")
            except ApiError as exc:  # a malformed id rejects its row, not the import
                bad.append((n, exc.code, exc.zh, exc.en, exc.field))
                continue
            rows.append(results.ImportRow(
                n, r.external_id, donor, r.donated_on,
                _result(r.outcome, r.kind, r.volume_ml, r.units, r.deferral_code,
                        r.adverse_reaction), campaign, r.id_number))
        report = await results.import_results(access, rows) if rows else results.ImportReport()
        report.rejected = sorted([*bad, *report.rejected])
        return report

    return await run_mutation(
        info, work, lambda r: BloodDriveImportResultsPayload(report=BloodDriveImportReport(
            imported=r.imported, duplicates=r.duplicates,
            rejected=[BloodDriveRejectedRow(row=x[0], code=x[1], message=x[2], field=x[4])
                      for x in r.rejected])),
        audit=lambda r: Audit("blood_drive.result.import", "BloodDriveDonation", "",
                              {"imported": r.imported, "duplicates": r.duplicates,
                               "rejected": len(r.rejected)}))


def _report(r: results.ImportReport) -> BloodDriveImportReport:
    return BloodDriveImportReport(
        imported=r.imported, duplicates=r.duplicates,
        rejected=[BloodDriveRejectedRow(row=x[0], code=x[1], message=x[2], field=x[4])
                  for x in r.rejected])


@strawberry.input(description="导入血站结果表（.xlsx 或 UTF-8 .csv，base64）/ import the "
                              "station's result sheet (.xlsx or UTF-8 .csv, base64)")
class BloodDriveImportResultsSheetInput:
    file_base64: str
    session_id: strawberry.ID | None = strawberry.field(
        default=None, description="采血场次（结果记入其活动）/ the session (its campaign is "
                                  "recorded with each result)")


@strawberry.type
class BloodDriveImportResultsSheetPayload:
    report: BloodDriveImportReport


BloodDriveImportResultsSheetResult = Annotated[
    BloodDriveImportResultsSheetPayload | UserError,
    strawberry.union("BloodDriveImportResultsSheetResult")]


@strawberry.mutation(description="导入血站结果表（.xlsx 或 .csv；表头：血站记录号、身份证号、献血日期、"
                                 "结果、类型、献血量、治疗单位、暂缓原因；幂等，逐行报告）/ import "
                                 "the station's results (.xlsx or .csv; idempotent; a report "
                                 "per row)")
async def blood_drive_import_results_sheet(info: Info, input: BloodDriveImportResultsSheetInput
                                           ) -> BloodDriveImportResultsSheetResult:
    async def work(access: Access) -> results.ImportReport:
        require(access, "blood_drive.import")
        try:
            data = base64.b64decode(input.file_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ApiError.invalid("fileBase64", "文件须为 base64", "the file must be base64"
                                   ) from exc
        session = pk(input.session_id, "BloodDriveSession", "sessionId")
        campaign = None
        if session is not None:
            campaign = await campaigns.campaign_of_session(session)
        rows, bad = sheets.parse_sheet(data, campaign_id=campaign)
        report = await results.import_results(access, rows) if rows else results.ImportReport()
        report.rejected = sorted([*bad, *report.rejected])
        return report

    return await run_mutation(
        info, work, lambda r: BloodDriveImportResultsSheetPayload(report=_report(r)),
        audit=lambda r: Audit("blood_drive.result.import", "BloodDriveDonation", "",
                              {"imported": r.imported, "duplicates": r.duplicates,
                               "rejected": len(r.rejected), "sheet": True}))


@strawberry.input(description="记录志愿服务 / record a volunteer's service at a session")
class BloodDriveRecordVolunteerInput:
    session_id: strawberry.ID
    resident_id: strawberry.ID
    minutes: int


@strawberry.type
class BloodDriveRecordVolunteerPayload:
    session: BloodDriveSession
    minutes: int
    created: bool


BloodDriveRecordVolunteerResult = Annotated[BloodDriveRecordVolunteerPayload | UserError,
                                            strawberry.union("BloodDriveRecordVolunteerResult")]


@strawberry.mutation(description="记录学雷锋志愿服务时长 / record a volunteer's minutes at a "
                                 "session (emits volunteer.service_recorded once)")
async def blood_drive_record_volunteer(info: Info, input: BloodDriveRecordVolunteerInput
                                       ) -> BloodDriveRecordVolunteerResult:
    session_pk = required_pk(input.session_id, "BloodDriveSession", "sessionId")

    async def work(access: Access) -> tuple[dict[str, Any], dict[str, Any], bool]:
        row, created = await volunteers.record_volunteer(
            access, session_pk, required_pk(input.resident_id, "Resident", "residentId"),
            input.minutes)
        session = (await campaigns.sessions_by_ids([session_pk]))[session_pk]
        return session, row, created

    return await run_mutation(
        info, work, lambda r: BloodDriveRecordVolunteerPayload(
            session=BloodDriveSession.from_row(r[0]), minutes=int(r[1]["minutes"]),
            created=r[2]),
        audit=lambda r: Audit("blood_drive.volunteer.record", "BloodDriveSession", r[0]["id"],
                              {"minutes": int(r[1]["minutes"])}))


@strawberry.input(description="导出活动统计（Excel，审计）/ export a campaign's statistics as "
                              ".xlsx (audited)")
class BloodDriveExportStatsInput:
    campaign_id: strawberry.ID


@strawberry.type
class BloodDriveExportStatsPayload:
    campaign: BloodDriveCampaign
    file_name: str
    content_base64: str = strawberry.field(description="xlsx 文件（base64）/ the .xlsx file, "
                                                       "base64")


BloodDriveExportStatsResult = Annotated[BloodDriveExportStatsPayload | UserError,
                                        strawberry.union("BloodDriveExportStatsResult")]


@strawberry.mutation(description="导出活动统计表：合计、各街镇、各单位对照目标（审计）/ the "
                                 "campaign's statistics per street office and work unit "
                                 "against targets as an .xlsx sheet (audited)")
async def blood_drive_export_stats(info: Info, input: BloodDriveExportStatsInput
                                   ) -> BloodDriveExportStatsResult:
    campaign_id = required_pk(input.campaign_id, "BloodDriveCampaign", "campaignId")

    async def work(access: Access) -> tuple[dict[str, Any], bytes]:
        campaign, lines, names = await stats.campaign_stats(access, campaign_id)
        return campaign, stats.stats_xlsx(campaign, lines, names)

    return await run_mutation(info, work, lambda r: BloodDriveExportStatsPayload(
        campaign=BloodDriveCampaign.from_row(r[0]),
        file_name=f"献血统计-{r[0]['id']}-{r[0]['starts_on']}.xlsx",
        content_base64=base64.b64encode(r[1]).decode()),
        audit=lambda r: Audit("blood_drive.stats.export", "BloodDriveCampaign", r[0]["id"]))


MUTATIONS = [blood_drive_create_campaign, blood_drive_set_target, blood_drive_create_session,
             blood_drive_set_unit, blood_drive_register_donor, blood_drive_submit_precheck,
             blood_drive_reveal_precheck, blood_drive_book, blood_drive_cancel_booking,
             blood_drive_check_in, blood_drive_record_result, blood_drive_import_results,
             blood_drive_import_results_sheet, blood_drive_record_volunteer,
             blood_drive_export_stats]
