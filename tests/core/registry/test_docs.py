"""Every hook in ``core/hookspecs.py`` has a section in ``plugins/README.md`` (the plugin
author's guide) with its signature."""

import inspect
import re
from pathlib import Path

import pytest

from core import hookspecs

GUIDE = Path(hookspecs.__file__).resolve().parents[1] / "plugins" / "README.md"


def hook_names() -> list[str]:
    return sorted(name for name, fn in vars(hookspecs).items()
                  if name.startswith("linli_") and callable(fn))


def sections() -> dict[str, str]:
    text = GUIDE.read_text(encoding="utf-8")
    parts = re.split(r"^## +(linli_\w+) *$", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_guide_exists_and_hooks_found() -> None:
    assert GUIDE.exists()
    assert len(hook_names()) >= 17


@pytest.mark.parametrize("hook", hook_names())
def test_hook_is_documented_with_its_signature(hook: str) -> None:
    section = sections().get(hook)
    assert section is not None, f"plugins/README.md has no '## {hook}' section"
    params = list(inspect.signature(getattr(hookspecs, hook)).parameters)
    match = re.search(rf"def {hook}\(([^)]*)\)", section)
    assert match, f"the '## {hook}' section shows no signature"
    documented = [p.split(":")[0].strip() for p in match.group(1).split(",") if p.strip()]
    assert documented == params, f"{hook}: guide shows {documented}, spec takes {params}"
    assert "@hookimpl" in section, f"the '## {hook}' section has no example"


def test_guide_documents_no_unknown_hook() -> None:
    unknown = set(sections()) - set(hook_names())
    assert not unknown, f"plugins/README.md documents hooks that do not exist: {unknown}"
