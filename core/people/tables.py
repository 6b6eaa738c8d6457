"""Tables of places and residents. All tenant-owned (``ScopedTable``).

Relations are plain ``BigInt`` ids rather than foreign keys: every row carries its tenant, and
lookups go through the scoped layer. Households and residents keep denormalised
``community_id``/``grid_id``/``building_id`` so listings can be limited to a caller's places
with one indexed condition. Composite indexes lead with ``tenant_id``; ``unique_together`` is
the one composite-index declaration the schema tooling knows (SQLite creation and PostgreSQL
migrations), so a plain index is declared there ending in ``id`` (unique by construction).
"""

from __future__ import annotations

from typing import ClassVar

from piccolo.columns import BigInt, Boolean, Date, Text, Timestamptz, Varchar

from core.db import ScopedTable

__all__ = [
    "Building",
    "Community",
    "Compound",
    "Grid",
    "Household",
    "Resident",
    "ResidentTag",
    "Unit",
]



class Community(ScopedTable, tablename="linli_community"):
    """社区/村 A community (urban) or village (rural) of a tenant."""

    name = Varchar(length=100, null=False)
    code = Varchar(length=12, null=False)
    """12-digit village-level administrative code (tenant's 9 digits + 3-digit serial)."""
    kind = Varchar(length=16, null=False, default="community")
    """``community`` (社区) or ``village`` (村)."""
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "code"), ("tenant_id", "name")]


class Compound(ScopedTable, tablename="linli_compound"):
    """小区 A residential compound (in a village, a courtyard group); optional."""

    community_id = BigInt(null=False, default=None)
    name = Varchar(length=100, null=False)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "community_id", "name")]


class Grid(ScopedTable, tablename="linli_grid"):
    """网格 A grid of a community, covering a set of buildings."""

    community_id = BigInt(null=False, default=None)
    code = Varchar(length=20, null=False)
    """Community code plus a 3-digit serial (CJ/T 349-2010 style)."""
    name = Varchar(length=100, null=False)
    is_default = Boolean(default=False)
    """The grid buildings fall into when none is named."""
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "code"), ("tenant_id", "community_id", "id")]


class Building(ScopedTable, tablename="linli_building"):
    """楼栋 A building; every building is in exactly one grid."""

    community_id = BigInt(null=False, default=None)
    compound_id = BigInt(null=True, default=None)
    grid_id = BigInt(null=False, default=None)
    name = Varchar(length=100, null=False)
    """Name or number as the office writes it, e.g. ``3号楼``."""
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "grid_id", "id"), ("tenant_id", "community_id", "id")]


class Unit(ScopedTable, tablename="linli_unit"):
    """单元 A stairway/entrance of a building; optional."""

    building_id = BigInt(null=False, default=None)
    community_id = BigInt(null=False, default=None)
    grid_id = BigInt(null=False, default=None)
    name = Varchar(length=50, null=False)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "building_id", "name")]


class Household(ScopedTable, tablename="linli_household"):
    """户 A household at an address (building, unit, room)."""

    building_id = BigInt(null=False, default=None)
    unit_id = BigInt(null=True, default=None)
    room = Varchar(length=50, null=False, default="")
    community_id = BigInt(null=False, default=None)
    grid_id = BigInt(null=False, default=None)
    created_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "building_id", "id"),
        ("tenant_id", "grid_id", "id"),
        ("tenant_id", "community_id", "id"),
    ]


class Resident(ScopedTable, tablename="linli_resident"):
    """居民 A person record, with or without a login."""

    name = Varchar(length=50, null=False)
    gender = Varchar(length=8, null=False)
    """``male`` or ``female``."""
    birth_date = Date(null=False, default=None)
    id_number_cipher = Text(null=False, default=None)
    id_number_index = Varchar(length=64, null=False, default=None)
    """Keyed blind index (HMAC) of the normalised 身份证号, for equality lookups."""
    id_number_masked = Varchar(length=18, null=False, default="")
    phone_cipher = Text(null=True, default=None)
    phone_index = Varchar(length=64, null=True, default=None)
    phone_masked = Varchar(length=11, null=True, default=None)
    household_id = BigInt(null=True, default=None)
    relation = Varchar(length=20, null=False, default="")
    """与户主关系, e.g. 户主, 配偶, 子女."""
    is_head = Boolean(default=False)
    community_id = BigInt(null=True, default=None)
    grid_id = BigInt(null=True, default=None)
    building_id = BigInt(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()

    unique_together: ClassVar[list[tuple[str, ...]]] = [
        ("tenant_id", "id_number_index"),
        ("tenant_id", "phone_index", "id"),
        ("tenant_id", "household_id", "id"),
        ("tenant_id", "building_id", "id"),
        ("tenant_id", "grid_id", "id"),
        ("tenant_id", "community_id", "id"),
    ]


class ResidentTag(ScopedTable, tablename="linli_resident_tag"):
    """居民标签 One tag of a resident (a code from ``validation.TAGS``)."""

    resident_id = BigInt(null=False, default=None)
    tag = Varchar(length=32, null=False)

    unique_together: ClassVar[list[tuple[str, ...]]] = [("tenant_id", "resident_id", "tag"), ("tenant_id", "tag", "resident_id")]
