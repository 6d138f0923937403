"""Reading grievances: who sees what, overdue derived from the deadline, the public check, the report figures."""

import dataclasses
import datetime

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huiliu.audit.models import AuditEvent
from huiliu.core.errors import NotFound
from huiliu.grievances import actions, queries
from huiliu.grievances.models import Grievance
from tests import factories as f

from .conftest import DESTINATION_TOWNSHIP, NEIGHBOUR_VILLAGE, days_ago, file_public

pytestmark = pytest.mark.django_db


def overdue_grievance():
    """A complaint filed 20 days ago (15 to answer) and never answered."""
    return file_public(now=days_ago(20)).grievance


# --- Overdue --------------------------------------------------------------------------------------------


def test_a_grievance_past_its_deadline_shows_as_overdue_to_its_owner_unit(tree, destination_township_officer):
    late = overdue_grievance()
    fresh = file_public().grievance

    overdue = list(queries.list_grievances(user=destination_township_officer, overdue=True))
    assert overdue == [late]
    everything = {g.pk: g.is_overdue for g in queries.list_grievances(user=destination_township_officer)}
    assert everything == {late.pk: True, fresh.pk: False}
    assert queries.count_overdue(user=destination_township_officer) == 1
    assert queries.access_grievance(destination_township_officer, late.pk).is_overdue


def test_an_unrelated_unit_cannot_see_the_overdue_grievance_at_all(tree, neighbour_township_officer):
    late = overdue_grievance()

    assert list(queries.list_grievances(user=neighbour_township_officer)) == []
    assert queries.count_overdue(user=neighbour_township_officer) == 0
    with pytest.raises(NotFound):
        queries.access_grievance(neighbour_township_officer, late.pk)
    denied = AuditEvent.objects.get(event="view", object_type="grievance", outcome=AuditEvent.Outcome.DENIED)
    assert denied.object_id == str(late.pk)


def test_the_deadline_day_itself_is_not_yet_overdue(tree, destination_township_officer):
    file_public(now=days_ago(15))

    assert not queries.list_grievances(user=destination_township_officer).get().is_overdue


def test_a_grievance_resolved_late_is_no_longer_overdue(tree, destination_township_officer):
    late = overdue_grievance()
    actions.resolve_grievance(acting_user=destination_township_officer, grievance=late, resolution="已办")

    assert queries.count_overdue(user=destination_township_officer) == 0


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days_back=st.integers(min_value=0, max_value=60), kind=st.sampled_from(["complaint", "suggestion",
                                                                              "rights_protection"]))
def test_overdue_is_exactly_open_after_the_days_of_its_kind(tree, destination_township_officer, days_back, kind):
    grievance = file_public(kind=kind, now=days_ago(days_back)).grievance

    seen = queries.access_grievance(destination_township_officer, grievance.pk)
    assert seen.is_overdue == (days_back > actions.days_to_answer(kind))
    Grievance.objects.filter(pk=grievance.pk).delete()


# --- Who sees what --------------------------------------------------------------------------------------


def test_the_village_of_the_place_sees_it_and_the_county_above_too(grievance, destination_village_worker,
                                                                    destination_county_officer):
    assert list(queries.list_grievances(user=destination_village_worker)) == [grievance]
    assert list(queries.list_grievances(user=destination_county_officer)) == [grievance]


def test_a_complaint_about_staff_misconduct_is_hidden_from_the_village_it_concerns(
        tree, destination_village_worker, destination_township_officer):
    complaint = file_public(topic="staff_misconduct").grievance

    assert list(queries.list_grievances(user=destination_village_worker)) == []
    with pytest.raises(NotFound):
        queries.access_grievance(destination_village_worker, complaint.pk)
    assert list(queries.list_grievances(user=destination_township_officer)) == [complaint]


