"""The event catalogue: event types with typed, versioned payloads, and core's shared types.

An :class:`EventType` names a frozen dataclass whose fields are simple values; ``validate``
checks a payload against it (unknown, missing and wrongly typed fields are errors) before
``core.events.service.emit`` stores it. Core declares the shared types below; each plugin declares its
own through ``linli_event_types``, prefixed with its name, and lists what it emits in
``PluginMeta.emits`` (checked against the catalogue when it is built). A plugin may consume a
type whose producer is not installed (``PluginMeta.consumes`` is not checked against the
catalogue), but emitting a type nobody declared is an error.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from core.errors import ApiError, ErrorCode
from core.registry import PluginError, Registry

__all__ = [
    "CORE_EVENT_TYPES",
    "Catalogue",
    "Event",
    "EventType",
    "ServiceRecorded",
    "WelfareConcern",
    "build_catalogue",
    "catalogue_for",
    "utcnow",
]

_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_SCALARS: tuple[type, ...] = (bool, int, float, str, date, datetime)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class EventType:
    """事件类型 An event type: its name, payload version, payload dataclass and description.

    ``payload`` is a frozen dataclass whose fields are ``int``, ``float``, ``str``, ``bool``,
    ``date``, ``datetime`` (timezone-aware) or one of these ``| None``. Value rules go in the
    dataclass's ``__post_init__`` (raise :class:`~core.errors.ApiError`)."""

    name: str
    version: int
    payload: type
    description_zh: str
    description_en: str

    def fields(self) -> dict[str, tuple[type, bool, bool]]:
        """``{field: (scalar type, may be None, required)}`` (worked out once per type)."""
        return _fields(self.payload)

    def validate(self, payload: Any) -> dict[str, Any]:
        """The payload's values, checked: no unknown or missing fields, right types, rules."""
        if isinstance(payload, self.payload):
            values = {f.name: getattr(payload, f.name) for f in dataclasses.fields(self.payload)}
        elif isinstance(payload, Mapping):
            values = dict(payload)
        else:
            raise ApiError(ErrorCode.INVALID_ARGUMENT, f"{self.name} 的载荷类型不对",
                           f"{self.name}: payload must be a {self.payload.__name__} or a dict",
                           "payload")
        spec = self.fields()
        unknown = sorted(set(values) - set(spec))
        if unknown:
            raise ApiError(ErrorCode.INVALID_ARGUMENT, f"{self.name} 的载荷有未知字段 {unknown[0]}",
                           f"{self.name}: unknown payload field {unknown[0]!r}", unknown[0])
        for name, (kind, optional, required) in spec.items():
            if name not in values:
                if required:
                    raise ApiError(ErrorCode.INVALID_ARGUMENT, f"{self.name} 的载荷缺少字段 {name}",
                                   f"{self.name}: payload field {name!r} is missing", name)
                continue
            values[name] = _check_value(self.name, name, values[name], kind, optional)
        try:
            built = self.payload(**values)
        except ApiError:
            raise
        except (TypeError, ValueError) as exc:
            raise ApiError(ErrorCode.INVALID_ARGUMENT, f"{self.name} 的载荷无效：{exc}",
                           f"{self.name}: invalid payload: {exc}", "payload") from exc
        return {f.name: getattr(built, f.name) for f in dataclasses.fields(built)}

    def load(self, values: Mapping[str, Any]) -> Any:
        """Rebuild the payload dataclass from its stored JSON values."""
        spec = self.fields()
        args = {}
        for name, value in values.items():
            kind = spec[name][0] if name in spec else str
            if value is not None and kind is datetime:
                value = datetime.fromisoformat(value)
            elif value is not None and kind is date:
                value = date.fromisoformat(value)
            args[name] = value
        return self.payload(**args)


@functools.cache
def _fields(payload: type) -> dict[str, tuple[type, bool, bool]]:
    hints = typing.get_type_hints(payload)
    out: dict[str, tuple[type, bool, bool]] = {}
    for f in dataclasses.fields(payload):
        kind, optional = _scalar(hints[f.name])
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        out[f.name] = (kind, optional, required)
    return out


def _scalar(hint: Any) -> tuple[type, bool]:
    optional = False
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        optional = len(args) < len(typing.get_args(hint))
        if len(args) != 1:
            raise TypeError(f"unsupported payload field type {hint!r}")
        hint = args[0]
    if hint not in _SCALARS:
        raise TypeError(f"unsupported payload field type {hint!r}")
    return hint, optional


def _check_value(type_name: str, name: str, value: Any, kind: type, optional: bool) -> Any:
    if value is None:
        if optional:
            return None
        ok = False
    elif kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif kind is date:
        ok = isinstance(value, date) and not isinstance(value, datetime)
    elif kind is datetime:
        ok = isinstance(value, datetime) and value.tzinfo is not None
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise ApiError(ErrorCode.INVALID_ARGUMENT,
                       f"{type_name} 的字段 {name} 必须是 {kind.__name__}",
                       f"{type_name}: field {name!r} must be a {kind.__name__}", name)
    return value


@dataclass(frozen=True)
class ServiceRecorded:
    """志愿服务已记录 A volunteer's service was recorded (v1): ``resident_id`` is the volunteer
    who served (the one a points module credits), never the resident served."""

    resident_id: int
    """The volunteer who served, as a resident of the event's tenant."""
    minutes: int
    kind: str
    source_module: str

    def __post_init__(self) -> None:
        if isinstance(self.minutes, int) and self.minutes <= 0:
            raise ApiError(ErrorCode.INVALID_ARGUMENT, "服务时长必须大于0分钟",
                           "minutes must be greater than 0", "minutes")


