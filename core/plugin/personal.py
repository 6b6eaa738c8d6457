"""Personal data a plugin holds itself (health answers, notes): sealed at rest with core's
personal-data key (AES-256-GCM, the cipher of ID numbers and phones), opened only by the code
that decides who may see it, and masked for everyone else."""

from __future__ import annotations

from core.crypto import decrypt, encrypt, pii_key

__all__ = ["mask_text", "open_personal", "seal_personal"]


def seal_personal(plaintext: str) -> str:
    """The ciphertext of ``plaintext`` (random nonce: equal texts give different ciphers)."""
    return encrypt(plaintext, pii_key())


def open_personal(cipher: str) -> str:
    """The plaintext of a :func:`seal_personal` cipher; ``""`` stays ``""`` (erased data).
    Opening is not a reveal: audit it with ``record`` when a person reads it."""
    return decrypt(cipher, pii_key()) if cipher else ""


def mask_text(text: str) -> str:
    """``"张三丰"`` → ``"张**"``: the first character, the rest starred (empty stays empty)."""
    return text[:1] + "*" * max(len(text) - 1, 1) if text else ""
