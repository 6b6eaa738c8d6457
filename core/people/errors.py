"""The one error type of the people domain: a machine code, zh-CN and English text, a field."""

from __future__ import annotations

__all__ = ["PeopleError"]


class PeopleError(ValueError):
    """Bad input or a refused operation; resolvers turn it into a typed GraphQL error."""

    def __init__(self, code: str, zh: str, en: str, field: str | None = None) -> None:
        super().__init__(f"{zh} / {en}")
        self.code, self.zh, self.en, self.field = code, zh, en, field

    @classmethod
    def invalid(cls, field: str, zh: str, en: str) -> PeopleError:
        return cls("INVALID_ARGUMENT", zh, en, field)

    @classmethod
    def not_found(cls, what_zh: str, what_en: str, field: str | None = "id") -> PeopleError:
        return cls("NOT_FOUND", f"未找到{what_zh}", f"{what_en} not found", field)

    @classmethod
    def forbidden(cls, zh: str, en: str) -> PeopleError:
        return cls("FORBIDDEN", zh, en)
