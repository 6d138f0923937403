"""The registry's linkage run, the reviewers' decisions, verification tasks and follow-up tasks."""

import datetime

import pytest
from django.core.management import call_command

from huiliu.accounts.models import Role
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import PermissionDenied, ValidationFailed
from huiliu.linkage import actions
from huiliu.linkage.models import (
    ConflictSubject,
    Decision,
    FollowUpOutcome,
    FollowUpTask,
    LinkCandidate,
    RecordKind,
    TaskStatus,
    VerificationTask,
)
from huiliu.people import actions as people_actions
from huiliu.people.models import Migration, MigrationStatus, Person
from tests import factories as f

from .conftest import ORIGIN_VILLAGE, arrive_as_written, days_ago, depart, one_digit_off

pytestmark = pytest.mark.django_db

BORN = datetime.date(1990, 5, 7)


def run(**options):
    return actions.run_registry_linkage(acting_user=None, **options)


def pair_of(outflow_move: Migration) -> LinkCandidate | None:
    return LinkCandidate.objects.filter(left_kind=RecordKind.OUTFLOW, left_id=outflow_move.outflow.pk).first()


# --- Known truth, hard cases ----------------------------------------------------------------------------


def test_a_departure_is_linked_to_its_arrival_written_with_one_id_digit_wrong(origin_officer):
    move = depart(origin_officer, name="王秀英", born=BORN)
    arrival = arrive_as_written(name="王秀英", born=BORN, id_number=one_digit_off(move.person.id_number))

    result = run()

    pair = pair_of(move)
    assert pair.right_kind == RecordKind.INFLOW and pair.right_id == arrival.pk
    assert pair.decision == Decision.AUTO_LINKED and "id_one_digit" in pair.reason
    assert result.auto_linked == 1 and result.pending == 0


def test_an_arrival_with_no_id_number_is_linked_on_name_birth_date_sex_and_county(origin_officer):
    move = depart(origin_officer, name="张桂兰", born=BORN)
    arrival = arrive_as_written(name="张桂兰", born=BORN, id_number="")

    run()

    pair = pair_of(move)
    assert pair.right_id == arrival.pk and pair.decision == Decision.AUTO_LINKED
    assert pair.reason == "name+birth_date+sex+county"


def test_a_birth_date_with_day_and_month_swapped_still_links(origin_officer):
    move = depart(origin_officer, name="刘建国", born=BORN, sex="M")
    arrival = arrive_as_written(name="刘建国", born=datetime.date(1990, 7, 5), id_number="", sex="M")

    run()

    pair = pair_of(move)
    assert pair.right_id == arrival.pk and "birth_date_swapped" in pair.reason


def test_two_people_with_the_same_name_and_birth_date_are_never_linked_automatically(origin_officer):
    move = depart(origin_officer, name="王芳", born=BORN)
    stranger = f.id_number(f.ORIGIN_COUNTY, BORN, "F")  # another valid number: another person
    arrive_as_written(name="王芳", born=BORN, id_number=stranger)

    run()

    pair = pair_of(move)
    assert pair is None or pair.decision == Decision.PENDING
    assert not LinkCandidate.objects.filter(decision=Decision.AUTO_LINKED).exists()


def test_unrelated_records_give_no_pair(origin_officer):
    depart(origin_officer, name="王秀英", born=BORN)
    arrive_as_written(name="赵大海", born=datetime.date(1975, 11, 23), id_number="", sex="M",
                      household=f.village(f.OTHER_ORIGIN_COUNTY))

    result = run()

    assert result.auto_linked == result.pending == 0 and not LinkCandidate.objects.exists()


def test_two_persons_of_the_registry_that_are_one_person_are_found_as_duplicates(origin_officer):
    person = f.register_resident(origin_officer, name="孙丽", id_number=f.id_number(f.ORIGIN_COUNTY, BORN, "F"))
    Person.objects.create(id_number=one_digit_off(person.id_number), name="孙丽", sex="F", birth_date=BORN,
                          household_jurisdiction_id=ORIGIN_VILLAGE, residence_jurisdiction_id=ORIGIN_VILLAGE)

    run()

    pair = LinkCandidate.objects.get(left_kind=RecordKind.PERSON)
    assert {pair.left_person.name, pair.right_person.name} == {"孙丽"} and pair.right_kind == RecordKind.PERSON
    assert pair.decision == Decision.AUTO_LINKED


