"""Read access to residents for plugins: masked records, batch lookups, search, tags.

Runs inside the caller's scoped transaction like :mod:`core.plugin.places`. A
:class:`ResidentInfo` carries personal fields only masked (ID number, phone) — a plugin never
holds a resident's ciphertext; a full value is revealed only through core's audited reveal, by a
caller with the permission. A person shown at a counter is found by 身份证号 through the keyed
blind index (``find_resident_by_id_number``, audited); a plugin's own registry row may keep that
index (``id_number_index``, ``id_number_indexes``) to be found the same way — an HMAC, for
equality only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from core.crypto import pii_key
from core.people.lookup import find_resident_by_id_number, id_number_index, id_number_indexes
from core.people.records import ResidentInfo, from_row
from core.people.residents import id_index
from core.people.services import COLLECTABLE, collect_resident_info
from core.people.tables import Resident, ResidentTag

__all__ = [
    "COLLECTABLE",
    "ResidentInfo",
    "collect_resident_info",
    "find_resident_by_id_number",
    "get_resident",
    "id_number_index",
    "id_number_indexes",
    "person_keys",
    "resident_tags",
    "residents_by_id_numbers",
    "residents_by_ids",
    "residents_in",
    "search_residents",
]

MAX_SEARCH = 100


_COLUMNS = tuple(getattr(Resident, f) for f in ResidentInfo.__dataclass_fields__)


def _ids(values: Iterable[int]) -> list[int]:
    return sorted({int(v) for v in values}) or [-1]


async def residents_by_ids(ids: Iterable[int]) -> dict[int, ResidentInfo]:
    """The residents in scope among ``ids`` (one statement)."""
    rows = await Resident.select(*_COLUMNS).where(Resident.id.is_in(_ids(ids)))
    return {int(r["id"]): from_row(ResidentInfo, r) for r in rows}


async def residents_by_id_numbers(id_numbers: Iterable[str]) -> dict[str, ResidentInfo]:
    """The residents in scope holding the given 身份证号, keyed by the number as given (one
    statement): matched by core's keyed blind index, so a plugin importing another system's
    rows (a blood station's results) finds the person without ever storing the number. The
    records are masked like every :class:`ResidentInfo`; numbers not found are absent."""

    key = pii_key()
    wanted = {id_index(n, key): n for n in id_numbers if n and n.strip()}
    if not wanted:
        return {}
    rows = await Resident.select(*_COLUMNS, Resident.id_number_index).where(
        Resident.id_number_index.is_in(sorted(wanted)))
    return {wanted[str(r.pop("id_number_index"))]: from_row(ResidentInfo, r) for r in rows}


async def person_keys(resident_ids: Iterable[int], purpose: str) -> dict[int, str]:
    """A pseudonymous key per resident in scope that is the same for one person registered in
    several tenants (derived from core's keyed blind index of the 身份证号 and ``purpose``, so
    two plugins' keys do not link): how a city-wide once-only rule recognises one person across
    street offices without the plugin holding the index. Residents not in scope are absent."""
    import hashlib

    rows = await Resident.select(Resident.id, Resident.id_number_index).where(
        Resident.id.is_in(_ids(resident_ids)))
    return {int(r["id"]): hashlib.sha256(
        f"linli-person:{purpose}:{r['id_number_index']}".encode()).hexdigest()[:40]
        for r in rows}


async def get_resident(resident_id: int) -> ResidentInfo | None:
    return (await residents_by_ids([resident_id])).get(resident_id)


async def residents_in(*, building_ids: Iterable[int] | None = None,
                       household_ids: Iterable[int] | None = None) -> list[ResidentInfo]:
    """Residents of the given buildings or households (every resident in scope when neither
    is given), by id."""
    query = Resident.select(*_COLUMNS)
    if building_ids is not None:
        query = query.where(Resident.building_id.is_in(_ids(building_ids)))
    if household_ids is not None:
        query = query.where(Resident.household_id.is_in(_ids(household_ids)))
    return [from_row(ResidentInfo, r) for r in await query.order_by(Resident.id)]


async def search_residents(*, name: str | None = None, tag: str | None = None,
                           building_id: int | None = None, first: int = 20, after: int = 0
                           ) -> list[ResidentInfo]:
    """Residents whose name starts with ``name``, holding ``tag``, in ``building_id`` (each
    optional), keyset-paged by id: up to ``first + 1`` rows after ``after`` (``first`` at most
    100), so a caller can tell whether there is a next page."""
    first = max(1, min(int(first), MAX_SEARCH))
    query = Resident.select(*_COLUMNS).where(Resident.id > after)
    if name:
        escaped = name.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Resident.name.like(escaped + "%"))
    if tag:
        query = query.where(Resident.id.is_in(
            ResidentTag.select(ResidentTag.resident_id).where(ResidentTag.tag == tag)))
    if building_id is not None:
        query = query.where(Resident.building_id == building_id)
    rows = await query.order_by(Resident.id).limit(first + 1)
    return [from_row(ResidentInfo, r) for r in rows]


async def resident_tags(resident_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each resident's tags (sorted), one statement; residents without tags are absent."""
    rows = await ResidentTag.select(ResidentTag.resident_id, ResidentTag.tag).where(
        ResidentTag.resident_id.is_in(_ids(resident_ids))).order_by(ResidentTag.tag)
    out: dict[int, list[str]] = defaultdict(list)
    for r in rows:
        out[int(r["resident_id"])].append(str(r["tag"]))
    return dict(out)
