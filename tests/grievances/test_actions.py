"""Filing, handling, reassigning grievances and recording forums: what is written, refused and audited."""

import datetime
import re

import pytest
from django.utils import timezone

from huiliu.audit.models import AuditEvent
from huiliu.core.errors import PermissionDenied, ValidationFailed
from huiliu.grievances import actions
from huiliu.grievances.models import (
    Channel,
    Forum,
    Grievance,
    GrievanceKind,
    GrievanceStatus,
    GrievanceStep,
)
from tests import factories as f

from .conftest import (
    COMPLAINT_TEXT,
    DESTINATION_TOWNSHIP,
    DESTINATION_VILLAGE,
    NAME,
    NEIGHBOUR_TOWNSHIP,
    NEIGHBOUR_VILLAGE,
    PHONE,
    file_public,
)

pytestmark = pytest.mark.django_db


def audit_rows(event: str, object_type: str = "grievance"):
    return AuditEvent.objects.filter(event=event, object_type=object_type)


# --- Filing ---------------------------------------------------------------------------------------------


def test_a_public_complaint_goes_to_the_township_of_its_place_with_a_deadline_of_fifteen_days(filed):
    grievance = filed.grievance

    assert grievance.owner_id == DESTINATION_TOWNSHIP and grievance.place_id == DESTINATION_VILLAGE
    assert grievance.channel == Channel.PUBLIC and grievance.status == GrievanceStatus.RECEIVED
    assert grievance.deadline == timezone.localdate() + datetime.timedelta(days=15)
    assert grievance.filed_by is None


def test_a_suggestion_has_thirty_days(tree):
    grievance = file_public(kind="suggestion", name="", phone="").grievance

    assert grievance.deadline == timezone.localdate() + datetime.timedelta(days=30)


def test_a_deployment_may_set_other_days_per_kind(tree, settings):
    settings.HUILIU_GRIEVANCE_DAYS = {"complaint": 7}

    assert file_public().grievance.deadline == timezone.localdate() + datetime.timedelta(days=7)
    assert file_public(kind="suggestion").grievance.deadline == timezone.localdate() + datetime.timedelta(days=30)


def test_the_tracking_number_names_the_owner_township_the_year_and_a_g(tree):
    first, second = file_public().grievance, file_public().grievance

    year = timezone.localdate().year
    assert first.tracking_number == f"{DESTINATION_TOWNSHIP:012d}"[:9] + f"-{year}-G000001"
    assert second.tracking_number.endswith("-G000002")


def test_the_check_code_is_six_digits_and_only_its_keyed_hash_is_stored(filed):
    assert re.fullmatch(r"[0-9]{6}", filed.check_code)
    stored = Grievance.objects.get(pk=filed.grievance.pk)
    assert filed.check_code not in stored.check_code_hash and len(stored.check_code_hash) == 64
    assert actions.check_code_matches(stored, filed.check_code)


def test_anonymous_complaints_and_suggestions_are_accepted(tree):
    complaint = file_public(name="", phone="").grievance
    suggestion = file_public(kind="suggestion", name="", phone="").grievance

    assert complaint.name == complaint.phone == "" and suggestion.name == ""


def test_a_rights_protection_request_needs_a_phone_and_nothing_is_written_without_it(tree):
    with pytest.raises(ValidationFailed) as refusal:
        file_public(kind="rights_protection", phone="")

    assert refusal.value.errors["phone"] == ["维权申请需要留下电话，以便办理单位与您联系。"]
    assert Grievance.objects.count() == 0


def test_every_problem_is_named_at_once_in_chinese(tree):
    with pytest.raises(ValidationFailed) as refusal:
        file_public(kind="praise", topic="weather", place_code=f.DESTINATION_COUNTY, text=" ", phone="123")

    errors = refusal.value.errors
    assert set(errors) == {"kind", "topic", "place_code", "text", "phone"}
    assert errors["text"] == ["请说明具体情况。"]
    assert errors["place_code"] == ["请选择乡镇（街道）或村（社区）一级的区划。"]


def test_filing_is_audited_without_the_text_the_name_or_the_phone(filed):
    row = audit_rows("create").get()

    assert row.object_id == str(filed.grievance.pk) and row.user_id is None
    dumped = str(row.detail)
    assert COMPLAINT_TEXT not in dumped and NAME not in dumped and PHONE not in dumped
    assert row.detail["tracking_number"] == filed.grievance.tracking_number


def test_staff_file_for_a_person_in_their_area_and_link_the_registry_record(destination_village_worker):
    person = f.register_arrival(destination_village_worker, number=f.id_number(f.ORIGIN_COUNTY)).person

    filed = actions.file_grievance(acting_user=destination_village_worker, kind="rights_protection",
                                   topic="work_injury", place_code=DESTINATION_VILLAGE, text="工伤未获赔偿",
                                   person_id_number=person.id_number)

    grievance = filed.grievance
    assert grievance.channel == Channel.STAFF and grievance.filed_by == destination_village_worker
    assert grievance.person == person and grievance.name == person.name  # no phone needed: the registry links them
    assert audit_rows("registry_lookup", "person").filter(object_id=str(person.pk)).exists()


