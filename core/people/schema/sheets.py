"""Residents in and out of Excel through the API (the console's import and export page):
``importResidents`` takes an .xlsx as base64 and answers the per-row report (all-or-nothing, as
``linli import residents``); ``exportResidents`` answers the sheet as base64, masked unless
``full`` with a reason (audited as ``people.export``)."""

from __future__ import annotations

import base64
import binascii
import tempfile
from pathlib import Path
from typing import Annotated, Any

import strawberry

from core.errors import ApiError
from core.language import choose
from core.people.excel import export_residents, import_residents
from core.schema.context import Info
from core.schema.errors import UserError, user_error

__all__ = ["mutation_fields", "types"]

MAX_SHEET_BYTES = 5 * 1024 * 1024


@strawberry.input(description="导入居民表（.xlsx，base64）/ import a residents sheet")
class ImportResidentsInput:
    file_base64: str = strawberry.field(description=".xlsx 文件的 base64（≤5 MB）/ the .xlsx, "
                                                    "base64 (≤ 5 MB)")


@strawberry.type(description="导入表的一处错误 / one error of an imported sheet")
class ImportRowError:
    row: int = strawberry.field(description="表中行号（表头为第1行）/ the sheet's row number")
    column: str
    message: str
    message_zh: str
    message_en: str


@strawberry.type(description="导入结果：有错误时未写入任何数据 / the import's report; with any "
                             "error nothing was written")
class ImportResidentsPayload:
    rows: int
    created: int
    updated: int
    unchanged: int
    errors: list[ImportRowError]
    summary: str

    @strawberry.field(description="是否已写入 / whether the sheet was written")
    def imported(self) -> bool:
        return not self.errors


ImportResidentsResult = Annotated[ImportResidentsPayload | UserError,
                                  strawberry.union("ImportResidentsResult")]


@strawberry.input(description="导出居民表 / export the residents sheet")
class ExportResidentsInput:
    full: bool = strawberry.field(default=False, description="含完整个人信息（需理由，审计）/ "
                                                             "with full personal data (a reason)")
    reason: str | None = None


@strawberry.type(description="导出的居民表 / the exported sheet")
class ExportResidentsPayload:
    rows: int
    filename: str
    content_base64: str


ExportResidentsResult = Annotated[ExportResidentsPayload | UserError,
                                  strawberry.union("ExportResidentsResult")]


def _decode(text: str) -> bytes:
    if len(text) > MAX_SHEET_BYTES * 4 // 3 + 4:
        raise ApiError.invalid("fileBase64", "文件超过 5 MB", "the file is over 5 MB")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError.invalid("fileBase64", "不是有效的 base64", "not valid base64") from None


@strawberry.mutation(name="importResidents", description="导入居民表（需 people.import；全部有效才写入，逐行报告错误）/ "
                                 "import residents from .xlsx (people.import; all or nothing, "
                                 "errors per row)")
async def import_residents_sheet(info: Info, input: ImportResidentsInput
                                 ) -> ImportResidentsResult:
    ctx = info.context
    try:
        access = await ctx.require("people.import")
        data = _decode(input.file_base64)
        node = await ctx.node()
        report = await import_residents(ctx.state.db, node, data, access.principal.account_id,
                                        pii_key=ctx.state.settings.pii_key)
    except ApiError as err:
        return user_error(err)
    return ImportResidentsPayload(
        rows=report.rows, created=report.created, updated=report.updated,
        unchanged=report.unchanged, summary=report.summary(),
        errors=[ImportRowError(row=e.row, column=e.column, message=choose(e.reason_zh, e.reason_en),
                               message_zh=e.reason_zh, message_en=e.reason_en)
                for e in report.errors])


@strawberry.mutation(name="exportResidents", description="导出居民表（需 people.export；默认脱敏，完整导出须说明理由并审计）/ "
                                 "export residents to .xlsx (people.export; masked unless full, "
                                 "with a reason, audited)")
async def export_residents_sheet(info: Info, input: ExportResidentsInput
                                 ) -> ExportResidentsResult:
    ctx = info.context
    try:
        access = await ctx.require("people.export")
        if input.full:
            await ctx.require("people.reveal_pii")
        node = await ctx.node()
        with tempfile.TemporaryDirectory(prefix="linli-export-") as tmp:
            path = Path(tmp) / "residents.xlsx"
            rows = await export_residents(ctx.state.db, node, path,
                                          access.principal.account_id,
                                          pii_key=ctx.state.settings.pii_key, full=input.full,
                                          reason=input.reason)
            content = base64.b64encode(path.read_bytes()).decode()
    except ApiError as err:
        return user_error(err)
    suffix = "full" if input.full else "masked"
    return ExportResidentsPayload(rows=rows, filename=f"residents-{node.code}-{suffix}.xlsx",
                                  content_base64=content)


def types() -> list[Any]:
    return [ImportResidentsPayload, ExportResidentsPayload]


def mutation_fields() -> list[Any]:
    return [import_residents_sheet, export_residents_sheet]
