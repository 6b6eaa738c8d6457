"""The GraphQL helpers a plugin's ``schema/`` package uses: Relay ids and nodes, connections,
the mutation runner and typed mutation errors. Only resolvers import these; services never do."""

from __future__ import annotations

from core.schema.budget import LIST_BOUND
from core.schema.connection import (
    Connection,
    Edge,
    PageInfo,
    check_first,
    decode_cursor,
    encode_cursor,
    make_connection,
)
from core.schema.context import Context, Info
from core.schema.errors import UserError, to_graphql, user_error
from core.schema.mutations import Audit, run_mutation
from core.schema.public import public_read
from core.schema.relay import Node, decode_global_id, encode_global_id, pk_of

__all__ = [
    "LIST_BOUND",
    "Audit",
    "Connection",
    "Context",
    "Edge",
    "Info",
    "Node",
    "PageInfo",
    "UserError",
    "check_first",
    "decode_cursor",
    "decode_global_id",
    "encode_cursor",
    "encode_global_id",
    "make_connection",
    "pk_of",
    "public_read",
    "run_mutation",
    "to_graphql",
    "user_error",
]
