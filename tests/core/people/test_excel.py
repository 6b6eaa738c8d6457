"""Excel import (all-or-nothing, idempotent, per-row errors), template, export round trip, CLI."""

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from core.errors import ApiError
from core.people.excel import (
    EXAMPLE_MARK,
    HEADERS,
    TEMPLATE_HEADERS,
    export_residents,
    import_residents,
    write_template,
)
from core.people.tables import Household, Resident, ResidentTag
from core.people.validation import TAGS_ZH
from tenants.service import scope_for


def sheet(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    wb.active.append(list(headers))
    for row in rows:
        wb.active.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rows_for(new_id, n=6):
    out = []
    for i in range(n):
        male = i % 2 == 0
        birth = date(1940 + i, 1 + i, 10)
        out.append(("张" + "一二三四五六七八"[i], "男" if male else "女", birth,
                    new_id(birth=birth, male=male).lower(), f"1390000000{i}", "御苑社区",
                    "新纺苑小区" if i < 4 else "", f"{i // 2 + 1}号楼", "1单元" if i < 4 else "",
                    f"{i // 2 + 1}01", "户主" if i % 2 == 0 else "配偶",
                    "党员、独居" if i == 0 else ("低保,退役军人" if i == 1 else "")))
    return out


async def counts(env, node):
    async with env.state.db.scoped(scope_for(node)):
        return (await Resident.count(), await Household.count(), await ResidentTag.count())


async def test_import_is_idempotent(factory, linli_env, new_id):
    tenant = await factory.tenant()
    key = linli_env.settings.pii_key
    data = sheet(rows_for(new_id))
    report = await import_residents(linli_env.state.db, tenant, data, None, pii_key=key)
    assert report.ok, report.errors
    assert (report.rows, report.created, report.updated, report.unchanged) == (6, 6, 0, 0)
    assert await counts(linli_env, tenant) == (6, 3, 4)
    again = await import_residents(linli_env.state.db, tenant, data, None, pii_key=key)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    assert await counts(linli_env, tenant) == (6, 3, 4)


async def test_errors_are_reported_per_row_and_nothing_is_written(factory, linli_env, new_id,
                                                                  tmp_path):
    tenant = await factory.tenant()
    rows = rows_for(new_id)
    bad_check = rows[1][3][:-1] + ("0" if rows[1][3][-1] != "0" else "1")
    rows[1] = rows[1][:3] + (bad_check,) + rows[1][4:]
    rows[3] = rows[3][:4] + ("12345",) + rows[3][5:]
    rows[4] = rows[4][:1] + ("女" if rows[4][1] == "男" else "男",) + rows[4][2:]
    rows[5] = rows[5][:11] + ("富豪",)
    report = await import_residents(linli_env.state.db, tenant, sheet(rows), None,
                                    pii_key=linli_env.settings.pii_key)
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "身份证号"), (5, "手机号"), (6, "性别"), (7, "标签")]
    assert all(e.reason_zh and e.reason_en for e in report.errors)
    assert await counts(linli_env, tenant) == (0, 0, 0)
    out = tmp_path / "errors.xlsx"
    report.write_errors(out)
    listed = list(load_workbook(out).active.iter_rows(values_only=True))
    assert [r[:2] for r in listed[1:]] == [(3, "身份证号"), (5, "手机号"), (6, "性别"), (7, "标签")]


async def test_duplicate_in_sheet_is_an_error(factory, linli_env, new_id):
    tenant = await factory.tenant()
    rows = rows_for(new_id, 2)
    rows.append(rows[0])
    report = await import_residents(linli_env.state.db, tenant, sheet(rows), None,
                                    pii_key=linli_env.settings.pii_key)
    assert [(e.row, e.column) for e in report.errors] == [(4, "身份证号")]
    assert await counts(linli_env, tenant) == (0, 0, 0)


@pytest.mark.parametrize("data", [b"not a spreadsheet", b"PK\x03\x04broken zip", b""])
async def test_broken_file_is_a_clear_error(factory, linli_env, data):
    tenant = await factory.tenant()
    with pytest.raises(ApiError) as info:
        await import_residents(linli_env.state.db, tenant, data, None,
                               pii_key=linli_env.settings.pii_key)
    assert "xlsx" in info.value.en


async def test_missing_columns(factory, linli_env):
    tenant = await factory.tenant()
    with pytest.raises(ApiError) as info:
        await import_residents(linli_env.state.db, tenant, sheet([], HEADERS[:5]), None,
                               pii_key=linli_env.settings.pii_key)
    assert "社区/村" in info.value.zh


