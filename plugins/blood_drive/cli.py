"""``linli blood-drive import-results FILE --node CODE --session ID``: the blood station's
results file (.xlsx or .csv, the sheet's header) imported into a session's campaign at a
street office, with rows done / total on stderr and every rejected row printed. Idempotent
like the mutation (the station's record number), so an interrupted import is simply run again;
written in batches of :data:`BATCH` rows, each its own transaction."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from core.plugin import (
    ApiError,
    ErrorCode,
    cli_node,
    cli_progress,
    cli_run,
    decode_global_id,
    plugin_enabled,
    record,
    scope_for,
    scoped,
    system_access,
)
from plugins.blood_drive import NAME
from plugins.blood_drive.services import results, sheets
from plugins.blood_drive.tables import Session

__all__ = ["BATCH", "COMMANDS", "import_results_command"]

BATCH = 200
MAX_FILE_ROWS = 200_000


def _offset(done: Callable[[int], None], base: int) -> Callable[[int], None]:
    return lambda n: done(base + n)


def _session_pk(value: str) -> int:
    if value.isdigit():
        return int(value)
    return decode_global_id(value, "BloodDriveSession", "session")[1]


@click.command("import-results",
               help="导入血站结果文件（.xlsx 或 .csv；幂等，显示进度并逐行列出被拒原因）/ import "
                    "the blood station's results file (.xlsx or .csv; idempotent, with progress "
                    "and each rejected row)")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--node", "node_code", required=True, help="场次所在街镇的编码 / the street office's code")
@click.option("--session", "session_id", required=True,
              help="采血场次（全局 id 或编号）/ the session (global id or number)")
def import_results_command(file: str, node_code: str, session_id: str) -> None:
    data = Path(file).read_bytes()

    async def work() -> results.ImportReport:
        node = await cli_node(node_code)
        session_pk = _session_pk(session_id.strip())
        async with scoped(scope_for(node)):
            if not await plugin_enabled(NAME, node):
                raise ApiError(ErrorCode.PLUGIN_DISABLED, "该街镇未启用无偿献血",
                               "blood_drive is not enabled at this node", "node")
            session = await Session.select().where(Session.id == session_pk).first()
        if session is None:
            raise ApiError.not_found("采血场次", "session", "session")
        rows, bad = sheets.parse_sheet(data, max_rows=MAX_FILE_ROWS,
                                       campaign_id=int(session["campaign_id"]))
        total = len(rows) + len(bad)
        report = results.ImportReport(rejected=list(bad))
        with cli_progress(total, "导入 importing") as done:
            base = len(bad)
            done(base)
            for start in range(0, len(rows), BATCH):
                batch = rows[start:start + BATCH]
                async with scoped(scope_for(node), write=True):
                    access = system_access(node)
                    part = await results.import_results(access, batch, _offset(done, base))
                    await record("blood_drive.result.import", account_id=None,
                                 object_type="BloodDriveSession", object_id=session_pk,
                                 summary={"imported": part.imported,
                                          "duplicates": part.duplicates,
                                          "rejected": len(part.rejected), "cli": True})
                report.imported += part.imported
                report.duplicates += part.duplicates
                report.rejected += part.rejected
                base += len(batch)
        return report

    report = cli_run(work)
    for row, code, zh, en, field in sorted(report.rejected):
        click.echo(f"第 {row} 行 / row {row}: {zh} / {en}" + (f" [{field}]" if field else "")
                   + f" ({code})", err=True)
    click.echo(f"已导入 {report.imported}，重复 {report.duplicates}，被拒 {len(report.rejected)} / "
               f"imported {report.imported}, duplicates {report.duplicates}, rejected "
               f"{len(report.rejected)}")
    if report.rejected:
        raise SystemExit(1)


COMMANDS = (import_results_command,)
