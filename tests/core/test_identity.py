"""Resident ID numbers (GB 11643) and phones: validation, derived facts, masking."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huiliu.core.errors import ValidationFailed
from huiliu.core.identity import (
    birth_date_of,
    make_id_number,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    sex_of,
    validate_id_number,
    validate_phone,
)
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.standard import standard_divisions

COUNTY_CODES = sorted(f"{code:012d}"[:6] for code, _name in standard_divisions() if codes.level_of(code) == codes.COUNTY)
ID_CHARACTERS = "0123456789X"

# GB 11643-1999, written out here so that the tests do not trust the code they test.
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK_CHARACTERS = "10X98765432"


def gb11643_check_character(body: str) -> str:
    return CHECK_CHARACTERS[sum(int(digit) * weight for digit, weight in zip(body, WEIGHTS, strict=True)) % 11]


counties = st.sampled_from(COUNTY_CODES)
birth_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today())
sexes = st.sampled_from("MF")


@st.composite
def valid_id_numbers(draw):
    return make_id_number(draw(counties), draw(birth_dates), draw(st.integers(0, 10**6)), draw(sexes))


def with_check_character(body: str) -> str:
    return body + gb11643_check_character(body)


def test_the_county_strategy_draws_from_thousands_of_real_counties():
    assert len(COUNTY_CODES) > 2500
    assert "440306" in COUNTY_CODES and "370114" in COUNTY_CODES


@given(county=counties, born=birth_dates, sequence=st.integers(0, 10**6), sex=sexes)
def test_every_well_formed_id_number_of_a_real_county_validates_with_its_birth_date_and_sex(county, born, sequence, sex):
    number = make_id_number(county, born, sequence, sex)

    assert len(number) == 18
    assert number == with_check_character(number[:17])
    assert number[:6] == county and number[6:14] == f"{born:%Y%m%d}"
    assert validate_id_number(number) == number
    assert birth_date_of(number) == born
    assert sex_of(number) == sex


@given(number=valid_id_numbers(), data=st.data())
def test_every_single_character_change_of_a_valid_id_number_is_refused(number, data):
    # The check character catches every substitution: a changed check character no
    # longer matches the body, and a changed body digit shifts the weighted sum by
    # weight × difference, where no weight and no difference (1..9) is 0 mod 11.
    position = data.draw(st.integers(0, 17), label="position")
    replacement = data.draw(st.sampled_from([c for c in ID_CHARACTERS if c != number[position]]), label="replacement")
    changed = number[:position] + replacement + number[position + 1:]

    with pytest.raises(ValidationFailed) as refused:
        validate_id_number(changed)
    assert list(refused.value.errors) == ["id_number"]


@given(number=valid_id_numbers())
def test_swapping_two_different_adjacent_body_digits_is_refused(number):
    for i in range(16):
        if number[i] != number[i + 1]:
            swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
            with pytest.raises(ValidationFailed):
                validate_id_number(swapped)


def test_a_lower_case_x_is_normalised_to_upper_case():
    body = next(b for b in (f"37011419900517{n:03d}" for n in range(1000)) if gb11643_check_character(b) == "X")

    assert validate_id_number(body + "x") == body + "X"
    assert normalize_id_number(f" {body}x ") == body + "X"


def test_spaces_inside_a_pasted_id_number_are_removed():
    number = make_id_number("370114", datetime.date(1990, 5, 17), 7, "F")

    assert validate_id_number(f"{number[:6]} {number[6:14]} {number[14:]}") == number


@pytest.mark.parametrize("raw", ["", "37011419900517002", "3701141990051700244", "37011419900517002A", "3701141990051700X4"])
def test_numbers_of_the_wrong_length_or_alphabet_are_refused(raw):
    with pytest.raises(ValidationFailed) as refused:
        validate_id_number(raw)
    assert "id_number" in refused.value.errors


def _with_birth_date_digits_in(number: str, digits: str) -> str:
    return number[:6] + number[6:14].translate(str.maketrans("0123456789", digits)) + number[14:]


def test_full_width_digits_typed_by_a_chinese_input_method_become_ascii():
    number = make_id_number("370114", datetime.date(1990, 5, 17), 8, "M")

    assert validate_id_number(_with_birth_date_digits_in(number, "０１２３４５６７８９")) == number
    assert validate_phone("１３８　００００　００００") == "13800000000"


@pytest.mark.parametrize("digits", ["٠١٢٣٤٥٦٧٨٩", "⁰¹²³⁴⁵⁶⁷⁸⁹"])
def test_digits_of_other_scripts_are_refused_not_stored_nor_crashing(digits):
    number = make_id_number("370114", datetime.date(1990, 5, 17), 8, "M")

    with pytest.raises(ValidationFailed):
        validate_id_number(_with_birth_date_digits_in(number, digits))


def test_the_error_names_the_field_the_caller_asked_for():
    with pytest.raises(ValidationFailed) as refused:
        validate_id_number("123", field="father_id_number")
    assert list(refused.value.errors) == ["father_id_number"]


@pytest.mark.parametrize(
    ("born", "why"),
    [
        (datetime.date.today() + datetime.timedelta(days=1), "born tomorrow"),
        (datetime.date(1899, 12, 31), "before 1900"),
    ],
)
def test_a_birth_date_in_the_future_or_before_1900_is_refused(born, why):
    with pytest.raises(ValidationFailed):
        validate_id_number(make_id_number("370114", born, 1, "F"))


@pytest.mark.parametrize("date_digits", ["19900230", "19901301", "19900001", "20230229"])
def test_a_birth_date_that_is_not_a_real_day_is_refused_even_with_a_right_check_digit(date_digits):
    with pytest.raises(ValidationFailed):
        validate_id_number(with_check_character(f"370114{date_digits}002"))


@pytest.mark.parametrize("county", ["000000", "990101", "370000", "379999"])
def test_an_address_code_that_was_never_a_county_is_refused(county):
    with pytest.raises(ValidationFailed):
        validate_id_number(with_check_character(f"{county}19900517002"))


def test_an_address_code_abolished_since_still_validates():
    # 370181 章丘市 became 370114 章丘区 in 2016; people keep the numbers they were given.
    number = with_check_character("37018119800101001")

    assert validate_id_number(number) == number


def test_an_id_number_is_masked_to_its_first_four_and_last_four_characters():
    assert mask_id_number("37011419900517123X") == "3701**********123X"
    assert mask_id_number("") == ""


@given(number=valid_id_numbers())
def test_a_masked_id_number_hides_the_birth_date_and_sequence(number):
    masked = mask_id_number(number)

    assert len(masked) == 18
    assert masked[:4] == number[:4] and masked[-4:] == number[-4:]
    assert set(masked[4:14]) == {"*"}


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13800000000", "138****0000"), ("0531-88886666", "053******6666"), ("12345", "*****"), ("", "")],
)
def test_a_phone_is_masked_to_its_first_three_and_last_four_digits(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("13800000000", "13800000000"),
        ("138 0000 0000", "13800000000"),
        ("19912345678", "19912345678"),
        ("0531-88886666", "0531-88886666"),
        ("01088886666", "01088886666"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_mobile_and_landline_numbers_are_accepted_without_their_spaces(raw, clean):
    assert validate_phone(raw) == clean


@pytest.mark.parametrize(
    "raw",
    ["12800000000", "1380000000", "138000000000", "88886666", "531-88886666", "138-0000-0000", "phone",
     "13٠٠٠٠٠٠٠٠٠", "13800000000\n1"],
)
def test_numbers_that_are_neither_mobile_nor_landline_are_refused(raw):
    with pytest.raises(ValidationFailed) as refused:
        validate_phone(raw, field="contact_phone")
    assert list(refused.value.errors) == ["contact_phone"]


@settings(max_examples=50)
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_every_mobile_number_validates_and_masks_to_eleven_characters(phone):
    assert validate_phone(phone) == phone
    masked = mask_phone(phone)
    assert masked == phone[:3] + "****" + phone[-4:]
