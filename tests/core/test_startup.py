"""Start-up (core.startup): fewer garbage collections while the process builds its app, the
thresholds back once the state starts (young collections rarer while serving), and what only
some commands use left unimported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from core.startup import SERVING_YOUNG

# A fresh process: this one imported everything long ago.
SCRIPT = r"""
import gc, json, sys
default = gc.get_threshold()
import core
raised = gc.get_threshold()
import core.cli  # linli serve's way in (core.migrate imports piccolo's conf.apps)
from core.app import create_app
from core.registry import get_registry
create_app(registry=get_registry())
unused = sorted(m for m in ("black", "fakeredis") if m in sys.modules)
while_starting = gc.get_threshold()
from core.state import settle_heap
settle_heap()
after = gc.get_threshold()
import piccolo.conf.apps as apps  # its black still works, imported on first use
formatted = apps.black.format_str("x=1", mode=apps.black.FileMode(line_length=80))
real = type(sys.modules["black"]) is type(gc) and sys.modules["black"].format_str is not None
print(json.dumps({"default": default, "raised": raised, "while_starting": while_starting,
                  "after": after, "unused": unused, "formatted": formatted, "real": real}))
"""


def test_startup_collects_less_and_leaves_black_and_fakeredis_alone(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_")}
    env.update(LINLI_ENV="development", LINLI_VAR_DIR=str(tmp_path),
               LINLI_DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3")
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                         text=True, cwd=tmp_path, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["raised"] == [50_000, 50, got["default"][2]]
    assert got["while_starting"] == got["raised"]
    # back, but a young collection no more often than every SERVING_YOUNG allocations
    assert got["after"] == [max(got["default"][0], SERVING_YOUNG), *got["default"][1:]]
    # serving needs neither: black formats migrations, fakeredis is the Redis-less job queue
    assert got["unused"] == []
    assert got["formatted"] == "x = 1\n" and got["real"]
