"""Encryption at rest and keyed blind indexes for personal data (ID numbers, phones).

Both keys are derived from ``LINLI_PII_KEY`` with HKDF, so one secret serves both and neither
derived key is the secret itself. Ciphertexts are AES-256-GCM with a random nonce, base64 text;
the blind index is HMAC-SHA256 of the normalised value, for equality lookups only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["blind_index", "decrypt", "encrypt", "install_pii_key", "pii_key"]

_VERSION = b"v1"


@lru_cache(maxsize=8)
def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"linli-pii",
                info=purpose).derive(secret.encode())


def encrypt(plaintext: str, secret: str) -> str:
    nonce = os.urandom(12)
    data = AESGCM(_derive(secret, b"encrypt")).encrypt(nonce, plaintext.encode(), _VERSION)
    return (_VERSION + b":" + base64.b64encode(nonce + data)).decode()


def decrypt(token: str, secret: str) -> str:
    version, _, body = token.encode().partition(b":")
    raw = base64.b64decode(body)
    return AESGCM(_derive(secret, b"encrypt")).decrypt(raw[:12], raw[12:], version).decode()


def blind_index(value: str, secret: str, kind: str) -> str:
    """HMAC of ``kind:value``; ``kind`` keeps an ID number and a phone from ever colliding."""
    key = _derive(secret, b"blind-index")
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


_installed_key: str | None = None


def install_pii_key(secret: str | None) -> None:
    """Make ``secret`` the process's personal-data key (done by ``core.app.build_state``), for
    code that has no settings at hand (plugins sealing their own personal fields)."""
    global _installed_key
    _installed_key = secret or None


def pii_key() -> str:
    """The installed personal-data key, else the configured one (CLI commands)."""
    if _installed_key:
        return _installed_key
    from core.settings import get_settings

    key = get_settings().pii_key
    if not key:
        raise RuntimeError("个人信息密钥未配置 / LINLI_PII_KEY is not configured")
    return key
