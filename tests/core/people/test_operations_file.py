"""graphql/operations/core/people.graphql runs as written (each operation sent by name from the
one document, as GraphiQL and clients send it): list, reveal, accounts, staff, link."""

from __future__ import annotations

from pathlib import Path

from core.plugin import encode_global_id

DOCUMENT = (Path(__file__).resolve().parents[3] / "graphql" / "operations" / "core" /
            "people.graphql").read_text(encoding="utf-8")


async def test_the_core_example_operations_run(gql, factory, http):
    tenant = await factory.tenant()
    community = await factory.community(tenant)
    grid = await factory.grid(community)
    household = await factory.household(await factory.building(community, grid=grid))
    await factory.resident(household, "王大爷")
    admin = await factory.account(tenant)
    await factory.account(tenant, "grid_worker", place_kind="grid", place_id=grid.id)

    async def run(name, **variables):
        resp = await http.post("/graphql", json={"query": DOCUMENT, "operationName": name,
                                                 "variables": variables},
                               headers={"Authorization": f"Bearer {admin.token}",
                                        "X-Linli-Node": tenant.code})
        body = resp.json()
        assert resp.status_code == 200 and not body.get("errors"), body
        return body["data"]

    resident = (await run("Residents"))["residents"]["edges"][0]["node"]
    assert "*" in resident["idNumber"]
    revealed = (await run("RevealResident", residentId=resident["id"],
                          reason="核实高龄补贴申请"))["revealResident"]
    assert revealed["__typename"] == "RevealResidentPayload" and "*" not in revealed["idNumber"]
    accounts = (await run("Accounts"))["accounts"]["edges"]
    assert len(accounts) == 2
    staff = await run("Staff")
    assert staff["gridWorkers"]["edges"][0]["node"]["grid"]["id"] == encode_global_id(
        "Grid", grid.id)
    linked = (await run("LinkAccountResident", accountId=accounts[1]["node"]["id"],
                        residentId=resident["id"]))["linkAccountResident"]
    assert linked["account"]["residentId"] == resident["id"], linked
