"""Per-person export and erasure (PIPL) across core and the building-head plugin, through the
GraphQL mutations: what is exported, what erasure deletes and pseudonymises, that nothing of
the person is findable afterwards, the audit entries, idempotency, all-or-nothing, the
permission and tenant isolation."""

import json

from openpyxl import load_workbook

from core.audit.service import AuditEntry
from core.clock import today_shanghai
from core.crypto import blind_index
from core.identity.roles import RoleBook
from core.identity.tables import Account, Membership
from core.notify.service import Notification
from core.people.residents import find_by_id_number
from core.people.tables import Resident, ResidentTag
from core.privacy import service
from core.schema.relay import encode_global_id
from plugins.building_heads.tables import (
    Appointment,
    Candidate,
    Leave,
    Matter,
    MatterStep,
    Station,
    Visit,
    VisitTask,
)


def gid(type_name, pk):
    return str(encode_global_id(type_name, pk))


EXPORT = """mutation($input: ExportPersonalDataInput!) {
  exportPersonalData(input: $input) {
    __typename
    ... on ExportPersonalDataPayload { residentId export }
    ... on UserError { code field messageEn } } }"""

ERASE = """mutation($input: ErasePersonalDataInput!) {
  erasePersonalData(input: $input) {
    __typename
    ... on ErasePersonalDataPayload { residentId alreadyErased counts }
    ... on UserError { code field messageEn } } }"""


async def _call(gql, doc, s, acct=None, **input_):
    acct = acct or s.admin
    out = await gql(doc, {"input": input_}, token=acct.token, node=s.town.node.code)
    assert "errors" not in out, out
    return next(iter(out["data"].values()))


async def _audit(s, action):
    async with s.town.read():
        return list(await AuditEntry.select().where(
            (AuditEntry.action == action) & (AuditEntry.object_id == str(s.resident.id))))


async def test_permission_is_core_and_granted_to_tenant_admins():
    book = RoleBook()
    assert book.permissions["people.personal_data.manage"].personal_data
    assert "people.personal_data.manage" in book.permissions_of("tenant_admin")
    assert "people.personal_data.manage" not in book.permissions_of("community_staff")


async def test_export_across_core_and_plugin(subject, gql):
    s = subject
    out = await _call(gql, EXPORT, s, residentId=gid("Resident", s.resident.id), reason="本人申请")
    assert out["__typename"] == "ExportPersonalDataPayload", out
    assert out["residentId"] == gid("Resident", s.resident.id)
    export = out["export"]
    assert export["tenant"] == s.town.node.code and set(export["sources"]) == {
        "core", "building_heads"}
    core = export["sources"]["core"]
    [me] = core["resident"]
    assert (me["name"], me["id_number"], me["phone"]) == (s.name, s.id_number, s.phone)
    assert [t["tag"] for t in core["tags"]] == ["party_member", "permanent"]
    assert core["household"][0]["household_id"] == s.town.households[0].id
    assert [a["id"] for a in core["accounts"]] == [s.account.id]
    assert {m["role"] for m in core["memberships"]} == {"resident", "building_heads.head"}
    assert sorted(n["about_resident"] for n in core["notifications"]) == [False, True]
    heads = export["sources"]["building_heads"]
    assert [(t["id"], t["role"]) for t in heads["terms"]] == [(s.appointment_id, "head")]
    assert [c["health_note"] for c in heads["candidacies"]] == ["高血压，按时服药"]
    assert len(heads["visits_made"]) == 1 and "notes" not in heads["visits_made"][0]
    assert "独居，需要帮买药" in [v["notes"] for v in heads["visits"]]
    assert [t["id"] for t in heads["visit_tasks"]] == [s.ids["task"]]
    assert [x["reason"] for x in heads["leaves"]] == ["住院复查"]
    assert [x["id"] for x in heads["stations"]] == [s.ids["station"]]
    assert [x["id"] for x in heads["matters_raised"]] == [s.ids["matter"]]
    assert [x["id"] for x in heads["matter_signatures"]] == [s.ids["step"]]
    [entry] = await _audit(s, "people.personal_data.export")
    assert entry["account_id"] == s.admin.id
    summary = json.loads(entry["summary"])
    assert summary["actor"] == f"account:{s.admin.id}" and summary["reason"] == "本人申请"
    assert s.id_number not in entry["summary"] and s.name not in entry["summary"]


