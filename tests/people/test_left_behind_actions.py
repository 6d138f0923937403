"""Left-behind children and elders: recorded on the outflow form, kept on the village's roll, visited and logged."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huiliu.audit.models import AuditEvent
from huiliu.core.errors import PermissionDenied, ValidationFailed
from huiliu.people import actions, queries
from huiliu.people.models import (
    LeftBehindKind,
    LeftBehindRelative,
    LeftBehindVisit,
    Migration,
    OutflowRegistration,
    VisitInterval,
    is_minor_on,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    return timezone.localdate()


def years_ago(years: int, days: int = 0) -> datetime.date:
    return actions._years_before(today(), years) - datetime.timedelta(days=days)


def child_row(**overrides) -> dict:
    row = {"name": "张小雨", "sex": "F", "birth_date": years_ago(8), "school": "城关小学", "carer_name": "王桂芝",
           "carer_relation": "祖母", "carer_phone": "13912345678", "school_informed": True,
           "village_committee_informed": True}
    row.update(overrides)
    return row


def elder_row(**overrides) -> dict:
    row = {"name": "张德福", "birth_date": years_ago(74), "relation": "父亲", "lives_alone": True}
    row.update(overrides)
    return row


def leave(worker, *, name="张建国", children=(), elders=(), departed=30, **person_fields):
    """A resident of the origin village whose departure the worker registers, with what it leaves behind."""
    person = f.register_resident(worker, name=name, **person_fields)
    actions.register_outflow(acting_user=worker, person=person, departure_date=today() - datetime.timedelta(days=departed),
                             reason="work", left_behind_children=list(children), left_behind_elders=list(elders))
    person.refresh_from_db()
    return person


def arrive(destination_worker, person):
    """The destination registers the person's arrival, so the person lives in its area."""
    f.register_arrival(destination_worker, number=person.id_number, name=person.name)
    person.refresh_from_db()
    return person


# --- At departure -------------------------------------------------------------------------------------------


def test_the_outflow_form_puts_each_child_and_elder_left_behind_on_the_village_roll(origin_village_worker):
    person = leave(origin_village_worker, children=[child_row(), child_row(name="张小军", sex="M", birth_date=years_ago(4))],
                   elders=[elder_row()])

    relatives = {r.name: r for r in LeftBehindRelative.objects.all()}
    assert set(relatives) == {"张小雨", "张小军", "张德福"}
    assert all(list(r.family_away.all()) == [person] for r in relatives.values())
    assert relatives["张小雨"].carer_name == "王桂芝" and relatives["张小雨"].school_informed
    assert relatives["张小雨"].jurisdiction_id == person.household_jurisdiction_id
    assert relatives["张德福"].kind == LeftBehindKind.ELDER and relatives["张德福"].lives_alone


def test_a_young_child_and_an_elder_living_alone_are_visited_monthly_others_quarterly(origin_village_worker):
    leave(origin_village_worker, children=[child_row(name="小", birth_date=years_ago(3)), child_row(name="大")],
          elders=[elder_row(name="独居"), elder_row(name="同住", lives_alone=False, carer_name="张嫂")])

    intervals = dict(LeftBehindRelative.objects.values_list("name", "visit_interval_days"))
    assert intervals == {"小": VisitInterval.MONTHLY, "大": VisitInterval.QUARTERLY,
                         "独居": VisitInterval.MONTHLY, "同住": VisitInterval.QUARTERLY}


def test_a_child_of_18_on_the_departure_date_is_refused_with_a_message_naming_the_row(origin_village_worker):
    person = f.register_resident(origin_village_worker)
    departed = today() - datetime.timedelta(days=10)
    grown = actions._years_before(departed, 18)

    with pytest.raises(ValidationFailed) as refusal:
        actions.register_outflow(acting_user=origin_village_worker, person=person, departure_date=departed,
                                 reason="work", left_behind_children=[child_row(), child_row(birth_date=grown)])

    message = refusal.value.errors["children-1-birth_date"][0]
    assert message.startswith("留守儿童第 2 行")
    assert "未成年" in message
    assert not Migration.objects.exists() and not OutflowRegistration.objects.exists()
    assert not LeftBehindRelative.objects.exists()


