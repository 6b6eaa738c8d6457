"""身份证号, phone, gender, tags and masking rules."""

from datetime import date

import pytest

from core.errors import ApiError
from core.people.validation import (
    id_check_digit,
    mask_id_number,
    mask_phone,
    normalise_tags,
    parse_gender,
    validate_id_number,
    validate_phone,
)

VALID = "11010519491231002X"  # the GB 11643 standard's own example (female, 1949-12-31)


def _err(fn, *args, **kw) -> ApiError:
    with pytest.raises(ApiError) as info:
        fn(*args, **kw)
    assert info.value.code == "INVALID_ARGUMENT"
    assert info.value.zh and info.value.en
    return info.value


def test_valid_id_number_derives_birth_and_gender():
    idn = validate_id_number(VALID)
    assert idn.value == VALID
    assert idn.birth_date == date(1949, 12, 31)
    assert idn.gender == "female"
    assert validate_id_number("110105194912310011").gender == "male"


def test_lower_case_x_is_stored_upper_case():
    assert validate_id_number(VALID.lower()).value == VALID


def test_check_digit_is_enforced():
    assert _err(validate_id_number, VALID[:-1] + "3").field == "idNumber"


def test_length_and_characters():
    _err(validate_id_number, VALID[:-1])
    _err(validate_id_number, "1101051949123100AX")
    _err(validate_id_number, "")


def _with_check(body: str) -> str:
    return body + id_check_digit(body)


def test_the_check_digit_of_a_published_example():
    # GB 11643-1999's worked example: 11010519491231002 → X
    assert id_check_digit("11010519491231002") == "X"


def test_feb_30_is_not_a_date():
    err = _err(validate_id_number, _with_check("11010520000230001"))
    assert "出生日期" in err.zh and "real date" in err.en


def test_future_birth_date_refused():
    _err(validate_id_number, _with_check("11010520990101001"), today=date(2026, 1, 1))


def test_gender_and_birth_must_agree():
    assert _err(validate_id_number, VALID, gender="male").field == "gender"
    assert _err(validate_id_number, VALID, birth_date=date(1949, 12, 30)).field == "birthDate"
    validate_id_number(VALID, gender="female", birth_date=date(1949, 12, 31))


def test_phone():
    assert validate_phone("138-0013 8000") == "13800138000"
    for bad in ("23800138000", "1380013800", "1380013800a", ""):
        assert _err(validate_phone, bad).field == "phone"


def test_gender_words():
    assert parse_gender("男") == "male" and parse_gender("F") == "female"
    _err(parse_gender, "未知")


def test_tags_from_labels_and_codes():
    assert normalise_tags("党员、独居,低保") == ["lives_alone", "minimum_allowance", "party_member"]
    assert normalise_tags(["veteran", "退役军人"]) == ["veteran"]
    assert _err(normalise_tags, "党员、富豪").field == "tags"


def test_masking():
    assert mask_id_number("37150219500301123X") == "37***************X"
    assert mask_phone("13812345678") == "138******78"
    # values stored in the older, wider format are masked the same way when shown
    assert mask_id_number("3715**********123X") == "37***************X"
    assert mask_phone("138****5678") == "138******78"
