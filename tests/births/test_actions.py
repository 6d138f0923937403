"""Writes of birth registration: a family's declaration is taken as declared; confirming and withdrawing are scoped."""

import datetime
import json

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from stdnum.cn import ric

from huiliu.audit.models import AuditEvent
from huiliu.births import actions
from huiliu.births.models import BirthRegistration, Channel, FiledAt, RegistrationStatus
from huiliu.core import events
from huiliu.core.errors import PermissionDenied, ValidationFailed
from huiliu.people import actions as people_actions
from tests import factories as f

from .conftest import (
    CJK,
    DESTINATION_TOWNSHIP,
    DESTINATION_VILLAGE,
    ORIGIN_TOWNSHIP,
    ORIGIN_VILLAGE,
    OTHER_DESTINATION_VILLAGE,
    RAW_ID_NUMBER,
    days_from_today,
    declaration,
    file_by,
    file_online,
)

pytestmark = pytest.mark.django_db


def with_wrong_check_digit(number: str) -> str:
    right = ric.calc_check_digit(number[:17] + "0")
    return number[:17] + next(c for c in "0123456789X" if c != right)


def written() -> tuple[int, int]:
    """Registrations, and audit rows other than refusals: what a refused filing must leave untouched."""
    return BirthRegistration.objects.count(), AuditEvent.objects.exclude(outcome=AuditEvent.Outcome.DENIED).count()


def notes_about(registration) -> list[str]:
    return [note["about"] for note in registration.registry_notes]


def living_at_the_destination(person, destination_village_worker):
    """The person, registered as living in the destination village: where `file_online` files by default."""
    f.register_arrival(destination_village_worker, number=person.id_number)
    person.refresh_from_db()
    assert person.residence_jurisdiction_id == DESTINATION_VILLAGE
    return person


# --- Filing: declared facts are taken as declared -----------------------------------------------------


def test_a_self_declared_registration_with_no_papers_is_accepted(tree):
    registration = file_online()

    assert registration.status == RegistrationStatus.SUBMITTED
    assert registration.channel == Channel.ONLINE and registration.filed_by is None
    assert registration.jurisdiction_id == DESTINATION_VILLAGE  # filed where the family lives
    year = datetime.date.today().year
    assert registration.tracking_number == f"{DESTINATION_VILLAGE:012d}-{year}-S000001"
    # Nobody in the registry holds that ID number: a note for the worker, and nothing refused.
    assert notes_about(registration) == ["registry"]
    assert registration.mother is None


def test_a_registration_needs_no_spouse_no_phone_no_residence_and_any_marital_status(tree):
    registration = file_online(filed_at="household", father_name="", father_id_number="", phone="",
                               residence_code=None, residence_address="", marital_status="10")

    assert registration.jurisdiction_id == ORIGIN_VILLAGE
    assert registration.father_name == "" and registration.residence_code is None
    assert registration.marital_status == "10"


def test_a_registration_that_differs_from_the_registry_is_accepted_with_a_note_for_each_difference(
    origin_village_worker, destination_village_worker
):
    mother = living_at_the_destination(f.register_resident(origin_village_worker, name="李桂兰", marital_status="21"),
                                       destination_village_worker)
    people_actions.record_child(acting_user=origin_village_worker, person=mother, sex="F",
                                birth_date=datetime.date(2018, 3, 1))

    registration = file_online(mother_name="李桂兰", mother_id_number=mother.id_number, marital_status="40",
                               household_code=f.village(f.ORIGIN_COUNTY, 2, 1), existing_children=2)

    assert registration.status == RegistrationStatus.SUBMITTED
    assert registration.mother == mother  # the same name: linked to the record
    assert set(notes_about(registration)) == {"marital_status", "household_code", "existing_children"}
    # The declaration is kept as declared, not corrected from the registry.
    assert (registration.marital_status, registration.household_code, registration.existing_children) == (
        "40", f.village(f.ORIGIN_COUNTY, 2, 1), 2)


