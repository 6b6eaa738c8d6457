"""Typed errors in GraphQL: mutation results carry ``UserError`` in their unions; failed
queries carry ``extensions.code`` (see :func:`to_graphql`). The errors themselves are
:mod:`core.errors` (no GraphQL there, so domain logic can raise them)."""

from __future__ import annotations

from typing import Any

import strawberry

from core.errors import ApiError, ErrorCode, fail, not_found
from core.language import choose
from graphql import GraphQLError

__all__ = ["ApiError", "ErrorCode", "UserError", "fail", "not_found", "to_graphql", "user_error"]

strawberry.enum(ErrorCode, description="机器可读的错误代码 / machine-readable error codes")


@strawberry.type(description="类型化错误 / a typed error returned by a mutation")
class UserError:
    code: ErrorCode
    message: str = strawberry.field(
        description="按 Accept-Language 选择的语言（默认中文）/ in the language Accept-Language "
                    "asks for (zh-CN by default); both are in messageZh and messageEn")
    message_zh: str
    message_en: str
    field: str | None = None


def user_error(err: ApiError) -> UserError:
    return UserError(code=ErrorCode(err.code), message=choose(err.zh, err.en),
                     message_zh=err.zh, message_en=err.en, field=err.field)


def to_graphql(err: ApiError) -> GraphQLError:
    ext: dict[str, Any] = {"code": err.code, "messageZh": err.zh, "messageEn": err.en}
    if err.field:
        ext["field"] = err.field
    return GraphQLError(choose(err.zh, err.en), extensions=ext)
