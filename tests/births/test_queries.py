"""Reads of birth registration: who sees which registration, the public status check, the figures."""

import datetime
import uuid

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from huiliu.accounts.models import Role
from huiliu.accounts.scope import in_scope
from huiliu.audit.models import AuditEvent
from huiliu.births import actions, queries
from huiliu.births.models import BirthRegistration, RegistrationStatus
from huiliu.core.errors import NotFound
from huiliu.jurisdictions import codes
from tests import factories as f

from .conftest import (
    DESTINATION_TOWNSHIP,
    DESTINATION_VILLAGE,
    ORIGIN_VILLAGE,
    OTHER_DESTINATION_VILLAGE,
    file_by,
    file_online,
)

pytestmark = pytest.mark.django_db


def seen_by(user, status: str = "") -> set[str]:
    return set(queries.list_registrations(user=user, status=status).values_list("tracking_number", flat=True))


def can_open(user, registration) -> bool:
    try:
        queries.access_registration(user, registration.pk)
    except NotFound:
        return False
    return True


# --- Who sees a registration --------------------------------------------------------------------------


def test_the_office_and_both_places_the_family_named_see_the_registration(
    destination_village_worker, origin_village_worker, neighbour_village_worker, registration
):
    assert seen_by(destination_village_worker) == {registration.tracking_number}  # the office, where they live
    assert seen_by(origin_village_worker) == {registration.tracking_number}  # the household place
    assert seen_by(neighbour_village_worker) == set()


def test_a_filing_at_a_township_is_seen_by_the_township_and_the_places_not_by_a_village_elsewhere(
    destination_township_officer, destination_village_worker, tree
):
    other_village_worker = f.make_user(Role.VILLAGE_WORKER, f.village(f.DESTINATION_COUNTY, 1, 2))
    registration = file_online(jurisdiction_code=DESTINATION_TOWNSHIP)

    assert seen_by(destination_township_officer) == {registration.tracking_number}
    assert seen_by(destination_village_worker) == {registration.tracking_number}  # it names their village
    assert seen_by(other_village_worker) == set()


def test_the_list_filters_by_status_and_ignores_an_unknown_status(destination_village_worker, registration):
    second = file_online()
    actions.confirm_birth_registration(acting_user=destination_village_worker, registration=second)

    assert seen_by(destination_village_worker, "confirmed") == {second.tracking_number}
    assert seen_by(destination_village_worker, "submitted") == {registration.tracking_number}
    assert seen_by(destination_village_worker, "nonsense") == {registration.tracking_number, second.tracking_number}


def test_listing_is_audited(destination_village_worker, registration):
    queries.list_registrations(user=destination_village_worker)

    assert AuditEvent.objects.filter(event="list", object_type="birth_registration",
                                     user_id=destination_village_worker.pk).exists()


def test_a_user_without_a_role_sees_nothing(destination_village_worker, registration):
    destination_village_worker.role_assignments.all().delete()
    destination_village_worker.__dict__.pop("_huiliu_assignments", None)

    assert seen_by(destination_village_worker) == set()


def test_an_anonymous_caller_sees_nothing(registration):
    from django.contrib.auth.models import AnonymousUser

    assert seen_by(AnonymousUser()) == set()


ROLE_AT_LEVEL = {codes.PROVINCE: Role.PROVINCE_OFFICER, codes.COUNTY: Role.COUNTY_OFFICER,
                 codes.TOWNSHIP: Role.TOWNSHIP_OFFICER, codes.VILLAGE: Role.VILLAGE_WORKER}


@given(office_village=st.sampled_from([1, 2]), office_township=st.sampled_from([1, 2]),
       county=st.sampled_from([f.DESTINATION_COUNTY, f.OTHER_DESTINATION_COUNTY]),
       user_code=st.sampled_from([f.DESTINATION_COUNTY, f.OTHER_DESTINATION_COUNTY, f.ORIGIN_COUNTY,
                                  f.township(f.DESTINATION_COUNTY, 2), f.village(f.OTHER_DESTINATION_COUNTY, 1, 2),
                                  f.village(f.DESTINATION_COUNTY, 2, 2), 440000000000]))
@hypothesis_settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_row_listed_lies_in_the_callers_scope(tree, office_village, office_township, county, user_code):
    residence = f.village(county, office_township, office_village)
    file_online(residence_code=residence, household_code=f.village(f.OTHER_ORIGIN_COUNTY))
    user = f.make_user(ROLE_AT_LEVEL[codes.level_of(user_code)], user_code)

    for row in queries.list_registrations(user=user):
        assert any(in_scope(user, code) for code in (row.jurisdiction_id, row.household_code, row.residence_code))
    assert queries.list_registrations(user=user).count() == sum(
        1 for row in BirthRegistration.objects.all()
        if any(in_scope(user, code) for code in (row.jurisdiction_id, row.household_code, row.residence_code)))


# --- Opening one ----------------------------------------------------------------------------------------


def test_opening_a_registration_in_scope_is_audited(destination_village_worker, registration):
    assert can_open(destination_village_worker, registration)

    row = AuditEvent.objects.get(event="view", object_type="birth_registration")
    assert row.outcome == AuditEvent.Outcome.SUCCESS and row.object_id == str(registration.pk)
    assert (row.subject_household, row.subject_residence) == (ORIGIN_VILLAGE, DESTINATION_VILLAGE)