def test_a_child_one_day_short_of_18_is_a_minor_at_departure(origin_village_worker):
    departed = today() - datetime.timedelta(days=10)
    born = actions._years_before(departed, 18) + datetime.timedelta(days=1)

    leave(origin_village_worker, departed=10, children=[child_row(birth_date=born)])

    assert LeftBehindRelative.objects.get().birth_date == born


def test_a_child_without_the_carer_the_parents_appointed_is_refused(origin_village_worker):
    person = f.register_resident(origin_village_worker)

    with pytest.raises(ValidationFailed) as refusal:
        actions.register_outflow(acting_user=origin_village_worker, person=person, departure_date=today(),
                                 reason="work", left_behind_children=[child_row(carer_name="  ")])

    assert refusal.value.errors["children-0-carer_name"] == ["留守儿童第 1 行：请填写父母委托的照护人。"]
    assert not Migration.objects.exists()


def test_a_bad_row_keeps_its_place_on_the_form_when_blank_rows_are_left_out(origin_village_worker):
    person = f.register_resident(origin_village_worker)

    with pytest.raises(ValidationFailed) as refusal:
        actions.register_outflow(acting_user=origin_village_worker, person=person, departure_date=today(),
                                 reason="work", left_behind_elders=[elder_row(index=2, carer_phone="123")])

    assert list(refusal.value.errors) == ["elders-2-carer_phone"]
    assert refusal.value.errors["elders-2-carer_phone"][0].startswith("留守老人第 3 行")


def test_a_departure_whose_rows_fail_in_the_database_writes_nothing(origin_village_worker, monkeypatch):
    person = f.register_resident(origin_village_worker)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "_add_left_behind", broken)
    with pytest.raises(RuntimeError):
        actions.register_outflow(acting_user=origin_village_worker, person=person, departure_date=today(),
                                 reason="work", left_behind_children=[child_row()])

    assert not Migration.objects.exists() and not OutflowRegistration.objects.exists()


def test_the_second_parent_leaving_the_same_child_is_linked_not_listed_twice(origin_village_worker):
    father = leave(origin_village_worker, name="张建国", children=[child_row()])
    mother = leave(origin_village_worker, name="李芳", children=[child_row(carer_name="张德福", carer_relation="祖父")])

    relative = LeftBehindRelative.objects.get()
    assert set(relative.family_away.all()) == {father, mother}
    assert relative.carer_name == "张德福"
    assert AuditEvent.objects.filter(event="link_left_behind_relative").count() == 1


def test_a_recorded_child_of_the_person_is_linked_to_the_left_behind_entry(origin_village_worker):
    person = f.register_resident(origin_village_worker)
    child = actions.record_child(acting_user=origin_village_worker, person=person, sex="F",
                                 birth_date=years_ago(8), name="张小雨")

    actions.register_outflow(acting_user=origin_village_worker, person=person, departure_date=today(), reason="work",
                             left_behind_children=[child_row()])

    assert LeftBehindRelative.objects.get().child == child


# --- Later, from the person's page ------------------------------------------------------------------------------


def test_a_relative_can_be_added_later_while_the_person_is_away(origin_village_worker):
    person = leave(origin_village_worker)

    relative = actions.record_left_behind_relative(acting_user=origin_village_worker, person=person,
                                                   kind="elder", **elder_row())

    assert relative.family_away.get() == person
    assert AuditEvent.objects.filter(event="record_left_behind_relative", object_id=str(relative.pk)).exists()


def test_a_relative_cannot_be_added_for_a_person_at_home(origin_village_worker):
    person = f.register_resident(origin_village_worker)

    with pytest.raises(ValidationFailed) as refusal:
        actions.record_left_behind_relative(acting_user=origin_village_worker, person=person, kind="child", **child_row())

    assert "先登记外出" in refusal.value.errors["__all__"][0]