def test_a_registration_under_another_name_than_the_registrys_is_accepted_but_not_linked(
    origin_village_worker, destination_village_worker
):
    mother = living_at_the_destination(f.register_resident(origin_village_worker, name="李桂兰"),
                                       destination_village_worker)

    registration = file_online(mother_name="李桂芝", mother_id_number=mother.id_number)

    assert registration.mother is None
    assert "name" in notes_about(registration)
    assert registration.mother_name == "李桂芝"


def test_a_registration_that_agrees_with_the_registry_is_linked_without_notes(
    origin_village_worker, destination_village_worker
):
    mother = living_at_the_destination(f.register_resident(origin_village_worker, name="李桂兰", marital_status="21"),
                                       destination_village_worker)

    registration = file_online(mother_name="李桂兰", mother_id_number=mother.id_number,
                               household_code=ORIGIN_TOWNSHIP)  # the township above the registered village agrees

    assert registration.mother == mother
    assert registration.registry_notes == []


def test_the_notes_never_reveal_the_registrys_values(origin_village_worker, destination_village_worker):
    mother = living_at_the_destination(f.register_resident(origin_village_worker, name="李桂兰", marital_status="21"),
                                       destination_village_worker)

    registration = file_online(mother_name="王桂兰", mother_id_number=mother.id_number, marital_status="40")

    text = json.dumps(registration.registry_notes, ensure_ascii=False)
    assert "李桂兰" not in text and "初婚" not in text and "first marriage" not in text


def test_filing_with_the_id_number_of_someone_outside_the_offices_area_tells_nothing_of_her_record(
    origin_village_worker, destination_village_worker
):
    target = f.register_resident(origin_village_worker, name="王秀英", marital_status="21")  # lives at the origin
    stranger = f.id_number(f.ORIGIN_COUNTY)  # in no record at all

    def filed(number, **overrides):
        return file_by(destination_village_worker, mother_id_number=number, household_code=OTHER_DESTINATION_VILLAGE,
                       **overrides)

    guesses = [filed(target.id_number, mother_name=name, marital_status=status, existing_children=children)
               for name in ("王秀英", "张三") for status in ("21", "10") for children in (0, 1)]
    unknown = filed(stranger)

    # Every guess answers as an ID number the registry does not hold, and none is linked to her record.
    assert {json.dumps(r.registry_notes, ensure_ascii=False) for r in guesses} == {
        json.dumps(unknown.registry_notes, ensure_ascii=False)}
    assert notes_about(unknown) == ["registry"]
    assert all(r.mother is None for r in guesses)
    assert not AuditEvent.objects.filter(event="registry_lookup").exists()  # her record was not read


def test_a_filing_office_whose_area_holds_her_residence_consults_her_record_and_her_offices_see_it(
    origin_village_worker, destination_village_worker
):
    mother = living_at_the_destination(f.register_resident(origin_village_worker, name="王秀英", marital_status="21"),
                                       destination_village_worker)

    registration = file_by(destination_village_worker, mother_id_number=mother.id_number,
                           household_code=OTHER_DESTINATION_VILLAGE, residence_code=DESTINATION_VILLAGE)

    assert registration.mother == mother
    assert notes_about(registration) == ["household_code"]
    lookup = AuditEvent.objects.get(event="registry_lookup")
    assert (lookup.object_type, lookup.object_id) == ("person", str(mother.pk))
    # Her real household place and residence, not the declared ones: her own offices' auditors see the read.
    assert (lookup.subject_household, lookup.subject_residence) == (ORIGIN_VILLAGE, DESTINATION_VILLAGE)
    assert lookup.detail["linked"] is True and lookup.detail["notes"] == ["household_code"]


def test_a_filing_at_her_household_township_consults_her_record(origin_village_worker, origin_township_officer):
    mother = f.register_resident(origin_village_worker, name="王秀英", marital_status="21")

    registration = file_by(origin_township_officer, filed_at="household", jurisdiction_code=ORIGIN_TOWNSHIP,
                           mother_id_number=mother.id_number, marital_status="10")

    assert registration.mother == mother and notes_about(registration) == ["marital_status"]
    assert AuditEvent.objects.get(event="registry_lookup").subject_household == ORIGIN_VILLAGE


def test_the_sex_in_the_mothers_id_number_is_not_policed(tree):
    registration = file_online(mother_id_number=f.id_number(f.ORIGIN_COUNTY, sex="M"))

    assert registration.status == RegistrationStatus.SUBMITTED