def test_a_departure_and_arrival_paired_are_not_offered_again_as_duplicate_persons(origin_officer):
    move = depart(origin_officer, name="王秀英", born=BORN)
    arrive_as_written(name="王秀英", born=BORN, id_number=one_digit_off(move.person.id_number))

    run()

    assert LinkCandidate.objects.count() == 1 and not LinkCandidate.objects.filter(left_kind=RecordKind.PERSON).exists()


def test_running_again_adds_nothing(origin_officer):
    move = depart(origin_officer, name="王秀英", born=BORN)
    arrive_as_written(name="王秀英", born=BORN, id_number=one_digit_off(move.person.id_number))
    other = depart(origin_officer, name="王芳", born=BORN)
    arrive_as_written(name="王芳", born=BORN, id_number=f.id_number(f.ORIGIN_COUNTY, BORN, "F"))
    run()
    before = list(LinkCandidate.objects.values_list("pk", "decision").order_by("pk"))

    again = run()

    assert list(LinkCandidate.objects.values_list("pk", "decision").order_by("pk")) == before
    assert again.auto_linked == again.pending == 0
    assert pair_of(other) is not None


def test_a_rejected_pair_is_never_proposed_again(origin_officer):
    move = depart(origin_officer, name="王芳", born=BORN)
    arrive_as_written(name="王芳", born=BORN, id_number=f.id_number(f.ORIGIN_COUNTY, BORN, "F"))
    run()
    actions.reject_link(acting_user=origin_officer, candidate=pair_of(move))

    run()

    assert LinkCandidate.objects.filter(decision=Decision.PENDING).count() == 0
    assert pair_of(move).decision == Decision.REJECTED


def test_a_run_for_a_jurisdiction_keeps_only_pairs_touching_it(origin_officer):
    move = depart(origin_officer, name="王秀英", born=BORN)
    arrive_as_written(name="王秀英", born=BORN, id_number="")

    assert run(jurisdiction_code=f.OTHER_ORIGIN_COUNTY).auto_linked == 0
    assert run(jurisdiction_code=f.DESTINATION_COUNTY).auto_linked == 1
    assert pair_of(move) is not None


def test_an_officer_links_only_a_jurisdiction_in_their_area(origin_officer, destination_county_officer):
    with pytest.raises(PermissionDenied):
        actions.run_registry_linkage(acting_user=origin_officer, jurisdiction_code=f.DESTINATION_COUNTY)
    with pytest.raises(ValidationFailed) as refused:
        actions.run_registry_linkage(acting_user=origin_officer)
    assert "jurisdiction" in refused.value.errors
    assert actions.run_registry_linkage(acting_user=destination_county_officer,
                                        jurisdiction_code=f.DESTINATION_COUNTY).persons == 0


def test_the_run_is_audited_with_its_counts(origin_officer):
    move = depart(origin_officer, name="王秀英", born=BORN)
    arrive_as_written(name="王秀英", born=BORN, id_number=one_digit_off(move.person.id_number))

    call_command("link_registry")

    event = AuditEvent.objects.get(event="run_registry_linkage")
    assert event.detail["auto_linked"] == 1 and event.username == "command:link_registry"


# --- Review ---------------------------------------------------------------------------------------------


@pytest.fixture
def pending(origin_officer):
    """A pair awaiting review: same name and birth date, two different valid ID numbers."""
    move = depart(origin_officer, name="王芳", born=BORN, marital_status="21")
    arrive_as_written(name="王芳", born=BORN, id_number=f.id_number(f.ORIGIN_COUNTY, BORN, "F"), marital_status="10")
    run()
    return pair_of(move)


def test_accepting_a_pair_is_audited_and_records_who_decided(pending, origin_officer):
    accepted = actions.accept_link(acting_user=origin_officer, candidate=pending)

    assert accepted.decision == Decision.ACCEPTED and accepted.decided_by == origin_officer
    event = AuditEvent.objects.get(event="accept_link")
    assert event.object_id == str(pending.pk) and event.user_id == origin_officer.pk


