"""Rules as data: versioned per-node values with effective dates, inherited down the tree.

Plugins declare :class:`RuleKey` objects through ``linli_rules`` (keys prefixed with the plugin's
name); core declares its own in :data:`CORE_RULES`. A value is a row owned by a node (a region or
a tenant) with an ``effective_from`` date; rows are never edited, a change is a new row, and a
new row may not take effect in the past (what a computation read stays what it read).

``get(key, node, on=date)`` answers the value in force and its *version* (the row id, or 0 for
the declared default). A computation stores that version next to its result, and
:meth:`RuleRegistry.at_version` answers the value it used, however the rule changed since::

    rule = await rules.get("canteen.subsidy_per_meal", tenant)
    bill.subsidy, bill.subsidy_rule_version = rule.value * meals, rule.version

Resolution: among the rows of the node and its ancestors effective on that date (the latest row
per node), a region's *locked* value wins over everything below it (the topmost lock); otherwise
the deepest node's row wins; with no row the declared default applies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Protocol

from piccolo.columns import BigInt, Boolean, Date, Text, Timestamptz, Varchar

from core.clock import today_shanghai
from core.db import ScopedTable
from core.errors import ApiError, ErrorCode
from core.host import Host

__all__ = [
    "CORE_RULES",
    "Resolved",
    "RuleKey",
    "RuleRegistry",
    "RuleValue",
    "install",
    "today_shanghai",
]

_TYPES: dict[str, tuple[type[Any], ...]] = {"int": (int,), "float": (int, float), "str": (str,),
                                       "bool": (bool,), "json": (dict, list), "date": (str,)}
_NUMERIC = ("int", "float")
_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


class _Node(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def path(self) -> str: ...

    @property
    def is_region(self) -> bool: ...


@dataclass(frozen=True)
class RuleKey:
    """规则项 A rule a plugin owns, e.g. ``building_heads.max_age`` (int, default 65)."""

    key: str
    type: str
    """``int``, ``float``, ``str``, ``bool``, ``json`` (object or array) or ``date`` (ISO)."""
    default: Any
    description_zh: str
    description_en: str
    minimum: float | None = None
    maximum: float | None = None
    validate: Callable[[Any], str | None] | None = None
    """Extra check returning an error text (``中文 / English``) or None."""

    def _bad(self, zh: str, en: str) -> ApiError:
        return ApiError.invalid("value", f"{self.key} {zh}", f"{self.key} {en}")

    def check(self, value: Any) -> Any:
        """``value`` if it is valid for this key, else INVALID_ARGUMENT on ``value``."""
        kinds = _TYPES[self.type]
        if isinstance(value, bool) and self.type != "bool" or not isinstance(value, kinds):
            raise self._bad(f"的值必须是 {self.type}", f"must be a {self.type}")
        if self.type == "date":
            try:
                if len(value) != 10:
                    raise ValueError(value)
                date.fromisoformat(value)
            except ValueError as exc:
                raise self._bad("必须是日期 YYYY-MM-DD", "must be a date YYYY-MM-DD") from exc
        if self.minimum is not None and value < self.minimum:
            raise self._bad(f"不能小于 {self.minimum}", f"must be at least {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise self._bad(f"不能大于 {self.maximum}", f"must be at most {self.maximum}")
        if self.validate is not None:
            problem = self.validate(value)
            if problem:
                zh, _, en = problem.partition(" / ")
                raise ApiError.invalid("value", zh, en or zh)
        return value

    def check_declaration(self) -> None:
        """A malformed declaration is a programming error (raised when the registry loads)."""
        if not _KEY.match(self.key) or len(self.key) > 100:
            raise ValueError(f"rule key {self.key!r} must look like 'plugin.name' (a-z, 0-9, _)")
        if self.type not in _TYPES:
            raise ValueError(f"rule {self.key}: unknown type {self.type!r}")
        if (self.minimum is not None or self.maximum is not None) and self.type not in _NUMERIC:
            raise ValueError(f"rule {self.key}: minimum/maximum need a numeric type")
        try:
            self.check(self.default)
        except ApiError as exc:
            raise ValueError(f"rule {self.key}: invalid default ({exc.en})") from exc


CORE_RULES: tuple[RuleKey, ...] = (
    RuleKey("notify.delivery_attempts", "int", 8,
            "通知经外部渠道（短信、微信等）投递的最多尝试次数，超过后停止重试",
            "attempts to deliver a notification through an outside channel (SMS, WeChat, …) "
            "before giving up", minimum=1, maximum=50),
)
"""Rule keys core itself reads."""


class RuleValue(ScopedTable, tablename="linli_rule_value"):
    """规则值 One value of a rule key at a node from a date on. Shared downward: the tenants below
    a region read its values (and inherit them); only the region's staff write them."""

    shared_downward = True

    key = Varchar(length=100, null=False)
    value = Text(null=False)
    """The value as JSON."""
    effective_from = Date(null=False)
    locked = Boolean(default=False)
    created_by = BigInt(null=True, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "key", "id")]


