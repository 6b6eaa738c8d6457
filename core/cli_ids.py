"""Ids on the command line: the CLI takes the global ids the API returns (``UmVzaWRlbnQ6NDI``)
as well as plain integers, so an operator can paste what GraphiQL showed. Names and codes,
where unique, are resolved by each command (a node by its code, an account by username or
phone, an API key by its prefix, a place by its name under the node)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click

from core.ids import parse_global_id
from core.text import ascii_digits

__all__ = ["CliId", "IdParam", "parse_cli_id", "pk_only"]

MAX_PK = 2**31 - 1


@dataclass(frozen=True)
class CliId:
    """An id given on the command line: its primary key, and its type when a global id named
    one (``None`` for a bare integer). ``text`` keeps what was typed, for name look-ups."""

    pk: int | None
    type_name: str | None
    text: str


def parse_cli_id(value: str, types: tuple[str, ...] = (), *, allow_names: bool = False
                 ) -> CliId:
    """A bare integer or a global id (of one of ``types`` when given); with ``allow_names``
    anything else is kept as a name for the command to look up."""
    text = (value or "").strip()
    if ascii_digits(text):
        pk = int(text)
        if not 0 < pk <= MAX_PK:
            if allow_names:  # a long number is a code (身份证号), never a row id
                return CliId(None, None, text)
            raise click.BadParameter(f"编号超出范围 / id out of range: {text}")
        return CliId(pk, None, text)
    try:
        type_name, pk = parse_global_id(text)
    except ValueError as exc:
        if allow_names:
            return CliId(None, None, text)
        raise click.BadParameter(f"既不是整数也不是全局ID / neither an integer nor a global "
                                 f"id: {text}") from exc
    if types and type_name not in types:
        raise click.BadParameter(f"全局ID的类型是 {type_name}，应为 {' / '.join(types)} / "
                                 f"the global id is a {type_name}, not a {' or '.join(types)}")
    if pk > MAX_PK:
        raise click.BadParameter(f"编号超出范围 / id out of range: {text}")
    return CliId(pk, type_name, text)


class IdParam(click.ParamType):  # type: ignore[type-arg]
    """A click parameter taking an integer or a global id of ``types`` (→ :class:`CliId`)."""

    name = "id"

    def __init__(self, *types: str, allow_names: bool = False) -> None:
        self.types = types
        self.allow_names = allow_names

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> CliId:
        if isinstance(value, CliId):
            return value
        try:
            return parse_cli_id(str(value), self.types, allow_names=self.allow_names)
        except click.BadParameter as exc:
            self.fail(exc.message, param, ctx)


def pk_only(ctx: click.Context, param: click.Parameter, value: CliId | None) -> int | None:
    """A click callback for options that want the bare primary key."""
    return None if value is None else value.pk