def test_rejecting_a_pair_is_audited(pending, destination_village_worker):
    actions.reject_link(acting_user=destination_village_worker, candidate=pending)

    assert LinkCandidate.objects.get(pk=pending.pk).decision == Decision.REJECTED
    assert AuditEvent.objects.filter(event="reject_link", user_id=destination_village_worker.pk).exists()


def test_a_decided_pair_cannot_be_decided_again(pending, origin_officer):
    actions.reject_link(acting_user=origin_officer, candidate=pending)
    with pytest.raises(ValidationFailed):
        actions.accept_link(acting_user=origin_officer, candidate=pending)
    assert LinkCandidate.objects.get(pk=pending.pk).decision == Decision.REJECTED


def test_an_office_with_neither_record_cannot_decide(pending, tree):
    stranger = f.make_user(Role.COUNTY_OFFICER, f.OTHER_ORIGIN_COUNTY)
    with pytest.raises(PermissionDenied):
        actions.accept_link(acting_user=stranger, candidate=pending)
    assert LinkCandidate.objects.get(pk=pending.pk).decision == Decision.PENDING
    assert AuditEvent.objects.filter(event="write", outcome=AuditEvent.Outcome.DENIED, user_id=stranger.pk).exists()


# --- Conflicts ----------------------------------------------------------------------------------------------


def test_accepting_a_pair_that_disagrees_on_marital_status_raises_one_task_for_the_origin_township(pending,
                                                                                                   origin_officer):
    actions.accept_link(acting_user=origin_officer, candidate=pending)

    task = VerificationTask.objects.get()
    assert task.subject == ConflictSubject.MARITAL_STATUS and (task.left_value, task.right_value) == ("21", "10")
    assert task.jurisdiction_id == f.township(f.ORIGIN_COUNTY) and task.status == TaskStatus.OPEN


def test_an_automatic_link_that_disagrees_on_children_raises_a_task_once(origin_officer):
    move = depart(origin_officer, name="王秀英", born=BORN)
    people_actions.record_child(acting_user=origin_officer, person=move.person, sex="M",
                                birth_date=datetime.date(2015, 3, 1))
    arrival = arrive_as_written(name="王秀英", born=BORN, id_number=one_digit_off(move.person.id_number))
    for born in (datetime.date(2015, 3, 1), datetime.date(2018, 6, 1)):
        arrival.migration.person.children.create(sex="M", birth_date=born)

    assert run().verification_tasks == 1
    assert run().verification_tasks == 0

    task = VerificationTask.objects.get()
    assert task.subject == ConflictSubject.CHILDREN and (task.left_value, task.right_value) == ("1", "2")


def test_a_value_not_stated_on_one_side_is_no_conflict(origin_officer):
    move = depart(origin_officer, name="王秀英", born=BORN, marital_status="21")
    arrive_as_written(name="王秀英", born=BORN, id_number="", marital_status="90")

    run()

    assert pair_of(move).decision == Decision.AUTO_LINKED and not VerificationTask.objects.exists()


def test_a_verification_task_is_closed_with_a_note_by_its_office(pending, origin_officer, origin_village_worker):
    actions.accept_link(acting_user=origin_officer, candidate=pending)
    task = VerificationTask.objects.get()
    with pytest.raises(ValidationFailed) as refused:
        actions.close_verification_task(acting_user=origin_officer, task=task, note=" ")
    assert "note" in refused.value.errors
    with pytest.raises(PermissionDenied):  # the village is below the township the task is for
        actions.close_verification_task(acting_user=origin_village_worker, task=task, note="已核实")

    actions.close_verification_task(acting_user=origin_officer, task=task, note="电话核实：已婚，流入地登记有误")

    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.note.startswith("电话核实") and task.closed_by == origin_officer
    assert AuditEvent.objects.filter(event="close_verification_task").exists()


# --- Lost contact ---------------------------------------------------------------------------------------------


def raise_(today=None):
    return actions.raise_follow_ups(acting_user=None, today=today)


