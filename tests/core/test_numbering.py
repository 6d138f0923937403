"""Readable document numbers: the office, the year, a letter for the kind and a sequence that never repeats."""

import pytest

from huiliu.core.numbering import next_document_number


@pytest.mark.django_db
def test_numbers_name_the_office_by_whole_levels_and_count_up_per_kind_and_year():
    township = 370114001000
    assert next_document_number(jurisdiction_code=township, kind="certificate", year=2026) == "370114001-2026-Z000001"
    assert next_document_number(jurisdiction_code=township, kind="certificate", year=2026) == "370114001-2026-Z000002"
    assert next_document_number(jurisdiction_code=township, kind="certificate", year=2027) == "370114001-2027-Z000001"
    assert next_document_number(jurisdiction_code=370114001002, kind="voucher", year=2026) == "370114001002-2026-P000001"
    assert next_document_number(jurisdiction_code=370114000000, kind="voucher", year=2026) == "370114-2026-P000001"


@pytest.mark.django_db
def test_a_tracking_number_never_reads_like_the_voucher_of_the_same_office():
    village = 440306001001
    tracking = next_document_number(jurisdiction_code=village, kind="birth_reg", year=2026)
    voucher = next_document_number(jurisdiction_code=village, kind="voucher", year=2026)
    assert tracking != voucher
    assert tracking.endswith("S000001") and voucher.endswith("P000001")
