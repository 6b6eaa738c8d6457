"""The CLI's one translation of ApiError: both languages, the field and the code."""

import click
import pytest

from core.cli_errors import run_cli
from core.errors import ApiError


def test_run_cli_turns_api_error_into_a_click_error():
    async def refused() -> None:
        raise ApiError.conflict("区划代码已存在", "code exists", "code")

    with pytest.raises(click.ClickException) as err:
        run_cli(refused())
    assert err.value.message == "区划代码已存在 / code exists [code] (CONFLICT)"
    assert err.value.exit_code == 1


def test_run_cli_returns_the_result():
    async def fine() -> int:
        return 7

    assert run_cli(fine()) == 7
