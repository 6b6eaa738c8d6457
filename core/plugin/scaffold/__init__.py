"""``linli plugin new NAME``: write a new plugin as its own pip-installable package.

The templates (``template/``, package data) are ``string.Template`` files ending ``.tmpl``; a
path part ``__name__`` becomes the plugin's name. What they write is a working plugin — one
scoped table with its PostgreSQL migration, a connection query, a mutation through
``run_mutation``, an event it emits, a cron job, a rule key and tests (the query, the mutation,
the event, the job, the rule and an isolation probe) — importing from Linli only ``core.plugin``
(and ``core.testing`` in tests). ``tests/core/plugin/test_scaffold.py`` installs one into a
fresh virtualenv and runs its tests.
"""

from __future__ import annotations

import keyword
import re
from datetime import UTC, datetime
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from string import Template

__all__ = ["TEMPLATE", "ScaffoldError", "check_name", "new_plugin", "template_values"]

TEMPLATE = Path(__file__).parent / "template"
"""The template tree (package data of the linli distribution)."""

_NAME = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class ScaffoldError(ValueError):
    """The plugin cannot be written (bad or clashing name, destination not empty)."""


def installed_plugins() -> set[str]:
    """Names of the plugins installed in this environment (``linli.plugins`` entry points)."""
    return {ep.name for ep in metadata.entry_points(group="linli.plugins")}


def check_name(name: str) -> None:
    """A plugin name is a lowercase Python identifier (2–40 characters, ``a-z0-9_``, starting
    with a letter, not ending in ``_``, not a keyword) that no installed plugin and no
    importable module already uses."""
    if not _NAME.match(name) or name.endswith("_") or "__" in name or keyword.iskeyword(name):
        raise ScaffoldError(
            f"插件名 {name!r} 无效：须为 2–40 个小写字母、数字或下划线，以字母开头 / invalid "
            f"plugin name {name!r}: 2-40 lowercase letters, digits or underscores, starting "
            "with a letter (a Python identifier, e.g. parcel_lockers)")
    if name in installed_plugins():
        raise ScaffoldError(f"已安装同名插件 {name} / a plugin named {name} is already installed")
    if name in {"core", "tenants", "plugins", "tests"} or find_spec(name) is not None:
        raise ScaffoldError(f"名称 {name} 与已有的 Python 模块冲突 / the name {name} clashes "
                            "with an importable Python module")


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def template_values(name: str, now: datetime | None = None) -> dict[str, str]:
    """What ``$name``-style placeholders in the templates stand for."""
    now = now or datetime.now(UTC)
    camel = _camel(name)
    try:
        piccolo = metadata.version("piccolo")
    except metadata.PackageNotFoundError:  # pragma: no cover - piccolo is a dependency
        piccolo = "1.0.0"
    return {
        "name": name,
        "Camel": camel,
        "camel": camel[0].lower() + camel[1:],
        "dashed": name.replace("_", "-"),
        "dist": "linli-" + name.replace("_", "-"),
        "core_versions": ">=0.1",
        "migration_id": now.strftime("%Y-%m-%dT%H:%M:%S:%f"),
        "migration_stamp": now.strftime("%Y_%m_%dt%H_%M_%S_%f"),
        "piccolo_version": piccolo,
    }


def _target(relative: Path, values: dict[str, str]) -> Path:
    parts = [values["name"] if p == "__name__" else p.replace("__name__", values["name"])
             for p in relative.parts]
    out = Path(*parts)
    out = out.with_name(out.name.removesuffix(".tmpl"))
    if out.parent.name == "piccolo_migrations" and out.name == "migration.py":
        out = out.with_name(f"{values['name']}_{values['migration_stamp']}.py")
    return out


def new_plugin(name: str, directory: Path | str = ".") -> Path:
    """Write plugin ``name`` as a project in ``directory/name`` (which must not exist or be
    empty); returns the project's path."""
    check_name(name)
    project = Path(directory) / name
    if project.exists() and any(project.iterdir()):
        raise ScaffoldError(f"目录 {project} 已存在且非空 / {project} exists and is not empty")
    values = template_values(name)
    for source in sorted(TEMPLATE.rglob("*.tmpl")):
        text = Template(source.read_text(encoding="utf-8")).substitute(values)
        target = project / _target(source.relative_to(TEMPLATE), values)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return project
