"""The console works from an installed wheel, not only from a checkout: ``pip wheel --no-deps``
builds the package from a copy of the sources, and every file the console serves — the shell and
core's pages, the vendored libraries, core's operation documents and every plugin's ``console/``
folder — is inside it. Then, with the unpacked wheel first on ``sys.path`` and the checkout out
of reach, ``core.console`` reads its operation documents through ``importlib.resources``.

The build takes about 25 s (pip builds in an isolated environment with the ``setuptools`` that
``pyproject.toml`` asks for).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SERVED = {".js", ".mjs", ".css", ".graphql", ".json", ".svg", ".png", ".txt"}


def _console_files() -> set[str]:
    """What the console serves, as paths inside the package (``core/console/…``,
    ``plugins/<name>/console/…``)."""
    found: set[str] = set()
    folders = [ROOT / "core" / "console" / d for d in ("static", "vendor", "operations")]
    folders += sorted((ROOT / "plugins").glob("*/console"))
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in SERVED and "__pycache__" not in path.parts:
                found.add(path.relative_to(ROOT).as_posix())
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", "var", "build", "*.egg-info", "__pycache__", "tests", ".venv", ".mypy_cache"))
    out = tmp / "dist"
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                           str(out), str(source)], check=False, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    (built,) = out.glob("linli-*.whl")
    return built


def test_every_console_file_is_in_the_wheel(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = _console_files()
    assert {"core/console/operations/session.graphql", "core/console/static/shell.js",
            "core/console/vendor/manifest.json"} <= wanted
    assert any(p.startswith("plugins/building_heads/console/") for p in wanted)
    missing = sorted(wanted - names)
    assert not missing, f"not in {wheel.name}: {missing}"


def test_the_unpacked_wheel_serves_its_own_operation_documents(wheel: Path,
                                                               tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(site)!r})\n"
        "import core.console, core.console.web as web\n"
        "print(json.dumps({'file': core.console.__file__,\n"
        "  'docs': {k: v.decode() for k, v in web.operation_documents().items()}}))\n")
    # from an empty folder: neither the checkout nor its editable install comes first
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", probe], check=False, cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["file"].startswith(str(site)), seen["file"]
    checkout = {p.name: p.read_text(encoding="utf-8")
                for p in (ROOT / "core" / "console" / "operations").glob("*.graphql")}
    assert seen["docs"] == checkout
    assert "mutation ConsoleLogin" in seen["docs"]["session.graphql"]