def test_the_destination_cannot_add_to_the_roll_and_the_refusal_is_audited(origin_village_worker,
                                                                          destination_village_worker):
    person = arrive(destination_village_worker, leave(origin_village_worker))

    with pytest.raises(PermissionDenied):
        actions.record_left_behind_relative(acting_user=destination_village_worker, person=person, kind="child",
                                            **child_row())

    assert not LeftBehindRelative.objects.exists()
    assert AuditEvent.objects.filter(username="dest-worker", outcome=AuditEvent.Outcome.DENIED).exists()


def test_changing_the_visit_interval_moves_the_next_visit(origin_village_worker):
    leave(origin_village_worker, children=[child_row()])
    relative = LeftBehindRelative.objects.get()
    actions.record_left_behind_visit(acting_user=origin_village_worker, relative=relative, visited_on=today(),
                                     way="home", wellbeing="很好")

    relative = actions.update_left_behind_relative(acting_user=origin_village_worker, relative=relative,
                                                   visit_interval_days=VisitInterval.FORTNIGHTLY, carer_phone="")

    assert relative.next_visit_due == today() + datetime.timedelta(days=14)
    event = AuditEvent.objects.get(event="update_left_behind_relative")
    assert event.detail["fields"] == ["carer_phone", "visit_interval_days"]
    assert "13912345678" not in str(event.detail)


# --- Visits -----------------------------------------------------------------------------------------------------


def test_a_visit_is_logged_audited_and_sets_the_next_visit_one_interval_later(origin_village_worker):
    leave(origin_village_worker, children=[child_row()])
    relative = LeftBehindRelative.objects.get()
    visited = today() - datetime.timedelta(days=2)

    visit = actions.record_left_behind_visit(acting_user=origin_village_worker, relative=relative, visited_on=visited,
                                             way="school", wellbeing="学习认真，想念父母", needs="冬衣")

    relative.refresh_from_db()
    assert visit.visitor == origin_village_worker
    assert relative.last_visited_on == visited
    assert relative.next_visit_due == visited + datetime.timedelta(days=relative.visit_interval_days)
    assert AuditEvent.objects.filter(event="record_left_behind_visit", object_id=str(relative.pk),
                                     subject_household=relative.jurisdiction_id).exists()


def test_an_older_visit_logged_late_does_not_pull_the_next_visit_back(origin_village_worker):
    leave(origin_village_worker, departed=60, children=[child_row()])
    relative = LeftBehindRelative.objects.get()
    actions.record_left_behind_visit(acting_user=origin_village_worker, relative=relative, visited_on=today(),
                                     way="home", wellbeing="好")

    actions.record_left_behind_visit(acting_user=origin_village_worker, relative=relative,
                                     visited_on=today() - datetime.timedelta(days=20), way="phone", wellbeing="好")

    relative.refresh_from_db()
    assert relative.last_visited_on == today()


@pytest.mark.parametrize(("visited_on", "way", "wellbeing", "field", "message"), [
    (datetime.timedelta(days=-1), "home", "好", "visited_on", "走访发生之前不能登记。"),
    (datetime.timedelta(days=40), "home", "好", "visited_on", "外出"),
    (datetime.timedelta(0), "letter", "好", "way", "请选择走访方式。"),
    (datetime.timedelta(0), "home", " ", "wellbeing", "请简要说明孩子或老人的情况。"),
])
def test_a_bad_visit_is_refused_and_changes_nothing(origin_village_worker, visited_on, way, wellbeing, field, message):
    leave(origin_village_worker, children=[child_row()])
    relative = LeftBehindRelative.objects.get()

    with pytest.raises(ValidationFailed) as refusal:
        actions.record_left_behind_visit(acting_user=origin_village_worker, relative=relative,
                                         visited_on=today() - visited_on, way=way, wellbeing=wellbeing)

    assert message in refusal.value.errors[field][0]
    assert not LeftBehindVisit.objects.exists()


