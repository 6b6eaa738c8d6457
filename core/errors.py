"""Errors with a machine code and zh-CN/English text, for domain logic (no GraphQL here).

Resolvers and services raise :class:`ApiError`; the GraphQL layer (``core/schema/errors.py``)
turns it into ``errors[].extensions.code`` for queries or a typed ``UserError`` in a mutation's
result union.
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
    QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
    DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"
    INTERNAL = "INTERNAL"


class ApiError(Exception):
    """A refused operation: ``code`` (an :class:`ErrorCode` value), zh-CN and English text,
    and the input ``field`` at fault, if any."""

    def __init__(self, code: str | ErrorCode, zh: str, en: str, field: str | None = None) -> None:
        self.code = code.value if isinstance(code, ErrorCode) else code
        self.zh, self.en, self.field = zh, en, field
        super().__init__(f"{zh} / {en}")


def fail(code: str | ErrorCode, zh: str, en: str, field: str | None = None) -> ApiError:
    return ApiError(code, zh, en, field)


def not_found(what_zh: str = "对象", what_en: str = "object") -> ApiError:
    return ApiError(ErrorCode.NOT_FOUND, f"未找到{what_zh}", f"{what_en} not found")
