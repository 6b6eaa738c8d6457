"""Every example operation in ``graphql/operations/building_heads/`` runs on the demo data as it
is: a demo tenant is seeded as ``linli demo`` does (the importer's residents, a grid worker per
grid, the plugin's demo), then each operation is sent with variables read from the demo rows —
as the caller who would send it (the demo head logged in with the demo password, a
coordinator, a region official, or nobody for the public board) — and must answer without an
error and without a ``UserError``. A new example file or operation without a walk here fails."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from core.demo.people import demo_rows
from core.demo.places import DEMO_COMPOUNDS
from core.identity.tables import Account
from core.people.excel import import_rows
from core.people.tables import Grid, Household, Resident
from core.plugin import accounts_holding, get_building, scope_for
from graphql import DocumentNode, OperationDefinitionNode, OperationType, parse, print_ast
from plugins.building_heads.demo import HEAD_LOGIN, PROPERTY_LOGIN, seed_demo
from plugins.building_heads.tables import (
    Appointment,
    Candidate,
    Duty,
    Evaluation,
    Handoff,
    Matter,
    PropertyCompany,
    Station,
    SurveyResponse,
)
from tests.plugins.building_heads.conftest import gid

OPERATIONS = Path(__file__).resolve().parents[3] / "graphql" / "operations" / "building_heads"
LOGIN = """mutation($input: LoginInput!) { login(input: $input) {
  __typename ... on LoginPayload { accessToken } ... on UserError { code messageEn } } }"""


def operations() -> dict[str, str]:
    """Operation name → the text of that one operation, over every example file."""
    out: dict[str, str] = {}
    for path in sorted(OPERATIONS.glob("*.graphql")):
        for definition in parse(path.read_text(encoding="utf-8")).definitions:
            assert isinstance(definition, OperationDefinitionNode) and definition.name
            out[definition.name.value] = print_ast(DocumentNode(definitions=(definition,)))
    return out


async def _demo(env: Any, factory: Any, heads_kit: Any) -> tuple[Any, Any, float]:
    """A demo tenant under a region of its own, seeded as ``linli demo`` seeds one; the
    seconds the plugin's demo took."""
    region = await factory.region()
    node = await factory.tenant(region)
    rows = demo_rows(node.code, ("御苑社区", "中巨社区"), DEMO_COMPOUNDS, count=200, seed=node.id)
    report = await import_rows(env.state.db, node, ((i + 2, r) for i, r in enumerate(rows)),
                               None, pii_key=env.settings.pii_key, progress=False)
    assert report.ok, report.errors[:3]
    async with env.state.db.scoped(scope_for(node)):
        grids = [int(r["id"]) for r in await Grid.select(Grid.id)]
    for grid in grids:  # as core's demo does for its grid-worker logins
        await factory.account(node, "grid_worker", place_kind="grid", place_id=grid)
    await heads_kit.enable(region)  # as core's demo does, at the top of the tree
    began = time.perf_counter()
    async with env.state.db.scoped(scope_for(node), write=True):
        await seed_demo(node.id)
    return region, node, time.perf_counter() - began


