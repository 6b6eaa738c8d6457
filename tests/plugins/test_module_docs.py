"""Module docs point to files that exist: every relative link in a plugin's README resolves, and
the README names every example operation file of the plugin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
READMES = sorted(ROOT.glob("plugins/*/README.md"))
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.parent.name)
def test_relative_links_resolve(readme: Path) -> None:
    text = readme.read_text(encoding="utf-8")
    missing = [target for target in LINK.findall(text)
               if "://" not in target and not (readme.parent / target).exists()]
    assert not missing, f"{readme}: links to missing files {missing}"


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.parent.name)
def test_every_example_operation_file_is_listed(readme: Path) -> None:
    examples = ROOT / "graphql" / "operations" / readme.parent.name
    if not examples.is_dir():
        pytest.skip("no example operations")
    text = readme.read_text(encoding="utf-8")
    unlisted = [f.name for f in sorted(examples.glob("*.graphql")) if f"`{f.name}`" not in text]
    assert not unlisted, f"{readme} does not list {unlisted}"
