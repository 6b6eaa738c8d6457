"""Residents in and out of Excel: the sheet offices keep, one row a resident.

Import is all-or-nothing: every row is validated first (errors reported per row and column), then
everything is written in one scoped write transaction; any failure writes nothing. Residents are
matched by the blind index of their 身份证号, so importing the same sheet again changes nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from core.audit import service as audit
from core.crypto import blind_index
from core.db import Database
from core.errors import ApiError
from core.identity.service import normalise_phone, normalise_username
from core.identity.tables import Account, Membership
from core.people import places
from core.people.accounts import link_resident
from core.people.records import ResidentRec, from_row
from core.people.residents import (
    ResidentData,
    apply_resident,
    id_index,
    insert_residents,
    make_resident_data,
    reveal_values,
)
from core.people.tables import Building, Community, Compound, Household, Resident, ResidentTag, Unit
from core.people.validation import (
    TAGS,
    TAGS_ZH,
    check_reason,
    mask_id_number,
    mask_phone,
    validate_id_number,
)
from tenants.service import NodeInfo, scope_for

__all__ = [
    "ACCOUNT_HEADER",
    "EXAMPLE_MARK",
    "HEADERS",
    "TEMPLATE_HEADERS",
    "ImportReport",
    "RowError",
    "export_residents",
    "import_residents",
    "import_rows",
    "read_sheet",
    "write_template",
]

HEADERS = ("姓名", "性别", "出生日期", "身份证号", "手机号", "社区/村", "小区", "楼栋", "单元",
           "房号", "与户主关系", "标签")
ACCOUNT_HEADER = "账号"
"""Optional column: the login (username or phone) of the resident's own account, linked to the
resident on import (sheets without it import as before)."""
TEMPLATE_HEADERS = (*HEADERS, ACCOUNT_HEADER)
_FIELD_COLUMN = {"name": "姓名", "gender": "性别", "birthDate": "出生日期", "idNumber": "身份证号",
                 "phone": "手机号", "community": "社区/村", "compound": "小区", "building": "楼栋",
                 "unit": "单元", "room": "房号", "relation": "与户主关系", "tags": "标签",
                 "account": ACCOUNT_HEADER}


# What apply_resident reports as changed, named as the sheet's columns (places collapse into
# the household: a new community, building or grid is a move).
_CHANGE_COLUMN = {"name": "姓名", "gender": "性别", "birth_date": "出生日期",
                  "id_number_index": "身份证号", "phone_index": "手机号", "household_id": "住址",
                  "community_id": "住址", "grid_id": "住址", "building_id": "住址",
                  "relation": "与户主关系", "is_head": "户主", "tags": "标签"}
_CHANGE_EN = {"姓名": "name", "性别": "gender", "出生日期": "birth date", "身份证号": "ID number",
              "手机号": "phone", "住址": "address", "与户主关系": "relation", "户主": "head",
              "标签": "tags"}
# A row whose 姓名 starts with this is the template's example and is never imported.
EXAMPLE_MARK = "【示例】"


def _sheet_error(zh: str, en: str) -> ApiError:
    """The file is not a readable .xlsx sheet with the expected headers."""
    return ApiError.invalid("file", zh, en)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason_zh: str
    reason_en: str

    def __str__(self) -> str:
        return f"第{self.row}行 [{self.column}] {self.reason_zh} / row {self.row}: {self.reason_en}"


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0
    """Residents newly linked to the account named in the 账号 column."""
    errors: list[RowError] = field(default_factory=list)
    changed: dict[str, int] = field(default_factory=dict)
    """Updated residents per changed column (``{"手机号": 2, "住址": 1}``)."""

    def count_changes(self, names: Sequence[str]) -> None:
        for column in dict.fromkeys(_CHANGE_COLUMN.get(n, n) for n in names):
            self.changed[column] = self.changed.get(column, 0) + 1

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return (f"{len(self.errors)} 处错误，未写入任何数据 / {len(self.errors)} error(s), "
                    "nothing was written")
        text = (f"共 {self.rows} 行：新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}"
                f" / {self.rows} rows: {self.created} created, {self.updated} updated, "
                f"{self.unchanged} unchanged")
        if self.linked:
            text += f"\n关联账号 {self.linked} / {self.linked} account(s) linked"
        if self.changed:
            zh = "、".join(f"{c} {n}" for c, n in self.changed.items())
            en = ", ".join(f"{_CHANGE_EN.get(c, c)} {n}" for c, n in self.changed.items())
            text += f"\n更新的字段：{zh} / changed fields: {en}"
        return text

    def write_errors(self, path: str | Path) -> None:
        """The error report as .xlsx (by suffix) or CSV: row, column, reason."""
        rows = [("行 row", "列 column", "原因 reason")] + [
            (e.row, e.column, f"{e.reason_zh} / {e.reason_en}") for e in self.errors]
        if str(path).lower().endswith(".xlsx"):
            from openpyxl import Workbook  # imported when used: ~0.1 s of every start

            wb = Workbook()
            for r in rows:
                wb.active.append(list(r))
            wb.save(path)
            return
        with open(path, "w", newline="", encoding="utf-8-sig") as fh:
            csv.writer(fh).writerows(rows)


# -- reading ----------------------------------------------------------------------------
def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_sheet(source: str | Path | bytes) -> list[tuple[int, tuple[str, ...]]]:
    """``(row number, cells as text)`` of every non-blank data row, in HEADERS order, plus the
    账号 cell when the sheet has that column."""
    from openpyxl import load_workbook

    try:
        handle: Any = io.BytesIO(source) if isinstance(source, bytes) else source
        wb = load_workbook(handle, read_only=True, data_only=True)
    except FileNotFoundError:
        raise _sheet_error("找不到文件", "file not found") from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise _sheet_error("无法读取：不是有效的 .xlsx 文件",
                           f"cannot read: not a valid .xlsx file ({type(exc).__name__})") from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on broken files
        raise _sheet_error("无法读取：不是有效的 .xlsx 文件",
                           f"cannot read: not a valid .xlsx file ({type(exc).__name__})") from None
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True) if wb.worksheets else iter(())
        header = [_text(v) for v in next(rows, ())]
        missing = [h for h in HEADERS if h not in header]
        if missing:
            raise _sheet_error(f"缺少列：{'、'.join(missing)}", f"missing columns: {', '.join(missing)}")
        wanted = TEMPLATE_HEADERS if ACCOUNT_HEADER in header else HEADERS
        where = [header.index(h) for h in wanted]
        out = []
        for number, raw in enumerate(rows, start=2):
            cells = list(raw) + [None] * (len(header) - len(raw))
            values = tuple(_cell(cells[i], wanted[k]) for k, i in enumerate(where))
            if any(values) and not values[0].startswith(EXAMPLE_MARK):
                out.append((number, values))
        return out
    except ApiError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise _sheet_error("无法读取：文件内容损坏", f"cannot read: broken file ({type(exc).__name__})"
                           ) from None
    finally:
        wb.close()


def _cell(value: Any, header: str) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return _text(value)


# -- validating -------------------------------------------------------------------------
@dataclass(frozen=True)
class _Row:
    number: int
    data: ResidentData
    community: str
    compound: str
    building: str
    unit: str
    room: str
    account: str = ""


def _parse_date(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ApiError.invalid("birthDate", "出生日期格式应为 YYYY-MM-DD",
                           "the birth date must look like YYYY-MM-DD")


def _validate(number: int, cells: Sequence[str]) -> _Row:
    (name, gender, birth, idn, phone, community, compound, building, unit, room, relation,
     tags, account) = (list(cells) + [""] * 13)[:13]
    if not community:
        raise ApiError.invalid("community", "社区/村不能为空", "the community is required")
    if not building:
        raise ApiError.invalid("building", "楼栋不能为空", "the building is required")
    if not idn:
        raise ApiError.invalid("idNumber", "身份证号不能为空", "the ID number is required")
    data = make_resident_data(name=name, id_number=idn, gender=gender or None,
                              birth_date=_parse_date(birth) if birth else None,
                              phone=phone or None, relation=relation, tags=tags)
    for value, col, limit in ((community, "community", 100), (compound, "compound", 100),
                              (building, "building", 100), (unit, "unit", 50), (room, "room", 50)):
        if len(value) > limit:
            raise ApiError.invalid(col, f"不超过{limit}字", f"at most {limit} characters")
    login = ""
    if account:
        login = normalise_phone(account) or normalise_username(account) or ""
        if not login:
            raise ApiError.invalid("account", "账号须为用户名或手机号",
                                   "the account is a username or a phone number")
    return _Row(number, data, community, compound, building, unit, room, login)


def validate_rows(rows: Iterable[tuple[int, Sequence[str]]], report: ImportReport,
                  progress: bool = False) -> list[_Row]:
    good: list[_Row] = []
    seen: dict[str, int] = {}
    for number, cells in tqdm(list(rows), desc="校验 validating", unit="行", disable=not progress):
        report.rows += 1
        try:
            row = _validate(number, cells)
        except ApiError as exc:
            report.errors.append(RowError(number, _FIELD_COLUMN.get(exc.field or "", "-"),
                                          exc.zh, exc.en))
            continue
        if row.data.id_number in seen:
            report.errors.append(RowError(number, "身份证号", f"与第{seen[row.data.id_number]}行重复",
                                          f"duplicates row {seen[row.data.id_number]}"))
            continue
        seen[row.data.id_number] = number
        good.append(row)
    return good


# -- writing ----------------------------------------------------------------------------
class _Places:
    """Found-or-created places, cached for the length of one import."""

    def __init__(self) -> None:
        self.cache: dict[tuple[Any, ...], Any] = {}

    async def household(self, row: _Row) -> Any:
        key = ("h", row.community, row.compound, row.building, row.unit, row.room)
        if key not in self.cache:
            community = await self._get(("c", row.community),
                                        lambda: places.ensure_community(row.community))
            compound = await self._get(("p", row.community, row.compound),
                                       lambda: places.ensure_compound(community, row.compound)
                                       ) if row.compound else None
            building = await self._get(("b", row.community, row.compound, row.building),
                                       lambda: self._first(places.ensure_building(
                                           community, row.building, compound=compound)))
            unit = await self._get(("u", building.id, row.unit),
                                   lambda: places.ensure_unit(building, row.unit)
                                   ) if row.unit else None
            self.cache[key] = (await places.ensure_household(building, row.room, unit))[0]
        return self.cache[key]

    async def households(self, rows: Sequence[_Row]) -> list[Any]:
        """Every row's household, the households themselves found or made in bulk."""
        spots = []
        for row in rows:
            community = await self._get(("c", row.community),
                                        lambda row=row: places.ensure_community(row.community))
            compound = await self._get(("p", row.community, row.compound),
                                       lambda row=row, community=community:
                                       places.ensure_compound(community, row.compound)
                                       ) if row.compound else None
            building = await self._get(
                ("b", row.community, row.compound, row.building),
                lambda row=row, community=community, compound=compound: self._first(
                    places.ensure_building(community, row.building, compound=compound)))
            unit = await self._get(("u", building.id, row.unit),
                                   lambda row=row, building=building:
                                   places.ensure_unit(building, row.unit)) if row.unit else None
            spots.append((building, unit, row.room))
        made = await places.ensure_households(spots)
        return [made[(b.id, u.id if u else None, (r or "").strip())] for b, u, r in spots]

    async def _get(self, key: tuple[Any, ...], make: Any) -> Any:
        if key not in self.cache:
            self.cache[key] = await make()
        return self.cache[key]

    @staticmethod
    async def _first(pair: Any) -> Any:
        return (await pair)[0]