async def test_export_writes_json_and_one_sheet_per_source(subject, tmp_path):
    s = subject
    env = s.town.env
    async with s.town.write():
        row = await service.find_subject(id_number=s.id_number, pii_key=env.settings.pii_key)
        done = await service.export_person(env.state.registry, row,
                                           service.Actor(None, "cli:test"),
                                           pii_key=env.settings.pii_key)
    data = json.loads(done.write_json(tmp_path / "p.json").read_text(encoding="utf-8"))
    assert data["sources"]["core"]["resident"][0]["id_number"] == s.id_number
    book = load_workbook(done.write_xlsx(tmp_path / "p.xlsx"))
    assert book.sheetnames == ["core", "building_heads"]
    cells = [c for row in book["core"].iter_rows(values_only=True) for c in row if c]
    assert "resident" in cells and s.id_number in cells and "tags" in cells
    heads = [c for row in book["building_heads"].iter_rows(values_only=True) for c in row if c]
    assert "terms" in heads and "住院复查" in heads
    [entry] = await _audit(s, "people.personal_data.export")  # an operator: no account
    assert entry["account_id"] is None
    assert json.loads(entry["summary"])["actor"] == "cli:test"


async def test_erase_pseudonymises_kept_records_and_deletes_the_rest(subject, gql):
    s = subject
    env, key = s.town.env, s.town.env.settings.pii_key
    out = await _call(gql, ERASE, s, idNumber=s.id_number, reason="本人申请删除")
    assert out["__typename"] == "ErasePersonalDataPayload", out
    assert out["alreadyErased"] is False
    core, heads = out["counts"]["core"], out["counts"]["building_heads"]
    assert core == {"resident_pseudonymised": 1, "tags_deleted": 2, "household_left": 1,
                    "notifications_deleted": 2, "accounts_unlinked": 1,
                    "memberships_revoked": 1, "accounts_deactivated": 1}
    assert {k: v for k, v in heads.items() if v} == {
        "visits_anonymised": 1, "visit_tasks_deleted": 1, "health_notes_cleared": 1,
        "terms_ended": 1, "terms_unlinked": 1, "leave_reasons_cleared": 1,
        "stations_unlinked": 1, "matters_pseudonymised": 1, "signatures_pseudonymised": 1}
    today = today_shanghai()
    async with s.town.read():
        # Nothing findable: not by ID number, phone or name.
        assert await find_by_id_number(s.id_number, key) is None
        assert not await Resident.exists().where(
            Resident.id_number_index == blind_index(s.id_number, key, "id_number"))
        assert not await Resident.exists().where(
            Resident.phone_index == blind_index(s.phone, key, "phone"))
        assert not await Resident.exists().where(Resident.name == s.name)
        row = await Resident.select().where(Resident.id == s.resident.id).first()
        assert row["name"] == service.ERASED_NAME and row["household_id"] is None
        assert row["id_number_cipher"] == "" and row["phone_cipher"] is None
        assert row["id_number_masked"] == "" and row["phone_masked"] is None
        assert not await ResidentTag.exists().where(ResidentTag.resident_id == s.resident.id)
        assert not await Notification.exists().where(Notification.account_id == s.account.id)
        # Kept by the plugin, pseudonymised.
        term = await Appointment.select().where(Appointment.id == s.appointment_id).first()
        assert term["ended_on"] == today and term["account_id"] is None
        assert term["serving_head"] is None and term["resident_id"] == s.resident.id
        cand = await Candidate.select().where(Candidate.id == s.ids["candidate"]).first()
        assert cand["health_note"] == "" and cand["status"] == "approved"
        visit = await Visit.select().where(Visit.id == s.ids["visit"]).first()
        assert visit["notes"] == ""
        assert await Visit.count().where(Visit.appointment_id == s.appointment_id) == 1
        assert not await VisitTask.exists().where(VisitTask.id == s.ids["task"])
        assert [x["reason"] for x in await Leave.select(Leave.reason).where(
            Leave.appointment_id == s.appointment_id)] == [""]
        station = await Station.select().where(Station.id == s.ids["station"]).first()
        assert station["fixed_head_resident_id"] is None
        matter = await Matter.select().where(Matter.id == s.ids["matter"]).first()
        assert matter["raised_by_resident_id"] is None and matter["title"] == "楼道灯坏了"
        step = await MatterStep.select().where(MatterStep.id == s.ids["step"]).first()
        assert json.loads(step["participants"]) == ["已删除居民", "王建国"]
    async with env.state.db.transaction(write=False):
        account = await Account.select().where(Account.id == s.account.id).first()
        assert account["is_active"] is False and account["resident_id"] is None
        assert account["username"] is None and account["display_name"] == ""
        assert not await Membership.exists().where(Membership.account_id == s.account.id)
    # The erased person's login is gone: their token no longer works.
    me = await gql("{ me { id } }", token=s.account.token)
    assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", me
    [entry] = await _audit(s, "people.personal_data.erase")
    assert entry["account_id"] == s.admin.id
    summary = json.loads(entry["summary"])
    assert summary["actor"] == f"account:{s.admin.id}" and summary["reason"] == "本人申请删除"
    assert summary["counts"]["core"]["resident_pseudonymised"] == 1
    assert s.id_number not in entry["summary"] and s.name not in entry["summary"]