def test_out_of_scope_answers_as_missing_and_the_denial_is_audited_for_the_places_concerned(
    neighbour_village_worker, registration
):
    assert not can_open(neighbour_village_worker, registration)
    assert not can_open(neighbour_village_worker, BirthRegistration(pk=uuid.uuid4()))

    denials = list(AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED).order_by("id"))
    assert [d.object_id for d in denials] == [str(registration.pk), denials[1].object_id]
    assert (denials[0].subject_household, denials[0].subject_residence) == (ORIGIN_VILLAGE, DESTINATION_VILLAGE)
    assert (denials[1].subject_household, denials[1].subject_residence) == (None, None)


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "", "1 OR 1=1", "../"])
def test_a_malformed_id_is_not_found(destination_village_worker, bad_id):
    with pytest.raises(NotFound):
        queries.access_registration(destination_village_worker, bad_id)


# --- The family's public status check -------------------------------------------------------------------


def test_the_tracking_number_and_last_four_tell_the_status_and_the_masked_name_only(registration):
    found = queries.track_registration(registration.tracking_number, registration.mother_id_number[-4:])

    assert found == queries.TrackedRegistration(status="submitted", status_label=found.status_label,
                                                masked_name="王*英")
    assert set(vars(found)) == {"status", "status_label", "masked_name"}


def test_a_wrong_last_four_answers_as_an_unknown_number_and_both_are_audited(registration):
    wrong = "0000" if registration.mother_id_number[-4:] != "0000" else "1111"

    assert queries.track_registration(registration.tracking_number, wrong) is None
    assert queries.track_registration("440306001001-2026-999999", registration.mother_id_number[-4:]) is None
    assert queries.track_registration("", "") is None
    assert AuditEvent.objects.filter(event="track", outcome=AuditEvent.Outcome.DENIED).count() == 3


def test_the_last_four_may_be_typed_with_a_small_x_or_full_width_digits(tree):
    mother = next(number for number in (f.id_number() for _ in range(40)) if number.endswith("X"))
    registration = file_online(mother_id_number=mother)

    assert queries.track_registration(f" {registration.tracking_number} ", mother[-4:].lower()) is not None
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in mother[-4:])
    assert queries.track_registration(registration.tracking_number, full_width) is not None


def test_the_status_check_follows_the_registration(destination_village_worker, registration):
    actions.confirm_birth_registration(acting_user=destination_village_worker, registration=registration)

    found = queries.track_registration(registration.tracking_number, registration.mother_id_number[-4:])

    assert found.status == RegistrationStatus.CONFIRMED


# --- Figures ----------------------------------------------------------------------------------------------


def _filed_days_ago(registration, days: int):
    BirthRegistration.objects.filter(pk=registration.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days))
    registration.refresh_from_db()
    return registration


def test_the_figures_count_by_place_and_channel_and_give_the_median_days_to_confirmation(
    destination_county_officer, destination_village_worker
):
    online_residence = [file_online() for _ in range(3)]
    file_online(filed_at="household", household_code=DESTINATION_VILLAGE, residence_code=None)
    file_by(destination_village_worker)
    withdrawn = file_online()
    actions.withdraw_birth_registration(acting_user=destination_village_worker, registration=withdrawn,
                                        reason="家庭撤回")
    file_online(residence_code=OTHER_DESTINATION_VILLAGE)  # another county: not counted
    for registration, days in zip(online_residence, (1, 2, 6)):
        actions.confirm_birth_registration(acting_user=destination_village_worker,
                                           registration=_filed_days_ago(registration, days))
    today = timezone.localdate()

    figures = queries.count_registration_figures(user=destination_county_officer, code=f.DESTINATION_COUNTY,
                                                 start=today - datetime.timedelta(days=30), end=today)

    assert figures == {
        "registrations": 5, "at_residence": 4, "at_household": 1, "online": 4, "by_worker": 1,
        "confirmed": 3, "withdrawn": 1, "median_days_to_confirmation": 2,
    }


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(destination_village_worker):
    for days in (1, 2, 4, 9):
        actions.confirm_birth_registration(acting_user=destination_village_worker,
                                           registration=_filed_days_ago(file_online(), days))
    today = timezone.localdate()

    figures = queries.count_registration_figures(user=destination_village_worker, code=DESTINATION_VILLAGE,
                                                 start=today, end=today)

    assert figures["median_days_to_confirmation"] == 3
    assert figures["registrations"] == 0  # filed before the period (only confirmed in it)


def test_the_figures_of_an_empty_period_are_zero(destination_village_worker, registration):
    figures = queries.count_registration_figures(user=destination_village_worker, code=DESTINATION_VILLAGE,
                                                 start=datetime.date(2020, 1, 1), end=datetime.date(2020, 12, 31))

    assert figures["registrations"] == figures["confirmed"] == 0
    assert figures["median_days_to_confirmation"] is None


def test_figures_outside_the_users_scope_are_not_found_and_the_denial_is_audited(destination_village_worker):
    today = timezone.localdate()

    with pytest.raises(NotFound):
        queries.count_registration_figures(user=destination_village_worker, code=f.DESTINATION_COUNTY,
                                           start=today, end=today)

    assert AuditEvent.objects.filter(event="statistic", outcome=AuditEvent.Outcome.DENIED).exists()
