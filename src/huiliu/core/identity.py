"""Resident ID numbers (GB 11643), mobile phone numbers and names: validation and masking."""

import datetime
import re
import unicodedata

from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from .errors import ValidationFailed

# ASCII digits only: str.isdigit() and a plain \d also accept digits of other scripts.
MOBILE_PHONE = re.compile(r"1[3-9][0-9]{9}")
LANDLINE_PHONE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}")
ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]")


def normalize_id_number(raw: str) -> str:
    """Return the ID number without spaces, with an upper-case X (full-width digits become ASCII)."""
    return re.sub(r"\s", "", ric.compact(raw or "")).upper()


def validate_id_number(raw: str, field: str = "id_number") -> str:
    """Return the normalized ID number, or raise ValidationFailed naming the field."""
    number = normalize_id_number(raw)
    if len(number) != 18:
        raise ValidationFailed({field: [_("The ID number must have 18 characters.")]})
    if not ID_NUMBER.fullmatch(number):
        raise ValidationFailed({field: [_("The ID number may contain only digits and a final X.")]})
    if number[17] != ric.calc_check_digit(number):
        raise ValidationFailed({field: [_("The check digit of the ID number is wrong.")]})
    try:
        born = ric.get_birth_date(number)
    except StdnumError:
        raise ValidationFailed({field: [_("The birth date in the ID number is not a real date.")]}) from None
    if born > datetime.date.today() or born.year < 1900:
        raise ValidationFailed({field: [_("The birth date in the ID number is not a real date.")]})
    if not is_known_county_code(number[:6]):
        raise ValidationFailed({field: [_("The first six digits of the ID number are not a county code.")]})
    return number


def is_known_county_code(code: str) -> bool:
    """Whether the 6 digits were ever a county code.

    python-stdnum's own check wants the code in force at the birth year, but the
    address code is the one in force when the number was assigned (often years
    after birth, when 18-digit numbers came in 1999), so any period counts.
    """
    parts = numdb.get("cn/loc").info(code)
    return len(parts) == 2 and "county" in parts[1][1] and code[2:] != "0000"


def birth_date_of(id_number: str) -> datetime.date:
    return ric.get_birth_date(id_number)


def sex_of(id_number: str) -> str:
    """Return "M" or "F" from the 17th digit (odd is male)."""
    return "M" if int(id_number[16]) % 2 else "F"


def validate_phone(raw: str, field: str = "phone") -> str:
    """Return the phone without spaces, or raise ValidationFailed naming the field."""
    phone = re.sub(r"\s", "", unicodedata.normalize("NFKC", raw or ""))
    if not phone:
        return ""
    if MOBILE_PHONE.fullmatch(phone) or LANDLINE_PHONE.fullmatch(phone):
        return phone
    raise ValidationFailed({field: [_("Enter an 11-digit mobile number or a landline with its area code.")]})


def mask_id_number(number: str) -> str:
    """3701**********123X: the province and city, and the last four."""
    if not number:
        return ""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****0000."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str) -> str:
    """王*英, 李*, 欧**䶮: the surname's first character and, past two characters, the last one."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def make_id_number(county_code: str, birth_date: datetime.date, sequence: int, sex: str) -> str:
    """Compose a valid ID number: county, birth date, a 3-digit sequence whose last digit carries the sex, check digit."""
    order = sequence % 500 * 2 + (1 if sex == "M" else 0)
    body = f"{county_code}{birth_date:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")
