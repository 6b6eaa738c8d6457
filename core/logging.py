"""Structured JSON logs, with the request id and acting node of the request being served.

:func:`configure_logging` puts one JSON-lines handler on the root logger (``linli serve`` and
``linli worker`` call it). :class:`RequestContextMiddleware` (installed by :func:`install`) sets
the request id — the caller's ``X-Request-ID`` if sane, else a new one — and the node named by
``X-Linli-Node`` for everything that runs under the request, echoes the id in the response and
writes one access line per request (logger ``linli.access``: method, path, status, duration).
The same request id goes into audit entries (``core.audit.service.request_id_var``).
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import secrets
import sys
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

import orjson

from core.audit.service import actor_var, client_request_id_var, request_id_var
from core.host import Host
from core.language import language_from_header, language_var

__all__ = ["JsonFormatter", "RequestContextMiddleware", "configure_logging", "install",
           "new_request_id", "node_var", "redact", "request_id_var", "scope_headers"]

node_var: ContextVar[str] = ContextVar("linli_log_node", default="")
"""The acting node's administrative code for log lines (``X-Linli-Node`` or set by a job)."""

access_log = logging.getLogger("linli.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName",
                                                    "color_message"}


_NOT_ALNUM_BEFORE, _NOT_ALNUM_AFTER = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
_REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    # a GraphQL input value that failed coercion is dumped whole ("Found: {...}", "cannot
    # represent ... value: [...]"): it may hold a password, a refresh token, an ID number
    (re.compile(r"(?i)(found: |got invalid value |cannot represent [^:\n]*: ).*?(?=; |\.?$)",
                re.MULTILINE),
     r"\1<redacted>"),
    (re.compile(r"(?i)(bearer\s+)[\w.~+/=-]+"), r"\1<redacted>"),
    (re.compile(r"eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]+"), "<token>"),
    (re.compile(r"lk_[0-9a-f]{12}_[\w-]{8,}"), "<api-key>"),
    (re.compile(_NOT_ALNUM_BEFORE + r"\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
                r"\d{3}[\dXx]" + _NOT_ALNUM_AFTER), "<id-number>"),
    (re.compile(_NOT_ALNUM_BEFORE + r"1[3-9]\d{9}" + _NOT_ALNUM_AFTER), "<phone>"),
)


_MAYBE_REDACTED = re.compile(r"(?i:found: |got invalid value |cannot represent |bearer)|eyJ|lk_"
                             r"|\d{11}")
"""What every pattern above needs somewhere in a text: a text without it is left as it is (one
scan of an access line's values instead of six)."""


def redact(text: str) -> str:
    """``text`` without personal data or secrets: 身份证号, mobile numbers, bearer tokens, JWTs,
    API keys and dumped GraphQL input values are replaced by placeholders."""
    if _MAYBE_REDACTED.search(text) is None:
        return text
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, node, extras; the
    text values pass through :func:`redact` (no personal data or secrets in logs)."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_var.get(),
            "node": node_var.get(),
        }
        client_id = client_request_id_var.get()
        if client_id:
            out["client_request_id"] = client_id
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in out:
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        for key, value in out.items():
            if isinstance(value, str):
                out[key] = redact(value)
        try:
            # what json.dumps(ensure_ascii=False) writes, in a fraction of its time: anything
            # but plain JSON values (a dataclass, a datetime, a subclass) still goes through
            # ``_text`` — redacted text, never a structure serialised unredacted
            return orjson.dumps(out, default=_text, option=_ORJSON).decode()
        except (TypeError, orjson.JSONEncodeError):  # an int past 64 bits, a NaN: json's way
            return json.dumps(out, ensure_ascii=False, default=_text)


_ORJSON = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME | \
    orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_NON_STR_KEYS


def _text(value: Any) -> str:
    return redact(str(value))


def configure_logging(level: str | int = "INFO", stream: TextIO | None = None) -> logging.Handler:
    """Replace the root logger's handlers with one JSON handler; uvicorn's loggers propagate
    to it. Returns the handler."""
    # what each record would otherwise look up and the formatter never writes: the calling
    # frame (a stack walk per record), the thread and the process (the logging HOWTO's
    # "Optimization" section)
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        lg = logging.getLogger(name)
        lg.handlers.clear()
        lg.propagate = True
    # arq logs every job start and finish and every cron enqueue at INFO (a line per poll that
    # finds work): quiet above DEBUG, warnings and errors still show (`linli worker --verbose`
    # turns them back on; linli.jobs logs failures itself)
    logging.getLogger("arq").setLevel(logging.NOTSET if root.level <= logging.DEBUG
                                      else logging.WARNING)
    return handler


_ID_PREFIX = secrets.token_hex(8)
_id_counter = itertools.count(1)


def new_request_id() -> str:
    """A request id unique across processes and restarts: 16 random hex digits drawn once per
    process and a 16-digit counter — 32 hex digits like ``uuid4().hex``, without a system call
    and a UUID object per request (an id, not a secret)."""
    return f"{_ID_PREFIX}{next(_id_counter):016x}"


def scope_headers(scope: Any, names: frozenset[bytes]) -> dict[bytes, str]:
    """The first value of each of ``names`` (lower-case bytes) among an ASGI scope's headers,
    in one pass, names compared in lower case and values decoded as latin-1 — what Litestar's
    ``request.headers.get`` answers, without building its headers object."""
    found: dict[bytes, str] = {}
    for key, value in scope.get("headers") or ():
        key = key.lower()
        if key in names and key not in found:
            found[key] = value.decode("latin-1")
    return found


_CONTEXT_HEADERS = frozenset({b"x-request-id", b"x-linli-node", b"accept-language"})


class RequestContextMiddleware:
    """ASGI middleware: request id and node in context vars for the whole request."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = scope_headers(scope, _CONTEXT_HEADERS)
        given = headers.get(b"x-request-id", "")
        client_id = given if _SAFE_ID.match(given) else ""
        request_id = new_request_id()  # ours, always: a client's value is kept beside it
        node = headers.get(b"x-linli-node", "")[:32]
        rid_token, node_token = request_id_var.set(request_id), node_var.set(node)
        lang_token = language_var.set(language_from_header(headers.get(b"accept-language", "")))
        client_token = client_request_id_var.set(client_id)
        actor_token = actor_var.set((None, None))

        started, status = time.perf_counter(), 500

        async def send_with_id(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers") or [])
                headers.append((b"x-request-id", request_id.encode()))
                if client_id:
                    headers.append((b"x-client-request-id", client_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope["type"] == "http":
                access_log.info("%s %s %s", scope.get("method"), scope.get("path"), status,
                                extra={"method": scope.get("method"), "path": scope.get("path"),
                                       "status": status, "duration_ms": round(
                                           (time.perf_counter() - started) * 1000, 2)})
            request_id_var.reset(rid_token)
            node_var.reset(node_token)
            language_var.reset(lang_token)
            client_request_id_var.reset(client_token)
            actor_var.reset(actor_token)


def install(state: Host) -> None:
    """Service hook: the request-context middleware goes outermost."""
    state.middleware.insert(0, RequestContextMiddleware)
