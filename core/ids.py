"""Global ids (Relay style, ``base64("Type:pk")``) without any GraphQL import, so domain logic
can build links to objects; ``core.schema.relay`` wraps them for the schema."""

from __future__ import annotations

import base64
from binascii import b2a_base64

__all__ = ["b64_text", "global_id", "parse_global_id"]

_URLSAFE = bytes.maketrans(b"+/", b"-_")


def b64_text(raw: bytes) -> str:
    """``base64.urlsafe_b64encode(raw).decode().rstrip("=")`` in one call to binascii."""
    return b2a_base64(raw, newline=False).translate(_URLSAFE).rstrip(b"=").decode()


_HEADS: dict[str, tuple[str, bytes]] = {}
"""By type name: the encoded whole 3-byte groups of ``b"Type:"`` and the bytes left over (the
encoding of a prefix whose length is a multiple of 3 is a prefix of the whole's encoding)."""


def _head(type_name: str) -> tuple[str, bytes]:
    raw = f"{type_name}:".encode()
    cut = len(raw) - len(raw) % 3
    head = (b64_text(raw[:cut]), raw[cut:])
    if len(_HEADS) < 1000:  # type names are code; bounded all the same
        _HEADS[type_name] = head
    return head


def global_id(type_name: str, pk: int) -> str:
    """``base64("Type:pk")``, URL-safe, unpadded (per row of a page: the type name's encoded
    prefix is kept, only the tail is encoded)."""
    if pk.__class__ is not int:
        return b64_text(f"{type_name}:{pk}".encode())
    head, tail = _HEADS.get(type_name) or _head(type_name)
    return head + b64_text(tail + b"%d" % pk)


def parse_global_id(gid: str) -> tuple[str, int]:
    """``(type_name, pk)`` of a global id; ``ValueError`` when it is not one."""
    try:
        raw = base64.urlsafe_b64decode(gid + "=" * (-len(gid) % 4)).decode()
    except (ValueError, UnicodeDecodeError) as exc:  # binascii.Error is a ValueError
        raise ValueError(gid) from exc
    type_name, sep, pk = raw.partition(":")
    if not sep or not type_name.isidentifier() or not pk.isascii() or not pk.isdigit():
        raise ValueError(gid)
    value = int(pk)
    if not 0 < value <= 2**62:
        raise ValueError(gid)
    return type_name, value
