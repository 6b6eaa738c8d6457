"""``linli plugin new``: a plugin generated outside the repository, installed into its own
virtualenv as its own package, passes its own tests against Linli (SQLite), unchanged; it keeps
to the plugin boundary; bad names are refused with a clear message.

The virtualenv is made from the running interpreter without pip and sees this environment's
packages (linli's dependencies) through a ``.pth`` file; Linli's code comes first on
``PYTHONPATH``, as in every test run. The plugin is installed the way an editable install lays
it out — a ``.pth`` naming the project and a ``dist-info`` with its metadata and the entry points
of its ``pyproject.toml`` — because an offline ``pip install -e`` needs a ``wheel``-capable
setuptools that the environment may lack.
"""

from __future__ import annotations

import re

import os
import subprocess
import sys
import sysconfig
import time
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import core
from core.cli import main
from core.plugin.scaffold import ScaffoldError, check_name, new_plugin
from core.testing.boundary import boundary_violations

ROOT = Path(core.__file__).resolve().parents[1]
NAME = "parcel_lockers"


def make_venv(where: Path) -> Path:
    """A virtualenv (no pip) that sees the running interpreter's packages; its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True,
                   timeout=60)
    site_packages = next(where.glob("lib/python*/site-packages"))
    parents = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site_packages / "linli_parent_env.pth").write_text(
        "".join(f"import site; site.addsitedir({p!r})\n" for p in parents), encoding="utf-8")
    return where / "bin" / "python"


def install_editable(python: Path, project: Path) -> None:
    """Install ``project`` into ``python``'s environment as an editable install lays it out:
    ``<dist>.pth`` naming the project root, and ``<dist>-<version>.dist-info`` with METADATA,
    the ``[project.entry-points]`` of its pyproject, INSTALLER and RECORD."""
    meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dist = meta["name"].replace("-", "_")
    site_packages = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True, timeout=60).stdout.strip())
    info = site_packages / f"{dist}-{meta['version']}.dist-info"
    info.mkdir()
    files = {
        "METADATA": f"Metadata-Version: 2.1\nName: {meta['name']}\nVersion: {meta['version']}\n"
                    + "".join(f"Requires-Dist: {d}\n" for d in meta.get("dependencies", [])),
        "entry_points.txt": "".join(
            f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in points.items()) + "\n"
            for group, points in meta.get("entry-points", {}).items()),
        "INSTALLER": "linli-test\n",
    }
    for name, text in files.items():
        (info / name).write_text(text, encoding="utf-8")
    (site_packages / f"__editable__.{dist}.pth").write_text(f"{project}\n", encoding="utf-8")
    (info / "RECORD").write_text("".join(f"{info.name}/{n},,\n" for n in [*files, "RECORD"])
                                 + f"__editable__.{dist}.pth,,\n", encoding="utf-8")


@pytest.mark.sqlite_only
def test_a_generated_plugin_installs_and_passes_its_own_tests(tmp_path: Path) -> None:
    started = time.monotonic()
    project = new_plugin(NAME, tmp_path / "src")
    assert (project / "pyproject.toml").is_file()
    migrations = list((project / NAME / "piccolo_migrations").glob(f"{NAME}_*.py"))
    assert len(migrations) == 1
    assert boundary_violations(project / NAME, project / "tests") == []

    python = make_venv(tmp_path / "venv")
    install_editable(python, project)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LINLI_TEST_ENGINE": "sqlite",
           "LINLI_TEST_REDIS_URL": ""}
    loaded = subprocess.run(
        [str(python), "-c", "from importlib.metadata import entry_points; "
         "print(sorted(e.value for e in entry_points(group='linli.plugins')))"],
        env=env, capture_output=True, text=True, timeout=60, check=True)
    assert f"{NAME}.hooks" in loaded.stdout

    run = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                         cwd=project, env=env, capture_output=True, text=True, timeout=300)
    tail = (run.stdout + run.stderr)[-4000:]
    assert run.returncode == 0, tail
    assert "10 passed" in run.stdout, tail
    assert time.monotonic() - started < 240, "the scaffold round trip got slow"


@pytest.mark.parametrize("name, why", [
    ("Parcel", "invalid plugin name"),
    ("parcel-lockers", "invalid plugin name"),
    ("1parcel", "invalid plugin name"),
    ("class", "invalid plugin name"),
    ("p", "invalid plugin name"),
    ("building_heads", "already installed"),
    ("json", "clashes with an importable Python module"),
])
def test_bad_names_are_refused_clearly(name: str, why: str) -> None:
    with pytest.raises(ScaffoldError, match=why):
        check_name(name)


def test_the_cli_writes_the_plugin_and_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(main, ["plugin", "new", "bike_sheds", "--dir", str(tmp_path)])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "bike_sheds" / "bike_sheds" / "hooks.py").is_file()
    assert "pip install -e" in done.output
    again = runner.invoke(main, ["plugin", "new", "bike_sheds", "--dir", str(tmp_path)])
    assert again.exit_code != 0 and "not empty" in again.output
    bad = runner.invoke(main, ["plugin", "new", "Bike", "--dir", str(tmp_path)])
    assert bad.exit_code != 0 and "invalid plugin name" in bad.output


def test_every_template_placeholder_is_filled(tmp_path: Path) -> None:
    project = new_plugin("bike_sheds", tmp_path)
    for path in project.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".js":  # JavaScript's own ${…}; no template placeholder is left
                assert not re.search(r"\$\{?(name|Camel|camel|dashed|dist)\b", text), path
            else:
                assert "${" not in text, path
            assert "__name__/" not in str(path), path
    assert not list(project.rglob("*.tmpl"))
