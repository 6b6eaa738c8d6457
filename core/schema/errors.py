"""Typed errors: mutation results carry them in unions; failed queries carry their code."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from graphql import GraphQLError

__all__ = ["ApiError", "ErrorCode", "UserError", "fail", "user_error"]


@strawberry.enum(description="机器可读的错误代码 / machine-readable error codes")
class ErrorCode(Enum):
    NOT_FOUND = "NOT_FOUND"
    PLUGIN_DISABLED = "PLUGIN_DISABLED"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    CONFLICT = "CONFLICT"
    THROTTLED = "THROTTLED"
    RULE_LOCKED = "RULE_LOCKED"
    INTERNAL = "INTERNAL"


class ApiError(Exception):
    """Raised by resolvers; becomes a GraphQL error with ``extensions.code``, or a typed error
    in a mutation's result union (see :func:`user_error`)."""

    def __init__(self, code: str | ErrorCode, zh: str, en: str, field: str | None = None) -> None:
        self.code = code.value if isinstance(code, ErrorCode) else code
        self.zh, self.en, self.field = zh, en, field
        super().__init__(f"{zh} / {en}")

    def to_graphql(self) -> GraphQLError:
        ext: dict[str, Any] = {"code": self.code, "messageZh": self.zh, "messageEn": self.en}
        if self.field:
            ext["field"] = self.field
        return GraphQLError(f"{self.zh} / {self.en}", extensions=ext)


@strawberry.type(description="类型化错误 / a typed error returned by a mutation")
class UserError:
    code: ErrorCode
    message: str = strawberry.field(description="中文 / English")
    message_zh: str
    message_en: str
    field: str | None = None


def user_error(err: ApiError) -> UserError:
    return UserError(code=ErrorCode(err.code), message=f"{err.zh} / {err.en}",
                     message_zh=err.zh, message_en=err.en, field=err.field)


def fail(code: str | ErrorCode, zh: str, en: str, field: str | None = None) -> ApiError:
    return ApiError(code, zh, en, field)


def not_found(what_zh: str = "对象", what_en: str = "object") -> ApiError:
    return ApiError(ErrorCode.NOT_FOUND, f"未找到{what_zh}", f"{what_en} not found")


__all__ += ["not_found"]