def test_only_the_household_place_records_visits_and_others_are_refused_and_audited(
        origin_village_worker, destination_village_worker, auditor):
    arrive(destination_village_worker, leave(origin_village_worker, children=[child_row()]))
    relative = LeftBehindRelative.objects.get()

    for outsider in (destination_village_worker, auditor):
        with pytest.raises(PermissionDenied):
            actions.record_left_behind_visit(acting_user=outsider, relative=relative, visited_on=today(), way="home",
                                             wellbeing="好")

    assert not LeftBehindVisit.objects.exists()
    assert AuditEvent.objects.filter(object_type="left_behind_relative", outcome=AuditEvent.Outcome.DENIED).count() == 2


def test_the_township_above_the_village_may_record_a_visit(origin_village_worker, origin_township_officer):
    leave(origin_village_worker, children=[child_row()])

    actions.record_left_behind_visit(acting_user=origin_township_officer, relative=LeftBehindRelative.objects.get(),
                                     visited_on=today(), way="phone", wellbeing="好")

    assert LeftBehindVisit.objects.count() == 1


# --- The roll -----------------------------------------------------------------------------------------------------


def test_the_roll_lists_the_village_s_relatives_and_not_another_village_s(origin_village_worker, origin_county_officer):
    leave(origin_village_worker, children=[child_row()])
    neighbour = f.register_resident(origin_county_officer, name="邻村人", household_code=f.village(f.ORIGIN_COUNTY, 2, 2))
    actions.register_outflow(acting_user=origin_county_officer, person=neighbour, departure_date=today(),
                             reason="work", left_behind_elders=[elder_row(name="邻村老人")])

    assert [r.name for r in queries.list_left_behind(user=origin_village_worker)] == ["张小雨"]
    assert {r.name for r in queries.list_left_behind(user=origin_county_officer)} == {"张小雨", "邻村老人"}


def test_a_child_leaves_the_roll_on_turning_18(origin_village_worker):
    born = years_ago(18, days=-5)  # turns 18 in five days
    leave(origin_village_worker, children=[child_row(birth_date=born)], elders=[elder_row()])

    birthday = actions._years_before(today() + datetime.timedelta(days=5), 0)
    before = queries.list_left_behind(user=origin_village_worker, today=birthday - datetime.timedelta(days=1))
    after = queries.list_left_behind(user=origin_village_worker, today=birthday)
    assert {r.name for r in before} == {"张小雨", "张德福"}
    assert {r.name for r in after} == {"张德福"}


def test_relatives_leave_the_roll_when_the_family_comes_home(origin_village_worker):
    person = leave(origin_village_worker, children=[child_row()])

    actions.close_migration(acting_user=origin_village_worker, migration=person.migrations.get(), outcome="returned",
                            ended_on=today())

    assert not queries.list_left_behind(user=origin_village_worker).exists()


def test_a_relative_stays_on_the_roll_while_one_parent_is_still_away(origin_village_worker):
    father = leave(origin_village_worker, name="张建国", children=[child_row()])
    leave(origin_village_worker, name="李芳", children=[child_row()])

    actions.close_migration(acting_user=origin_village_worker, migration=father.migrations.get(), outcome="returned",
                            ended_on=today())

    assert queries.list_left_behind(user=origin_village_worker).count() == 1


def test_a_relative_taken_off_the_roll_leaves_it_with_the_reason_audited(origin_village_worker):
    leave(origin_village_worker, children=[child_row()])
    relative = LeftBehindRelative.objects.get()

    actions.take_off_left_behind_roll(acting_user=origin_village_worker, relative=relative, ended_on=today(),
                                      note="随父母外出就读")

    assert not queries.list_left_behind(user=origin_village_worker).exists()
    assert AuditEvent.objects.filter(event="take_off_left_behind_roll").exists()


