"""Global ids (Relay style, ``base64("Type:pk")``) without any GraphQL import, so domain logic
can build links to objects; ``core.schema.relay`` wraps them for the schema."""

from __future__ import annotations

import base64

__all__ = ["global_id", "parse_global_id"]


def global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


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
