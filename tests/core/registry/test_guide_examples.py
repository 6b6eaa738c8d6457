"""The plugin guide's examples stay true: every ``from core…``/``from tenants…`` import in a
Python block of ``plugins/README.md`` names something that exists, and the event-type, rule and
audit examples build the real declarations."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[3] / "plugins" / "README.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


def test_every_core_import_in_the_guide_exists():
    checked = 0
    for block in _blocks():
        for line in block.splitlines():
            line = line.split("#")[0].strip()
            if not line.startswith("from ") or " import " not in line:
                continue
            module, names = line[5:].split(" import ", 1)
            if not module.startswith(("core", "tenants")):
                continue
            mod = importlib.import_module(module)
            for name in names.strip("() ").split(","):
                name = name.strip().split(" as ")[0]
                if name:
                    assert hasattr(mod, name), f"guide imports {name} from {module}: missing"
                    checked += 1
    assert checked >= 10


def test_the_declaration_examples_build_real_declarations():
    from core.events.types import EventType
    from core.rules.service import RuleKey

    wanted = {"linli_event_types": EventType, "linli_rules": RuleKey}
    found: dict[str, object] = {}
    for block in _blocks():
        if "MEAL_SERVED = EventType" in block or "RULES = [RuleKey" in block:
            namespace: dict[str, object] = {}
            ast.parse(block)
            exec(compile(block, str(GUIDE), "exec"), namespace)  # noqa: S102 - our own guide
            for hook, cls in wanted.items():
                if hook in namespace:
                    [decl] = namespace[hook]()  # type: ignore[operator]
                    assert isinstance(decl, cls)
                    found[hook] = decl
    assert set(found) == set(wanted)
    assert found["linli_event_types"].name == "canteen.meal_served"  # type: ignore[attr-defined]


def test_the_audit_example_declares_its_action():
    block = next(b for b in _blocks() if "audit_actions=" in b and "record(" in b)
    namespace: dict[str, object] = {}
    exec(compile(block, str(GUIDE), "exec"), namespace)  # noqa: S102
    meta = namespace["META"]
    assert "canteen.meal.serve" in meta.audit_actions  # type: ignore[attr-defined]
