"""The review queue and the task pages: what each office sees, does, and is refused."""

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from huiliu.accounts.models import Role
from huiliu.audit.models import AuditEvent
from huiliu.linkage import actions
from huiliu.linkage.models import Decision, FollowUpTask, LinkCandidate, RecordKind, TaskStatus, VerificationTask
from tests import factories as f

from .conftest import arrive_as_written, days_ago, depart, one_digit_off

pytestmark = pytest.mark.django_db

BORN = datetime.date(1990, 5, 7)


@pytest.fixture
def pending(origin_officer):
    """Same name and birth date, two valid ID numbers: awaiting review; the records disagree on marital status."""
    depart(origin_officer, name="王芳", born=BORN, marital_status="21")
    arrive_as_written(name="王芳", born=BORN, id_number=f.id_number(f.ORIGIN_COUNTY, BORN, "F"), marital_status="10")
    actions.run_registry_linkage(acting_user=None)
    return LinkCandidate.objects.get(decision=Decision.PENDING)


@pytest.fixture
def stranger(tree):
    return f.make_user(Role.COUNTY_OFFICER, f.OTHER_ORIGIN_COUNTY, "stranger")


@pytest.fixture
def follow_up(origin_officer, settings):
    settings.HUILIU_LOST_CONTACT_DAYS = 30
    depart(origin_officer, name="张桂兰", born=BORN, departed=days_ago(100))
    actions.raise_follow_ups(acting_user=None)
    return FollowUpTask.objects.get()


def test_the_queue_lists_a_pending_pair_with_names_and_id_numbers_masked(pending, origin_officer, log_in):
    page = log_in(origin_officer).get("/linkage/").content.decode()

    assert f"/linkage/{pending.pk}/" in page and "王*" in page
    assert pending.left_person.id_number not in page and pending.right_person.id_number not in page
    assert pending.left_person.id_number[:4] + "**********" in page


def test_both_sides_offices_see_the_pair_and_a_stranger_sees_nothing(pending, destination_village_worker, stranger,
                                                                     log_in, client):
    assert f"/linkage/{pending.pk}/" in log_in(destination_village_worker).get("/linkage/").content.decode()
    client.logout()
    page = log_in(stranger).get("/linkage/").content.decode()
    assert f"/linkage/{pending.pk}/" not in page


def test_the_side_by_side_view_marks_what_agrees_and_what_differs(pending, origin_officer, log_in):
    page = log_in(origin_officer).get(f"/linkage/{pending.pk}/").content.decode()

    birth = re.search(r"出生日期</th>\s*<td class=\"([a-z ]*)\">1990-05-07", page)
    assert birth and "agrees" in birth.group(1)
    marital = re.search(r"婚姻状况</th>\s*<td class=\"([a-z -]*)\">", page)
    assert marital and "differs" in marital.group(1)
    assert 'id="accept-link"' in page and 'id="reject-link"' in page
    assert AuditEvent.objects.filter(event="view", object_type="link_candidate", object_id=str(pending.pk)).exists()


def test_a_side_outside_the_reviewers_area_shows_only_whether_it_agrees(pending, destination_village_worker, log_in):
    # The destination sees its own arrival; the origin's departure is outside its area.
    page = log_in(destination_village_worker).get(f"/linkage/{pending.pk}/").content.decode()

    assert 'class="differs hidden-value"' in page
    assert "初婚" not in page  # the departure's marital status, which differs, is not shown to the destination
    assert pending.left_person.id_number not in page


def test_accepting_from_the_page_records_the_decision_and_raises_the_task(pending, origin_officer, log_in):
    client = log_in(origin_officer)
    assert client.get(f"/linkage/{pending.pk}/accept/").status_code == 405

    response = client.post(f"/linkage/{pending.pk}/accept/")

    assert response.status_code == 302
    assert LinkCandidate.objects.get(pk=pending.pk).decision == Decision.ACCEPTED
    assert VerificationTask.objects.count() == 1 and AuditEvent.objects.filter(event="accept_link").exists()


def test_rejecting_from_the_page(pending, destination_village_worker, log_in):
    log_in(destination_village_worker).post(f"/linkage/{pending.pk}/reject/")
    assert LinkCandidate.objects.get(pk=pending.pk).decision == Decision.REJECTED


def test_an_auditor_sees_the_pair_but_cannot_decide(pending, auditor, log_in):
    client = log_in(auditor)
    page = client.get(f"/linkage/{pending.pk}/").content.decode()
    assert 'id="accept-link"' not in page
    client.post(f"/linkage/{pending.pk}/accept/")
    assert LinkCandidate.objects.get(pk=pending.pk).decision == Decision.PENDING


