"""Finding a person by 身份证号 through the keyed blind index, for plugins.

A counter that is shown an ID card must find the person without decrypting anyone: the number
is validated, its keyed HMAC (the same blind index core stores beside each resident's
ciphertext) is computed, and one indexed equality finds the row — never a scan, never a bulk
decryption. Each lookup is audited with its actor (account or API key), the masked number and
whether someone was found. A plugin that keeps its own registry row for a person (the city's
elder registry) stores the same index there to find that row by ID number; the index is an
HMAC under ``LINLI_PII_KEY``, useless for anything but equality.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.audit import service as audit
from core.crypto import pii_key
from core.people.records import ResidentInfo, from_row
from core.people.residents import id_index
from core.people.tables import Resident
from core.people.validation import mask_id_number, validate_id_number

__all__ = ["LOOKUP_ACTION", "find_resident_by_id_number", "id_number_index",
           "id_number_indexes"]

LOOKUP_ACTION = "people.id_number_lookup"

def id_number_index(id_number: str, *, field: str = "idNumber") -> str:
    """The keyed blind index of a valid 身份证号 (``INVALID_ARGUMENT`` on ``field`` otherwise),
    equal to the one core stores for a resident with that number."""
    return id_index(validate_id_number(id_number, field=field).value, pii_key())


async def id_number_indexes(resident_ids: Iterable[int]) -> dict[int, str]:
    """``{resident id: blind index}`` of the residents in scope among ``resident_ids`` (one
    statement), for a plugin's registry row that must later be found by ID number."""
    ids = sorted({int(i) for i in resident_ids}) or [-1]
    rows = await Resident.select(Resident.id, Resident.id_number_index).where(
        Resident.id.is_in(ids))
    return {int(r["id"]): str(r["id_number_index"]) for r in rows}


async def find_resident_by_id_number(id_number: str, *, field: str = "idNumber"
                                     ) -> ResidentInfo | None:
    """The resident in scope with this 身份证号 (masked record), or ``None``: one indexed
    equality on the blind index. Audited (``people.id_number_lookup``, the masked number and
    whether one was found), so it runs inside a scoped write transaction."""
    valid = validate_id_number(id_number, field=field).value
    columns = tuple(getattr(Resident, f) for f in ResidentInfo.__dataclass_fields__)
    row = await Resident.select(*columns).where(
        Resident.id_number_index == id_index(valid, pii_key())).first()
    found = from_row(ResidentInfo, row) if row else None
    await audit.record(LOOKUP_ACTION, account_id=None, object_type="resident",
                       object_id=found.id if found else "",
                       summary={"id_number": mask_id_number(valid), "found": found is not None})
    return found
