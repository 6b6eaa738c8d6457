"""Administrative division codes (统计用区划代码): 12 digits."""

from __future__ import annotations

import re

from core.errors import ApiError
from core.text import strict_ascii

__all__ = ["validate_code"]

_CODE = re.compile(r"^[0-9]{12}$")


def validate_code(code: str, kind: str) -> str:
    """The stripped code, if it is a valid code for a node of ``kind``; else INVALID_ARGUMENT
    on ``code``."""
    code = strict_ascii(code) or "x"  # full-width digits are the same code; others fail
    if not _CODE.match(code):
        raise ApiError.invalid("code", "区划代码必须是12位数字",
                               "the administrative code must be 12 digits")
    if code[:2] == "00":
        raise ApiError.invalid("code", "区划代码的省级部分无效",
                               "the province part of the code is invalid")
    if kind in ("street", "town", "township") and code[6:9] == "000":
        raise ApiError.invalid("code", "街道/乡镇代码的第7–9位不能为000",
                               "a township code needs digits 7–9")
    if kind in ("city", "district", "county") and code[6:] != "000000":
        raise ApiError.invalid("code", "区域代码的后6位必须为0",
                               "a region code ends in six zeros")
    return code
