"""Creating places and residents through GraphQL; every bad input is a typed error and writes
nothing."""

CREATE_COMMUNITY = """mutation($input: CreateCommunityInput!) { createCommunity(input: $input) {
  __typename ... on CreateCommunityPayload { community { id name code kind } }
  ... on UserError { code field messageZh messageEn } } }"""
CREATE_GRID = """mutation($input: CreateGridInput!) { createGrid(input: $input) {
  __typename ... on CreateGridPayload { grid { id code name community { name } } }
  ... on UserError { code field } } }"""
CREATE_BUILDING = """mutation($input: CreateBuildingInput!) { createBuilding(input: $input) {
  __typename ... on CreateBuildingPayload { building { id name grid { name isDefault }
  compound { name } } } ... on UserError { code field } } }"""
CREATE_HOUSEHOLD = """mutation($input: CreateHouseholdInput!) { createHousehold(input: $input) {
  __typename ... on CreateHouseholdPayload { household { id room unit { name } } }
  ... on UserError { code field } } }"""
CREATE_RESIDENT = """mutation($input: CreateResidentInput!) { createResident(input: $input) {
  __typename ... on CreateResidentPayload { resident { id name gender birthDate birthYear idNumber isHead
  tags
  household { members { name } } } } ... on UserError { code field messageZh messageEn } } }"""
REVEAL = """mutation($input: RevealResidentInput!) { revealResident(input: $input) {
  __typename ... on RevealResidentPayload { idNumber birthDate } } }"""
UPDATE_RESIDENT = """mutation($input: UpdateResidentInput!) { updateResident(input: $input) {
  __typename ... on UpdateResidentPayload { changedFields resident { name phone tags } }
  ... on UserError { code field } } }"""


async def test_create_places_and_residents(gql, factory, global_id, new_id):
    make_id = new_id

    tenant = await factory.tenant()
    admin = await factory.account(tenant, "tenant_admin")

    async def run(query, data):
        result = await gql(query, {"input": data}, token=admin.token, node=tenant.code)
        assert result.get("errors") is None, result
        return next(iter(result["data"].values()))

    community = await run(CREATE_COMMUNITY, {"name": "中巨社区"})
    assert community["community"]["code"] == tenant.code[:9] + "001"
    village = await run(CREATE_COMMUNITY, {"name": "苏庄村", "kind": "village"})
    assert village["community"]["code"].endswith("200")
    dup = await run(CREATE_COMMUNITY, {"name": "中巨社区"})
    assert dup["code"] == "CONFLICT" and dup["field"] == "name"
    bad = await run(CREATE_COMMUNITY, {"name": "x", "code": "123"})
    assert bad["code"] == "INVALID_ARGUMENT" and bad["field"] == "code"
    cid = community["community"]["id"]
    grid = await run(CREATE_GRID, {"communityId": cid, "name": "一网格"})
    assert grid["grid"]["code"] == community["community"]["code"] + "001"
    building = await run(CREATE_BUILDING, {"communityId": cid, "name": "1号楼",
                                           "compound": "新纺苑小区"})
    assert building["building"]["grid"]["isDefault"] is True
    assert building["building"]["compound"]["name"] == "新纺苑小区"
    wrong = await run(CREATE_BUILDING, {"communityId": village["community"]["id"], "name": "2号楼",
                                        "gridId": grid["grid"]["id"]})
    assert wrong["code"] == "INVALID_ARGUMENT" and wrong["field"] == "gridId"
    malformed = await run(CREATE_BUILDING, {"communityId": "nonsense", "name": "3号楼"})
    assert malformed["code"] == "INVALID_ARGUMENT" and malformed["field"] == "communityId"
    household = await run(CREATE_HOUSEHOLD, {"buildingId": building["building"]["id"],
                                             "room": "101", "unit": "1单元"})
    hid = household["household"]["id"]
    number = make_id(male=False)
    person = await run(CREATE_RESIDENT, {"name": "王秀英", "idNumber": number.lower(),
                                         "householdId": hid, "relation": "户主",
                                         "tags": ["独居", "party_member"]})
    resident = person["resident"]
    # masked for every caller, the admin who typed it included (issue 8 item 6)
    assert resident["gender"] == "FEMALE" and resident["birthYear"] == 1950
    assert resident["birthDate"] is None
    assert resident["idNumber"] == number[:2] + "*" * 15 + number[-1] and resident["isHead"] is True
    revealed = await run(REVEAL, {"residentId": resident["id"], "reason": "核对录入"})
    assert revealed["idNumber"] == number and revealed["birthDate"] == "1950-03-01"
    assert resident["tags"] == ["lives_alone", "party_member"]
    assert resident["household"]["members"] == [{"name": "王秀英"}]

    again = await run(CREATE_RESIDENT, {"name": "重复", "idNumber": number})
    assert again["code"] == "CONFLICT" and again["field"] == "idNumber"
    mismatch = await run(CREATE_RESIDENT, {"name": "李", "idNumber": make_id(), "gender": "FEMALE"})
    assert mismatch["code"] == "INVALID_ARGUMENT" and mismatch["field"] == "gender"
    wrong = "1" if number[-1] == "0" else "0"  # a check digit that is surely wrong
    checksum = await run(CREATE_RESIDENT, {"name": "李", "idNumber": number[:-1] + wrong})
    assert checksum["field"] == "idNumber" and "校验码" in checksum["messageZh"]
    phone = await run(CREATE_RESIDENT, {"name": "李", "idNumber": make_id(), "phone": "12345"})
    assert phone["field"] == "phone"

    updated = await run(UPDATE_RESIDENT, {"id": resident["id"], "phone": "13912345678",
                                          "tags": ["低保"]})
    assert updated["resident"]["phone"] == "139******78"
    assert updated["resident"]["tags"] == ["minimum_allowance"]
    assert updated["changedFields"] == ["phone_index", "tags"]
    same = await run(UPDATE_RESIDENT, {"id": resident["id"], "name": "王秀英"})
    assert same["changedFields"] == []
    bad_birth = await run(UPDATE_RESIDENT, {"id": resident["id"], "birthDate": "1950-03-02"})
    assert bad_birth["code"] == "INVALID_ARGUMENT" and bad_birth["field"] == "birthDate"
    wrong_type = await run(UPDATE_RESIDENT, {"id": hid, "name": "x"})
    assert wrong_type["code"] == "INVALID_ARGUMENT"


async def test_grid_worker_cannot_create_outside_their_grid(gql, factory, seed, global_id):
    town = await seed.town(factory)
    worker = await factory.account(town.node, "grid_worker", place_kind="grid",
                                   place_id=town.grids[0].id)
    ask = {"token": worker.token, "node": town.node.code}
    result = await gql(CREATE_COMMUNITY, {"input": {"name": "新社区"}}, **ask)
    assert result["data"]["createCommunity"]["code"] == "FORBIDDEN"
    other = town.buildings[1]
    result = await gql(CREATE_HOUSEHOLD, {"input": {"buildingId": global_id("Building", other.id),
                                                    "room": "909"}}, **ask)
    assert result["data"]["createHousehold"]["code"] == "NOT_FOUND"
    mine = town.buildings[0]
    result = await gql(CREATE_HOUSEHOLD, {"input": {"buildingId": global_id("Building", mine.id),
                                                    "room": "909"}}, **ask)
    assert result["data"]["createHousehold"]["__typename"] == "CreateHouseholdPayload"