def test_staff_cannot_link_a_person_outside_their_area(destination_village_worker, origin_village_worker):
    resident = f.register_resident(origin_village_worker)

    with pytest.raises(ValidationFailed) as refusal:
        actions.file_grievance(acting_user=destination_village_worker, kind="complaint",
                               place_code=DESTINATION_VILLAGE, text="x", person_id_number=resident.id_number)

    assert refusal.value.errors["person_id_number"] == ["您的辖区内没有此身份证号的人员。"]


def test_staff_cannot_file_about_a_place_outside_their_area_and_the_refusal_is_audited(destination_village_worker):
    with pytest.raises(PermissionDenied):
        actions.file_grievance(acting_user=destination_village_worker, kind="complaint",
                               place_code=NEIGHBOUR_VILLAGE, text="x")

    assert Grievance.objects.count() == 0
    assert audit_rows("write").filter(outcome=AuditEvent.Outcome.DENIED).exists()


# --- Handling -------------------------------------------------------------------------------------------


def test_the_owner_township_takes_it_in_hand_and_resolves_it_on_time(grievance, destination_township_officer):
    actions.take_grievance_in_hand(acting_user=destination_township_officer, grievance=grievance)
    resolved = actions.resolve_grievance(acting_user=destination_township_officer, grievance=grievance,
                                         resolution="已协调劳动监察部门，工资已补发。")

    assert resolved.status == GrievanceStatus.RESOLVED and resolved.closed_by == destination_township_officer
    assert resolved.closed_on == timezone.localdate() and resolved.taken_by == destination_township_officer
    assert audit_rows("resolve").get().detail["on_time"] is True
    assert [s.kind for s in GrievanceStep.objects.filter(grievance=grievance)] == ["filed", "taken", "resolved"]


def test_a_grievance_may_be_resolved_without_being_taken_in_hand_first(grievance, destination_township_officer):
    resolved = actions.resolve_grievance(acting_user=destination_township_officer, grievance=grievance,
                                         resolution="当场答复")

    assert resolved.status == GrievanceStatus.RESOLVED


def test_resolving_needs_a_resolution(grievance, destination_township_officer):
    with pytest.raises(ValidationFailed) as refusal:
        actions.resolve_grievance(acting_user=destination_township_officer, grievance=grievance, resolution=" ")

    assert refusal.value.errors["resolution"] == ["请说明办理结果。"]
    assert Grievance.objects.get().status == GrievanceStatus.RECEIVED


def test_closing_unresolved_keeps_the_reason(grievance, destination_township_officer):
    closed = actions.close_grievance_unresolved(acting_user=destination_township_officer, grievance=grievance,
                                                reason="用工单位已注销，已告知当事人申请劳动仲裁。")

    assert closed.status == GrievanceStatus.CLOSED_UNRESOLVED and "劳动仲裁" in closed.closure_reason


def test_a_closed_grievance_cannot_be_acted_on_again(grievance, destination_township_officer):
    actions.resolve_grievance(acting_user=destination_township_officer, grievance=grievance, resolution="已办")

    with pytest.raises(ValidationFailed) as refusal:
        actions.close_grievance_unresolved(acting_user=destination_township_officer, grievance=grievance, reason="x")
    assert refusal.value.errors["__all__"] == ["此件已办结。"]
    with pytest.raises(ValidationFailed):
        actions.take_grievance_in_hand(acting_user=destination_township_officer, grievance=grievance)


def test_an_unrelated_township_cannot_act_and_the_refusal_is_audited(grievance, neighbour_township_officer):
    with pytest.raises(PermissionDenied):
        actions.resolve_grievance(acting_user=neighbour_township_officer, grievance=grievance, resolution="x")

    assert Grievance.objects.get().status == GrievanceStatus.RECEIVED
    assert audit_rows("write").filter(outcome=AuditEvent.Outcome.DENIED, object_id=str(grievance.pk)).exists()


def test_a_village_worker_of_the_place_sees_but_does_not_act(grievance, destination_village_worker):
    with pytest.raises(PermissionDenied):
        actions.take_grievance_in_hand(acting_user=destination_village_worker, grievance=grievance)


def test_an_auditor_cannot_act(grievance, auditor):
    with pytest.raises(PermissionDenied):
        actions.take_grievance_in_hand(acting_user=auditor, grievance=grievance)


# --- Reassigning ----------------------------------------------------------------------------------------


