"""``linli audit chain | verify | export-head | purge``."""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from core.audit.chain import chain_all, check_exported, heads, tenants_with_entries, verify_tenant
from core.audit.retention import check_retention, purge_tenant
from core.cli_db import cli_database
from core.cli_errors import run_cli
from core.db import Database
from tenants.service import get_node_by_code
from tenants.tables import Node

__all__ = ["register"]

T = TypeVar("T")


def _run(work: Callable[[Database], Awaitable[T]]) -> T:
    async def main() -> T:
        async with cli_database() as db:
            return await work(db)

    return run_cli(main())


async def _tenant_ids(db: Database, code: str | None) -> list[int]:

    if code is None:
        return await tenants_with_entries(db)
    async with db.transaction(write=False):
        node = await get_node_by_code(code.strip())
    if node is None:
        raise click.ClickException(f"未找到区划代码 {code} / no node with code {code}")
    return [node.id]


async def _codes(db: Database) -> dict[int, str]:

    async with db.transaction(write=False):
        return {int(r["id"]): str(r["code"]) for r in await Node.select(Node.id, Node.code)}


@click.group(help="审计记录 / the audit trail")
def audit() -> None:
    pass


@audit.command("chain", help="为新记录编号并链接哈希 / number and hash-chain new entries")
def chain_cmd() -> None:

    count = _run(chain_all)
    click.echo(f"已链接 / chained: {count}")


@audit.command("verify", help="重新计算哈希链，发现篡改时退出码非零 / recompute the chains; "
                              "exits non-zero on tampering")
@click.option("--tenant", "code", default=None, help="只检查此区划代码 / only this node's code")
@click.option("--against", "exported", type=click.Path(exists=True, dir_okay=False),
              default=None, help="与导出的链头比对 / also compare with an exported head file")
def verify_cmd(code: str | None, exported: str | None) -> None:

    async def work(db: Database) -> list[str]:
        codes = await _codes(db)
        failures: list[str] = []
        for tenant_id in await _tenant_ids(db, code):
            report = await verify_tenant(db, tenant_id)
            label = codes.get(tenant_id, str(tenant_id))
            if report.ok:
                click.echo(f"{label}  ok  seq={report.last_seq}")
            else:
                failures.append(label)
                click.echo(f"{label}  BROKEN at seq {report.broken_seq}: {report.problem}")
        if exported:
            by_code = {c: i for i, c in codes.items()}
            for head in json.loads(Path(exported).read_text(encoding="utf-8")):
                if code is not None and head["code"] != code:
                    continue
                known = by_code.get(head["code"])
                problem = (f"区划 {head['code']} 不存在 / node {head['code']} is missing"
                           if known is None else
                           await check_exported(db, known, int(head["seq"]), head["hash"]))
                if problem:
                    failures.append(head["code"])
                    click.echo(f"{head['code']}  BROKEN at seq {head['seq']}: {problem}")
        return failures

    failures = _run(work)
    if failures:
        click.echo(f"发现篡改 / tampering detected: {', '.join(sorted(set(failures)))}", err=True)
        sys.exit(1)


@audit.command("export-head", help="导出各租户链头，妥善保存于数据库之外 / export each tenant's "
                                   "chain head for safekeeping outside the database")
@click.option("--output", type=click.Path(dir_okay=False), default=None,
              help="写入文件（默认标准输出）/ write to a file (default stdout)")
def export_head_cmd(output: str | None) -> None:

    async def work(db: Database) -> list[dict[str, Any]]:
        return [{k: h[k] for k in ("code", "seq", "hash", "at")} for h in await heads(db)]

    text = json.dumps(_run(work), ensure_ascii=False, indent=1) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"已写入 / written: {output}")
    else:
        click.echo(text, nl=False)


@audit.command("purge", help="删除超过保留期的记录（至少183天）/ delete entries past retention "
                             "(at least 183 days)")
@click.option("--older-than-days", type=int, required=True)
@click.option("--tenant", "code", default=None, help="只处理此区划代码 / only this node's code")
def purge_cmd(older_than_days: int, code: str | None) -> None:

    async def work(db: Database) -> int:
        check_retention(older_than_days)  # refused even where there is nothing to purge
        total = 0
        for tenant_id in await _tenant_ids(db, code):
            total += await purge_tenant(db, tenant_id, older_than_days=older_than_days)
        return total

    count = _run(work)
    click.echo(f"已删除 / deleted: {count}")


def register(group: click.Group) -> None:
    group.add_command(audit)
