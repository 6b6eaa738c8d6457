"""Personal data a plugin holds itself (a library card's own registration data): encrypted at
rest with core's ``LINLI_PII_KEY``, found by a keyed blind index, validated and masked exactly as
core does for residents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.crypto import blind_index, decrypt, encrypt, pii_key

__all__ = ["PersonalCipher", "personal_cipher"]


@dataclass(frozen=True)
class PersonalCipher:
    """Seals, opens and indexes personal values with the deployment's key (never logged)."""

    _key: str

    def __repr__(self) -> str:
        return "PersonalCipher(***)"

    def seal(self, text: str) -> str:
        return encrypt(text, self._key)

    def open(self, cipher: str) -> str:
        return decrypt(cipher, self._key)

    def index(self, kind: str, value: str) -> str:
        """The keyed HMAC of ``kind:value`` (equality lookups only; kinds never collide)."""
        return blind_index(value, self._key, kind)


def personal_cipher(state: Any = None) -> PersonalCipher:
    """The cipher of the app ``state`` (``info.context.state`` or ``ctx["state"]``); without
    one, of the running app (or, outside any app, of the configured settings)."""
    if state is not None:
        return PersonalCipher(str(state.settings.pii_key))
    return PersonalCipher(pii_key())