@dataclass(frozen=True)
class Resolved:
    """The value in force, its version (row id; 0 = declared default) and where it came from.

    Store ``version`` with anything computed from ``value``; :meth:`RuleRegistry.at_version`
    answers the value of a stored version later."""

    key: str
    value: Any
    version: int
    source_node_id: int | None
    """The node whose row is in force (``None``: the declared default)."""
    effective_from: date | None
    locked: bool

    @property
    def is_default(self) -> bool:
        return self.version == 0


def _path_ids(node: _Node) -> list[int]:
    return [int(p) for p in node.path.strip("/").split("/") if p]


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _choose(rows: Sequence[dict[str, Any]], path: list[int]) -> dict[str, Any] | None:
    """The row in force among ``rows`` (one key, effective on the date, ordered oldest first):
    the topmost locked latest row, else the deepest node's latest row."""
    latest: dict[int, dict[str, Any]] = {}
    for row in rows:
        latest[int(row["tenant_id"])] = row
    for nid in path:
        found = latest.get(nid)
        if found is not None and found["locked"]:
            return found
    for nid in reversed(path):
        if nid in latest:
            return latest[nid]
    return None


class RuleRegistry:
    """Every declared key (from the plugins' ``linli_rules`` hooks plus core's own)."""

    def __init__(self, keys: Iterable[tuple[str, RuleKey]] = ()) -> None:
        self.keys: dict[str, RuleKey] = {}
        self.owner: dict[str, str] = {}
        for owner, key in keys:
            self.add(key, owner)

    def add(self, key: RuleKey, owner: str) -> None:
        if not isinstance(key, RuleKey):
            raise TypeError(f"plugin {owner} returned {key!r} from linli_rules, not a RuleKey")
        key.check_declaration()
        if key.key in self.keys:
            raise ValueError(f"rule {key.key!r} declared by {self.owner[key.key]} and {owner}")
        if owner != "core" and not key.key.startswith(owner + "."):
            raise ValueError(f"rule {key.key!r} of plugin {owner} must start with '{owner}.'")
        self.keys[key.key] = key
        self.owner[key.key] = owner

    @classmethod
    def from_registry(cls, registry: Any) -> RuleRegistry:
        """Core's keys plus every loaded plugin's."""
        return cls([*(("core", k) for k in CORE_RULES), *registry.rules()])

    def declared(self, key: str) -> RuleKey:
        try:
            return self.keys[key]
        except KeyError as exc:
            raise ApiError(ErrorCode.NOT_FOUND, f"未知规则 {key}", f"unknown rule {key}",
                           "key") from exc

    async def get(self, key: str, node: _Node, on: date | None = None) -> Resolved:
        """The value of ``key`` at ``node`` on ``on`` (default today, Asia/Shanghai). Runs inside
        a scope whose read or shared nodes cover ``node``'s path."""
        return (await self.get_many([key], node, on))[key]

    async def get_many(self, keys: Iterable[str], node: _Node,
                       on: date | None = None) -> dict[str, Resolved]:
        """Several keys in one query."""
        keys = list(dict.fromkeys(keys))
        decls = {k: self.declared(k) for k in keys}
        if not keys:
            return {}
        on = on or today_shanghai()
        path = _path_ids(node)
        rows = await RuleValue.select().where(
            RuleValue.key.is_in(keys) & RuleValue.tenant_id.is_in(path)
            & (RuleValue.effective_from <= on)
        ).order_by(RuleValue.effective_from).order_by(RuleValue.id)
        out: dict[str, Resolved] = {}
        for k in keys:
            chosen = _choose([r for r in rows if r["key"] == k], path)
            if chosen is None:
                out[k] = Resolved(k, decls[k].default, 0, None, None, False)
            else:
                out[k] = Resolved(k, json.loads(chosen["value"]), int(chosen["id"]),
                                  int(chosen["tenant_id"]), _as_date(chosen["effective_from"]),
                                  bool(chosen["locked"]))
        return out

    async def at_version(self, key: str, version: int) -> Any:
        """The value a computation used, from the version it stored (0: the default)."""
        decl = self.declared(key)
        if version == 0:
            return decl.default
        row = await RuleValue.select(RuleValue.value).where(
            (RuleValue.id == version) & (RuleValue.key == key)).first()
        if row is None:
            raise ApiError(ErrorCode.NOT_FOUND, f"规则 {key} 没有版本 {version}",
                           f"rule {key} has no version {version}", "version")
        return json.loads(row["value"])

    async def set(self, key: str, value: Any, node: _Node, effective_from: date | None = None,
                  *, locked: bool = False, account_id: int | None = None) -> Resolved:
        """Append a value for ``node`` from ``effective_from`` (default today) on, inside a
        write scope at that node. Refused: an unknown key (NOT_FOUND), an invalid value, a date
        in the past or a lock below a region (INVALID_ARGUMENT), a key a region above has locked
        on that date (RULE_LOCKED)."""
        decl = self.declared(key)
        decl.check(value)
        effective_from = effective_from or today_shanghai()
        if effective_from < today_shanghai():
            raise ApiError.invalid("effectiveOn", "生效日期不能早于今天",
                                   "the effective date cannot be in the past")
        if locked and not node.is_region:
            raise ApiError.invalid("locked", "只有区域可以锁定规则", "only a region can lock a rule")
        ancestors = _path_ids(node)[:-1]
        if ancestors:
            rows = await RuleValue.select().where(
                (RuleValue.key == key) & RuleValue.tenant_id.is_in(ancestors)
                & (RuleValue.effective_from <= effective_from)
            ).order_by(RuleValue.effective_from).order_by(RuleValue.id)
            above = _choose(rows, ancestors)
            if above is not None and above["locked"]:
                raise ApiError(ErrorCode.RULE_LOCKED, f"规则 {key} 已被上级锁定，不能覆盖",
                               f"rule {key} is locked by a region above", "key")
        row = RuleValue(tenant_id=node.id, key=key,
                        value=json.dumps(value, ensure_ascii=False),
                        effective_from=effective_from, locked=locked, created_by=account_id,
                        created_at=datetime.now(UTC))
        await RuleValue.insert(row)
        return Resolved(key, value, int(row.id), node.id, effective_from, locked)


class _Slot(Protocol):
    rules: RuleRegistry | None


class _Host(Host, Protocol):
    @property
    def services(self) -> _Slot: ...


def install(state: _Host) -> None:
    """Put the rule registry at ``state.services.rules``."""
    state.services.rules = RuleRegistry.from_registry(state.registry)
