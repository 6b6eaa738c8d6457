"""Personal data is masked for every caller, administrators included (issue 8 item 6); a full
value only through ``revealResident`` — one resident, a reason, people.reveal_pii, one audit
entry naming actor and reason. The masking cannot be undone from what else a caller sees
(issue 9 item 2): the candidates are enumerated here."""

import itertools
import json
from datetime import date, timedelta

from core.audit.service import AuditEntry
from core.people.validation import id_check_digit
from tenants.service import scope_for

FIELDS = "name idNumber phone tags tagLabels gender birthDate birthYear relation isHead"
Q = "query($id: ID!) { node(id: $id) { ... on Resident { " + FIELDS + " } } }"
LIST = "{ residents(first: 100) { edges { node { id " + FIELDS + " } } } }"
REVEAL = """mutation($input: RevealResidentInput!) { revealResident(input: $input) {
  __typename ... on RevealResidentPayload { idNumber phone birthDate resident { name idNumber } }
  ... on UserError { code field messageZh messageEn } } }"""


async def _audit_rows(env, node, action):
    async with env.state.db.scoped(scope_for(node)):
        return await AuditEntry.select().where(AuditEntry.action == action)


def id_candidates(shown: str, gender: str, birth_year: int, region: str) -> list[str]:
    """Every 身份证号 consistent with what a caller without reveal sees: the masked number
    (province + check character), the gender (the sequence's parity), the birth year, and —
    the attacker's best case — the tenant's whole 6-digit district."""
    assert region.startswith(shown[:2])
    parity = 1 if gender == "MALE" else 0
    day, out = date(birth_year, 1, 1), []
    while day.year == birth_year:
        for serial in range(parity, 1000, 2):
            body = f"{region}{day:%Y%m%d}{serial:03d}"
            if id_check_digit(body) == shown[-1]:
                out.append(body + shown[-1])
        day += timedelta(days=1)
    return out


def phone_candidates(shown: str) -> int:
    hidden = shown.count("*")
    count = 0
    for digits in itertools.product("0123456789", repeat=hidden):
        it = iter(digits)
        candidate = "".join(next(it) if c == "*" else c for c in shown)
        count += candidate.isdigit()
    return count


async def test_masked_values_leave_at_least_10000_candidates(gql, factory, seed, linli_env,
                                                            global_id, record_property):
    """A grid worker sees every field of a resident; the ID number and the phone each keep
    ≥ 10,000 candidates (before: ``3715**********0023`` + birthDate → 1 candidate, 53 of 53)."""
    town = await seed.town(factory)
    resident = town.residents[1]
    worker = await factory.account(town.node, "grid_worker", place_kind="grid",
                                   place_id=town.grids[0].id)
    result = await gql(Q, {"id": global_id("Resident", resident.id)}, token=worker.token,
                       node=town.node.code)
    assert result.get("errors") is None, result
    data = result["data"]["node"]
    assert data["birthDate"] is None and data["birthYear"] == resident.birth_date.year
    shown = data["idNumber"]
    assert len(shown) == 18 and shown[2:17] == "*" * 15
    from core.people.residents import reveal_values

    full_id, full_phone = reveal_values(resident, linli_env.settings.pii_key)
    candidates = id_candidates(shown, data["gender"], data["birthYear"], full_id[:6])
    record_property("id_number_candidates", len(candidates))
    assert full_id in candidates
    assert len(candidates) >= 10_000, len(candidates)
    phones = phone_candidates(data["phone"])
    record_property("phone_candidates", phones)
    assert data["phone"][:3] == full_phone[:3] and data["phone"][-2:] == full_phone[-2:]
    assert phones >= 10_000
    assert data["tags"] == ["party_member"] and data["tagLabels"] == ["党员"]
    assert await _audit_rows(linli_env, town.node, "people.reveal_pii") == []


async def test_an_admin_listing_residents_sees_masked_values_and_nothing_is_audited(
        gql, factory, seed, linli_env):
    """Before: full 身份证号 and phone for every row, with an audit row per resident."""
    town = await seed.town(factory)
    admin = await factory.account(town.node, "tenant_admin")
    listing = await gql(LIST, token=admin.token, node=town.node.code)
    assert listing.get("errors") is None, listing
    nodes = [e["node"] for e in listing["data"]["residents"]["edges"]]
    assert len(nodes) == len(town.residents)
    for node in nodes:
        assert node["idNumber"].count("*") == 15 and node["phone"].count("*") == 6
        assert node["birthDate"] is None
    assert await _audit_rows(linli_env, town.node, "people.reveal_pii") == []


async def test_reveal_one_resident_with_a_reason_is_audited_once(gql, factory, seed, linli_env,
                                                                 global_id):
    town = await seed.town(factory)
    resident = town.residents[0]
    admin = await factory.account(town.node, "tenant_admin")
    ask = {"token": admin.token, "node": town.node.code}
    rid = global_id("Resident", resident.id)
    out = (await gql(REVEAL, {"input": {"residentId": rid, "reason": "核对低保申请"}},
                     **ask))["data"]["revealResident"]
    assert out["__typename"] == "RevealResidentPayload", out
    assert "*" not in out["idNumber"] and out["idNumber"][-1] == resident.id_number_masked[-1]
    assert out["phone"].startswith("1380000") and "*" not in out["phone"]
    assert out["birthDate"] == resident.birth_date.isoformat()
    assert out["resident"]["idNumber"].count("*") == 15  # the object itself stays masked
    rows = await _audit_rows(linli_env, town.node, "people.reveal_pii")
    assert len(rows) == 1
    assert rows[0]["account_id"] == admin.id and rows[0]["object_id"] == str(resident.id)
    summary = json.loads(rows[0]["summary"])
    assert summary["reason"] == "核对低保申请"
    assert summary["fields"] == ["idNumber", "birthDate", "phone"]

    blank = (await gql(REVEAL, {"input": {"residentId": rid, "reason": "  "}},
                       **ask))["data"]["revealResident"]
    assert blank["code"] == "INVALID_ARGUMENT" and blank["field"] == "reason"
    assert len(await _audit_rows(linli_env, town.node, "people.reveal_pii")) == 1


async def test_reveal_needs_the_permission_and_the_resident_in_view(gql, factory, seed,
                                                                    linli_env, global_id):
    town = await seed.town(factory)
    worker = await factory.account(town.node, "grid_worker", place_kind="grid",
                                   place_id=town.grids[0].id)
    ask = {"token": worker.token, "node": town.node.code}
    mine = next(r for r in town.residents if r.grid_id == town.grids[0].id)
    other = next(r for r in town.residents if r.grid_id != town.grids[0].id)
    refused = (await gql(REVEAL, {"input": {"residentId": global_id("Resident", mine.id),
                                            "reason": "入户走访"}}, **ask))["data"]
    assert refused["revealResident"]["code"] == "FORBIDDEN"
    hidden = (await gql(REVEAL, {"input": {"residentId": global_id("Resident", other.id),
                                           "reason": "入户走访"}}, **ask))["data"]
    assert hidden["revealResident"]["code"] == "NOT_FOUND"
    assert await _audit_rows(linli_env, town.node, "people.reveal_pii") == []