def _without_tokens(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


@pytest.mark.parametrize("path", ["/linkage/{id}/", "/linkage/{id}/accept/", "/linkage/{id}/reject/"])
def test_a_pair_outside_the_area_answers_as_missing(pending, stranger, log_in, path):
    client = log_in(stranger)
    method = client.get if path.endswith("}/") else client.post
    missing = method(path.format(id=uuid.uuid4()))
    out_of_scope = method(path.format(id=pending.pk))
    assert out_of_scope.status_code == missing.status_code == 404
    assert _without_tokens(out_of_scope) == _without_tokens(missing)
    assert LinkCandidate.objects.get(pk=pending.pk).decision == Decision.PENDING
    assert AuditEvent.objects.filter(event="view", outcome=AuditEvent.Outcome.DENIED,
                                     object_id=str(pending.pk)).exists()


def test_verification_tasks_are_listed_and_closed_by_their_office(pending, origin_officer, log_in):
    actions.accept_link(acting_user=origin_officer, candidate=pending)
    task = VerificationTask.objects.get()
    client = log_in(origin_officer)
    page = client.get("/linkage/verification/").content.decode()
    assert f"/linkage/verification/{task.pk}/" in page and "初婚" in page and "未婚" in page

    refused = client.post(f"/linkage/verification/{task.pk}/", {"note": ""})
    assert refused.status_code == 200 and VerificationTask.objects.get().status == TaskStatus.OPEN

    client.post(f"/linkage/verification/{task.pk}/", {"note": "本人电话确认已婚"})
    assert VerificationTask.objects.get().status == TaskStatus.DONE


def test_a_verification_task_of_another_office_answers_as_missing(pending, origin_officer, destination_village_worker,
                                                                  log_in):
    actions.accept_link(acting_user=origin_officer, candidate=pending)
    task = VerificationTask.objects.get()
    client = log_in(destination_village_worker)
    assert f"/linkage/verification/{task.pk}/" not in client.get("/linkage/verification/").content.decode()
    for method in (client.get, client.post):
        assert method(f"/linkage/verification/{task.pk}/").status_code == 404
        assert method(f"/linkage/verification/{uuid.uuid4()}/").status_code == 404
    assert VerificationTask.objects.get().status == TaskStatus.OPEN


def test_the_village_closes_a_follow_up_with_an_outcome_and_a_note(follow_up, origin_village_worker, log_in):
    client = log_in(origin_village_worker)
    page = client.get("/linkage/follow-ups/").content.decode()
    assert f"/linkage/follow-ups/{follow_up.pk}/" in page and "李主任" in page

    client.post(f"/linkage/follow-ups/{follow_up.pk}/", {"outcome": "in_touch", "note": "打通电话，在宁波打工"})

    follow_up.refresh_from_db()
    assert follow_up.status == TaskStatus.DONE and follow_up.outcome == "in_touch"
    assert follow_up.migration.status == "away"


def test_a_follow_up_of_another_place_answers_as_missing(follow_up, destination_county_officer, log_in):
    client = log_in(destination_county_officer)
    assert f"/linkage/follow-ups/{follow_up.pk}/" not in client.get("/linkage/follow-ups/").content.decode()
    for method in (client.get, client.post):
        assert method(f"/linkage/follow-ups/{follow_up.pk}/").status_code == 404
        assert method("/linkage/follow-ups/not-a-key/").status_code == 404
    assert FollowUpTask.objects.get().status == TaskStatus.OPEN


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def _more_pairs(officer, n):
    for i in range(n):
        born = datetime.date(1980 + i, 3, 9)
        depart(officer, name=f"陈{'一二三四五六七八九十'[i]}", born=born)
        arrive_as_written(name=f"陈{'一二三四五六七八九十'[i]}", born=born,
                          id_number=f.id_number(f.ORIGIN_COUNTY, born, "F"))
    actions.run_registry_linkage(acting_user=None)


def test_the_queue_takes_the_same_number_of_queries_however_many_pairs(origin_officer, log_in):
    client = log_in(origin_officer)
    _more_pairs(origin_officer, 1)
    few = _queries(client, "/linkage/")
    _more_pairs(origin_officer, 6)
    assert LinkCandidate.objects.filter(decision=Decision.PENDING).count() >= 7
    assert _queries(client, "/linkage/") == few


def test_the_task_lists_take_the_same_number_of_queries_however_many_tasks(origin_officer, log_in, settings):
    settings.HUILIU_LOST_CONTACT_DAYS = 30
    client = log_in(origin_officer)
    move = depart(origin_officer, name="王一", born=BORN, departed=days_ago(100), marital_status="21")
    arrive_as_written(name="王一", born=BORN, id_number=one_digit_off(move.person.id_number), marital_status="10")
    depart(origin_officer, name="赵一", born=BORN, departed=days_ago(100))
    actions.run_registry_linkage(acting_user=None)
    actions.raise_follow_ups(acting_user=None)
    few = (_queries(client, "/linkage/verification/"), _queries(client, "/linkage/follow-ups/"))
    for i, name in enumerate(("王二", "王三", "王四", "王五")):
        born = datetime.date(1970 + i, 2, 3)
        move = depart(origin_officer, name=name, born=born, departed=days_ago(100), marital_status="21")
        arrive_as_written(name=name, born=born, id_number=one_digit_off(move.person.id_number), marital_status="40")
        depart(origin_officer, name=f"赵{name[1]}", born=born, departed=days_ago(100))
    actions.run_registry_linkage(acting_user=None)
    actions.raise_follow_ups(acting_user=None)
    assert VerificationTask.objects.count() == 5 and FollowUpTask.objects.count() == 5
    assert (_queries(client, "/linkage/verification/"), _queries(client, "/linkage/follow-ups/")) == few


def test_the_reason_of_a_pair_reads_as_words():
    from huiliu.linkage.templatetags.linkage_tags import reason_text

    with translation.override("zh-hans"):
        assert reason_text("name+birth_date_swapped+sex") == "姓名相同、出生日期日月颠倒、性别相同"
    with translation.override("en"):
        assert reason_text("exact_id") == "same valid ID number"
