"""Errors with a machine code and zh-CN/English text, for domain logic (no GraphQL here).

Every refused operation in core, tenants and plugins raises :class:`ApiError`; the GraphQL layer
(``core/schema/errors.py``) turns it into ``errors[].extensions.code`` for queries, and the
mutation runner (``core/schema/mutations.py``) into a typed ``UserError`` in a mutation's result
union. The CLI turns it into a click error (``core/cli_errors.py``). Programmer and operator
errors (bad settings, a malformed plugin declaration) are not refused operations and keep their
own exception types.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["ApiError", "ErrorCode", "fail", "not_found"]


class ErrorCode(Enum):
    """机器可读的错误代码 / machine-readable error codes."""

    NOT_FOUND = "NOT_FOUND"
    PLUGIN_DISABLED = "PLUGIN_DISABLED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    CONFLICT = "CONFLICT"
    THROTTLED = "THROTTLED"
    RULE_LOCKED = "RULE_LOCKED"
    UNAVAILABLE = "UNAVAILABLE"
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
    DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"
    INTERNAL = "INTERNAL"


class ApiError(Exception):
    """A refused operation: ``code`` (an :class:`ErrorCode` value), zh-CN and English text,
    and the input ``field`` at fault, if any."""

    def __init__(self, code: str | ErrorCode, zh: str, en: str, field: str | None = None) -> None:
        self.code = code.value if isinstance(code, ErrorCode) else ErrorCode(code).value
        self.zh, self.en, self.field = zh, en, field
        super().__init__(f"{zh} / {en}")

    @classmethod
    def invalid(cls, field: str | None, zh: str, en: str) -> ApiError:
        """``INVALID_ARGUMENT``: the input ``field`` is wrong."""
        return cls(ErrorCode.INVALID_ARGUMENT, zh, en, field)

    @classmethod
    def not_found(cls, what_zh: str = "对象", what_en: str = "object",
                  field: str | None = None) -> ApiError:
        """``NOT_FOUND``: 未找到{what_zh} / {what_en} not found. Objects outside the caller's
        scope are answered this way too, never with FORBIDDEN."""
        return cls(ErrorCode.NOT_FOUND, f"未找到{what_zh}", f"{what_en} not found", field)

    @classmethod
    def forbidden(cls, zh: str, en: str, field: str | None = None) -> ApiError:
        """``FORBIDDEN``: the caller may not do this (usually an access decision's reasons)."""
        return cls(ErrorCode.FORBIDDEN, zh, en, field)

    @classmethod
    def conflict(cls, zh: str, en: str, field: str | None = None) -> ApiError:
        """``CONFLICT``: the operation clashes with what exists (a duplicate, a used code)."""
        return cls(ErrorCode.CONFLICT, zh, en, field)

    def on(self, field: str | None) -> ApiError:
        """The same error naming another input ``field`` (a shared helper raised it for a field
        it could not know, e.g. a global id decoded for ``parentId``)."""
        return type(self)(self.code, self.zh, self.en, field)


def fail(code: str | ErrorCode, zh: str, en: str, field: str | None = None) -> ApiError:
    return ApiError(code, zh, en, field)


def not_found(what_zh: str = "对象", what_en: str = "object") -> ApiError:
    return ApiError.not_found(what_zh, what_en)
