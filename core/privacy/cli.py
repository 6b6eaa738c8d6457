"""``linli person export|erase (--resident ID | --id-number N) [--node CODE]``: one person's
data across core and every plugin enabled for their tenant (PIPL), for operators.

``--node`` may be left out when the person is found at exactly one tenant. ``export`` writes
JSON and/or .xlsx (one sheet per source) and prints where; ``erase`` asks first (``--yes`` skips
the question), runs in one transaction and prints the counts. Both are audited with the
operator's login as the actor."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from tqdm import tqdm

from core.cli_db import cli_database
from core.cli_ids import IdParam, pk_only
from core.db import Database
from core.errors import ApiError
from core.people.residents import id_index
from core.people.tables import Resident
from core.privacy import service
from core.registry import get_registry
from core.settings import get_settings
from tenants.scope import Scope
from tenants.service import NodeInfo, get_node_by_code, list_nodes, scope_for

__all__ = ["register"]

T = TypeVar("T")


def _actor() -> service.Actor:
    try:
        login = getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        login = "unknown"
    return service.Actor(account_id=None, label=f"cli:{login}")


def _run(work: Callable[[Database], Awaitable[T]]) -> T:
    async def main() -> T:
        async with cli_database() as db:
            try:
                return await work(db)
            except ApiError as exc:
                raise click.ClickException(f"{exc.zh} / {exc.en}") from None

    return asyncio.run(main())


async def _tenant_of(db: Database, node_code: str | None, resident_id: int | None,
                     id_number: str | None, pii_key: str) -> NodeInfo:
    """The named tenant, or the one tenant where the person is found."""
    async with db.transaction(write=False):
        if node_code:
            node = await get_node_by_code(node_code.strip())
            if node is None:
                raise click.ClickException(f"未找到节点 {node_code} / no node with code "
                                           f"{node_code}")
            if node.is_region:
                raise click.ClickException(f"{node_code} 是区域，居民属于街道或乡镇 / "
                                           f"{node_code} is a region; residents belong to a "
                                           "street office or town")
            return node
        tenants = {n.id: n for n in await list_nodes() if not n.is_region}
    # An operator's read across every tenant, only to learn where the person is.
    async with db.scoped(Scope(read_nodes=frozenset(tenants), label="cli")):
        where = (Resident.id == resident_id if resident_id is not None
                 else Resident.id_number_index == id_index(id_number or "", pii_key))
        rows = await Resident.select(Resident.tenant_id).where(where)
    found = sorted({int(r["tenant_id"]) for r in rows})
    if not found:
        raise click.ClickException("未找到该居民 / resident not found")
    if len(found) > 1:
        codes = ", ".join(tenants[t].code for t in found)
        raise click.ClickException(f"该居民在多个街镇登记（{codes}），请用 --node 指定 / "
                                   f"found at several tenants ({codes}); name one with --node")
    return tenants[found[0]]


def _check_who(resident_id: int | None, id_number: str | None) -> None:
    if (resident_id is None) == (not id_number):
        raise click.UsageError("请给出 --resident 或 --id-number（二选一）/ give --resident or "
                               "--id-number, not both")


class _Progress:
    """A progress bar over the named stages of the work (on stderr)."""

    def __init__(self, desc: str, stages: int) -> None:
        self.bar = tqdm(total=stages, desc=desc, unit="步")

    def __call__(self, stage: str) -> None:
        self.bar.set_postfix_str(stage)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def _outputs(output: str | None, resident_id: int, fmt: str) -> list[Path]:
    if output:
        base = Path(output)
        base = base.with_suffix("") if base.suffix in (".json", ".xlsx") else base
    else:
        base = Path(f"person-{resident_id}-{datetime.now(UTC):%Y%m%d%H%M%S}")
    kinds = ("json", "xlsx") if fmt == "both" else (fmt,)
    return [base.with_name(f"{base.name}.{k}") for k in kinds]


def export_command(resident_id: int | None, id_number: str | None, node_code: str | None,
                   output: str | None, fmt: str, reason: str) -> None:

    _check_who(resident_id, id_number)
    if output and not Path(output).resolve().parent.is_dir():
        # Checked first, so that no export is audited that was never written.
        raise click.UsageError(f"目录不存在 / no such folder: {Path(output).resolve().parent}")
    key = get_settings().pii_key
    progress = _Progress("导出 exporting", 3 + (2 if fmt == "both" else 1))

    async def work(db: Database) -> list[Path]:
        node = await _tenant_of(db, node_code, resident_id, id_number, key)
        async with db.scoped(scope_for(node), write=True):
            subject = await service.find_subject(resident_id=resident_id, id_number=id_number,
                                                 pii_key=key)
            done = await service.export_person(get_registry(), subject, _actor(), pii_key=key,
                                               reason=reason, on_step=progress)
        written = []
        for path in _outputs(output, done.resident_id, fmt):
            progress(path.suffix.lstrip("."))
            try:
                written.append(done.write_json(path) if path.suffix == ".json"
                               else done.write_xlsx(path))
            except OSError as exc:
                raise click.ClickException(f"无法写入 / cannot write {path}: {exc}") from None
        return written

    try:
        written = _run(work)
    finally:
        progress.close()
    for path in written:
        click.echo(f"已导出 / export written: {path.resolve()}")


def erase_command(resident_id: int | None, id_number: str | None, node_code: str | None,
                  reason: str, yes: bool) -> None:

    _check_who(resident_id, id_number)
    if not yes:
        who = f"居民 {resident_id}" if resident_id is not None else "该身份证号对应的居民"
        click.confirm(f"将删除{who}的个人信息（依法保留的记录假名化），不可恢复。继续？/ erase this "
                      "person's data (records kept by law are pseudonymised)? This cannot be "
                      "undone.", abort=True)
    key = get_settings().pii_key
    progress = _Progress("删除 erasing", 3)

    async def work(db: Database) -> service.ErasureReport:
        node = await _tenant_of(db, node_code, resident_id, id_number, key)
        async with db.scoped(scope_for(node), write=True):
            subject = await service.find_subject(resident_id=resident_id, id_number=id_number,
                                                 pii_key=key)
            return await service.erase_person(get_registry(), subject, _actor(), reason=reason,
                                              on_step=progress)

    try:
        report = _run(work)
    finally:
        progress.close()
    if report.already_erased and not report.total:
        click.echo(f"居民 {report.resident_id} 此前已删除，无变化 / resident "
                   f"{report.resident_id} was erased before; nothing changed")
    for source, counts in report.counts.items():
        shown = ", ".join(f"{k}={v}" for k, v in counts.items())
        click.echo(f"{source}: {shown}")
    click.echo(f"已删除居民 {report.resident_id} 的个人信息（{report.tenant_code}）/ erased "
               f"resident {report.resident_id} at {report.tenant_code}")


def _who_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--node", "node_code",
                      help="街道/乡镇的12位代码（在多个街镇登记时必填）/ the tenant's code "
                           "(needed when the person is found at several)")(fn)
    fn = click.option("--id-number", help="身份证号 / the person's ID number")(fn)
    fn = click.option("--resident", "resident_id", type=IdParam("Resident"), callback=pk_only,
                      help="居民的全局ID或编号 / the resident's global id or integer id")(fn)
    return fn


def register(group: click.Group) -> None:
    person = click.Group("person", help="个人信息导出与删除（个人信息保护法）/ export or erase one "
                                        "person's data (PIPL)")
    group.add_command(person)

    @person.command("export", help="导出某人在核心与各已启用插件中的个人信息（JSON、.xlsx）/ "
                                   "export one person's data from core and every enabled plugin")
    @_who_options
    @click.option("--output", type=click.Path(dir_okay=False),
                  help="输出文件（不含扩展名亦可）/ output path (suffix optional)")
    @click.option("--format", "fmt", type=click.Choice(["json", "xlsx", "both"]),
                  default="both", show_default=True)
    @click.option("--reason", default="", help="事由（记入审计）/ why, for the audit trail")
    def export_cmd(resident_id: int | None, id_number: str | None, node_code: str | None,
                   output: str | None, fmt: str, reason: str) -> None:
        export_command(resident_id, id_number, node_code, output, fmt, reason)

    @person.command("erase", help="删除某人的个人信息，依法须保留的记录假名化；全部成功或全部不写入 / "
                                  "erase one person's data, pseudonymising records kept by law; "
                                  "all or nothing")
    @_who_options
    @click.option("--reason", default="", help="事由（记入审计）/ why, for the audit trail")
    @click.option("--yes", is_flag=True, help="不再确认 / do not ask")
    def erase_cmd(resident_id: int | None, id_number: str | None, node_code: str | None,
                  reason: str, yes: bool) -> None:
        erase_command(resident_id, id_number, node_code, reason, yes)