def test_a_departure_with_no_arrival_after_the_configured_days_raises_one_follow_up(origin_officer, settings):
    settings.HUILIU_LOST_CONTACT_DAYS = 90
    long_ago = depart(origin_officer, name="王秀英", born=BORN, departed=days_ago(91))
    depart(origin_officer, name="张桂兰", born=BORN, departed=days_ago(89))

    assert raise_() == 1
    assert raise_() == 0

    task = FollowUpTask.objects.get()
    assert task.migration == long_ago and task.jurisdiction_id == ORIGIN_VILLAGE and task.status == TaskStatus.OPEN


def test_the_default_is_a_hundred_and_eighty_days(origin_officer):
    depart(origin_officer, name="王秀英", born=BORN, departed=days_ago(179))
    assert raise_() == 0
    assert raise_(today=datetime.date.today() + datetime.timedelta(days=1)) == 1


def test_an_arrival_registered_or_linked_means_no_follow_up(origin_officer, destination_village_worker, settings):
    settings.HUILIU_LOST_CONTACT_DAYS = 30
    joined = depart(origin_officer, name="王秀英", born=BORN, departed=days_ago(100))
    f.register_arrival(destination_village_worker, number=joined.person.id_number, arrival_date=days_ago(90))
    linked = depart(origin_officer, name="张桂兰", born=BORN, departed=days_ago(100))
    arrive_as_written(name="张桂兰", born=BORN, id_number="")
    run()
    assert pair_of(linked).decision == Decision.AUTO_LINKED

    assert raise_() == 0


def test_closing_a_follow_up_takes_a_note_and_changes_nothing_else(origin_officer, origin_village_worker, settings):
    settings.HUILIU_LOST_CONTACT_DAYS = 30
    move = depart(origin_officer, name="王秀英", born=BORN, departed=days_ago(100))
    raise_()
    task = FollowUpTask.objects.get()
    with pytest.raises(ValidationFailed) as refused:
        actions.close_follow_up(acting_user=origin_village_worker, task=task, outcome="found", note="")
    assert set(refused.value.errors) == {"outcome", "note"}

    actions.close_follow_up(acting_user=origin_village_worker, task=task, outcome=FollowUpOutcome.STILL_UNKNOWN,
                            note="家人也联系不上，下月再问")

    task.refresh_from_db()
    move.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.outcome == FollowUpOutcome.STILL_UNKNOWN
    assert move.status == MigrationStatus.AWAY and move.person.residence_jurisdiction_id is None
    assert AuditEvent.objects.filter(event="close_follow_up", user_id=origin_village_worker.pk).exists()
    # Not raised again at once after being closed: only after as many days again.
    assert raise_() == 0
    assert raise_(today=datetime.date.today() + datetime.timedelta(days=31)) == 1


def test_another_office_cannot_close_a_follow_up(origin_officer, destination_county_officer, settings):
    settings.HUILIU_LOST_CONTACT_DAYS = 30
    depart(origin_officer, name="王秀英", born=BORN, departed=days_ago(100))
    raise_()
    with pytest.raises(PermissionDenied):
        actions.close_follow_up(acting_user=destination_county_officer, task=FollowUpTask.objects.get(),
                                outcome=FollowUpOutcome.IN_TOUCH, note="x")
    assert FollowUpTask.objects.get().status == TaskStatus.OPEN


def test_the_command_raises_follow_ups(origin_officer, settings, capsys):
    settings.HUILIU_LOST_CONTACT_DAYS = 30
    depart(origin_officer, name="王秀英", born=BORN, departed=days_ago(100))
    call_command("raise_follow_ups")
    assert "新跟进任务 1 项" in capsys.readouterr().out


def test_nothing_in_linkage_changes_a_persons_status(pending, origin_officer, settings):
    settings.HUILIU_LOST_CONTACT_DAYS = 1
    before = sorted(Migration.objects.values_list("pk", "status", "ended_on"))
    actions.accept_link(acting_user=origin_officer, candidate=pending)
    raise_(today=datetime.date.today() + datetime.timedelta(days=60))
    for task in FollowUpTask.objects.all():
        actions.close_follow_up(acting_user=origin_officer, task=task, outcome=FollowUpOutcome.IN_TOUCH, note="通了电话")
    for task in VerificationTask.objects.all():
        actions.close_verification_task(acting_user=origin_officer, task=task, note="已核实")
    assert sorted(Migration.objects.values_list("pk", "status", "ended_on")) == before