@pytest.mark.parametrize("children", [0, 1, 2, 3, 5, 9])
def test_the_number_of_children_already_born_never_decides_anything(tree, children):
    registration = file_online(existing_children=children)

    assert registration.status == RegistrationStatus.SUBMITTED
    assert registration.existing_children == children


def test_a_birth_already_happened_is_registered_with_its_date(tree):
    registration = file_online(expected_birth_date=None, birth_date=days_from_today(-20))

    assert registration.birth_date == days_from_today(-20) and registration.expected_birth_date is None


def test_the_filing_is_audited_without_the_id_numbers_or_phone(tree):
    registration = file_online()

    row = AuditEvent.objects.get(event="create", object_type="birth_registration")
    assert row.object_id == str(registration.pk)
    assert (row.subject_household, row.subject_residence) == (ORIGIN_VILLAGE, DESTINATION_VILLAGE)
    text = json.dumps(row.detail)
    assert not RAW_ID_NUMBER.search(text) and "13812345678" not in text
    assert row.detail["channel"] == "online" and row.user_id is None


def test_a_filing_at_the_household_place_may_be_made_at_its_township(tree):
    registration = file_online(filed_at="household", jurisdiction_code=ORIGIN_TOWNSHIP)

    assert registration.jurisdiction_id == ORIGIN_TOWNSHIP
    assert registration.tracking_number.startswith(f"{ORIGIN_TOWNSHIP:012d}"[:9] + "-")


def test_tracking_numbers_follow_each_other_per_office(tree):
    first, second = file_online(), file_online()

    assert first.tracking_number[-6:] == "000001" and second.tracking_number[-6:] == "000002"


# --- Filing: refusals name every field and write nothing ------------------------------------------------


def test_bad_input_is_refused_at_once_for_every_field_in_chinese_and_nothing_is_written(tree):
    before = written()

    with pytest.raises(ValidationFailed) as refused:
        actions.file_birth_registration(acting_user=None, channel="online", **declaration(
            mother_name="  ", mother_id_number=with_wrong_check_digit(f.id_number()), father_id_number="12345",
            marital_status="99", household_code=999999999999, residence_code=None, phone="12345",
            expected_birth_date=None, birth_date=days_from_today(3)))

    errors = refused.value.errors
    assert set(errors) == {"mother_name", "mother_id_number", "father_id_number", "marital_status", "household_code",
                           "residence_code", "phone", "birth_date"}
    assert all(CJK.search(message) for messages in errors.values() for message in messages), errors
    assert written() == before


def test_dates_and_counts_out_of_range_are_refused_with_the_field_named(tree):
    with pytest.raises(ValidationFailed) as refused:
        file_online(expected_birth_date=days_from_today(400), existing_children=-1)
    assert set(refused.value.errors) == {"expected_birth_date", "existing_children"}

    with pytest.raises(ValidationFailed) as refused:
        file_online(expected_birth_date=days_from_today(-400))
    assert set(refused.value.errors) == {"expected_birth_date"}

    with pytest.raises(ValidationFailed) as refused:
        file_online(expected_birth_date=None, birth_date=None)
    assert set(refused.value.errors) == {"expected_birth_date", "birth_date"}

    with pytest.raises(ValidationFailed) as refused:
        file_online(expected_birth_date=days_from_today(30), birth_date=days_from_today(-1))
    assert set(refused.value.errors) == {"expected_birth_date", "birth_date"}
    assert not BirthRegistration.objects.exists()


def test_text_longer_than_its_column_is_refused(tree):
    with pytest.raises(ValidationFailed) as refused:
        file_online(mother_name="王" * 51, father_name="张" * 51, residence_address="路" * 201)

    assert set(refused.value.errors) == {"mother_name", "father_name", "residence_address"}


