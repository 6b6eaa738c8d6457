"""ID numbers and phones are masked unless the caller may reveal them; reveals are audited."""

from core.audit.service import AuditEntry

Q = """query($id: ID!) { node(id: $id) { ... on Resident { name idNumber phone tags tagLabels
        gender birthDate } } }"""


async def _audit_rows(env, node, action):
    async with env.state.db.scoped(__import__("tenants.service", fromlist=["x"]).scope_for(node)):
        return await AuditEntry.select().where(AuditEntry.action == action)


async def test_grid_worker_sees_masked_values_and_no_audit(gql, factory, seed, linli_env,
                                                           global_id):
    town = await seed.town(factory)
    resident = town.residents[1]
    worker = await factory.account(town.node, "grid_worker", place_kind="grid",
                                   place_id=town.grids[0].id)
    result = await gql(Q, {"id": global_id("Resident", resident.id)}, token=worker.token,
                       node=town.node.code)
    assert result.get("errors") is None, result
    data = result["data"]["node"]
    assert data["idNumber"] == resident.id_number_masked
    assert len(data["idNumber"]) == 18 and data["idNumber"][4:14] == "*" * 10
    assert data["phone"][3:7] == "****" and len(data["phone"]) == 11
    assert data["tags"] == ["party_member"] and data["tagLabels"] == ["党员"]
    assert await _audit_rows(linli_env, town.node, "people.reveal_pii") == []


async def test_admin_reveals_and_each_reveal_is_audited(gql, factory, seed, linli_env, global_id):
    town = await seed.town(factory)
    resident = town.residents[0]
    admin = await factory.account(town.node, "tenant_admin")
    result = await gql(Q, {"id": global_id("Resident", resident.id)}, token=admin.token,
                       node=town.node.code)
    assert result.get("errors") is None, result
    data = result["data"]["node"]
    assert "*" not in data["idNumber"] and data["idNumber"][-4:] == resident.id_number_masked[-4:]
    assert data["phone"].startswith("1380000")
    rows = await _audit_rows(linli_env, town.node, "people.reveal_pii")
    assert len(rows) == 1, "idNumber and phone of one resident: one audit entry"
    assert rows[0]["account_id"] == admin.id and rows[0]["object_id"] == str(resident.id)

    listing = await gql("{ residents(first: 10) { edges { node { idNumber } } } }",
                        token=admin.token, node=town.node.code)
    assert len(listing["data"]["residents"]["edges"]) == len(town.residents)
    rows = await _audit_rows(linli_env, town.node, "people.reveal_pii")
    assert len(rows) == 1 + len(town.residents)