@dataclass(frozen=True)
class WelfareConcern:
    """关爱提醒 Someone noticed a resident may need a welfare visit (v1)."""

    resident_id: int
    reason_code: str
    noticed_since: date
    source_module: str


@dataclass(frozen=True)
class CommunityCreated:
    """新建社区/村 A community or village was created in a tenant (v1): a plugin seeds what it
    keeps per community (红邻菜单's five teams) for communities made after it was enabled."""

    community_id: int
    name: str


CORE_EVENT_TYPES: tuple[EventType, ...] = (
    EventType("volunteer.service_recorded", 1, ServiceRecorded,
              "记录了一次志愿服务（提供服务的志愿者居民、分钟数、服务类别、来源模块）",
              "a volunteer's service was recorded (the volunteer as a resident, minutes, kind, "
              "source module)"),
    EventType("people.welfare_concern", 1, WelfareConcern,
              "发现居民可能需要关爱探访（原因代码、起始日期、来源模块）",
              "a resident may need a welfare visit (reason code, noticed since, source module)"),
    EventType("people.community_created", 1, CommunityCreated,
              "新建了社区或村（社区编号、名称）",
              "a community or village was created (its id and name)"),
)


class Catalogue:
    """Every declared event type, by (name, version), with the owner of each name."""

    def __init__(self, declared: Iterable[tuple[str, EventType]]) -> None:
        self.types: dict[tuple[str, int], EventType] = {}
        self.latest: dict[str, EventType] = {}
        self.owner: dict[str, str] = {}
        for owner, etype in declared:
            self._add(owner, etype)

    def _add(self, owner: str, etype: Any) -> None:
        if not isinstance(etype, EventType):
            raise PluginError(f"{owner}: linli_event_types must return EventType objects, "
                              f"got {etype!r}")
        if not _NAME.match(etype.name) or etype.version < 1:
            raise PluginError(f"{owner}: bad event type {etype.name!r} v{etype.version}")
        if owner != "core" and not etype.name.startswith(owner + "."):
            raise PluginError(f"插件 {owner} 的事件类型须以 {owner}. 开头 / plugin {owner}: "
                              f"event type {etype.name!r} must start with {owner + '.'!r}")
        if not dataclasses.is_dataclass(etype.payload) or not etype.payload.__dataclass_params__.frozen:  # type: ignore[attr-defined]
            raise PluginError(f"{owner}: {etype.name} payload must be a frozen dataclass")
        try:
            etype.fields()
        except TypeError as exc:
            raise PluginError(f"{owner}: {etype.name}: {exc}") from exc
        key = (etype.name, etype.version)
        if key in self.types or self.owner.get(etype.name, owner) != owner:
            raise PluginError(f"事件类型重复声明 / event type {etype.name} v{etype.version} "
                              f"declared by {self.owner.get(etype.name)} and {owner}")
        self.types[key] = etype
        self.owner[etype.name] = owner
        if etype.name not in self.latest or self.latest[etype.name].version < etype.version:
            self.latest[etype.name] = etype

    def get(self, name: str, version: int | None = None) -> EventType | None:
        if version is None:
            return self.latest.get(name)
        return self.types.get((name, version))

    def resolve(self, name: str, payload: Any) -> EventType:
        """The type an emit means: the version whose dataclass the payload is, else the latest."""
        if name not in self.latest:
            raise ApiError(ErrorCode.INVALID_ARGUMENT, f"未声明的事件类型 {name}",
                           f"event type {name!r} is not declared", "event_type")
        for (tname, _), etype in self.types.items():
            if tname == name and isinstance(payload, etype.payload):
                return etype
        return self.latest[name]


def build_catalogue(registry: Registry) -> Catalogue:
    """Core's shared types plus each plugin's ``linli_event_types`` (raises PluginError), checked
    against the plugins' ``PluginMeta.emits``: every type a plugin says it emits must be in the
    catalogue, and every type a plugin declares must be in its ``emits``. With ``emit()``
    refusing types outside the catalogue, only core's shared types and types some loaded plugin
    declares in ``emits`` can be emitted, and ``emits`` is a true list of what a plugin sends."""
    catalogue = Catalogue([*(("core", t) for t in CORE_EVENT_TYPES), *registry.event_types()])
    for name, meta in sorted(registry.metas.items()):
        unknown = sorted(set(meta.emits) - set(catalogue.latest))
        if unknown:
            raise PluginError(f"插件 {name} 声明发出未登记的事件类型 {unknown[0]} / plugin {name}: "
                              f"PluginMeta.emits names {unknown[0]!r}, which neither core nor "
                              "its linli_event_types declares")
        unlisted = sorted(t for t, owner in catalogue.owner.items()
                          if owner == name and t not in meta.emits)
        if unlisted:
            raise PluginError(f"插件 {name} 的事件类型 {unlisted[0]} 未列入 emits / plugin {name}: "
                              f"declares event type {unlisted[0]!r} but PluginMeta.emits does "
                              "not list it")
    return catalogue


_cache: dict[int, tuple[tuple[tuple[str, int], ...], Catalogue]] = {}


def catalogue_for(registry: Registry) -> Catalogue:
    """The registry's catalogue, rebuilt when its set of plugins changes."""
    key = tuple((name, id(plugin)) for name, plugin in registry.pm.list_name_plugin())
    hit = _cache.get(id(registry))
    if hit is None or hit[0] != key:
        hit = (key, build_catalogue(registry))
        _cache[id(registry)] = hit
    return hit[1]


@dataclass(frozen=True)
class Event:
    """领域事件 An event as handlers receive it (``payload`` is the type's dataclass)."""

    id: int
    type: str
    version: int
    tenant_id: int
    payload: Any
    created_at: datetime
