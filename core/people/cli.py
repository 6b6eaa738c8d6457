"""``linli import residents FILE.xlsx --tenant CODE [--template] [--errors FILE]`` and
``linli export residents --tenant CODE --output FILE.xlsx``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import click

from core.cli_db import cli_database
from core.cli_errors import run_cli
from core.db import Database
from core.people.excel import (
    export_residents,
    import_residents,
    write_template,
)
from core.settings import get_settings
from tenants.service import NodeInfo, get_node_by_code

__all__ = ["register"]

T = TypeVar("T")


async def _tenant(db: Database, code: str) -> NodeInfo:
    async with db.transaction(write=False):
        node = await get_node_by_code(code.strip())
    if node is None:
        raise click.ClickException(f"未找到节点 {code} / no node with code {code}")
    if node.is_region:
        raise click.ClickException(f"{code} 是区域，居民属于街道或乡镇 / {code} is a region; "
                                   "residents belong to a street office or town")
    return node


def _run(work: Callable[[Database], Awaitable[T]]) -> T:
    async def main() -> T:
        async with cli_database() as db:
            return await work(db)

    return run_cli(main())


def _group(parent: click.Group, name: str, help_text: str) -> click.Group:
    existing = parent.commands.get(name)
    if isinstance(existing, click.Group):
        return existing
    group = click.Group(name, help=help_text)
    parent.add_command(group)
    return group


def import_command(file: str, tenant: str | None, template: bool, errors: str | None) -> None:
    if template:
        write_template(file)
        click.echo(f"已写入模板 / template written: {file}")
        return
    if not tenant:
        raise click.UsageError("需要 --tenant / --tenant is required")

    key = get_settings().pii_key

    async def work(db: Database) -> int:
        node = await _tenant(db, tenant)
        report = await import_residents(db, node, Path(file), None, pii_key=key, progress=True)
        for err in report.errors:
            click.echo(str(err), err=True)
        if errors and report.errors:
            report.write_errors(errors)
            click.echo(f"错误报告 / error report: {errors}", err=True)
        click.echo(report.summary(), err=not report.ok)
        return 0 if report.ok else 1

    code = _run(work)
    if code:
        raise SystemExit(code)


def export_command(tenant: str, output: str, full: bool = False,
                   reason: str | None = None) -> None:

    if full and not (reason or "").strip():
        raise click.UsageError("--full 需要 --reason / --full needs --reason")
    key = get_settings().pii_key

    async def work(db: Database) -> int:
        node = await _tenant(db, tenant)
        return await export_residents(db, node, output, None, pii_key=key, full=full,
                                      reason=reason)

    count = _run(work)
    what = ("含完整个人信息 / with FULL personal data" if full
            else "个人信息已脱敏 / personal data masked")
    click.echo(f"已导出 {count} 名居民（{what}）/ exported {count} residents: {output}")


def register(group: click.Group) -> None:
    imports = _group(group, "import", "导入数据 / import data")
    exports = _group(group, "export", "导出数据 / export data")

    @imports.command("residents", help="从 Excel 导入居民（全部成功或全部不写入）/ import residents "
                                        "from .xlsx, all or nothing")
    @click.argument("file", type=click.Path(dir_okay=False))
    @click.option("--tenant", help="街道/乡镇的12位代码 / the tenant's 12-digit code")
    @click.option("--template", is_flag=True, help="写出空白模板到 FILE / write an empty sheet")
    @click.option("--errors", type=click.Path(dir_okay=False),
                  help="把错误报告写入该文件（.xlsx 或 .csv）/ write the error report here")
    def import_residents_cmd(file: str, tenant: str | None, template: bool,
                             errors: str | None) -> None:
        import_command(file, tenant, template, errors)

    @exports.command("residents", help="导出居民到 Excel / export residents to .xlsx")
    @click.option("--tenant", required=True, help="街道/乡镇的12位代码 / the tenant's code")
    @click.option("--output", required=True, type=click.Path(dir_okay=False))
    @click.option("--full", is_flag=True,
                  help="写出完整身份证号、手机号、出生日期（可再导入；需 --reason，记入审计）/ write "
                       "full values (re-importable; needs --reason; audited)")
    @click.option("--reason", default=None, help="导出完整信息的理由 / why full values are needed")
    def export_residents_cmd(tenant: str, output: str, full: bool, reason: str | None) -> None:
        export_command(tenant, output, full, reason)