async def test_erase_is_idempotent(subject, gql):
    s = subject
    first = await _call(gql, ERASE, s, residentId=gid("Resident", s.resident.id))
    assert first["__typename"] == "ErasePersonalDataPayload", first
    again = await _call(gql, ERASE, s, residentId=gid("Resident", s.resident.id))
    assert again["__typename"] == "ErasePersonalDataPayload", again
    assert again["alreadyErased"] is True
    assert all(n == 0 for part in again["counts"].values() for n in part.values()), again
    assert len(await _audit(s, "people.personal_data.erase")) == 2
    by_number = await _call(gql, ERASE, s, idNumber=s.id_number)
    assert (by_number["__typename"], by_number["code"]) == ("UserError", "NOT_FOUND")
    exported = await _call(gql, EXPORT, s, residentId=gid("Resident", s.resident.id))
    core = exported["export"]["sources"]["core"]
    assert core["resident"][0]["erased"] is True and core["resident"][0]["id_number"] is None
    assert core["tags"] == core["accounts"] == core["notifications"] == []


class _FailingRegistry:
    """The app's registry, but the erase fails after every plugin has written its part."""

    def __init__(self, registry):
        self.inner = registry
        self.names = registry.names

    async def personal_data(self, resident_id, action, enabled):
        result = await self.inner.personal_data(resident_id, action, enabled)
        if action == "erase":
            raise RuntimeError("disk full")
        return result


async def test_erase_is_all_or_nothing(subject):
    s = subject
    env = s.town.env
    try:
        async with s.town.write():
            row = await service.find_subject(resident_id=s.resident.id,
                                             pii_key=env.settings.pii_key)
            await service.erase_person(_FailingRegistry(env.state.registry), row,
                                       service.Actor(None, "cli:test"))
    except RuntimeError as exc:
        assert str(exc) == "disk full"
    else:
        raise AssertionError("the erasure should have failed")
    async with s.town.read():
        assert await find_by_id_number(s.id_number, env.settings.pii_key) is not None
        assert await VisitTask.exists().where(VisitTask.id == s.ids["task"])
        term = await Appointment.select().where(Appointment.id == s.appointment_id).first()
        assert term["ended_on"] is None and term["account_id"] == s.account.id
    assert await _audit(s, "people.personal_data.erase") == []


async def test_the_permission_is_required(subject, factory, gql):
    s = subject
    staff = await factory.account(s.town.node, "community_staff")
    for doc in (EXPORT, ERASE):
        out = await _call(gql, doc, s, staff, residentId=gid("Resident", s.resident.id))
        assert (out["__typename"], out["code"]) == ("UserError", "FORBIDDEN"), out
    out = await _call(gql, ERASE, s, s.admin)
    assert (out["__typename"], out["code"]) == ("UserError", "INVALID_ARGUMENT"), out
    async with s.town.read():
        assert await find_by_id_number(s.id_number, s.town.env.settings.pii_key) is not None


async def test_another_tenants_staff_get_not_found(subject, factory, gql):
    s = subject
    other = await factory.tenant()
    admin = await factory.account(other, "tenant_admin")
    for doc in (EXPORT, ERASE):
        for input_ in ({"residentId": gid("Resident", s.resident.id)},
                       {"idNumber": s.id_number}):
            out = await gql(doc, {"input": input_}, token=admin.token, node=other.code)
            result = next(iter(out["data"].values()))
            assert (result["__typename"], result["code"]) == ("UserError", "NOT_FOUND"), out
        # Naming the subject's tenant without a membership there is not found either.
        out = await gql(doc, {"input": {"residentId": gid("Resident", s.resident.id)}},
                        token=admin.token, node=s.town.node.code)
        result = next(iter(out["data"].values()))
        assert (result["__typename"], result["code"]) == ("UserError", "NOT_FOUND"), out
    async with s.town.read():
        assert await find_by_id_number(s.id_number, s.town.env.settings.pii_key) is not None
    async with s.town.env.state.db.scoped(factory.scope(other)):
        assert not await AuditEntry.exists().where(AuditEntry.action.like("people.personal%"))
