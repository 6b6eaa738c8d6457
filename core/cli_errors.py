"""The CLI's one translation of a refused operation (:class:`~core.errors.ApiError`) into a
click error: every command group runs its work through :func:`run_cli`."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import click

from core.errors import ApiError

__all__ = ["click_error", "run_cli"]

T = TypeVar("T")


def click_error(exc: ApiError) -> click.ClickException:
    """``zh / en [field] (CODE)``: the operator sees both languages, the field and the code."""
    field = f" [{exc.field}]" if exc.field else ""
    return click.ClickException(f"{exc.zh} / {exc.en}{field} ({exc.code})")


def run_cli(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)``; an :class:`ApiError` becomes a click error (exit code 1)."""
    try:
        return asyncio.run(main)
    except ApiError as exc:
        raise click_error(exc) from exc
