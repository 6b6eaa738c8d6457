"""Personal data a plugin holds itself (a library card's own registration data): encrypted at
rest with core's ``LINLI_PII_KEY``, found by a keyed blind index, validated and masked exactly as
core does for residents."""

from __future__ import annotations

from core.people.validation import mask_id_number, mask_phone, validate_id_number, validate_phone
from core.personal import PersonalCipher, personal_cipher

__all__ = [
    "PersonalCipher",
    "mask_id_number",
    "mask_phone",
    "personal_cipher",
    "validate_id_number",
    "validate_phone",
]