async def _existing(rows: Sequence[_Row], pii_key: str) -> dict[str, ResidentRec]:
    found: dict[str, ResidentRec] = {}
    indexes = [id_index(r.data.id_number, pii_key) for r in rows]
    for start in range(0, len(indexes), 500):
        chunk = indexes[start:start + 500]
        for row in await Resident.select().where(Resident.id_number_index.is_in(chunk)):
            found[row["id_number_index"]] = from_row(ResidentRec, row)
    return found


async def _blank_rooms(rows: Sequence[_Row], existing: dict[str, ResidentRec], pii_key: str
                       ) -> list[RowError]:
    """A blank 房号 for a resident who lives in a numbered room: re-importing would silently
    move them out of their household, so it is an error (a move is written as the new room)."""
    blank = {r.number: existing[k] for r in rows if not r.room
             and (k := id_index(r.data.id_number, pii_key)) in existing
             and existing[k].household_id is not None}
    if not blank:
        return []
    ids = list({rec.household_id for rec in blank.values()})
    rooms = {h["id"]: h["room"] for h in await Household.select(Household.id, Household.room)
             .where(Household.id.is_in(ids))}
    return [RowError(number, "房号", f"房号为空，但该居民现住{rooms[rec.household_id]}室；"
                                     "请填写房号（搬迁请填写新房号）",
                     f"the room is blank but this resident lives in room "
                     f"{rooms[rec.household_id]}; fill in the room (for a move, the new room)")
            for number, rec in sorted(blank.items()) if rooms.get(rec.household_id)]


