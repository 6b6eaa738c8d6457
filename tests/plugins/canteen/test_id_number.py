"""Identifying an elder at the counter by 身份证号 through core's blind index: city-wide (an
elder registered by street A is found at street B's counter), nobody decrypted, every lookup
audited with its actor; typed errors for a bad number or a resident not yet registered; the
city system's export identifies elders by ID number too."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from canteen_kit import gid

from core.audit.service import AuditEntry
from core.people.residents import apply_resident, make_resident_data
from core.people.validation import make_id_number
from plugins.canteen.services import batch, elders, meals

BIRTH = date(1941, 4, 12)
NUMBER = make_id_number("371502", BIRTH, 905)
OTHER = make_id_number("371502", date(1950, 2, 2), 907)


async def _resident(city: Any, street: Any, name: str, number: str) -> Any:
    async with city.write(street):
        data = make_resident_data(name=name, id_number=number, household=street.household,
                                  relation="户主")
        rec, _ = await apply_resident(data, city.env.settings.pii_key)
    return rec


async def _audit(city: Any, street: Any, action: str) -> list[dict[str, Any]]:
    async with city.read(street):
        return list(await AuditEntry.select().where(AuditEntry.action == action))


async def test_an_elder_is_found_by_id_number_at_any_canteen_of_the_city(city):
    rec = await _resident(city, city.a, "马桂芝", NUMBER)
    async with city.write(city.a):
        elder = await elders.register_elder(city.system(city.a), rec.id)
    assert elder["id_number_index"]
    # street B's counter: another street office of the city, the elder is not its resident
    async with city.write(city.b):
        done = await meals.record_meal(city.system(city.b), int(city.b.canteen["id"]),
                                       served_on=date(2024, 5, 6), slot="lunch",
                                       price_fen=1000, id_number=NUMBER.lower())
    assert done.meal["elder_id"] == elder["id"]
    assert done.meal["subsidy_fen"] == 400  # 83 on the meal date
    found = await _audit(city, city.b, "canteen.elder.identify")
    assert [(e["object_id"], json.loads(e["summary"])) for e in found] == [
        (str(elder["id"]), {"by": "id_number"})]
    assert found[0]["actor"] == "system"


async def test_refusals_are_typed_and_audited(city):
    await _resident(city, city.a, "未登记", OTHER)
    for number, code in (("123", "INVALID_ARGUMENT"), (NUMBER[:-1] + "0", "INVALID_ARGUMENT"),
                         (OTHER, "NOT_FOUND")):
        try:
            async with city.write(city.a):
                await elders.find_elder(id_number=number)
        except Exception as err:  # noqa: BLE001 - asserting the typed error below
            assert getattr(err, "code", None) == code, err
            assert getattr(err, "field", None) == "idNumber"
        else:
            raise AssertionError("found")
    # the registry miss was looked up among the street's residents: audited by core (the
    # refusal rolled the write back, so look again inside one committed transaction)
    async with city.write(city.a):
        try:
            await elders.find_elder(id_number=OTHER)
        except Exception as err:  # noqa: BLE001
            assert "尚未登记" in str(getattr(err, "zh", "")), err
    async with city.write(city.a):
        from core.plugin import find_resident_by_id_number

        found = await find_resident_by_id_number(OTHER)
        assert found is not None and found.name == "未登记"
        assert found.id_number_masked.startswith("37") and "*" in found.id_number_masked
    audits = await _audit(city, city.a, "people.id_number_lookup")
    assert audits and json.loads(audits[-1]["summary"]) == {
        "found": True, "id_number": found.id_number_masked}


async def test_the_city_systems_export_names_elders_by_id_number(city):
    rec = await _resident(city, city.a, "马桂芝", NUMBER)
    async with city.write(city.a):
        await elders.register_elder(city.system(city.a), rec.id)
    sheet = ("身份证号,日期,餐次,价格(分)\n"
             f"{NUMBER},2024-05-07,午餐,1000\n"
             f"{OTHER},2024-05-07,午餐,1000\n"
             "12345,2024-05-07,午餐,1000\n").encode()
    for attempt in range(2):
        async with city.write(city.b):
            report = await batch.upload_meals(city.system(city.b), int(city.b.canteen["id"]),
                                              sheet, "export.csv", source="import")
        assert (report.recorded, report.unchanged) == ((1, 0) if attempt == 0 else (0, 1))
        assert [(r.row, r.code, r.field) for r in report.rejected] == [
            (2, "NOT_FOUND", "idNumber"), (3, "INVALID_ARGUMENT", "idNumber")]


async def test_graphql_identify_by_id_number(city, gql, factory):
    rec = await _resident(city, city.a, "马桂芝", NUMBER)
    async with city.write(city.a):
        elder = await elders.register_elder(city.system(city.a), rec.id)
    admin = await factory.account(city.b.node)
    doc = """mutation($input: CanteenFindElderByIdNumberInput!) {
      canteenFindElderByIdNumber(input: $input) {
        __typename
        ... on CanteenFindElderByIdNumberPayload { elder { id nameMasked birthYear } }
        ... on UserError { code field }
      } }"""
    out = await gql(doc, {"input": {"idNumber": NUMBER}}, token=admin.token,
                    node=city.b.node.code)
    got = out["data"]["canteenFindElderByIdNumber"]
    assert got["elder"]["id"] == gid("CanteenElder", elder["id"])
    assert got["elder"]["nameMasked"] == "马**"
    out = await gql(doc, {"input": {"idNumber": "37150219"}}, token=admin.token,
                    node=city.b.node.code)
    assert out["data"]["canteenFindElderByIdNumber"] == {
        "__typename": "UserError", "code": "INVALID_ARGUMENT", "field": "idNumber"}
    found = await _audit(city, city.b, "canteen.elder.identify")
    assert found and found[-1]["actor"] == f"account:{admin.id}"
