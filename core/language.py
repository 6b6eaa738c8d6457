"""The language of user-facing text for the current request: ``Accept-Language`` picks zh-CN
(the default) or English; a client that wants both reads ``messageZh``/``messageEn``."""

from __future__ import annotations

from contextvars import ContextVar

__all__ = ["choose", "language_from_header", "language_var"]

language_var: ContextVar[str] = ContextVar("linli_language", default="zh")
"""``"zh"`` or ``"en"``, set per request by :class:`core.logging.RequestContextMiddleware`."""


def language_from_header(header: str) -> str:
    """``"en"`` when English is preferred over Chinese by ``Accept-Language`` (q-values
    honoured, order breaks ties); ``"zh"`` otherwise, an empty or unreadable header included."""
    best, best_q = "zh", 0.0
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in ("zh", "en") and q > best_q:
            best, best_q = primary, q
    return best


def choose(zh: str, en: str) -> str:
    """The text in the request's language."""
    return en if language_var.get() == "en" else zh
