"""The inbox over GraphQL: myNotifications, unreadNotificationCount, markNotificationsRead, and
isolation (no one else, and no other tenant, sees an account's notifications)."""

from core.notify.service import notify
from tenants.service import scope_for

INBOX = """query($first: Int!, $after: String, $unread: Boolean! = false) {
  myNotifications(first: $first, after: $after, unreadOnly: $unread) {
    edges { cursor node { id kind title body link read readAt residentId } }
    pageInfo { hasNextPage endCursor } }
  unreadNotificationCount }"""
MARK = """mutation($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) {
  __typename ... on MarkNotificationsReadPayload { marked unreadCount }
  ... on UserError { code field messageZh } } }"""


async def _send(db, tenant, account_id, title):
    async with db.scoped(scope_for(tenant), write=True):
        return (await notify(account_id, "probe.reminder", title, "内容", "/x"))[0]


async def _inbox(gql, who, node, **variables):
    out = await gql(INBOX, {"first": 10, **variables}, token=who.token, node=node.code)
    assert "errors" not in out, out
    return out["data"]


async def _mark(gql, who, node, **input_):
    out = await gql(MARK, {"input": input_}, token=who.token, node=node.code)
    assert "errors" not in out, out
    return out["data"]["markNotificationsRead"]


async def test_inbox_unread_count_and_mark_read(factory, world):
    db, gql = world.state.db, world.gql
    tenant = await factory.tenant()
    admin = await factory.account(tenant, "tenant_admin")
    for title in ("第一条", "第二条", "第三条"):
        await _send(db, tenant, admin.id, title)

    data = await _inbox(gql, admin, tenant)
    titles = [e["node"]["title"] for e in data["myNotifications"]["edges"]]
    assert titles == ["第三条", "第二条", "第一条"] and data["unreadNotificationCount"] == 3
    first = data["myNotifications"]["edges"][0]["node"]
    assert (first["kind"], first["link"], first["read"], first["residentId"]) == (
        "probe.reminder", "/x", False, None)

    page = await _inbox(gql, admin, tenant, first=2)
    assert page["myNotifications"]["pageInfo"]["hasNextPage"] is True
    rest = await _inbox(gql, admin, tenant, first=2,
                        after=page["myNotifications"]["pageInfo"]["endCursor"])
    assert [e["node"]["title"] for e in rest["myNotifications"]["edges"]] == ["第一条"]

    done = await _mark(gql, admin, tenant, ids=[first["id"]])
    assert done == {"__typename": "MarkNotificationsReadPayload", "marked": 1, "unreadCount": 2}
    unread = await _inbox(gql, admin, tenant, unread=True)
    assert [e["node"]["title"] for e in unread["myNotifications"]["edges"]] == ["第二条", "第一条"]
    assert (await _mark(gql, admin, tenant, ids=[first["id"]]))["marked"] == 0
    assert (await _mark(gql, admin, tenant, all=True))["marked"] == 2
    data = await _inbox(gql, admin, tenant)
    assert data["unreadNotificationCount"] == 0
    assert all(e["node"]["read"] and e["node"]["readAt"]
               for e in data["myNotifications"]["edges"])

    err = await _mark(gql, admin, tenant)
    assert (err["code"], err["field"]) == ("INVALID_ARGUMENT", "ids")
    err = await _mark(gql, admin, tenant, ids=["bm90LWFuLWlk"])
    assert (err["code"], err["field"]) == ("INVALID_ARGUMENT", "ids")


async def test_no_one_else_sees_it(factory, world):
    db, gql = world.state.db, world.gql
    tenant, other_tenant = await factory.tenant(), await factory.tenant()
    admin = await factory.account(tenant, "tenant_admin")
    colleague = await factory.account(tenant, "tenant_admin")
    stranger = await factory.account(other_tenant, "tenant_admin")
    await factory.grant(admin, other_tenant, "tenant_admin")      # admin works in both
    nid = await _send(db, tenant, admin.id, "只给你")
    mine = await _inbox(gql, admin, tenant)
    gid = mine["myNotifications"]["edges"][0]["node"]["id"]

    for who, node in ((colleague, tenant), (stranger, other_tenant), (admin, other_tenant)):
        data = await _inbox(gql, who, node)
        assert data["myNotifications"]["edges"] == [] and data["unreadNotificationCount"] == 0
        err = await _mark(gql, who, node, ids=[gid])
        assert (err["code"], err["field"]) == ("NOT_FOUND", "ids")
        out = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": gid},
                        token=who.token, node=node.code)
        assert out["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    out = await gql("query($id: ID!) { node(id: $id) { ... on Notification { title } } }",
                    {"id": gid}, token=admin.token, node=tenant.code)
    assert out["data"]["node"]["title"] == "只给你"
    assert nid > 0


async def test_the_inbox_needs_a_login(world):
    out = await world.gql("{ unreadNotificationCount }")
    assert out["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