async def test_template_and_export_round_trip(factory, linli_env, new_id, tmp_path):
    template = tmp_path / "template.xlsx"
    write_template(template)
    assert next(load_workbook(template).active.iter_rows(values_only=True)) == TEMPLATE_HEADERS

    tenant = await factory.tenant()
    key = linli_env.settings.pii_key
    original = rows_for(new_id)
    await import_residents(linli_env.state.db, tenant, sheet(original), None, pii_key=key)
    out = tmp_path / "export.xlsx"
    assert await export_residents(linli_env.state.db, tenant, out, None, pii_key=key,
                                  full=True, reason="换届核对") == 6
    assert "完整" in load_workbook(out)["说明"]["A1"].value
    exported = list(load_workbook(out).active.iter_rows(values_only=True))
    assert exported[0] == HEADERS
    by_id = {r[3]: r for r in exported[1:]}
    for row in original:
        got = tuple(v or "" for v in by_id[row[3].upper()])
        assert got[:2] == row[:2] and got[2] == row[2].isoformat() and got[4:11] == row[4:11]
        assert sorted(filter(None, got[11].split("、"))) == sorted(
            filter(None, row[11].replace(",", "、").split("、")))
    again = await import_residents(linli_env.state.db, tenant, out, None, pii_key=key)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    other = await factory.tenant()
    copied = await import_residents(linli_env.state.db, other, out, None, pii_key=key)
    assert copied.created == 6 and await counts(linli_env, other) == (6, 3, 4)


async def test_template_has_an_example_row_that_is_never_imported_and_notes(factory, linli_env,
                                                                           tmp_path):
    template = tmp_path / "template.xlsx"
    write_template(template)
    book = load_workbook(template)
    rows = list(book["居民"].iter_rows(values_only=True))
    assert rows[0] == TEMPLATE_HEADERS and len(rows) == 2 and rows[1][0].startswith(EXAMPLE_MARK)
    notes = "\n".join(str(c) for r in book["说明"].iter_rows(values_only=True) for c in r)
    assert all(label in notes for label in TAGS_ZH) and "YYYY-MM-DD" in notes
    tenant = await factory.tenant()
    report = await import_residents(linli_env.state.db, tenant, template, None,
                                    pii_key=linli_env.settings.pii_key)
    assert report.ok and report.rows == 0
    # the example row itself is valid: without its mark it imports
    fixed = sheet([(rows[1][0].removeprefix(EXAMPLE_MARK),) + tuple(rows[1][1:])])
    report = await import_residents(linli_env.state.db, tenant, fixed, None,
                                    pii_key=linli_env.settings.pii_key)
    assert report.ok and report.created == 1, report.errors


async def test_unknown_tag_suggests_the_closest_allowed_one(factory, linli_env, new_id):
    tenant = await factory.tenant()
    rows = rows_for(new_id, 2)
    rows[0] = rows[0][:11] + ("党圆",)
    rows[1] = rows[1][:11] + ("富豪",)
    report = await import_residents(linli_env.state.db, tenant, sheet(rows), None,
                                    pii_key=linli_env.settings.pii_key)
    assert [(e.row, e.column) for e in report.errors] == [(2, "标签"), (3, "标签")]
    assert "党员" in report.errors[0].reason_zh and '"党员"' in report.errors[0].reason_en
    assert "可用标签" in report.errors[1].reason_zh and "退役军人" in report.errors[1].reason_zh


async def test_blank_room_on_reimport_is_an_error_not_a_move(factory, linli_env, new_id):
    tenant = await factory.tenant()
    key = linli_env.settings.pii_key
    rows = rows_for(new_id, 2)
    assert (await import_residents(linli_env.state.db, tenant, sheet(rows), None,
                                   pii_key=key)).ok
    blank = [rows[0][:9] + ("",) + rows[0][10:], rows[1]]
    report = await import_residents(linli_env.state.db, tenant, sheet(blank), None, pii_key=key)
    assert [(e.row, e.column) for e in report.errors] == [(2, "房号")]
    assert "101" in report.errors[0].reason_zh and "101" in report.errors[0].reason_en
    async with linli_env.state.db.scoped(scope_for(tenant)):
        rooms = {h["room"] for h in await Household.select(Household.room)}
    assert rooms == {"101"}
    # a new resident may still have no room (a bungalow in a village)
    new = rows_for(new_id, 3)[2]
    report = await import_residents(linli_env.state.db, tenant,
                                    sheet([new[:9] + ("",) + new[10:]]), None, pii_key=key)
    assert report.ok and report.created == 1


