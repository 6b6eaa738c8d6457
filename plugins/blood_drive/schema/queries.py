"""Query fields of the plugin. Each decodes its arguments, asks a service inside the request's
scope and builds the answer; pre-checks and results answer only the donor and site or station
staff (``NOT_FOUND`` for anyone else, organisers included)."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from core.plugin import (
    LIST_BOUND,
    Access,
    ApiError,
    Connection,
    Info,
    check_first,
    decode_cursor,
    make_connection,
    mask_text,
    public_read,
    residents_by_ids,
    today_shanghai,
)
from plugins.blood_drive.schema.common import pk, read, required_pk
from plugins.blood_drive.schema.types import (
    BloodDriveBenefits,
    BloodDriveBooking,
    BloodDriveCampaign,
    BloodDriveCampaignStats,
    BloodDriveDonation,
    BloodDriveDonor,
    BloodDriveHonours,
    BloodDriveKind,
    BloodDrivePrecheck,
    BloodDrivePublicCall,
    BloodDriveSession,
    BloodDriveStatLine,
    BloodDriveUnitAward,
    BloodDriveVisit,
)
from plugins.blood_drive.services import (
    bookings,
    campaigns,
    health,
    honours,
    mine,
    public,
    stats,
)
from plugins.blood_drive.services.precheck import open_precheck

__all__ = ["QUERIES"]

PUBLIC_CALLS = 5
"""At most this many campaigns on the public call (each with up to 20 sessions of 24 slots)."""


@strawberry.field(description="献血活动（本级及上级所有）/ campaigns readable here (own and "
                              "those of the regions above)")
async def blood_drive_campaigns(info: Info, first: int, after: str | None = None
                                ) -> Connection[BloodDriveCampaign]:
    check_first(first)
    start = decode_cursor(after)

    async def work(access: Access) -> list[dict[str, Any]]:
        return await campaigns.campaign_page(access, first, start or None)

    return make_connection(await read(info, work), first, BloodDriveCampaign.from_row)


@strawberry.field(description="采血场次 / collection sessions")
async def blood_drive_sessions(info: Info, first: int, after: str | None = None,
                               campaign_id: strawberry.ID | None = None
                               ) -> Connection[BloodDriveSession]:
    check_first(first)
    start = decode_cursor(after)
    campaign = pk(campaign_id, "BloodDriveCampaign", "campaignId")

    async def work(access: Access) -> list[dict[str, Any]]:
        return await campaigns.session_page(access, first, start or None, campaign)

    return make_connection(await read(info, work), first, BloodDriveSession.from_row)


@strawberry.field(description="预约 / bookings")
async def blood_drive_bookings(info: Info, first: int, after: str | None = None,
                               campaign_id: strawberry.ID | None = None,
                               session_id: strawberry.ID | None = None
                               ) -> Connection[BloodDriveBooking]:
    check_first(first)
    start = decode_cursor(after)
    campaign = pk(campaign_id, "BloodDriveCampaign", "campaignId")
    session = pk(session_id, "BloodDriveSession", "sessionId")

    async def work(access: Access) -> list[dict[str, Any]]:
        return await bookings.booking_page(access, first, start or None, campaign_id=campaign,
                                           session_id=session)

    return make_connection(await read(info, work), first, BloodDriveBooking.from_row)


@strawberry.field(description="献血者 / donors of the tenant")
async def blood_drive_donors(info: Info, first: int, after: str | None = None
                             ) -> Connection[BloodDriveDonor]:
    check_first(first)
    start = decode_cursor(after)

    async def work(access: Access) -> list[dict[str, Any]]:
        return await campaigns.donor_page(access, first, start or None)

    return make_connection(await read(info, work), first, BloodDriveDonor.from_row)


@strawberry.field(description="健康征询结论（本人或采血点、血站人员）/ a donor's pre-checks "
                              "(the donor or site and station staff)")
async def blood_drive_prechecks(info: Info, donor_id: strawberry.ID, first: int,
                                after: str | None = None) -> Connection[BloodDrivePrecheck]:
    check_first(first)
    start = decode_cursor(after)

    async def work(access: Access) -> list[dict[str, Any]]:
        # the id is checked once the caller is known: an anonymous caller hears UNAUTHENTICATED
        donor = required_pk(donor_id, "BloodDriveDonor", "donorId")
        return await health.precheck_page(access, donor, first, start or None)

    rows = await read(info, work)
    return make_connection(rows, first, lambda r: BloodDrivePrecheck.build(
        r, open_precheck(r)[1]))


@strawberry.field(description="献血记录（本人或采血点、血站人员）/ a donor's results")
async def blood_drive_donations(info: Info, donor_id: strawberry.ID, first: int,
                                after: str | None = None) -> Connection[BloodDriveDonation]:
    check_first(first)
    start = decode_cursor(after)

    async def work(access: Access) -> list[dict[str, Any]]:
        # the id is checked once the caller is known: an anonymous caller hears UNAUTHENTICATED
        donor = required_pk(donor_id, "BloodDriveDonor", "donorId")
        return await health.donation_page(access, donor, first, start or None)

    return make_connection(await read(info, work), first, BloodDriveDonation.from_row)


@strawberry.field(description="献血者在其他街镇的预约（本人或动员人员；新的在前）/ a donor's "
                              "bookings at other street offices of a campaign, newest first")
async def blood_drive_visits(info: Info, donor_id: strawberry.ID, first: int,
                             after: str | None = None) -> Connection[BloodDriveVisit]:
    check_first(first)
    start = decode_cursor(after)

    async def work(access: Access) -> list[dict[str, Any]]:
        donor = required_pk(donor_id, "BloodDriveDonor", "donorId")
        return await bookings.visits_of(access, donor, first, start or None)

    return make_connection(await read(info, work), first, BloodDriveVisit.from_row)


@strawberry.field(description="表彰进度 / a donor's count and award progress")
async def blood_drive_honours(info: Info, donor_id: strawberry.ID) -> BloodDriveHonours:

    async def work(access: Access) -> honours.Honours:
        donor = required_pk(donor_id, "BloodDriveDonor", "donorId")  # after authentication
        return await honours.honours_of(access, donor)

    return BloodDriveHonours.of(await read(info, work))


@strawberry.field(description="用血优惠 / a donor's free clinical blood entitlement")
async def blood_drive_benefits(info: Info, donor_id: strawberry.ID) -> BloodDriveBenefits:

    async def work(access: Access) -> honours.Benefits:
        donor = required_pk(donor_id, "BloodDriveDonor", "donorId")  # after authentication
        return await honours.benefits_of(access, donor)

    return BloodDriveBenefits.of(await read(info, work))


@strawberry.field(description="活动统计（对照目标）/ campaign statistics against targets")
async def blood_drive_campaign_stats(info: Info, campaign_id: strawberry.ID
                                     ) -> BloodDriveCampaignStats:

    async def work(access: Access) -> Any:
        campaign = required_pk(campaign_id, "BloodDriveCampaign", "campaignId")  # after authentication
        return await stats.campaign_stats(access, campaign)

    row, lines, names = await read(info, work)
    return BloodDriveCampaignStats(campaign=BloodDriveCampaign.from_row(row),
                                   lines=[BloodDriveStatLine.of(x, names) for x in lines])


@strawberry.field(description="单位排行（不含个人）/ work units ranked by donations",
                  metadata={LIST_BOUND: 50})
async def blood_drive_unit_leaderboard(info: Info, campaign_id: strawberry.ID
                                       ) -> list[BloodDriveStatLine]:

    async def work(access: Access) -> list[stats.Line]:
        campaign = required_pk(campaign_id, "BloodDriveCampaign", "campaignId")  # after authentication
        return await stats.unit_leaderboard(access, campaign)

    return [BloodDriveStatLine.of(x, {}) for x in await read(info, work)]


@strawberry.type(description="个人排行（仅本人同意者，姓名遮蔽）/ a donor who agreed to be "
                             "ranked (name masked)")
class BloodDriveDonorRank:
    name_masked: str
    count: float
    volume_ml: int


@strawberry.field(description="个人排行（仅同意者）/ donors who agreed to be ranked",
                  metadata={LIST_BOUND: 20})
async def blood_drive_donor_leaderboard(info: Info, campaign_id: strawberry.ID
                                        ) -> list[BloodDriveDonorRank]:

    async def work(access: Access) -> list[BloodDriveDonorRank]:
        campaign = required_pk(campaign_id, "BloodDriveCampaign", "campaignId")  # after authentication
        ranked = await stats.donor_leaderboard(access, campaign)
        names = await residents_by_ids([r for r, _, _ in ranked])
        return [BloodDriveDonorRank(name_masked=mask_text(names[r].name) if r in names else "",
                                    count=c / 100, volume_ml=v) for r, c, v in ranked]

    return await read(info, work)


@strawberry.field(description="单位促进奖核查 / unit promotion award check")
async def blood_drive_unit_award(info: Info, unit: str, on: date | None = None
                                 ) -> BloodDriveUnitAward:
    async def work(access: Access) -> honours.UnitAward:
        return await honours.unit_award(access, unit, on)

    if on is not None and on.year < 1990:
        raise ApiError.invalid("on", "日期无效", "invalid date")
    return BloodDriveUnitAward.of(await read(info, work))


@strawberry.field(description="公开倡议：进行中活动的倡议书、发起单位、时间、联系方式和尚有名额的场次"
                              "（无需登录，匿名访问用 X-Linli-Node 指定街镇）/ the public call: "
                              "running campaigns with their open sessions and free seats (no "
                              "login; anonymous reads name the node with X-Linli-Node)",
                  metadata={LIST_BOUND: PUBLIC_CALLS})
async def blood_drive_public_calls(info: Info, first: int = PUBLIC_CALLS
                                   ) -> list[BloodDrivePublicCall]:
    if not 1 <= first <= PUBLIC_CALLS:
        raise ApiError.invalid("first", f"first 必须在 1 到 {PUBLIC_CALLS} 之间",
                               f"first must be between 1 and {PUBLIC_CALLS}")
    async with public_read(info.context):
        calls = await public.public_calls(today_shanghai(), first)
    return [BloodDrivePublicCall.from_call(c) for c in calls]


@strawberry.type(description="我的献血：本人在本街镇的献血者记录 / the caller's own donor record "
                             "here, with what the donor may see of it")
class BloodDriveMyDonor:
    donor: BloodDriveDonor
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="表彰进度（铜、银、金奖）/ progress towards the awards")
    async def honours(self, info: Info) -> BloodDriveHonours:
        async def work(access: Access) -> honours.Honours:
            return await honours.honours_of(access, int(self.row["id"]))

        return BloodDriveHonours.of(await read(info, work))

    @strawberry.field(description="献血记录（新的在前，最多50条）/ own results, newest first",
                      metadata={LIST_BOUND: mine.MINE_LIMIT})
    async def donations(self, info: Info) -> list[BloodDriveDonation]:
        async def work(access: Access) -> list[dict[str, Any]]:
            return await mine.my_donations(int(self.row["id"]))

        return [BloodDriveDonation.from_row(r) for r in await read(info, work)]

    @strawberry.field(description="本街镇的预约（新的在前，最多50条）/ own bookings here, newest "
                                  "first", metadata={LIST_BOUND: mine.MINE_LIMIT})
    async def bookings(self, info: Info) -> list[BloodDriveBooking]:
        async def work(access: Access) -> list[dict[str, Any]]:
            return await mine.my_bookings(int(self.row["id"]))

        return [BloodDriveBooking.from_row(r) for r in await read(info, work)]

    @strawberry.field(description="在其他街镇的预约（新的在前，最多50条）/ own bookings at other "
                                  "street offices, newest first",
                      metadata={LIST_BOUND: mine.MINE_LIMIT})
    async def visits(self, info: Info) -> list[BloodDriveVisit]:
        async def work(access: Access) -> list[dict[str, Any]]:
            return await bookings.visits_of(access, int(self.row["id"]), mine.MINE_LIMIT, None)

        return [BloodDriveVisit.from_row(r) for r in (await read(info, work))[:mine.MINE_LIMIT]]

    @strawberry.field(description="按献血间隔和血小板年度次数，最早可再献血的日期（今天或以后；"
                                  "年龄、体重和健康状况在献血前健康征询时判断）/ the first day the "
                                  "intervals and the yearly platelet limit allow (age, weight "
                                  "and health are the pre-check's)")
    async def next_eligible_on(self, info: Info,
                               kind: BloodDriveKind = BloodDriveKind.WHOLE_BLOOD) -> date:
        async def work(access: Access) -> date:
            return await mine.next_eligible_on(self.row, kind.value)

        return await read(info, work)


@strawberry.field(description="我的献血：本人（账号关联的居民）在本街镇的献血者记录，未登记为 null"
                              " / the caller's own donor record in the acting street office "
                              "(the account's linked resident), null when none")
async def blood_drive_my_donor(info: Info) -> BloodDriveMyDonor | None:
    row = await read(info, mine.my_donor)
    return BloodDriveMyDonor(donor=BloodDriveDonor.from_row(row), row=row) if row else None


QUERIES = [blood_drive_campaigns, blood_drive_sessions, blood_drive_bookings, blood_drive_donors,
           blood_drive_prechecks, blood_drive_donations, blood_drive_honours,
           blood_drive_benefits, blood_drive_campaign_stats, blood_drive_unit_leaderboard,
           blood_drive_donor_leaderboard, blood_drive_unit_award, blood_drive_public_calls,
           blood_drive_visits, blood_drive_my_donor]
