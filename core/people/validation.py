"""Validation and masking of residents' fields: 身份证号 (GB 11643), phone, gender, tags, names.

Every failure is a :class:`~core.errors.ApiError` naming the field, in zh-CN and English.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

from core.clock import today_shanghai
from core.errors import ApiError
from core.text import strict_ascii

__all__ = [
    "GENDERS",
    "REASON_MAX",
    "TAGS",
    "TAGS_ZH",
    "IdNumber",
    "check_reason",
    "closest_tag",
    "id_check_digit",
    "make_id_number",
    "mask_id_number",
    "mask_phone",
    "normalise_tags",
    "parse_gender",
    "today_shanghai",
    "validate_id_number",
    "validate_name",
    "validate_phone",
]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

GENDERS = {"male": ("男", "male"), "female": ("女", "female")}

# code: (zh label, English label) — the fixed list of places-and-people.md
TAGS: dict[str, tuple[str, str]] = {
    "party_member": ("党员", "party member"),
    "retired_cadre": ("离退休干部", "retired cadre"),
    "permanent": ("常住", "permanent resident"),
    "lives_alone": ("独居", "lives alone"),
    "empty_nest": ("空巢", "empty nest"),
    "long_term_empty_nest": ("长期空巢", "long-term empty nest"),
    "widowed_orphaned_childless": ("鳏寡孤独", "widowed/orphaned/childless"),
    "elderly_disabled": ("老加残", "elderly with disability"),
    "disabled": ("残疾", "disabled"),
    "minimum_allowance": ("低保", "minimum-living allowance"),
    "extreme_poverty": ("特困", "extreme-poverty support"),
    "veteran": ("退役军人", "veteran"),
}
_TAG_BY_LABEL = {zh: code for code, (zh, _) in TAGS.items()}
TAGS_ZH = tuple(zh for zh, _ in TAGS.values())


@dataclass(frozen=True)
class IdNumber:
    """A validated 身份证号 with what it encodes."""

    value: str
    birth_date: date
    gender: str


def id_check_digit(body: str) -> str:
    """The GB 11643 check digit (``0``–``9`` or ``X``) of the first 17 characters."""
    return _CHECK[sum(int(d) * w for d, w in zip(body[:17], _WEIGHTS, strict=True)) % 11]


def make_id_number(area: str, birth: date, serial: int) -> str:
    """A GB 11643 number: area (6 digits) + birth date (8) + serial (3, odd = male) + check
    digit (demo data and tests; the only place the check digit is computed)."""
    body = f"{area[:6]}{birth:%Y%m%d}{serial % 1000:03d}"
    return body + id_check_digit(body)


def validate_id_number(raw: str, *, gender: str | None = None, birth_date: date | None = None,
                       field: str = "idNumber", today: date | None = None) -> IdNumber:
    """Check length, digits, the GB 11643 check digit, the birth date (a real day, not in the
    future) and, when given, that ``gender`` and ``birth_date`` agree with the number."""
    value = strict_ascii(raw)  # full-width digits become ASCII; superscripts and the like fail
    if value is None:
        raise ApiError.invalid(field, "身份证号前17位须为数字，末位为数字或X",
                               "the ID number must be 17 digits and a digit or X")
    value = value.upper()
    if len(value) != 18:
        raise ApiError.invalid(field, "身份证号必须为18位", "the ID number must be 18 characters")
    if not _ID_NUMBER.match(value):
        raise ApiError.invalid(field, "身份证号前17位须为数字，末位为数字或X",
                               "the ID number must be 17 digits and a digit or X")
    if id_check_digit(value[:17]) != value[17]:
        raise ApiError.invalid(field, "身份证号校验码错误", "the ID number's check digit is wrong")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ApiError.invalid(field, "身份证号中的出生日期不存在",
                               "the birth date in the ID number is not a real date") from None
    if born > (today or today_shanghai()) or born.year < 1880:
        raise ApiError.invalid(field, "身份证号中的出生日期不合理",
                               "the birth date in the ID number is in the future or implausible")
    sex = "male" if int(value[16]) % 2 == 1 else "female"
    if gender is not None and gender != sex:
        raise ApiError.invalid("gender", "性别与身份证号不符",
                               "the gender does not match the ID number")
    if birth_date is not None and birth_date != born:
        raise ApiError.invalid("birthDate", "出生日期与身份证号不符",
                               "the birth date does not match the ID number")
    return IdNumber(value=value, birth_date=born, gender=sex)


_PHONE = re.compile(r"^1[0-9]{10}$")
_ID_NUMBER = re.compile(r"^[0-9]{17}[0-9X]$")


def validate_phone(raw: str, field: str = "phone") -> str:
    """11 digits starting with 1 (spaces and dashes are dropped)."""
    value = re.sub(r"[ \t-]", "", strict_ascii(raw) or "x")
    if not _PHONE.match(value):
        raise ApiError.invalid(field, "手机号须为以1开头的11位数字",
                               "the phone must be 11 digits starting with 1")
    return value


def parse_gender(raw: str, field: str = "gender") -> str:
    """``male``/``female`` from 男/女, M/F or the English words."""
    value = (raw or "").strip().lower()
    for code, (zh, en) in GENDERS.items():
        if value in (zh, en, en[0], code):
            return code
    raise ApiError.invalid(field, "性别须为男或女", "the gender must be male or female")


def validate_name(raw: str, field: str = "name", max_len: int = 50) -> str:
    value = (raw or "").strip()
    if not value or len(value) > max_len:
        raise ApiError.invalid(field, f"名称不能为空且不超过{max_len}字",
                               f"the name must be 1–{max_len} characters")
    return value


def normalise_tags(values: list[str] | tuple[str, ...] | str | None,
                   field: str = "tags") -> list[str]:
    """Tag codes from codes or Chinese labels; a string is split on 、 , ， ; and spaces."""
    if values is None:
        return []
    items = re.split(r"[、,，;；\s]+", values) if isinstance(values, str) else list(values)
    out: list[str] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        code = item if item in TAGS else _TAG_BY_LABEL.get(item)
        if code is None:
            raise _unknown_tag(field, item)
        if code not in out:
            out.append(code)
    return sorted(out)


def closest_tag(item: str) -> str | None:
    """The allowed tag (its zh label) nearest to a mistyped ``item``, or ``None``."""
    labels = {zh: zh for zh, _ in TAGS.values()} | {code: TAGS[code][0] for code in TAGS}
    labels |= {en: zh for zh, en in TAGS.values()}
    near = difflib.get_close_matches(item, list(labels), n=1, cutoff=0.4)
    if not near:  # one shared character is the best evidence a two-character label gives
        near = [zh for zh in labels if set(zh) & set(item) and zh in TAGS_ZH][:1]
    return labels[near[0]] if near else None


def _unknown_tag(field: str, item: str) -> ApiError:
    allowed = "、".join(TAGS_ZH)
    near = closest_tag(item)
    if near is not None:
        return ApiError.invalid(field, f"未知标签：{item}，是否为“{near}”？可用标签：{allowed}",
                                f"unknown tag: {item}; did you mean \"{near}\"? "
                                f"Allowed tags: {allowed}")
    return ApiError.invalid(field, f"未知标签：{item}。可用标签：{allowed}",
                            f"unknown tag: {item}. Allowed tags: {allowed}")


def mask_id_number(value: str) -> str:
    """``37***************X``: the province (2 digits) and the check character only.

    Masking must not be undoable from what else a caller without ``people.reveal_pii`` sees
    (gender, the birth *year* — ``birthDate`` is given only by a reveal — and the tenant's
    district): with the 6-digit region known, 365 birth days × 500 sequence numbers of the
    right parity, of which 1 in 11 has this check character, leave ≈16,600 candidates (an
    earlier ``3715**********0023`` next to the birth date left one). Idempotent: it also
    re-masks a value stored in the older, wider format."""
    return value[:2] + "*" * (len(value) - 3) + value[-1:] if len(value) > 3 else "*" * len(value)


def mask_phone(value: str) -> str:
    """``138******78``: the carrier prefix and the last 2 digits (10⁶ candidates). Idempotent,
    like :func:`mask_id_number`."""
    return value[:3] + "*" * 6 + value[-2:] if len(value) == 11 else "*" * len(value)


REASON_MAX = 200


def check_reason(reason: str | None, field: str = "reason") -> str:
    """A reveal's (or full export's) stated reason: required, at most :data:`REASON_MAX`
    characters."""
    text = " ".join((reason or "").split())
    if len(text) < 2:
        raise ApiError.invalid(field, "请说明查看完整信息的理由", "state why the full values are needed")
    if len(text) > REASON_MAX:
        raise ApiError.invalid(field, f"理由最多 {REASON_MAX} 字", f"at most {REASON_MAX} characters")
    return text