def test_after_reassignment_the_new_owner_sees_it_and_the_old_one_sees_it_as_the_place_but_cannot_act(
        grievance, destination_county_officer, destination_township_officer, neighbour_township_officer):
    from huiliu.core.errors import PermissionDenied

    actions.reassign_grievance(acting_user=destination_county_officer, grievance=grievance,
                               owner_code=f.township(f.DESTINATION_COUNTY, 2))

    assert list(queries.list_grievances(user=neighbour_township_officer)) == [grievance]
    assert queries.count_overdue(user=destination_township_officer) == 0
    with pytest.raises(PermissionDenied):
        actions.take_grievance_in_hand(acting_user=destination_township_officer, grievance=grievance)


def test_the_list_filters_by_kind_and_status(tree, destination_township_officer):
    complaint = file_public().grievance
    suggestion = file_public(kind="suggestion").grievance
    actions.take_grievance_in_hand(acting_user=destination_township_officer, grievance=suggestion)

    officer = destination_township_officer
    assert list(queries.list_grievances(user=officer, kind="complaint")) == [complaint]
    assert list(queries.list_grievances(user=officer, status="in_progress")) == [suggestion]
    assert len(queries.list_grievances(user=officer, kind="nonsense", status="nonsense")) == 2


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(place=st.sampled_from([f.village(c, t, v) for c in (f.DESTINATION_COUNTY, f.OTHER_DESTINATION_COUNTY)
                              for t in (1, 2) for v in (1, 2)]),
       seat=st.sampled_from([f.DESTINATION_COUNTY, f.township(f.DESTINATION_COUNTY, 2),
                             f.village(f.DESTINATION_COUNTY, 1, 2), f.OTHER_DESTINATION_COUNTY]))
def test_every_grievance_a_user_sees_concerns_or_is_owned_inside_their_subtree(tree, place, seat):
    from huiliu.accounts.models import Role
    from huiliu.jurisdictions import codes

    file_public(place_code=place)
    user = f.make_user(Role.AUDITOR, seat)
    for grievance in queries.list_grievances(user=user):
        assert codes.contains(seat, grievance.owner_id) or codes.contains(seat, grievance.place_id)


# --- The public check -----------------------------------------------------------------------------------


def test_the_number_and_check_code_reveal_only_kind_status_and_dates(filed):
    found = queries.track_grievance(filed.grievance.tracking_number, filed.check_code)

    assert dataclasses.asdict(found) == {
        "kind_label": "投诉", "status": "received", "status_label": "已受理",
        "filed_on": timezone.localdate(), "deadline": filed.grievance.deadline, "closed_on": None,
    }
    assert AuditEvent.objects.filter(event="track", outcome=AuditEvent.Outcome.SUCCESS).count() == 1


def test_a_wrong_code_answers_exactly_as_an_unknown_number_and_both_are_audited(filed):
    wrong = "000000" if filed.check_code != "000000" else "111111"

    assert queries.track_grievance(filed.grievance.tracking_number, wrong) is None
    assert queries.track_grievance("440306001-2026-G999999", filed.check_code) is None
    assert queries.track_grievance(filed.grievance.tracking_number, "") is None
    assert AuditEvent.objects.filter(event="track", outcome=AuditEvent.Outcome.DENIED).count() == 3


def test_the_number_may_be_typed_in_lower_case_or_full_width(filed):
    typed = " " + filed.grievance.tracking_number.lower().replace("-", "－") + " "

    assert queries.track_grievance(typed, filed.check_code) is not None


# --- Figures --------------------------------------------------------------------------------------------


