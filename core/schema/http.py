"""The JSON body of a GraphQL request over HTTP: whatever bytes a client sends, a refusal is a
400 with a plain reason, never a 500 (invalid UTF-8, nesting too deep for the parser, a body
that is a string, number or null instead of an object)."""

from __future__ import annotations

import json
from typing import Any

import orjson
from cross_web import HTTPException

__all__ = ["decode_json", "encode_response", "parse_request_json"]

NOT_JSON = "请求体不是有效的 JSON / unable to parse request body as JSON"
NOT_OBJECT = "请求体必须是 JSON 对象 / the request body must be a JSON object"


def parse_request_json(data: str | bytes) -> Any:
    """The decoded body: an object, or a list (a batch, which strawberry then refuses)."""
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise HTTPException(400, NOT_JSON) from exc
    if not isinstance(parsed, dict | list):
        raise HTTPException(400, NOT_OBJECT)
    return parsed


def decode_json(data: str | bytes) -> Any:
    """A websocket message (strawberry decodes nothing else through this once
    :func:`parse_request_json` parses bodies): malformed — nesting too deep for the parser, not
    an object, or a ``subscribe`` whose payload is not ``{query: string, variables: object}`` —
    is a ``JSONDecodeError``, which closes the socket with 4400 instead of a server error."""
    try:
        message = json.loads(data)
    except RecursionError as exc:
        raise json.JSONDecodeError("nested too deeply", "", 0) from exc
    if not isinstance(message, dict) or (message.get("type") == "subscribe"
                                         and not _good_payload(message.get("payload"))):
        raise json.JSONDecodeError("malformed message", "", 0)
    return message


def _good_payload(payload: object) -> bool:
    return isinstance(payload, dict) and isinstance(payload.get("query"), str) \
        and isinstance(payload.get("variables") or {}, dict) \
        and isinstance(payload.get("extensions") or {}, dict) \
        and isinstance(payload.get("operationName") or "", str)


def encode_response(data: object) -> bytes | str:
    """A GraphQL response as compact JSON with Chinese left as it is: orjson, byte for byte
    what ``json.dumps(data, ensure_ascii=False, separators=(",", ":"))`` writes
    (``tests/core/schema/test_encoding.py`` holds the two side by side). The few values orjson
    refuses (an integer beyond 64 bits, a lone surrogate, a non-string key) go through ``json``
    as before, and so does a response with a float the two write differently: only a non-zero
    float under 1e-4 in magnitude, which ``json`` writes with an exponent (``6.103515625e-05``,
    ``-2.5e-07``) and orjson either in full (``0.00006103515625``) or with a one-digit exponent
    (``-2.5e-7``) — so its output then holds ``0.0000`` or a digit followed by ``e-`` (found
    with two substring searches; text in a string that looks like it only costs the slower
    encoder, never a different answer). A NaN or an infinity (no GraphQL Float lets one
    through) is orjson's ``null``: valid JSON, where ``json`` would write ``NaN``."""
    try:
        out = orjson.dumps(data)
    except (TypeError, orjson.JSONEncodeError):
        out = None
    if out is None or _may_differ(out):
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return out


def _may_differ(out: bytes) -> bool:
    if b"0.0000" in out:
        return True
    at = out.find(b"e-")
    while at > 0:
        if 48 <= out[at - 1] <= 57:  # a digit before the exponent
            return True
        at = out.find(b"e-", at + 2)
    return False