async def _accounts(rows: Sequence[_Row], tenant: NodeInfo, pii_key: str
                    ) -> tuple[dict[int, int], list[RowError]]:
    """The account each row's 账号 names (row number → account id). Only an account holding a
    role at this tenant can be named (a link lets that login read the resident's record), and
    one account serves one resident."""
    found: dict[int, int] = {}
    errors: list[RowError] = []
    seen: dict[int, int] = {}
    for row in rows:
        if not row.account:
            continue
        phone = normalise_phone(row.account)
        where = (Account.phone_index == blind_index(phone, pii_key, "phone") if phone
                 else Account.username == row.account)
        hit = await Account.select(Account.id).where(
            where & Account.id.is_in(Membership.select(Membership.account_id).where(
                Membership.node_id == tenant.id))).first()
        if hit is None:
            errors.append(RowError(row.number, ACCOUNT_HEADER,
                                   f"本街镇没有账号 {row.account}（须先创建并授予角色）",
                                   f"no account {row.account} holds a role here (create and "
                                   "grant it first)"))
            continue
        account_id = int(hit["id"])
        if account_id in seen:
            errors.append(RowError(row.number, ACCOUNT_HEADER, f"与第{seen[account_id]}行的账号相同",
                                   f"the same account as row {seen[account_id]}"))
            continue
        seen[account_id] = row.number
        found[row.number] = account_id
    return found, errors