@pytest.mark.parametrize(("filed_at", "office"), [
    ("residence", ORIGIN_VILLAGE),  # the household place is not where they live
    ("residence", f.village(f.DESTINATION_COUNTY, 1, 2)),  # a neighbouring village of the same township
    ("household", DESTINATION_VILLAGE),
    ("residence", f.DESTINATION_COUNTY),  # a county is no office for this
])
def test_the_office_must_be_the_place_filed_at_or_its_township(tree, filed_at, office):
    with pytest.raises(ValidationFailed) as refused:
        file_online(filed_at=filed_at, jurisdiction_code=office)

    assert set(refused.value.errors) == {"jurisdiction_code"}


def test_a_filing_at_the_residence_names_the_residence(tree):
    with pytest.raises(ValidationFailed) as refused:
        file_online(residence_code=None)

    assert set(refused.value.errors) == {"residence_code"}


@given(expected_in=st.integers(min_value=-366, max_value=305), children=st.integers(min_value=0, max_value=30),
       marital_status=st.sampled_from(["10", "21", "22", "23", "30", "40", "90"]),
       filed_at=st.sampled_from(["residence", "household"]))
@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_declaration_within_the_dates_is_accepted_whatever_the_family_says(
    tree, expected_in, children, marital_status, filed_at
):
    registration = file_online(expected_birth_date=days_from_today(expected_in), existing_children=children,
                               marital_status=marital_status, filed_at=filed_at)

    assert registration.status == RegistrationStatus.SUBMITTED


# --- Filing by a worker -----------------------------------------------------------------------------------


def test_a_worker_files_for_a_family_in_their_village(destination_village_worker):
    registration = file_by(destination_village_worker)

    assert registration.channel == Channel.WORKER and registration.filed_by == destination_village_worker
    assert registration.filed_at == FiledAt.RESIDENCE


def test_a_worker_may_not_file_at_an_office_outside_their_scope_and_the_refusal_is_audited(
    destination_village_worker
):
    before = written()

    with pytest.raises(PermissionDenied):
        file_by(destination_village_worker, residence_code=OTHER_DESTINATION_VILLAGE)

    assert written() == before
    assert AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED, object_type="birth_registration").exists()


def test_a_worker_files_as_a_worker_and_the_family_online(destination_village_worker):
    with pytest.raises(ValidationFailed) as refused:
        actions.file_birth_registration(acting_user=destination_village_worker, channel="online", **declaration())
    assert set(refused.value.errors) == {"channel"}

    with pytest.raises(PermissionDenied):
        actions.file_birth_registration(acting_user=None, channel="worker", **declaration())
    assert not BirthRegistration.objects.exists()


# --- Confirming -------------------------------------------------------------------------------------------


def test_a_worker_of_the_office_confirms_and_a_voucher_number_is_taken(destination_village_worker, registration):
    confirmed = actions.confirm_birth_registration(acting_user=destination_village_worker, registration=registration)

    confirmed.refresh_from_db()
    assert confirmed.status == RegistrationStatus.CONFIRMED
    assert confirmed.confirmed_by == destination_village_worker and confirmed.confirmed_at is not None
    assert confirmed.voucher_number == f"{DESTINATION_VILLAGE:012d}-{datetime.date.today().year}-P000001"
    assert confirmed.days_to_confirmation == 0
    row = AuditEvent.objects.get(event="confirm")
    assert row.user_id == destination_village_worker.pk and row.object_id == str(registration.pk)


def test_the_township_above_the_office_may_confirm(destination_township_officer, registration):
    actions.confirm_birth_registration(acting_user=destination_township_officer, registration=registration)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_confirming_publishes_the_event_in_the_transaction(destination_village_worker, registration):
    heard = []
    handler = events.subscribe(events.BIRTH_REGISTRATION_CONFIRMED)(
        lambda **facts: heard.append((facts["acting_user"], facts["registration"].status)))
    try:
        actions.confirm_birth_registration(acting_user=destination_village_worker, registration=registration)
    finally:
        events._subscribers[events.BIRTH_REGISTRATION_CONFIRMED].remove(handler)

    assert heard == [(destination_village_worker, RegistrationStatus.CONFIRMED)]


def test_a_failing_subscriber_undoes_the_confirmation(destination_village_worker, registration):
    def fail(**facts):
        raise RuntimeError("the exchange is down")

    events.subscribe(events.BIRTH_REGISTRATION_CONFIRMED)(fail)
    try:
        with pytest.raises(RuntimeError):
            actions.confirm_birth_registration(acting_user=destination_village_worker, registration=registration)
    finally:
        events._subscribers[events.BIRTH_REGISTRATION_CONFIRMED].remove(fail)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED and registration.voucher_number == ""
    assert not AuditEvent.objects.filter(event="confirm").exists()


