"""``linli person export|erase`` in a subprocess on its own SQLite file (the CLI binds every
table to its own engine, which must not touch the test session's)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

DRIVER = '''
import asyncio, sys, click
from core.cli_db import cli_database
from core.privacy.cli import register
from core.people import places
from core.people.residents import apply_resident, make_resident_data
from core.settings import get_settings
from tenants.service import create_node, scope_for

async def setup(id_number):
    async with cli_database(create=True) as db:
        async with db.transaction():
            city = await create_node("city", "371500000000", "聊城市", None)
            district = await create_node("district", "371502000000", "东昌府区", city)
            street = await create_node("street", "371502001000", "新区街道", district)
        async with db.scoped(scope_for(street), write=True):
            community = await places.new_community("御苑社区")
            grid = await places.new_grid(community, "第1网格")
            building, _ = await places.ensure_building(community, "3号楼", grid=grid)
            household, _ = await places.ensure_household(building, "101")
            data = make_resident_data(name="李建国", id_number=id_number, household=household,
                                      relation="户主", phone="13800001111", tags=["党员"])
            rec, _ = await apply_resident(data, get_settings().pii_key)
        print(rec.id)

group = click.Group("linli")
register(group)
if sys.argv[1] == "setup":
    asyncio.run(setup(sys.argv[2]))
else:
    group(sys.argv[1:])
'''


def run(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LINLI_DATABASE_URL": f"sqlite:///{tmp}/cli.sqlite3",
           "LINLI_VAR_DIR": str(tmp), "LINLI_ENV": "development"}
    env.pop("LINLI_PII_KEY", None)
    driver = tmp / "driver.py"
    driver.write_text(DRIVER)
    return subprocess.run([sys.executable, str(driver), *args], capture_output=True, text=True,
                          check=False, env=env, cwd=tmp, timeout=120)


def test_cli_export_and_erase(tmp_path, new_id):
    id_number = new_id()
    done = run(tmp_path, "setup", id_number)
    assert done.returncode == 0, done.stderr
    resident_id = done.stdout.strip().splitlines()[-1]

    done = run(tmp_path, "person", "export", "--id-number", id_number,
               "--output", str(tmp_path / "out" / "li"))
    assert done.returncode == 2 and "no such folder" in done.stderr, done.stderr
    (tmp_path / "out").mkdir()
    done = run(tmp_path, "person", "export", "--id-number", id_number,
               "--output", str(tmp_path / "out" / "li"), "--reason", "本人申请")
    assert done.returncode == 0, done.stderr
    assert f"export written: {tmp_path / 'out' / 'li.json'}" in done.stdout
    assert f"export written: {tmp_path / 'out' / 'li.xlsx'}" in done.stdout
    assert "导出 exporting" in done.stderr  # the progress bar
    data = json.loads((tmp_path / "out" / "li.json").read_text(encoding="utf-8"))
    assert data["tenant"] == "371502001000"
    assert data["sources"]["core"]["resident"][0]["id_number"] == id_number
    assert data["sources"]["core"]["resident"][0]["phone"] == "13800001111"
    assert load_workbook(tmp_path / "out" / "li.xlsx").sheetnames == ["core"]

    done = run(tmp_path, "person", "erase", "--resident", resident_id, "--node", "371502001000")
    assert done.returncode != 0 and "Aborted" in done.stderr  # asks first; no answer: no
    done = run(tmp_path, "person", "erase", "--resident", resident_id, "--yes")
    assert done.returncode == 0, done.stderr
    assert "core: resident_pseudonymised=1, tags_deleted=1" in done.stdout
    assert f"erased resident {resident_id} at 371502001000" in done.stdout

    done = run(tmp_path, "person", "export", "--id-number", id_number, "--format", "json")
    assert done.returncode == 1 and "resident not found" in done.stderr
    done = run(tmp_path, "person", "erase", "--resident", resident_id, "--node", "371502001000",
               "--yes")
    assert done.returncode == 0, done.stderr
    assert "nothing changed" in done.stdout
    done = run(tmp_path, "person", "erase", "--resident", resident_id, "--id-number", id_number)
    assert done.returncode == 2 and "not both" in done.stderr
    done = run(tmp_path, "person", "export", "--resident", resident_id, "--node", "371502000000")
    assert done.returncode == 1 and "is a region" in done.stderr