async def import_rows(db: Database, tenant: NodeInfo, rows: Iterable[tuple[int, Sequence[str]]],
                      account_id: int | None, *, pii_key: str, progress: bool = False
                      ) -> ImportReport:
    """Validate and write ``(row number, cells)`` rows (HEADERS order) for ``tenant``."""
    report = ImportReport()
    if tenant.is_region:
        report.errors.append(RowError(0, "-", "居民只能导入到街道或乡镇",
                                      "residents belong to a street office or town"))
        return report
    good = validate_rows(rows, report, progress)
    if report.errors:
        return report
    created = updated = unchanged = 0
    try:
        async with db.scoped(scope_for(tenant, account_id=account_id), write=True):
            existing = await _existing(good, pii_key)
            report.errors.extend(await _blank_rooms(good, existing, pii_key))
            logins, wrong = await _accounts(good, tenant, pii_key)
            report.errors.extend(wrong)
            if report.errors:
                report.errors.sort(key=lambda e: e.row)
                return report
            cache = _Places()
            current = 0
            if not existing:  # a first import (and the demo): multi-row statements
                homes = await cache.households(good)
                datas = [ResidentData(**{**row.data.__dict__, "household": home})
                         for row, home in zip(good, homes, strict=True)]
                recs = await insert_residents(datas, pii_key)
                for row, rec in zip(good, recs, strict=True):
                    if row.number in logins:
                        current = row.number
                        _, before = await link_resident(logins[row.number], rec.id, tenant.id)
                        report.linked += before != rec.id
                created = len(recs)
                good = []
            for row in tqdm(good, desc="导入 importing", unit="行", disable=not progress):
                current = row.number
                household = await cache.household(row)
                data = ResidentData(**{**row.data.__dict__, "household": household})
                old = existing.get(id_index(data.id_number, pii_key))
                rec, changed = await apply_resident(data, pii_key, old)
                if row.number in logins:
                    _, before = await link_resident(logins[row.number], rec.id, tenant.id)
                    report.linked += before != rec.id
                if old is None:
                    created += 1
                elif changed:
                    updated += 1
                    report.count_changes(changed)
                else:
                    unchanged += 1
            await audit.record("people.import", account_id=account_id, object_type="resident",
                               summary={"rows": report.rows, "created": created,
                                        "updated": updated, "changed": report.changed,
                                        "linked": report.linked})
            report.created, report.updated, report.unchanged = created, updated, unchanged
    except ApiError as exc:
        report.created = report.updated = report.unchanged = report.linked = 0
        report.changed.clear()
        report.errors.append(RowError(current, _FIELD_COLUMN.get(exc.field or "", "-"),
                                      exc.zh, exc.en))
    return report


async def import_residents(db: Database, tenant: NodeInfo, source: str | Path | bytes,
                           account_id: int | None, *, pii_key: str, progress: bool = False
                           ) -> ImportReport:
    """Import an .xlsx sheet (path or bytes); a broken file raises :class:`ApiError` on ``file``."""
    return await import_rows(db, tenant, read_sheet(source), account_id, pii_key=pii_key,
                             progress=progress)


EXAMPLE_ROW = (f"{EXAMPLE_MARK}张三", "男", "1950-03-01", "371502195003010018", "13900000000",
               "御苑社区", "新纺苑小区", "3号楼", "1单元", "301", "户主", "党员、独居", "")

