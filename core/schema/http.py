"""The JSON body of a GraphQL request over HTTP: whatever bytes a client sends, a refusal is a
400 with a plain reason, never a 500 (invalid UTF-8, nesting too deep for the parser, a body
that is a string, number or null instead of an object)."""

from __future__ import annotations

import json
import math
import re
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
    (``tests/core/schema/test_encoding.py`` holds the two side by side); the few values
    orjson refuses (an integer beyond 64 bits, a lone surrogate, a non-string key) go through
    ``json`` as before, and so does any response with a float in it (orjson writes
    ``6.103515625e-05`` as ``0.00006103515625``): every number token in compact JSON follows
    ``":``, ``,`` or ``[``, so a digit run after one of them that goes on with ``.`` or ``e``
    finds each float (and, rarely, text in a string that looks like one: slower, never
    different). The search runs only when :func:`_may_hold_float` finds a finite float in
    ``data`` (or a value it does not know): a regular expression over every byte of a 50-row
    page cost more than orjson writing it."""
    try:
        out = orjson.dumps(data)
    except (TypeError, orjson.JSONEncodeError):
        out = None
    if out is None or (_may_hold_float(data) and _EXPONENT.search(out)):
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return out


def _may_hold_float(data: object) -> bool:
    """Whether orjson's output of ``data`` may hold a float token: ``data`` has a finite
    float, or a value other than a string, integer, boolean, None, dict, list or tuple (its
    exact type: a subclass counts as unknown). A NaN or infinity alone does not count — orjson
    writes ``null`` for it, which the search never matched. When this is False the search
    could only have matched text inside a string, where ``json`` writes the same bytes.
    Recursion stays shallow: it runs only on what orjson wrote, nested 255 deep at most."""
    kind = type(data)
    if kind is dict:
        items: Any = data.values()  # type: ignore[attr-defined]
    elif kind is list or kind is tuple:
        items = data
    elif kind is float:
        return math.isfinite(data)  # type: ignore[arg-type]
    else:
        return not (kind is str or kind is int or kind is bool or data is None)
    for item in items:
        kind = type(item)
        if kind is str or kind is int or kind is bool or item is None:
            continue
        if _may_hold_float(item):
            return True
    return False


_EXPONENT = re.compile(rb'(?:":|,|\[)-?[0-9]+[.eE]')
