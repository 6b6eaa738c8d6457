"""Global ids (Relay style, ``base64("Type:pk")``) without any GraphQL import, so domain logic
can build links to objects; ``core.schema.relay`` wraps them for the schema."""

from __future__ import annotations

import base64

__all__ = ["global_id"]


def global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")