def test_a_county_officer_hands_a_grievance_to_another_township_of_the_county(grievance, destination_county_officer,
                                                                              neighbour_township_officer):
    deadline = grievance.deadline

    moved = actions.reassign_grievance(acting_user=destination_county_officer, grievance=grievance,
                                       owner_code=NEIGHBOUR_TOWNSHIP, note="实际发生在第2镇")

    assert moved.owner_id == NEIGHBOUR_TOWNSHIP and moved.deadline == deadline
    row = audit_rows("reassign").get()
    assert row.detail["from"] == DESTINATION_TOWNSHIP and row.detail["to"] == NEIGHBOUR_TOWNSHIP
    actions.take_grievance_in_hand(acting_user=neighbour_township_officer, grievance=moved)  # the new owner acts


def test_a_county_officer_may_take_a_misconduct_complaint_up_to_the_county(tree, destination_county_officer):
    grievance = file_public(topic="staff_misconduct").grievance

    moved = actions.reassign_grievance(acting_user=destination_county_officer, grievance=grievance,
                                       owner_code=f.DESTINATION_COUNTY)

    assert moved.owner_id == f.DESTINATION_COUNTY


def test_a_township_officer_may_not_reassign(grievance, destination_township_officer):
    with pytest.raises(PermissionDenied):
        actions.reassign_grievance(acting_user=destination_township_officer, grievance=grievance,
                                   owner_code=NEIGHBOUR_TOWNSHIP)

    assert Grievance.objects.get().owner_id == DESTINATION_TOWNSHIP
    assert audit_rows("write").filter(outcome=AuditEvent.Outcome.DENIED).exists()


def test_a_county_officer_may_not_hand_it_outside_the_county_or_to_a_village(grievance, destination_county_officer):
    with pytest.raises(ValidationFailed) as outside:
        actions.reassign_grievance(acting_user=destination_county_officer, grievance=grievance,
                                   owner_code=f.township(f.OTHER_DESTINATION_COUNTY))
    with pytest.raises(ValidationFailed) as village:
        actions.reassign_grievance(acting_user=destination_county_officer, grievance=grievance,
                                   owner_code=NEIGHBOUR_VILLAGE)

    assert outside.value.errors["owner_code"] == ["只能改派给您辖区内的单位。"]
    assert village.value.errors["owner_code"] == ["请选择县级或乡镇（街道）单位。"]


def test_a_county_officer_of_another_county_may_not_reassign(grievance, origin_county_officer):
    with pytest.raises(PermissionDenied):
        actions.reassign_grievance(acting_user=origin_county_officer, grievance=grievance,
                                   owner_code=f.township(f.ORIGIN_COUNTY))


# --- Forums ---------------------------------------------------------------------------------------------


def forum_fields(**overrides):
    fields = {"held_on": timezone.localdate() - datetime.timedelta(days=1), "title": "外来务工人员座谈会",
              "place_code": DESTINATION_VILLAGE, "host_code": DESTINATION_TOWNSHIP, "attendance": 32,
              "officers_present": "周志强, 黄丽娟", "migrants_present": "",
              "suggestions": ["希望延长社区卫生服务站晚间开放时间", "", "  子女入学材料能否一次告知  "]}
    fields.update(overrides)
    return fields


def test_a_forum_turns_each_suggestion_into_a_grievance_of_kind_suggestion(destination_township_officer):
    forum = actions.record_forum(acting_user=destination_township_officer, **forum_fields())

    suggestions = list(Grievance.objects.filter(forum=forum).order_by("tracking_number"))
    assert [g.text for g in suggestions] == ["希望延长社区卫生服务站晚间开放时间", "子女入学材料能否一次告知"]
    assert all(g.kind == GrievanceKind.SUGGESTION and g.channel == Channel.FORUM for g in suggestions)
    assert all(g.owner_id == DESTINATION_TOWNSHIP for g in suggestions)
    assert audit_rows("create", "forum").get().detail["suggestions"] == 2


def test_a_forum_and_its_suggestions_are_written_together_or_not_at_all(destination_township_officer, monkeypatch):
    calls = {"n": 0}
    real = actions._step

    def failing_step(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(actions, "_step", failing_step)
    with pytest.raises(RuntimeError):
        actions.record_forum(acting_user=destination_township_officer, **forum_fields())

    assert Forum.objects.count() == 0 and Grievance.objects.count() == 0


def test_a_forum_needs_its_date_title_place_and_attendance(destination_township_officer):
    with pytest.raises(ValidationFailed) as refusal:
        actions.record_forum(acting_user=destination_township_officer, **forum_fields(
            held_on=timezone.localdate() + datetime.timedelta(days=1), title="", place_code=None, attendance=0))

    assert set(refusal.value.errors) == {"held_on", "title", "place_code", "attendance"}
    assert refusal.value.errors["attendance"] == ["请填写参加人数（至少 1 人）。"]


def test_a_forum_cannot_be_recorded_for_another_area(neighbour_township_officer):
    with pytest.raises(PermissionDenied):
        actions.record_forum(acting_user=neighbour_township_officer, **forum_fields(host_code=NEIGHBOUR_TOWNSHIP))

    assert Forum.objects.count() == 0
