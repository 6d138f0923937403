"""Appending to the audit trail: the chain, and no raw identifiers in any row."""

import datetime
import re
import unicodedata

import pytest
from django.db import connection

from huiliu.audit.actions import record_event
from huiliu.audit.chain import GENESIS
from huiliu.audit.models import AuditEvent
from huiliu.audit.queries import find_first_broken_event
from huiliu.core.identity import make_id_number
from tests import factories as f

# A raw ID number or mobile number standing on its own (not part of a longer run of
# digits such as a 12-digit division code like 130102000000), as written in groups,
# and a mobile number after the country code.
RAW_IDENTIFIERS = [
    re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|1[3-9][0-9]{9})(?![0-9])"),
    re.compile(r"[0-9]{6}[ -][0-9]{8}[ -][0-9]{3}[0-9Xx]|1[3-9][0-9][ -][0-9]{4}[ -][0-9]{4}"),
    re.compile(r"86 ?1[3-9][0-9]{9}(?![0-9])"),
]
SCANNED_COLUMNS = ["username", "object_type", "object_id", "event", "outcome", "client_address", "detail"]


def raw_identifiers_in_audit_table() -> list[str]:
    """Every raw ID number or phone found in the text of the table, as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(SCANNED_COLUMNS)} FROM audit_auditevent")
        return [
            hit
            for row in cursor.fetchall()
            for value in row
            for pattern in RAW_IDENTIFIERS
            for hit in pattern.findall(str(value))
        ]


@pytest.mark.django_db
def test_the_first_row_chains_to_the_genesis_hash():
    first = record_event(actor=None, event="test")

    assert first.prev_hash == GENESIS
    assert len(first.hash) == 64


@pytest.mark.django_db
def test_each_row_chains_to_the_hash_of_the_row_before_it():
    rows = [record_event(actor=None, event="test", object_id=str(n), detail={"n": n}) for n in range(5)]

    stored = list(AuditEvent.objects.order_by("id"))
    assert [r.id for r in stored] == [r.id for r in rows]
    for previous, row in zip(stored, stored[1:]):
        assert row.prev_hash == previous.hash
    assert len({r.hash for r in stored}) == 5
    assert find_first_broken_event() == (None, 5)


@pytest.mark.django_db
def test_a_row_records_the_acting_user_their_office_and_the_client_address(origin_county_officer, client, log_in):
    log_in(origin_county_officer)

    login = AuditEvent.objects.get(event="login")
    assert login.user_id == origin_county_officer.pk
    assert login.username == "origin-county"
    assert login.office == f.ORIGIN_COUNTY
    assert login.client_address == "127.0.0.1"
    assert login.outcome == AuditEvent.Outcome.SUCCESS
    assert login.occurred_at.utcoffset() == datetime.timedelta(0)


@pytest.mark.django_db
def test_rows_written_by_users_chain_like_any_other(origin_county_officer, destination_county_officer):
    record_event(actor=origin_county_officer, event="view", object_type="person", object_id="a", detail={"名字": "王秀英"})
    record_event(actor=destination_county_officer, event="view", object_type="person", object_id="b")

    broken, checked = find_first_broken_event()
    assert broken is None
    assert checked == AuditEvent.objects.count()


@pytest.mark.django_db
def test_no_raw_id_number_or_phone_reaches_the_audit_table():
    number = make_id_number("370114", datetime.date(1990, 5, 17), 3, "M")
    number_with_x = next(
        n for n in (make_id_number("440306", datetime.date(1985, 1, 2), s, "F") for s in range(100)) if n.endswith("X")
    )
    phone = "13812345678"

    record_event(actor=None, event="login_failed", outcome=AuditEvent.Outcome.FAILED, username=number)
    record_event(actor=None, event="login_failed", outcome=AuditEvent.Outcome.FAILED, username=phone)
    record_event(actor=None, event="view", object_type="person", object_id=number)
    record_event(
        actor=None,
        event="search",
        detail={
            "query": f"身份证{number}电话{phone}",
            "lower_x": number_with_x.lower(),
            "nested": {"phones": [phone, f"tel:{phone}"], "ids": (number_with_x,)},
            "as_number": int(phone),
            "typed": [f"{number[:6]} {number[6:14]} {number[14:]}", "138 1234 5678", "138-1234-5678",
                      "+8613812345678", "+86 138 1234 5678", "8613812345678"],
            number: "the key itself",
        },
    )

    assert raw_identifiers_in_audit_table() == []
    assert find_first_broken_event()[0] is None


@pytest.mark.django_db
def test_scrubbing_keeps_what_is_not_an_identifier():
    row = record_event(
        actor=None,
        event="load_divisions",
        detail={"jurisdiction": 130102000000, "code": "130102000000", "created": 12, "name": "长安区", "ok": True},
    )

    row.refresh_from_db()
    assert row.detail == {"jurisdiction": 130102000000, "code": "130102000000", "created": 12, "name": "长安区", "ok": True}
    assert raw_identifiers_in_audit_table() == []


@pytest.mark.django_db
def test_the_scan_itself_finds_identifiers_written_around_the_scrubber():
    # Guard against a scan that can never fail: a row written straight into the
    # table with a raw phone is found.
    record_event(actor=None, event="test")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET username = %s", ["13812345678"])

    assert raw_identifiers_in_audit_table() == ["13812345678"]


@pytest.mark.parametrize("row_key", [
    "6f0e2a3c-9475-4c1b-8d2e-13690555110b",  # hex holding a phone-shaped run of 11 digits
    "00000000-0000-4000-8000-137001141990",
])
def test_a_row_key_is_never_masked_even_when_its_hex_looks_like_a_phone(db, row_key):
    row = record_event(actor=None, event="view", object_type="person", object_id=row_key,
                       detail={"migration": row_key})

    row.refresh_from_db()
    assert row.object_id == row_key
    assert row.detail == {"migration": row_key}


@pytest.mark.parametrize("typed", [
    "3717 2119 7301 0536 48",
    "371721\u300019730105\u30003648",  # ideographic spaces
    "３７１７２１１９７３０１０５３６４８",  # full-width digits
    "138 1234 5678",
    "+86 138-1234-5678",
])
def test_an_identifier_typed_with_any_grouping_or_width_is_masked(db, typed):
    row = record_event(actor=None, event="search", object_type="person", detail={"query": typed})

    row.refresh_from_db()
    assert row.detail["query"] == "[已屏蔽]"


# --- Identifiers typed with dots, slashes or cut short, and what must stay readable ----------------

SEPARATORS = ["", " ", "-", ".", "/", "_", "  ", " / ", "\u3000", "．", "／"]  # the last two fold by NFKC


def _typed(digits: str, groups: list[int], separator: str) -> str:
    pieces, start = [], 0
    for size in groups:
        pieces.append(digits[start:start + size])
        start += size
    pieces.append(digits[start:])
    return separator.join(piece for piece in pieces if piece)


@pytest.mark.parametrize("typed", [
    "370114.19900517.0012",
    "3701/1419/9005/1700/12",
    "370114/19900517/001X",
    "37011419900517001",  # the first 17 digits fix the 18th
    "370114 19900517 001",
    "身份证号370114_19900517_0012请核对",
])
def test_an_id_number_typed_with_dots_or_slashes_or_cut_to_its_first_17_digits_is_masked(db, typed):
    row = record_event(actor=None, event="search", object_type="certificate", detail={"query": typed},
                       object_id=typed[:64])

    row.refresh_from_db()
    assert typed not in row.detail["query"] and "[已屏蔽]" in row.detail["query"]
    assert "[已屏蔽]" in row.object_id


from hypothesis import HealthCheck, given  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from huiliu.audit.actions import _scrub_text, holds_raw_identifier  # noqa: E402


@given(
    birth=st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2025, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
    sex=st.sampled_from(["M", "F"]),
    length=st.sampled_from([17, 18]),
    separator=st.sampled_from(SEPARATORS),
    groups=st.lists(st.integers(min_value=1, max_value=8), max_size=6),
    before=st.sampled_from(["", "号码 ", "ID:", "查询"]),
    after=st.sampled_from(["", " 请核对", "。", "号"]),
)
@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_id_number_or_its_first_17_digits_however_separated_is_masked(birth, sequence, sex, length,
                                                                              separator, groups, before, after):
    number = make_id_number("370114", birth, sequence, sex)
    digits = number[:length]
    text = before + _typed(digits, groups, separator) + after

    assert holds_raw_identifier(text)
    scrubbed = _scrub_text(text)
    assert not any(ch.isdigit() for ch in scrubbed.replace(before, "", 1)), scrubbed


@given(
    day=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)),
    other=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)),
    date_separator=st.sampled_from(["-", ".", "/"]),
    cents=st.integers(min_value=0, max_value=10**11),
    row_key=st.uuids(),
    words=st.sampled_from(["至", " 到 ", "，金额 ", "; "]),
)
@hypothesis_settings(max_examples=300, deadline=None)
def test_dates_money_amounts_and_row_keys_are_never_masked(day, other, date_separator, cents, row_key, words):
    dates = [day.strftime(f"%Y{date_separator}%m{date_separator}%d"), other.isoformat()]
    amounts = [f"{cents / 100:,.2f}", f"{cents / 100:.2f}", f"¥{cents // 100:,}元"]
    texts = [dates[0], f"{dates[0]}{words}{dates[1]}", f"{dates[0]}/{dates[1]}", *amounts,
             f"{dates[0]}{words}{amounts[0]}", str(row_key), f"{row_key}{words}{dates[1]}"]

    for text in texts:
        assert _scrub_text(text) == unicodedata.normalize("NFKC", text), text  # folded by NFKC, nothing masked
        assert not holds_raw_identifier(text), text


def test_document_and_tracking_numbers_and_usernames_are_kept_in_the_audit_row(db):
    numbers = ["village_worker-440306001002-123", "370114001-2026-000042", "370114001-2026-000042-v3", "370114001000-2026-S000001",
               "370114-2026-P000007", "370114001001-2026-000001"]
    detail = {"numbers": numbers, "listed": ", ".join(numbers), "listed_cjk": "、".join(numbers)}
    row = record_event(actor=None, event="verify_document", detail=detail)

    row.refresh_from_db()
    assert row.detail == detail
