"""``linli import residents`` / ``linli export residents`` in a subprocess on its own SQLite file
(the CLI binds every table to its own engine, which must not touch the test session's)."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook

from core.people.excel import HEADERS, TEMPLATE_HEADERS

DRIVER = '''
import asyncio, sys, click
from core.cli_db import cli_database
from core.people.cli import register
from tenants.service import create_node

async def setup():
    async with cli_database(create=True) as db:
        async with db.transaction():
            city = await create_node("city", "371500000000", "聊城市", None)
            district = await create_node("district", "371502000000", "东昌府区", city)
            await create_node("street", "371502001000", "新区街道", district)

group = click.Group("linli")
register(group)
if sys.argv[1] == "setup":
    asyncio.run(setup())
else:
    group(sys.argv[1:])
'''


def run(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LINLI_DATABASE_URL": f"sqlite:///{tmp}/cli.sqlite3",
           "LINLI_VAR_DIR": str(tmp), "LINLI_ENV": "development"}
    env.pop("LINLI_PII_KEY", None)
    driver = tmp / "driver.py"
    driver.write_text(DRIVER)
    return subprocess.run([sys.executable, str(driver), *args], capture_output=True, text=True, check=False,
                          env=env, cwd=Path(__file__).resolve().parents[3], timeout=120)


def _sheet(path: Path, rows) -> None:
    wb = Workbook()
    wb.active.append(list(HEADERS))
    for r in rows:
        wb.active.append(list(r))
    wb.save(path)


def test_cli_import_export(tmp_path, new_id):
    template = tmp_path / "t.xlsx"
    done = run(tmp_path, "import", "residents", str(template), "--template")
    assert done.returncode == 0, done.stderr
    assert next(load_workbook(template).active.iter_rows(values_only=True)) == TEMPLATE_HEADERS
    assert run(tmp_path, "setup").returncode == 0

    good = tmp_path / "good.xlsx"
    _sheet(good, [("李建国", "男", "1956-02-03", new_id(birth=date(1956, 2, 3)), "13800001111",
                   "御苑社区", "", "3号楼", "", "101", "户主", "党员")])
    done = run(tmp_path, "import", "residents", str(good), "--tenant", "371502001000")
    assert done.returncode == 0, done.stderr
    assert "1 created" in done.stdout

    bad = tmp_path / "bad.xlsx"
    _sheet(bad, [("王", "男", "", "110105194912310010", "", "御苑社区", "", "1号楼", "", "", "", "")])
    report = tmp_path / "errors.csv"
    done = run(tmp_path, "import", "residents", str(bad), "--tenant", "371502001000",
               "--errors", str(report))
    assert done.returncode == 1
    assert "第2行 [身份证号]" in done.stderr and "Traceback" not in done.stderr
    assert "身份证号" in report.read_text(encoding="utf-8-sig")

    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"this is not excel")
    done = run(tmp_path, "import", "residents", str(broken), "--tenant", "371502001000")
    assert done.returncode != 0
    assert "not a valid .xlsx" in done.stderr and "Traceback" not in done.stderr

    out = tmp_path / "out.xlsx"
    done = run(tmp_path, "export", "residents", "--tenant", "371502001000", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert "masked" in done.stdout
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[1][0] == "李建国" and rows[1][5] == "御苑社区"
    assert rows[1][2] == "1956" and rows[1][3].count("*") == 15 and rows[1][4] == "138******11"
    refused = run(tmp_path, "export", "residents", "--tenant", "371502001000", "--output",
                  str(out), "--full")
    assert refused.returncode != 0 and "--reason" in refused.stderr
    done = run(tmp_path, "export", "residents", "--tenant", "371502001000", "--output",
               str(out), "--full", "--reason", "区里换届核对")
    assert done.returncode == 0 and "FULL" in done.stdout, done.stderr
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[1][2] == "1956-02-03" and "*" not in rows[1][3] and rows[1][4] == "13800001111"
