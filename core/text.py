"""Strict characters for identifier-like input (ID numbers, phones, codes, ids).

A client's string is first checked to hold only ASCII, full-width ASCII forms (``３７１５``, as
Chinese input methods type them) and the ideographic space, then NFKC-normalised, so the result
is plain ASCII that the callers match against ASCII patterns. Full-width digits thus become the
same number (the duplicate check sees them); anything else — superscripts (``²``, which
``str.isdigit`` accepts and ``int`` then chokes on), other scripts' digits, lone surrogates — is
refused, never passed on.
"""

from __future__ import annotations

import unicodedata

__all__ = ["ascii_digits", "strict_ascii"]


def _allowed(ch: str) -> bool:
    code = ord(ch)
    return code < 0x80 or 0xFF01 <= code <= 0xFF5E or code == 0x3000


def strict_ascii(raw: str | None) -> str | None:
    """``raw`` normalised to ASCII (NFKC, stripped), or None when it holds any character that is
    neither ASCII nor a full-width form of one."""
    text = raw or ""
    if not all(_allowed(ch) for ch in text):
        return None
    out = unicodedata.normalize("NFKC", text).strip()
    return out if out.isascii() else None


def ascii_digits(raw: str | None) -> bool:
    """Whether ``raw`` is non-empty and only the ASCII digits 0–9."""
    return bool(raw) and raw.isascii() and raw.isdigit()  # type: ignore[union-attr]
