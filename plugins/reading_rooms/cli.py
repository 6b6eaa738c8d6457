"""``linli reading-rooms import-catalogue FILE --node COUNTY_CODE [--network ID] [--room ID]``: a
catalogue sheet (.xlsx, the import mutation's header) imported into the county's network
through the same service as ``readingRoomImportCatalogue``
(:func:`plugins.reading_rooms.services.catalogue.import_rows`), without the mutation's
5,000-row cap. Rows done / total on stderr, every rejected row printed, exit code 1 when any
was rejected. Idempotent like the mutation (a barcode already on the same title is left as it
is), so an interrupted import is simply run again; written in batches of :data:`BATCH` rows,
each its own transaction, audited as the mutation is."""

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
from plugins.reading_rooms import NAME
from plugins.reading_rooms.services import catalogue
from plugins.reading_rooms.services.common import get_room, network_of_caller

__all__ = ["BATCH", "COMMANDS", "import_catalogue_command"]

BATCH = 200
MAX_FILE_ROWS = 200_000


def _pk(value: str | None, kind: str, field: str) -> int | None:
    if value is None or not value.strip():
        return None
    value = value.strip()
    return int(value) if value.isdigit() else decode_global_id(value, kind, field)[1]


def _offset(done: Callable[[int], None], base: int) -> Callable[[int], None]:
    return lambda n: done(base + n)


@click.command("import-catalogue",
               help="导入编目表（.xlsx，与导入编目表同表头；幂等，显示进度并逐行列出被拒原因）/ "
                    "import a catalogue sheet (.xlsx, the import mutation's header; "
                    "idempotent, with progress and each rejected row)")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--node", "node_code", required=True,
              help="书房网络所属县级节点的编码 / the code of the county that runs the network")
@click.option("--network", "network_id", default=None,
              help="书房网络（全局 id 或编号；县里只有一个网络时可省略）/ the network (global id "
                   "or number; optional when the county runs one)")
@click.option("--room", "room_id", default=None,
              help="“书房”一栏为空的行放入的书房（全局 id 或编号）/ the room for rows whose room "
                   "cell is blank (global id or number)")
def import_catalogue_command(file: str, node_code: str, network_id: str | None,
                             room_id: str | None) -> None:
    data = Path(file).read_bytes()

    async def work() -> catalogue.ImportReport:
        node = await cli_node(node_code)
        async with scoped(scope_for(node)):
            if not await plugin_enabled(NAME, node):
                raise ApiError(ErrorCode.PLUGIN_DISABLED, "该节点未启用城市书房",
                               "reading_rooms is not enabled at this node", "node")
            network = await network_of_caller(
                system_access(node), _pk(network_id, "ReadingRoomNetwork", "network"))
            if network.county.id != node.id:
                raise ApiError.not_found("书房网络", "reading-room network", "network")
            room_pk = _pk(room_id, "ReadingRoomRoom", "room")
            if room_pk is not None:
                await get_room(room_pk, network, "room")
            rooms = await catalogue.rooms_by_name(network)
        rows = catalogue.read_sheet(data, max_rows=MAX_FILE_ROWS, field_name="file")
        report = catalogue.ImportReport()
        with cli_progress(len(rows), "导入 importing") as done:
            for start in range(0, len(rows), BATCH):
                async with scoped(scope_for(node), write=True):
                    part = await catalogue.import_rows(
                        system_access(node), network, rows[start:start + BATCH], rooms,
                        default_room=room_pk, done=_offset(done, start))
                    await record("reading_rooms.title.add", account_id=None,
                                 object_type="ReadingRoomNetwork", object_id=network.id,
                                 summary={"titles": part.titles, "copies": part.copies,
                                          "errors": len(part.errors),
                                          "unchanged": part.unchanged, "cli": True})
                report.titles += part.titles
                report.copies += part.copies
                report.unchanged += part.unchanged
                report.errors += part.errors
        return report

    report = cli_run(work)
    for row, field, zh, en in report.errors:
        click.echo(f"第 {row} 行 / row {row}: {zh} / {en}" + (f" [{field}]" if field else ""),
                   err=True)
    click.echo(f"新增书目 {report.titles}，新增复本 {report.copies}，已有复本 {report.unchanged}，"
               f"被拒 {len(report.errors)} / titles {report.titles}, copies {report.copies}, "
               f"unchanged {report.unchanged}, rejected {len(report.errors)}")
    if report.errors:
        raise SystemExit(1)


COMMANDS = (import_catalogue_command,)