_NOTES = (
    ("列 column", "格式 format", "说明 notes"),
    ("姓名", "1–50字", f"必填。以“{EXAMPLE_MARK}”开头的行是示例，不会导入，可以删除"),
    ("性别", "男 / 女", "可空：按身份证号判断；填写时须与身份证号一致"),
    ("出生日期", "YYYY-MM-DD（也可 YYYY/MM/DD、YYYY年MM月DD日）", "可空；填写时须与身份证号一致"),
    ("身份证号", "18位，末位数字或X", "必填；再次导入时按身份证号更新同一居民"),
    ("手机号", "以1开头的11位数字", "可空"),
    ("社区/村", "名称", "必填；不存在时新建"),
    ("小区", "名称", "可空"),
    ("楼栋", "名称，如 3号楼", "必填"),
    ("单元", "名称，如 1单元", "可空"),
    ("房号", "如 301", "已登记居民不可留空（留空会使其离开原住户）；搬迁请填写新房号"),
    ("与户主关系", "如 户主、配偶、子女", "填“户主”或“本人”即为户主"),
    ("标签", "用顿号或逗号分隔", "可用标签：" + "、".join(TAGS_ZH)),
    (ACCOUNT_HEADER, "用户名或手机号",
     "可空；居民本人的登录账号（须已在本街镇持有角色），导入时与该居民关联；此列可整列删除"),
)


def write_template(path: str | Path) -> None:
    """The sheet offices fill in: headers, one example row (never imported) and a notes sheet
    with each column's format and the allowed tags."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "居民"
    ws.append(list(TEMPLATE_HEADERS))
    ws.append(list(EXAMPLE_ROW))
    notes = wb.create_sheet("说明")
    for line in _NOTES:
        notes.append(list(line))
    wb.save(path)


# -- export -----------------------------------------------------------------------------
EXPORT_FULL_TITLE = "含完整个人信息（身份证号、手机号、出生日期），妥善保管 / contains full personal data"
EXPORT_MASKED_TITLE = ("个人信息已脱敏（身份证号、手机号脱敏，出生日期只含年份），不能再导入 / personal "
                       "data masked (cannot be imported again)")


async def export_residents(db: Database, tenant: NodeInfo, path: str | Path,
                           account_id: int | None, *, pii_key: str, full: bool = False,
                           reason: str | None = None) -> int:
    """Every resident of ``tenant`` to an .xlsx in the import layout. Masked by default (ID
    number, phone, birth date as the year); ``full=True`` writes the full values (the file can
    be imported again) and needs a ``reason``. The file says which it is (a "说明" sheet and the
    document's title), and the ``people.export`` audit entry records ``full`` and the reason.
    Returns the number of rows."""
    from openpyxl import Workbook

    text = check_reason(reason) if full else None
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("居民")
    ws.append(list(HEADERS))
    wb.properties.title = EXPORT_FULL_TITLE if full else EXPORT_MASKED_TITLE
    count = 0
    async with db.scoped(scope_for(tenant, account_id=account_id), write=True):
        names = {t._meta.tablename: {r["id"]: r for r in await t.select()}
                 for t in (Community, Compound, Building, Unit, Household)}
        tags: dict[int, list[str]] = {}
        for r in await ResidentTag.select().order_by(ResidentTag.tag):
            tags.setdefault(r["resident_id"], []).append(TAGS[r["tag"]][0])
        for row in await Resident.select().order_by(Resident.id):
            rec = from_row(ResidentRec, row)
            if full:
                idn, phone = reveal_values(rec, pii_key)
                validate_id_number(idn)
                birth = rec.birth_date.isoformat()
            else:
                idn = mask_id_number(rec.id_number_masked)
                phone = mask_phone(rec.phone_masked) if rec.phone_masked else None
                birth = str(rec.birth_date.year)
            h = names["linli_household"].get(rec.household_id or -1)
            b = names["linli_building"].get(h["building_id"]) if h else None
            ws.append([
                rec.name, "男" if rec.gender == "male" else "女", birth, idn,
                phone or "",
                names["linli_community"][b["community_id"]]["name"] if b else "",
                names["linli_compound"][b["compound_id"]]["name"] if b and b["compound_id"] else "",
                b["name"] if b else "",
                names["linli_unit"][h["unit_id"]]["name"] if h and h["unit_id"] else "",
                h["room"] if h else "",
                rec.relation,
                "、".join(tags.get(rec.id, [])),
            ])
            count += 1
        summary: dict[str, object] = {"rows": count, "full": full}
        if text:
            summary["reason"] = text
        await audit.record("people.export", account_id=account_id, object_type="resident",
                           summary=summary)
    notes = wb.create_sheet("说明")
    notes.append([EXPORT_FULL_TITLE if full else EXPORT_MASKED_TITLE])
    if text:
        notes.append(["理由 / reason", text])
    wb.save(path)
    return count