def test_the_figures_count_received_resolved_and_resolved_on_time(tree, destination_county_officer,
                                                                    destination_township_officer):
    officer = destination_township_officer
    today = timezone.localdate()
    # Received in the period (the last 40 days), all owned by the destination township:
    on_time = file_public(now=days_ago(30)).grievance
    actions.resolve_grievance(acting_user=officer, grievance=on_time, resolution="已办", now=days_ago(20))
    late = file_public(now=days_ago(30)).grievance
    actions.resolve_grievance(acting_user=officer, grievance=late, resolution="已办", now=days_ago(5))
    given_up = file_public(kind="rights_protection", now=days_ago(25)).grievance
    actions.close_grievance_unresolved(acting_user=officer, grievance=given_up, reason="无法联系", now=days_ago(2))
    file_public(now=days_ago(20))  # overdue, still open
    file_public(kind="suggestion", now=days_ago(3))  # open, not yet due
    # Outside the period, and outside the subtree:
    file_public(now=days_ago(60))
    file_public(place_code=f.village(f.OTHER_DESTINATION_COUNTY))

    figures = queries.count_grievance_figures(user=destination_county_officer, code=f.DESTINATION_COUNTY,
                                              start=today - datetime.timedelta(days=40), end=today)

    assert figures == {
        "received": 5, "complaints": 3, "suggestions": 1, "rights_protection": 1,
        "resolved": 2, "resolved_on_time": 1, "closed_unresolved": 1, "open": 2, "overdue": 1,
        "due": 4, "on_time_rate": 0.25,
    }
    assert queries.count_grievance_figures(user=officer, code=DESTINATION_TOWNSHIP,
                                           start=today - datetime.timedelta(days=40), end=today)["received"] == 5


def test_the_figures_of_an_area_outside_the_users_scope_are_not_found(tree, neighbour_township_officer):
    today = timezone.localdate()

    with pytest.raises(NotFound):
        queries.count_grievance_figures(user=neighbour_township_officer, code=DESTINATION_TOWNSHIP, start=today,
                                        end=today)
    assert AuditEvent.objects.filter(event="statistic", outcome=AuditEvent.Outcome.DENIED).exists()


def test_with_nothing_due_the_on_time_rate_is_none(tree, destination_township_officer):
    file_public()
    today = timezone.localdate()

    figures = queries.count_grievance_figures(user=destination_township_officer, code=DESTINATION_TOWNSHIP,
                                              start=today, end=today)
    assert figures["received"] == 1 and figures["due"] == 0 and figures["on_time_rate"] is None


# --- Forums ---------------------------------------------------------------------------------------------


def test_forums_are_seen_in_the_hosts_and_the_places_subtrees_only(destination_township_officer,
                                                                    destination_village_worker,
                                                                    neighbour_township_officer):
    forum = actions.record_forum(acting_user=destination_township_officer, held_on=timezone.localdate(),
                                 title="座谈会", place_code=f.village(f.DESTINATION_COUNTY),
                                 host_code=DESTINATION_TOWNSHIP, attendance=10, suggestions=["多办夜校"])

    assert [x.pk for x in queries.list_forums(user=destination_village_worker)] == [forum.pk]
    assert queries.list_forums(user=destination_township_officer).get().suggestion_count == 1
    assert list(queries.list_forums(user=neighbour_township_officer)) == []
    with pytest.raises(NotFound):
        queries.access_forum(neighbour_township_officer, forum.pk)
    assert forum.place_id != NEIGHBOUR_VILLAGE


def test_the_home_figures_count_open_overdue_and_due_this_week_of_the_owner(tree, destination_township_officer,
                                                                            neighbour_township_officer):
    file_public(now=days_ago(20))  # overdue
    file_public(now=days_ago(10))  # due in 5 days
    file_public()  # due in 15 days
    done = file_public().grievance
    actions.resolve_grievance(acting_user=destination_township_officer, grievance=done, resolution="已办")

    assert queries.count_home_figures(user=destination_township_officer) == {
        "open": 3, "overdue": 1, "due_this_week": 1}
    assert queries.count_home_figures(user=neighbour_township_officer) == {
        "open": 0, "overdue": 0, "due_this_week": 0}


def test_the_audit_trail_of_a_grievance_holds_no_raw_phone_even_when_typed_in_the_text(
        tree, destination_township_officer):
    from huiliu.audit.actions import holds_raw_identifier

    filed = file_public(text="请回电 13800138000 或 139 1234 5678")
    queries.access_grievance(destination_township_officer, filed.grievance.pk)
    queries.track_grievance(filed.grievance.tracking_number, filed.check_code)
    actions.resolve_grievance(acting_user=destination_township_officer, grievance=filed.grievance,
                              resolution="已回电 13800138000")

    for row in AuditEvent.objects.all():
        assert not holds_raw_identifier(str(row.detail)) and not holds_raw_identifier(row.object_id)
