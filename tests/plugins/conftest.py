"""Fixtures shared by the plugins' tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

import pytest

from core.plugin import RuleKey
from tenants.service import scope_for


@pytest.fixture
def seeded_rules(linli_env: Any) -> Callable[..., Any]:
    """``await seeded_rules(node, RULES, SINCE, on)`` → ``{key: Resolved}``: every key as it
    resolves at ``node`` on ``on``, checked to come from the row ``seed_rules`` wrote on
    enablement (a real version ≥ 1, in force from ``SINCE[key]``)."""

    async def resolve(node: Any, keys: Iterable[RuleKey], since: Mapping[str, date],
                      on: date) -> dict[str, Any]:
        rules = linli_env.state.services.rules
        async with linli_env.state.db.scoped(scope_for(node)):
            got = {k.key: await rules.get(k.key, node, on) for k in keys}
        for key, resolved in got.items():
            assert resolved.version >= 1, key
            assert resolved.effective_from == since[key], key
        return got

    return resolve