def test_confirming_twice_is_refused_with_a_message(destination_village_worker, registration):
    first = actions.confirm_birth_registration(acting_user=destination_village_worker, registration=registration)

    with pytest.raises(ValidationFailed) as refused:
        actions.confirm_birth_registration(acting_user=destination_village_worker, registration=registration)

    assert first.voucher_number in refused.value.errors["__all__"][0]  # the message names the voucher already taken
    registration.refresh_from_db()
    assert registration.voucher_number == first.voucher_number
    assert AuditEvent.objects.filter(event="confirm").count() == 1


def test_an_out_of_scope_confirmation_is_refused_and_audited(neighbour_village_worker, registration):
    with pytest.raises(PermissionDenied):
        actions.confirm_birth_registration(acting_user=neighbour_village_worker, registration=registration)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED
    denial = AuditEvent.objects.get(outcome=AuditEvent.Outcome.DENIED)
    assert denial.user_id == neighbour_village_worker.pk and denial.object_id == str(registration.pk)


def test_the_household_place_sees_but_does_not_confirm_a_filing_at_the_residence(origin_village_worker, registration):
    with pytest.raises(PermissionDenied):
        actions.confirm_birth_registration(acting_user=origin_village_worker, registration=registration)


def test_an_auditor_never_confirms(destination_auditor, registration):
    with pytest.raises(PermissionDenied):
        actions.confirm_birth_registration(acting_user=destination_auditor, registration=registration)


# --- Withdrawing ------------------------------------------------------------------------------------------


def test_a_registration_is_withdrawn_with_a_reason_and_audited(destination_village_worker, registration):
    actions.withdraw_birth_registration(acting_user=destination_village_worker, registration=registration,
                                        reason="家庭决定撤回")

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.WITHDRAWN
    assert registration.withdrawal_reason == "家庭决定撤回" and registration.withdrawn_by == destination_village_worker
    assert AuditEvent.objects.get(event="withdraw").detail["reason"] == "家庭决定撤回"


def test_a_withdrawal_needs_a_reason(destination_village_worker, registration):
    with pytest.raises(ValidationFailed) as refused:
        actions.withdraw_birth_registration(acting_user=destination_village_worker, registration=registration,
                                            reason="  ")

    assert set(refused.value.errors) == {"reason"}
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED


def test_a_confirmed_duplicate_may_be_withdrawn_but_a_withdrawn_one_is_neither_confirmed_nor_withdrawn_again(
    destination_village_worker, registration
):
    actions.confirm_birth_registration(acting_user=destination_village_worker, registration=registration)
    actions.withdraw_birth_registration(acting_user=destination_village_worker, registration=registration,
                                        reason="重复登记")

    with pytest.raises(ValidationFailed):
        actions.confirm_birth_registration(acting_user=destination_village_worker, registration=registration)
    with pytest.raises(ValidationFailed):
        actions.withdraw_birth_registration(acting_user=destination_village_worker, registration=registration,
                                            reason="again")


def test_an_out_of_scope_withdrawal_is_refused_and_audited(neighbour_village_worker, registration):
    with pytest.raises(PermissionDenied):
        actions.withdraw_birth_registration(acting_user=neighbour_village_worker, registration=registration,
                                            reason="不是我的")

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED
    assert AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED, user_id=neighbour_village_worker.pk).exists()


def test_no_audit_row_of_the_whole_life_holds_a_raw_id_number_or_phone(destination_village_worker, registration):
    actions.confirm_birth_registration(acting_user=destination_village_worker, registration=registration)
    actions.withdraw_birth_registration(acting_user=destination_village_worker, registration=registration,
                                        reason=f"重复登记，身份证 {registration.mother_id_number}")

    for row in AuditEvent.objects.all():
        text = json.dumps(row.detail) + row.object_id
        assert not RAW_ID_NUMBER.search(text) and "13812345678" not in text, text