def test_the_roll_filters_by_kind_and_by_overdue_visits(origin_village_worker):
    leave(origin_village_worker, children=[child_row()], elders=[elder_row()])
    elder = LeftBehindRelative.objects.get(kind="elder")
    later = today() + datetime.timedelta(days=elder.visit_interval_days + 1)

    assert [r.name for r in queries.list_left_behind(user=origin_village_worker, kind="elder")] == ["张德福"]
    assert [r.name for r in queries.list_left_behind(user=origin_village_worker, due="overdue", today=later)] == ["张德福"]
    assert queries.count_left_behind(user=origin_village_worker, today=later) == {"children": 1, "elders": 1,
                                                                                  "overdue": 1}


# --- The person's page: what the family's destination sees -----------------------------------------------------


def test_the_destination_sees_the_visits_without_the_village_s_own_notes(origin_village_worker,
                                                                        destination_village_worker):
    person = arrive(destination_village_worker, leave(origin_village_worker, children=[child_row()]))
    relative = LeftBehindRelative.objects.get()
    actions.record_left_behind_visit(acting_user=origin_village_worker, relative=relative, visited_on=today(),
                                     way="home", wellbeing="身体健康", needs="学费困难")

    origin_rows = queries.list_left_behind_of(person, user=origin_village_worker)
    destination_rows = queries.list_left_behind_of(person, user=destination_village_worker)

    assert origin_rows[0]["full"] and origin_rows[0]["may_write"]
    assert not destination_rows[0]["full"] and not destination_rows[0]["may_write"]
    assert [v.wellbeing for v in destination_rows[0]["visits"]] == ["身体健康"]


def test_the_destination_no_longer_sees_a_child_come_of_age(origin_village_worker, destination_village_worker):
    person = arrive(destination_village_worker, leave(origin_village_worker, children=[child_row()]))
    later = actions._years_before(today(), -11)

    assert queries.list_left_behind_of(person, user=destination_village_worker, today=later) == []
    assert len(queries.list_left_behind_of(person, user=origin_village_worker, today=later)) == 1


# --- The rule of age, for all dates -------------------------------------------------------------------------------


@given(born=st.dates(datetime.date(1950, 1, 1), datetime.date(2060, 12, 31)),
       on=st.dates(datetime.date(1950, 1, 1), datetime.date(2080, 12, 31)))
def test_a_person_is_a_minor_exactly_until_the_18th_birthday(born, on):
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if (born.month, born.day) == (2, 29) and (on.month, on.day) == (2, 28):
        # Born on 29 February: in a common year the birthday is 1 March, so the day before still counts as under.
        leap = on.year % 4 == 0 and (on.year % 100 != 0 or on.year % 400 == 0)
        age -= 0 if leap else 1
    assert is_minor_on(born, on) == (age < 18)


def test_the_roll_never_shows_a_relative_outside_the_subtrees_of_the_user_s_roles(tree):
    from huiliu.accounts.models import Role
    from huiliu.jurisdictions import codes

    places = [f.village(county, t, v) for county in (f.ORIGIN_COUNTY, f.OTHER_ORIGIN_COUNTY) for t in (1, 2)
              for v in (1, 2)]
    for number, place in enumerate(places):
        officer = f.make_user(Role.COUNTY_OFFICER, place - place % 1_000_000, f"county-{number}")
        person = f.register_resident(officer, name=f"外出{number}", household_code=place,
                                     id_number=f.id_number(place - place % 1_000_000))
        actions.register_outflow(acting_user=officer, person=person, departure_date=today(), reason="work",
                                 left_behind_children=[child_row(name=f"孩子{number}")])
    nodes = sorted({a for p in places for a in codes.ancestor_codes(p)} | set(places))
    user = f.make_user(Role.VILLAGE_WORKER, places[0], "random-roles")

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.tuples(st.sampled_from([Role.VILLAGE_WORKER, Role.COUNTY_OFFICER, Role.AUDITOR]),
                              st.sampled_from(nodes)), max_size=3))
    def check(assignments):
        user._huiliu_assignments = [(role.value, code) for role, code in assignments]
        shown = {r.jurisdiction_id for r in queries.list_left_behind(user=user)}
        expected = {p for p in places if any(codes.contains(code, p) for _role, code in assignments)}
        assert shown == expected

    check()
