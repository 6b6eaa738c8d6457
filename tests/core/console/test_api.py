"""The API the console needed and core lacked: residents by name prefix, Excel import with a
per-row report and export (masked unless full, with a reason) through GraphQL, the audit chain's
verification state, the installed plugins, and a node's communities for public pages."""

from __future__ import annotations

import base64
import io

from openpyxl import Workbook, load_workbook

from core.people.excel import HEADERS
from core.testing.places import id_number

IMPORT = """mutation($f: String!) { importResidents(input: {fileBase64: $f}) { __typename
  ... on ImportResidentsPayload { imported rows created errors { row column message } }
  ... on UserError { code field } } }"""
EXPORT = """mutation($full: Boolean!, $reason: String) { exportResidents(input: {full: $full,
  reason: $reason}) { __typename ... on ExportResidentsPayload { rows filename contentBase64 }
  ... on UserError { code field } } }"""


def _sheet(*rows: list[str]) -> str:
    wb = Workbook()
    wb.active.append(list(HEADERS))
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    return base64.b64encode(out.getvalue()).decode()


def _row(name: str, idn: str, room: str) -> list[str]:
    return [name, "", "", idn, "", "东风社区", "", "1号楼", "", room, "户主", "党员"]


async def test_import_reports_rows_then_writes_and_export_masks(gql, factory):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    bad = await gql(IMPORT, {"f": _sheet(_row("张一", id_number(), "101"),
                                         _row("张二", "12345", "102"))},
                    token=admin.token, node=tenant.code)
    out = bad["data"]["importResidents"]
    assert out["imported"] is False and out["created"] == 0
    assert [(e["row"], e["column"]) for e in out["errors"]] == [(3, "身份证号")]
    good = await gql(IMPORT, {"f": _sheet(_row("张一", id_number(), "101"))},
                     token=admin.token, node=tenant.code)
    assert good["data"]["importResidents"]["imported"] is True
    assert good["data"]["importResidents"]["created"] == 1
    found = await gql('{ residents(first: 5, name: "张") { edges { node { name idNumber } } } }',
                      token=admin.token, node=tenant.code)
    (row,) = [e["node"] for e in found["data"]["residents"]["edges"]]
    assert row["name"] == "张一" and "*" in row["idNumber"]
    none = await gql('{ residents(first: 5, name: "李") { edges { node { name } } } }',
                     token=admin.token, node=tenant.code)
    assert none["data"]["residents"]["edges"] == []
    masked = (await gql(EXPORT, {"full": False}, token=admin.token, node=tenant.code)
              )["data"]["exportResidents"]
    sheet = load_workbook(io.BytesIO(base64.b64decode(masked["contentBase64"]))).active
    assert masked["rows"] == 1 and "*" in str(sheet.cell(2, 4).value)
    refused = (await gql(EXPORT, {"full": True}, token=admin.token, node=tenant.code)
               )["data"]["exportResidents"]
    assert refused["__typename"] == "UserError" and refused["code"] == "INVALID_ARGUMENT"
    junk = (await gql(IMPORT, {"f": "not base64!"}, token=admin.token, node=tenant.code)
            )["data"]["importResidents"]
    assert junk == {"__typename": "UserError", "code": "INVALID_ARGUMENT", "field": "fileBase64"}
    worker = await factory.account(tenant, "grid_worker")
    denied = (await gql(IMPORT, {"f": _sheet()}, token=worker.token, node=tenant.code)
              )["data"]["importResidents"]
    assert denied["code"] == "FORBIDDEN"


async def test_chain_status_plugins_and_public_communities(gql, factory, linli_env):
    tenant = await factory.tenant()
    admin = await factory.account(tenant)
    out = await gql("{ auditChainStatus { ok checked brokenSeq } installedPlugins { name "
                    "titleZh } }", token=admin.token, node=tenant.code)
    assert out["data"]["auditChainStatus"]["ok"] is True
    assert {p["name"] for p in out["data"]["installedPlugins"]} == \
        set(linli_env.state.registry.names)
    community = await factory.community(tenant, "东风社区")
    public = await gql("{ publicCommunities { code name } }", node=tenant.code)  # no login
    assert public["data"]["publicCommunities"] == [{"code": community.code, "name": "东风社区"}]
    unknown = await gql("{ publicCommunities { code } }", node="999999999999")
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_node_members_need_identity_manage(gql, factory):
    tenant = await factory.tenant()
    admin = await factory.account(tenant, name="王主任")
    worker = await factory.account(tenant, "grid_worker")
    out = await gql("{ nodeMembers { username displayName membership { role accountId } } }",
                    token=admin.token, node=tenant.code)
    roles = {m["membership"]["role"] for m in out["data"]["nodeMembers"]}
    assert roles == {"tenant_admin", "grid_worker"}
    assert "王主任" in {m["displayName"] for m in out["data"]["nodeMembers"]}
    denied = await gql("{ nodeMembers { username } }", token=worker.token, node=tenant.code)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