async def test_summary_counts_changes_per_field(factory, linli_env, new_id):
    tenant = await factory.tenant()
    key = linli_env.settings.pii_key
    rows = rows_for(new_id, 4)
    assert (await import_residents(linli_env.state.db, tenant, sheet(rows), None,
                                   pii_key=key)).ok
    rows[0] = rows[0][:4] + ("13911112222",) + rows[0][5:]
    rows[1] = rows[1][:4] + ("13911113333",) + rows[1][5:11] + ("党员",)
    rows[2] = rows[2][:9] + ("909",) + rows[2][10:]
    report = await import_residents(linli_env.state.db, tenant, sheet(rows), None, pii_key=key)
    assert (report.updated, report.unchanged) == (3, 1)
    assert report.changed == {"手机号": 2, "标签": 1, "住址": 1}
    assert "手机号 2" in report.summary() and "phone 2" in report.summary()


async def test_export_is_masked_unless_full_with_a_reason_and_says_which(factory, linli_env,
                                                                        new_id, tmp_path):
    """Issue 8 item 6: an export states whether it holds full values and is audited with
    that and its reason; without ``full`` it holds the masked values only."""
    import json

    from core.audit.service import AuditEntry

    tenant = await factory.tenant()
    key = linli_env.settings.pii_key
    original = rows_for(new_id)
    await import_residents(linli_env.state.db, tenant, sheet(original), None, pii_key=key)
    out = tmp_path / "masked.xlsx"
    assert await export_residents(linli_env.state.db, tenant, out, None, pii_key=key) == 6
    book = load_workbook(out)
    assert "脱敏" in book["说明"]["A1"].value and "masked" in book.properties.title
    rows = list(book["居民"].iter_rows(values_only=True))[1:]
    numbers = {r[3].upper() for r in original}
    for row in rows:
        assert row[3] not in numbers and row[3].count("*") == 15
        assert len(str(row[2])) == 4  # the birth year only
        assert not row[4] or row[4].count("*") == 6
    with pytest.raises(ApiError) as no_reason:
        await export_residents(linli_env.state.db, tenant, out, None, pii_key=key, full=True)
    assert no_reason.value.field == "reason"
    await export_residents(linli_env.state.db, tenant, out, None, pii_key=key, full=True,
                           reason="换届核对")
    async with linli_env.state.db.scoped(scope_for(tenant)):
        entries = await AuditEntry.select().where(AuditEntry.action == "people.export"
                                                  ).order_by(AuditEntry.id)
    summaries = [json.loads(e["summary"]) for e in entries]
    assert summaries == [{"rows": 6, "full": False}, {"rows": 6, "full": True, "reason": "换届核对"}]


async def test_the_account_column_links_residents_to_their_logins(factory, linli_env, new_id):
    """账号 (optional): the login of the resident's own account, linked on import; an account
    without a role here, or named twice, is a row error and nothing is written."""
    from core.identity.tables import Account
    from core.plugin import account_of_resident

    tenant = await factory.tenant()
    key = linli_env.settings.pii_key
    own = await factory.account(tenant, "resident", username=f"elder{new_id()[-6:]}")
    stranger = await factory.account(None, None, username=f"far{new_id()[-6:]}")
    async with linli_env.state.db.transaction(write=False):
        login = (await Account.select(Account.username).where(Account.id == own.id).first())[
            "username"]
        far = (await Account.select(Account.username).where(Account.id == stranger.id).first())[
            "username"]
    rows = [(*r, "") for r in rows_for(new_id, 3)]
    bad = [rows[0][:-1] + (far,), rows[1][:-1] + (login.upper(),), rows[2][:-1] + (login,)]
    refused = await import_residents(linli_env.state.db, tenant, sheet(bad, TEMPLATE_HEADERS),
                                     None, pii_key=key)
    assert [(e.row, e.column) for e in refused.errors] == [(2, "账号"), (4, "账号")]
    assert await counts(linli_env, tenant) == (0, 0, 0)

    good = [rows[0][:-1] + (login.upper(),), rows[1], rows[2]]
    report = await import_residents(linli_env.state.db, tenant, sheet(good, TEMPLATE_HEADERS),
                                    None, pii_key=key)
    assert report.ok, report.errors
    assert report.linked == 1 and "1 account(s) linked" in report.summary()
    async with linli_env.state.db.scoped(scope_for(tenant)):
        first = await Resident.select(Resident.id).where(Resident.name == rows[0][0]).first()
        assert await account_of_resident(first["id"], tenant.id) == own.id
    again = await import_residents(linli_env.state.db, tenant, sheet(good, TEMPLATE_HEADERS),
                                   None, pii_key=key)
    assert again.linked == 0 and again.unchanged == 3
