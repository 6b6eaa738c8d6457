"""Plain records of places and residents as the services hand them out (no ORM objects)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from core.people.validation import mask_id_number, mask_phone

__all__ = [
    "BuildingRec",
    "CommunityRec",
    "CompoundRec",
    "GridRec",
    "HouseholdRec",
    "ResidentInfo",
    "ResidentRec",
    "RollupRec",
    "UnitRec",
    "from_row",
]

R = TypeVar("R")


def from_row(cls: type[R], row: Any) -> R:
    """Build a record from a row read by column name: a piccolo row dict or an asyncpg record
    (:func:`core.db.fetch_rows`; extra columns ignored). What ``cls(**fields)`` makes — every
    field stored in order, then ``__post_init__`` — with the fields stored in one step (a
    frozen dataclass's ``__init__`` calls ``object.__setattr__`` once per field: 16 for a
    resident, on every row of a page)."""
    names = _NAMES.get(cls)
    if names is None:
        names = _names(cls)
    rec = _new(cls)
    _set(rec, "__dict__", {n: row[n] for n in names})
    if names.__class__ is _PostInit:
        rec.__post_init__()  # type: ignore[attr-defined]
    return rec


class _PostInit(tuple[str, ...]):
    """The field names of a record class that has a ``__post_init__``."""


def _names(cls: type) -> tuple[str, ...]:
    fields = dataclasses.fields(cls)
    if any("__slots__" in vars(k) for k in cls.__mro__[:-1]) or not all(f.init for f in fields):
        raise TypeError(f"{cls.__name__}: from_row needs a dataclass that __init__ fills alone")
    names = tuple(f.name for f in fields)
    if hasattr(cls, "__post_init__"):
        names = _PostInit(names)
    _NAMES[cls] = names
    return names


_NAMES: dict[type, tuple[str, ...]] = {}
"""Each record class's field names (``dataclasses.fields`` walks the class every call)."""
_new = object.__new__
_set = object.__setattr__


@dataclass(frozen=True)
class CommunityRec:
    id: int
    tenant_id: int
    name: str
    code: str
    kind: str


@dataclass(frozen=True)
class CompoundRec:
    id: int
    tenant_id: int
    community_id: int
    name: str


@dataclass(frozen=True)
class GridRec:
    id: int
    tenant_id: int
    community_id: int
    code: str
    name: str
    is_default: bool


@dataclass(frozen=True)
class BuildingRec:
    id: int
    tenant_id: int
    community_id: int
    compound_id: int | None
    grid_id: int
    name: str

    @property
    def building_id(self) -> int:
        return self.id


@dataclass(frozen=True)
class UnitRec:
    id: int
    tenant_id: int
    building_id: int
    community_id: int
    grid_id: int
    name: str


@dataclass(frozen=True)
class HouseholdRec:
    id: int
    tenant_id: int
    building_id: int
    unit_id: int | None
    room: str
    community_id: int
    grid_id: int


@dataclass(frozen=True)
class ResidentInfo:
    """A resident as plugins see them (``core.plugin.ResidentInfo``): personal fields masked."""

    id: int
    tenant_id: int
    name: str
    gender: str
    birth_date: date
    """Full, for rules computed on the server (an age); never shown to a caller (the API shows
    only the year: next to even a masked ID number the full date narrows it)."""
    id_number_masked: str
    phone_masked: str | None
    household_id: int | None
    relation: str
    is_head: bool
    community_id: int | None
    grid_id: int | None
    building_id: int | None

    def __post_init__(self) -> None:  # rows stored in the older, wider mask are masked again
        object.__setattr__(self, "id_number_masked", mask_id_number(self.id_number_masked))
        if self.phone_masked:
            object.__setattr__(self, "phone_masked", mask_phone(self.phone_masked))


@dataclass(frozen=True)
class ResidentRec(ResidentInfo):
    """A resident as core's people layer sees them: also the ciphertexts, for audited reveals."""

    id_number_cipher: str = dataclasses.field(repr=False)
    phone_cipher: str | None = dataclasses.field(repr=False)


@dataclass(frozen=True)
class RollupRec:
    """Counts for one tenant; no personal data."""

    tenant_id: int
    residents: int
    households: int
    buildings: int
