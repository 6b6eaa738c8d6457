"""``linli canteen import-meals FILE --node CODE [--canteen ID] [--source canteen|city-system]``:
a file of meals (.csv or .xlsx, the batch upload's header) recorded at one canteen of a street
office with the counter's rules, through the same service as the GraphQL upload
(:mod:`plugins.canteen.services.batch`). Rows done / total on stderr, every rejected row printed,
exit code 1 when any was rejected. Idempotent like the upload (a meal already recorded with the
same details is unchanged), so an interrupted import is simply run again; written in batches of
:data:`BATCH` rows, each its own transaction."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from core.plugin import (
    ApiError,
    ErrorCode,
    NodeInfo,
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
from plugins.canteen import NAME
from plugins.canteen.services import batch
from plugins.canteen.tables import Canteen

__all__ = ["BATCH", "COMMANDS", "import_meals_command"]

BATCH = 200
MAX_FILE_ROWS = 200_000
SOURCES = {"canteen": "batch", "city-system": "import"}
"""``--source``: the canteen's own sheet (``batch``) or the city 幸福食堂 system's export
(``import``), as the meal's ``source`` records it."""


def _canteen_pk(value: str) -> int:
    if value.isdigit():
        return int(value)
    return decode_global_id(value, "CanteenCanteen", "canteen")[1]


async def _pick_canteen(node: NodeInfo, canteen_id: str | None) -> int:
    """The canteen named, or the node's only operating or suspended one."""
    if canteen_id:
        return _canteen_pk(canteen_id.strip())
    rows = await Canteen.select(Canteen.id).where(
        (Canteen.tenant_id == node.id) & Canteen.status.is_in(["operating", "suspended"]))
    if len(rows) != 1:
        raise ApiError.invalid("canteen", "该街镇有多个（或没有）运营中的食堂，请用 --canteen 指定",
                               "the node has several (or no) operating canteens: name one "
                               "with --canteen")
    return int(rows[0]["id"])


@click.command("import-meals",
               help="导入就餐记录（.csv 或 .xlsx，与批量上传同表头；幂等，显示进度并逐行列出被拒原因）/ "
                    "import meals (.csv or .xlsx, the batch upload's header; idempotent, with "
                    "progress and each rejected row)")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--node", "node_code", required=True, help="食堂所在街镇的编码 / the street office's code")
@click.option("--canteen", "canteen_id", default=None,
              help="食堂（全局 id 或编号；街镇只有一个运营中的食堂时可省略）/ the canteen (global id or "
                   "number; optional when the node has one operating canteen)")
@click.option("--source", type=click.Choice(sorted(SOURCES)), default="canteen", show_default=True,
              help="canteen：食堂自己的表；city-system：市幸福食堂信息系统导出 / the canteen's own "
                   "sheet or the city system's export")
def import_meals_command(file: str, node_code: str, canteen_id: str | None,
                        source: str) -> None:
    data = Path(file).read_bytes()
    kind = SOURCES[source]

    async def work() -> batch.BatchReport:
        node = await cli_node(node_code)
        async with scoped(scope_for(node)):
            if not await plugin_enabled(NAME, node):
                raise ApiError(ErrorCode.PLUGIN_DISABLED, "该街镇未启用幸福食堂",
                               "canteen is not enabled at this node", "node")
            pk = await _pick_canteen(node, canteen_id)
            canteen = await batch.batch_canteen(system_access(node), pk, kind)
        rows = batch.parse_rows(data, file, max_rows=MAX_FILE_ROWS)
        report = batch.BatchReport()
        with cli_progress(len(rows), "导入 importing") as done:
            done(0)
            for start in range(0, len(rows), BATCH):
                part_rows = rows[start:start + BATCH]
                async with scoped(scope_for(node), write=True):
                    part = await batch.upload_rows(
                        system_access(node), canteen, part_rows, source=kind,
                        first_row=start + 1, done=_offset(done, start))
                    await record("canteen.meal.batch", account_id=None,
                                 object_type="CanteenCanteen", object_id=pk,
                                 summary={"recorded": part.recorded, "unchanged": part.unchanged,
                                          "rejected": len(part.rejected), "source": kind,
                                          "cli": True})
                _add(report, part)
        return report

    report = cli_run(work)
    for r in report.rejected:
        click.echo(f"第 {r.row} 行 / row {r.row}: {r.message_zh} / {r.message_en}"
                   + (f" [{r.field}]" if r.field else "") + f" ({r.code})", err=True)
    click.echo(f"已记录 {report.recorded}（补贴 {report.subsidised}），未变 {report.unchanged}，"
               f"被拒 {len(report.rejected)} / recorded {report.recorded} (subsidised "
               f"{report.subsidised}), unchanged {report.unchanged}, rejected "
               f"{len(report.rejected)}")
    if report.rejected:
        raise SystemExit(1)


def _offset(done: Callable[[int], None], base: int) -> Callable[[int], None]:
    return lambda n: done(base + n)


def _add(report: batch.BatchReport, part: batch.BatchReport) -> None:
    report.recorded += part.recorded
    report.unchanged += part.unchanged
    report.subsidised += part.subsidised
    report.rejected += part.rejected


COMMANDS = (import_meals_command,)
