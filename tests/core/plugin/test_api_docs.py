"""Every name the plugin API exports is documented in ``plugins/README.md`` ("The plugin API"),
with a line saying what it is; the section names nothing the API does not export; ``__all__``
is sorted (ruff's isort-style order) and every name in it exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import core.plugin

GUIDE = Path(core.plugin.__file__).resolve().parents[2] / "plugins" / "README.md"
HEADING = "## The plugin API"


def api_section() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    assert HEADING in text, f"plugins/README.md has no '{HEADING}' section"
    section = text.split(HEADING, 1)[1]
    return re.split(r"^# ", section, maxsplit=1, flags=re.MULTILINE)[0]


def documented() -> dict[str, str]:
    """``name`` → its description, from the section's table rows ``| `name` | text |``."""
    out: dict[str, str] = {}
    for line in api_section().splitlines():
        match = re.match(r"^\|\s*((?:`[A-Za-z_]\w*`(?:,\s*)?)+)\s*\|\s*(.*?)\s*\|?\s*$", line)
        if match:
            for name in re.findall(r"`([A-Za-z_]\w*)`", match.group(1)):
                out[name] = match.group(2)
    return out


def isort_key(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_resolves() -> None:
    names = list(core.plugin.__all__)
    assert names == sorted(names, key=isort_key)
    assert len(set(names)) == len(names)
    for name in names:
        assert hasattr(core.plugin, name), name


@pytest.mark.parametrize("name", core.plugin.__all__)
def test_exported_name_is_documented(name: str) -> None:
    text = documented().get(name)
    assert text is not None, f"core.plugin.{name} is not documented in plugins/README.md"
    assert len(text) >= 10, f"core.plugin.{name}: the guide says too little ({text!r})"


def test_guide_documents_nothing_the_api_lacks() -> None:
    extra = set(documented()) - set(core.plugin.__all__)
    assert not extra, f"plugins/README.md documents names core.plugin does not export: {extra}"