async def test_every_example_operation_runs_on_the_demo(linli_env, factory, gql, heads_kit):
    region, node, _ = await _demo(linli_env, factory, heads_kit)  # speed: tests/benchmarks
    login = await gql(LOGIN, {"input": {"login": HEAD_LOGIN.format(code=node.code),
                                        "password": linli_env.settings.demo_password}})
    head = login["data"]["login"]["accessToken"]
    property_login = await gql(LOGIN, {"input": {
        "login": PROPERTY_LOGIN.format(code=node.code),
        "password": linli_env.settings.demo_password}})
    company_token = property_login["data"]["login"]["accessToken"]
    coordinator = await factory.account(node, "building_heads.coordinator")
    spare_company = await factory.account(node, None)
    official = await factory.account(region, "region_official")
    spare = await factory.account(node, None)
    voter = await factory.account(node, "resident")

    async with linli_env.state.db.scoped(scope_for(node)):
        (mine,) = [r for r in await Appointment.select() if r["account_id"] is not None]
        unlinked = await Appointment.select(Appointment.id).where(
            Appointment.account_id.is_null()).first()
        household = await Household.select(Household.id).where(
            Household.building_id == mine["building_id"]).first()
        candidates = {r["status"]: r for r in await Candidate.select().where(
            Candidate.status.is_in(["nominated", "noticed"])).order_by(Candidate.id)}
        ended = await Candidate.select().where(
            (Candidate.status == "noticed") & (Candidate.notice_until < date.today())).first()
        headless = int(ended["building_id"])
        taken = {int(r["resident_id"]) for r in await Candidate.select(Candidate.resident_id)}
        newcomer = await Resident.select(Resident.id).where(
            (Resident.building_id == headless) & Resident.id.not_in(sorted(taken))).first()
        matters = {(r["step"], r["status"], r["level"], r["grid_account_id"] is not None): r
                   for r in await Matter.select().order_by(Matter.id)}
        handed = next(r for r in await Matter.select() if r["grid_account_id"] is not None)
        opinion = await Duty.select().where((Duty.kind == "opinion")
                                            & (Duty.status == "open")).first()
        station = await Station.select().first()
        answered = {int(r["household_id"]) for r in await SurveyResponse.select(
            SurveyResponse.household_id).where(SurveyResponse.year == date.today().year)}
        home = await Resident.select(Resident.id).where(
            Resident.household_id.not_in(sorted(answered) or [-1])
            & Resident.household_id.is_not_null() & Resident.building_id.is_not_null()).first()
        weak = await Evaluation.select().where(Evaluation.improvement_open == True).first()
        hazard = await Duty.select().where((Duty.kind == "safety") & (Duty.status == "open")
                                           & (Duty.assigned_to == "")).first()
        collect_resident = await Resident.select(Resident.id, Resident.household_id).where(
            (Resident.building_id == mine["building_id"])
            & Resident.household_id.is_not_null()).first()
        company = await PropertyCompany.select().first()
        to_company = await Handoff.select().where(Handoff.to_kind == "property").first()
        head_matter = await Matter.select().where(
            (Matter.building_id == mine["building_id"]) & (Matter.status == "open")
            & (Matter.level == "building") & Matter.grid_account_id.is_null()).first()
        worker_matter = next(r for k, r in matters.items()
                             if k[1] == "open" and k[2] == "building" and not k[3]
                             and r["id"] != handed["id"])

    def m(step: str, status: str = "open", level: str = "building") -> str:
        row = matters.get((step, status, level, False))
        assert row is not None, (step, status, level, sorted(matters))
        return gid("BuildingHeadMatter", int(row["id"]))

    async with linli_env.state.db.transaction():
        await Account.update({Account.resident_id: int(home["id"]),
                              Account.resident_tenant_id: node.id}).where(Account.id == voter.id)
    building = gid("Building", int(mine["building_id"]))
    compound = gid("Compound", int(handed["compound_id"] or worker_matter["compound_id"]))
    async with linli_env.state.db.scoped(scope_for(node)):
        b = await get_building(int(worker_matter["building_id"]))
        (worker, *_) = await accounts_holding(node.id, "grid_worker", "grid", [b.grid_id])
        own = await get_building(int(mine["building_id"]))
        (own_worker, *_) = await accounts_holding(node.id, "grid_worker", "grid", [own.grid_id])
    requester = await factory.account(node, "grid_worker", place_kind="grid",
                                      place_id=own.grid_id)

    walks: dict[str, tuple[str | None, dict[str, Any]]] = {
        # appointments.graphql
        "BuildingHeadNominate": (coordinator.token, {
            "buildingId": gid("Building", headless),
            "residentId": gid("Resident", int(newcomer["id"])), "method": "RESIDENTS"}),
        "BuildingHeadStartNotice": (coordinator.token, {
            "candidateId": gid("BuildingHeadCandidate", int(candidates["nominated"]["id"]))}),
        "BuildingHeadApprove": (coordinator.token, {
            "candidateId": gid("BuildingHeadCandidate", int(ended["id"]))}),
        "BuildingHeadLinkAccount": (coordinator.token, {
            "appointmentId": gid("BuildingHeadAppointment", int(unlinked["id"])),
            "accountId": gid("Account", spare.id)}),
        # coverage.graphql
        "BuildingHeadLogVisit": (head, {"householdId": gid("Household", int(household["id"])),
                                        "notes": "身体健康"}),
        "BuildingHeadCoverage": (coordinator.token, {"level": "BUILDING", "id": building}),
        "BuildingHeadOverdue": (head, {"buildingId": building}),
        "BuildingHeadRegionCoverage": (official.token, {}),
        "BuildingHeadVisitTasks": (head, {}),
        "BuildingHeadReminderList": (coordinator.token, {}),
        # matters.graphql
        "BuildingHeadBoard": (None, {"compoundId": compound}),
        "BuildingHeadRaiseMatter": (head, {"buildingId": building, "title": "楼道堆放杂物"}),
        "BuildingHeadAdvanceMatter": (coordinator.token, {
            "matterId": m("raised"), "step": "COMMITTEES", "participants": ["社区书记"],
            "decision": "同意"}),
        "BuildingHeadResolveMatter": (coordinator.token, {"matterId": m("joint"),
                                                          "resolution": "已解决"}),
        "BuildingHeadEscalateMatter": (coordinator.token, {"matterId": m("residents"),
                                                           "reason": "涉及全小区"}),
        "BuildingHeadHandOffMatter": (coordinator.token, {
            "matterId": gid("BuildingHeadMatter", int(worker_matter["id"])),
            "gridWorkerId": gid("Account", worker), "note": "请协调"}),
        "BuildingHeadFollowUpMatter": (coordinator.token, {
            "matterId": gid("BuildingHeadMatter", int(handed["id"])), "note": "已联系物业"}),
        # meetings.graphql
        "BuildingHeadRecordMeeting": (coordinator.token, {
            "kind": "OPINION", "stationId": gid("BuildingHeadStation", int(station["id"])),
            "attendees": [{"party": "RESIDENTS", "names": ["居民代表"]}],
            "topics": ["楼道照明"], "matterIds": [m("raised")]}),
        "BuildingHeadMeetings": (coordinator.token, {
            "stationId": gid("BuildingHeadStation", int(station["id"]))}),
        # survey.graphql
        "BuildingHeadRateHead": (voter.token, {"score": 5}),
        "BuildingHeadSurvey": (head, {"buildingId": building}),
        # duties.graphql
        "BuildingHeadRecordDuty": (head, {"buildingId": building, "kind": "MEDIATION",
                                          "summary": "调解停车纠纷", "outcome": "和解",
                                          "minutes": 45, "parties": ["赵某", "钱某"]}),
        "BuildingHeadCloseDuty": (coordinator.token, {
            "dutyId": gid("BuildingHeadDuty", int(opinion["id"])), "answer": "已加装路灯"}),
        "BuildingHeadDuties": (head, {"buildingId": building}),
        # evaluation.graphql
        "BuildingHeadEvaluations": (coordinator.token, {"year": date.today().year - 1}),
        "BuildingHeadPlanImprovement": (coordinator.token, {
            "evaluationId": gid("BuildingHeadEvaluation", int(weak["id"])),
            "plan": "每周走访两户", "reviewOn": "2099-01-31"}),
        "BuildingHeadAssignDuty": (head, {
            "dutyId": gid("BuildingHeadDuty", int(hazard["id"])), "assignedTo": "物业维修班"}),
        "BuildingHeadCollectInfo": (head, {
            "buildingId": building,
            "householdId": gid("Household", int(collect_resident["household_id"])),
            "residentId": gid("Resident", int(collect_resident["id"])),
            "phone": "13800138000", "tagsAdded": ["长期空巢"]}),
        # handoffs.graphql
        "BuildingHeadHandOff": (head, {
            "matterId": gid("BuildingHeadMatter", int(head_matter["id"])), "to": "GRID_WORKER",
            "gridWorkerId": gid("Account", own_worker), "note": "请网格员协助"}),
        "BuildingHeadRequestDuty": (requester.token, {
            "buildingId": building, "kind": "CAMPAIGN", "summary": "入户排查燃气安全",
            "note": "本周完成"}),
        "BuildingHeadAnswerHandoff": (company_token, {
            "handoffId": gid("BuildingHeadHandoff", int(to_company["id"])),
            "answer": "维修方案已报社区"}),
        "BuildingHeadHandoffs": (head, {"direction": "TO_ME"}),
        # property.graphql
        "BuildingHeadRegisterPropertyCompany": (coordinator.token, {
            "communityId": gid("Community", int(company["community_id"])),
            "name": "鲁西物业"}),
        "BuildingHeadLinkPropertyAccount": (coordinator.token, {
            "propertyCompanyId": gid("BuildingHeadPropertyCompany", int(company["id"])),
            "accountId": gid("Account", spare_company.id)}),
        "BuildingHeadPropertyCompanies": (coordinator.token, {}),
        "BuildingHeadStationBoard": (None, {
            "stationId": gid("BuildingHeadStation", int(station["id"]))}),
        "BuildingHeadOwnBuilding": (head, {"id": building}),
        # visits.graphql
        "BuildingHeadBuildingCoverage": (head, {"buildingId": building}),
        "BuildingHeadLogVisitNow": (head, {"householdId": gid("Household",
                                                              int(household["id"]))}),
    }
    documents = operations()
    subscriptions = {name for name, text in documents.items()
                     if parse(text).definitions[0].operation  # type: ignore[attr-defined]
                     is OperationType.SUBSCRIPTION}
    assert subscriptions == {"BuildingHeadMatterUpdates"}  # run over WebSocket elsewhere
    assert set(documents) - subscriptions == set(walks), "walk every example operation"
    for name, (token, variables) in walks.items():
        at = region.code if name == "BuildingHeadRegionCoverage" else node.code
        out = await gql(documents[name], variables, token=token, node=at)
        assert "errors" not in out, (name, out)
        for value in out["data"].values():
            if isinstance(value, dict) and "__typename" in value:
                assert value["__typename"] != "UserError", (name, value)
