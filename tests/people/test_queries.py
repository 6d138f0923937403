"""Reads of the people app: who sees whom, as the person moves between origin and destination."""

import datetime
import uuid

import pytest

from huiliu.accounts.actions import deactivate_user
from huiliu.accounts.models import Role
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import NotFound
from huiliu.people import actions, queries
from tests import factories as f

from .conftest import (
    DESTINATION_NEIGHBOUR_VILLAGE,
    DESTINATION_VILLAGE,
    ORIGIN_NEIGHBOUR_VILLAGE,
    ORIGIN_VILLAGE,
    OTHER_DESTINATION_VILLAGE,
    days_ago,
)

pytestmark = pytest.mark.django_db


def seen_by(user, query: str = "") -> set[str]:
    return set(queries.list_persons(user=user, query=query).values_list("name", flat=True))


def can_open(user, person) -> bool:
    try:
        queries.access_person(user, person.pk)
    except NotFound:
        return False
    return True


def arrive(officer, number, *, residence_code=DESTINATION_VILLAGE, arrival_date=None, name=None,
           household_code=ORIGIN_VILLAGE):
    return actions.register_inflow(
        acting_user=officer, id_number=number, name=name or f.registered_name(number) or "王秀英",
        arrival_date=arrival_date or days_ago(3),
        residence_code=residence_code, address="宝安大道 100 号", residence_type="rented", household_code=household_code,
    )


# --- A county sees its whole county ------------------------------------------------


def test_a_county_officer_sees_everyone_registered_or_living_anywhere_in_the_county(
    origin_county_officer, origin_village_worker, outsider
):
    f.register_resident(origin_village_worker, name="本村人")
    f.register_resident(origin_county_officer, name="邻镇人", household_code=ORIGIN_NEIGHBOUR_VILLAGE)
    leaver = f.register_resident(origin_county_officer, name="外出人", household_code=ORIGIN_NEIGHBOUR_VILLAGE)
    actions.register_outflow(acting_user=origin_county_officer, person=leaver, departure_date=days_ago(9),
                             reason="work")
    # Someone from another province who lives in the county.
    arrive(origin_county_officer, f.id_number(f.DESTINATION_COUNTY), name="外来人", residence_code=ORIGIN_NEIGHBOUR_VILLAGE,
           household_code=DESTINATION_VILLAGE)

    assert seen_by(origin_county_officer) == {"本村人", "邻镇人", "外出人", "外来人"}


def test_a_village_worker_sees_only_their_own_village(origin_village_worker, origin_county_officer):
    f.register_resident(origin_village_worker, name="本村人")
    f.register_resident(origin_county_officer, name="邻村人", household_code=f.village(f.ORIGIN_COUNTY, 1, 2))

    assert seen_by(origin_village_worker) == {"本村人"}


def test_a_user_with_roles_in_two_places_sees_both(origin_village_worker, destination_village_worker, outsider):
    f.register_resident(origin_village_worker, name="本村人")
    arrive(destination_village_worker, f.id_number(), name="来宝安的人")
    f.add_role(origin_village_worker, Role.VILLAGE_WORKER, DESTINATION_VILLAGE)

    assert seen_by(origin_village_worker) == {"本村人", "来宝安的人"}


# --- Seeing a person through their moves ------------------------------------------------


def test_the_origin_keeps_seeing_a_person_who_left_and_the_destination_sees_them_only_once_they_arrive(
    origin_village_worker, destination_village_worker
):
    person = f.register_resident(origin_village_worker, name="张建国")
    actions.register_outflow(acting_user=origin_village_worker, person=person, departure_date=days_ago(9),
                             reason="work", destination_code=DESTINATION_VILLAGE)

    assert can_open(origin_village_worker, person)
    assert not can_open(destination_village_worker, person), "a declared destination is not yet an arrival"
    assert seen_by(destination_village_worker) == set()

    arrive(destination_village_worker, person.id_number, name="张建国")

    assert can_open(origin_village_worker, person)
    assert can_open(destination_village_worker, person)
    assert seen_by(destination_village_worker) == {"张建国"}
    assert seen_by(origin_village_worker) == {"张建国"}


def test_the_old_destination_stops_seeing_a_person_registered_at_a_new_destination(
    origin_village_worker, destination_village_worker, other_destination_village_worker
):
    person = f.register_resident(origin_village_worker, name="张建国")
    arrive(destination_village_worker, person.id_number, arrival_date=days_ago(60))

    arrive(other_destination_village_worker, person.id_number, residence_code=OTHER_DESTINATION_VILLAGE)

    assert not can_open(destination_village_worker, person)
    assert seen_by(destination_village_worker) == set()
    assert can_open(other_destination_village_worker, person)
    assert can_open(origin_village_worker, person)


@pytest.mark.parametrize("outcome", ["moved_on", "lost_contact", "returned"])
def test_the_destination_stops_seeing_a_person_whose_stay_it_closed(origin_village_worker, destination_village_worker,
                                                                    outcome):
    person = f.register_resident(origin_village_worker, name="张建国")
    migration = arrive(destination_village_worker, person.id_number)

    actions.close_migration(acting_user=destination_village_worker, migration=migration, outcome=outcome,
                            ended_on=days_ago(1))

    assert not can_open(destination_village_worker, person)
    assert seen_by(destination_village_worker) == set()
    assert can_open(origin_village_worker, person)


def test_the_destination_cannot_reach_a_closed_move_any_more(origin_village_worker, destination_village_worker):
    person = f.register_resident(origin_village_worker)
    migration = arrive(destination_village_worker, person.id_number)
    actions.close_migration(acting_user=destination_village_worker, migration=migration, outcome="moved_on",
                            ended_on=days_ago(1))

    with pytest.raises(NotFound):
        queries.access_migration(destination_village_worker, migration.pk)
    assert queries.access_migration(origin_village_worker, migration.pk) == migration


# --- Not found, and audited -----------------------------------------------------------


def test_a_person_outside_the_subtree_answers_exactly_as_a_missing_one_and_both_are_audited(
    origin_village_worker, outsider
):
    missing = uuid.uuid4()

    with pytest.raises(NotFound) as out_of_scope:
        queries.access_person(origin_village_worker, outsider.pk)
    with pytest.raises(NotFound) as absent:
        queries.access_person(origin_village_worker, missing)

    assert type(out_of_scope.value) is type(absent.value)
    denials = AuditEvent.objects.filter(event="view", outcome=AuditEvent.Outcome.DENIED).order_by("id")
    assert [(d.user_id, d.object_type, d.object_id) for d in denials] == [
        (origin_village_worker.pk, "person", str(outsider.pk)),
        (origin_village_worker.pk, "person", str(missing)),
    ]


def test_a_permitted_view_is_audited_as_a_success(origin_village_worker, resident):
    assert queries.access_person(origin_village_worker, str(resident.pk)) == resident

    view = AuditEvent.objects.get(event="view")
    assert (view.user_id, view.object_id, view.outcome) == (origin_village_worker.pk, str(resident.pk), "success")


def test_asking_for_a_person_by_a_malformed_id_is_not_found_and_leaves_no_raw_identifier_in_the_audit(
    origin_village_worker, resident
):
    for malformed in ("nonsense", resident.id_number, "13812345678"):
        with pytest.raises(NotFound):
            queries.access_person(origin_village_worker, malformed)

    denials = list(AuditEvent.objects.filter(event="view", outcome="denied"))
    assert len(denials) == 3
    assert all(d.user_id == origin_village_worker.pk for d in denials)
    stored = " ".join(f"{d.object_id} {d.detail}" for d in denials)
    assert resident.id_number not in stored and "13812345678" not in stored


def test_a_move_outside_the_subtree_answers_as_missing_and_is_audited(origin_village_worker, arrival, outsider):
    with pytest.raises(NotFound):
        queries.access_migration(origin_village_worker, uuid.uuid4())
    with pytest.raises(NotFound):
        queries.access_migration(f.make_user(Role.VILLAGE_WORKER, OTHER_DESTINATION_VILLAGE), arrival.pk)

    assert AuditEvent.objects.filter(event="view", object_type="migration", outcome="denied").count() == 2


# --- Users who see nothing --------------------------------------------------------------


def test_a_user_without_a_role_sees_nobody_and_every_person_is_not_found(roleless_user, resident, arrival):
    assert seen_by(roleless_user) == set()
    assert seen_by(roleless_user, resident.id_number) == set()
    assert not can_open(roleless_user, resident)
    assert not can_open(roleless_user, arrival.person)
    assert queries.count_jurisdiction_figures(user=roleless_user) == {"outflow": 0, "inflow": 0,
                                                                      "arrivals_this_month": 0}
    assert queries.list_recent_arrivals(user=roleless_user) == []


def test_a_deactivated_user_sees_nobody(origin_village_worker, resident):
    deactivate_user(acting_user=None, user=origin_village_worker)
    origin_village_worker.refresh_from_db()

    assert seen_by(origin_village_worker) == set()
    assert not can_open(origin_village_worker, resident)


def test_an_auditor_reads_persons_in_their_subtree_only(auditor, resident, arrival, outsider):
    # The auditor sits at the province of the origin: they see the Shandong residents, not the Henan one.
    assert seen_by(auditor) == {resident.name, arrival.person.name}
    assert can_open(auditor, resident)
    assert not can_open(auditor, outsider)


# --- Search ---------------------------------------------------------------------------


def test_search_by_id_number_finds_only_a_person_in_scope(origin_village_worker, resident, outsider):
    assert seen_by(origin_village_worker, resident.id_number) == {resident.name}
    assert seen_by(origin_village_worker, f"  {resident.id_number.lower()} ") == {resident.name}
    assert seen_by(origin_village_worker, outsider.id_number) == set()


def test_search_by_the_start_of_a_name_finds_only_persons_in_scope(origin_village_worker, origin_county_officer,
                                                                   outsider):
    f.register_resident(origin_village_worker, name="赵本村")
    f.register_resident(origin_county_officer, name="赵邻镇", household_code=ORIGIN_NEIGHBOUR_VILLAGE)

    assert seen_by(origin_village_worker, "赵") == {"赵本村"}
    assert seen_by(origin_county_officer, "赵") == {"赵本村", "赵邻镇"}
    assert seen_by(origin_county_officer, "本村") == set(), "the name is matched from its start"


def test_a_search_is_audited_without_the_id_number_typed(origin_village_worker, resident):
    spaced = f"{resident.id_number[:6]} {resident.id_number[6:14]} {resident.id_number[14:]}"

    assert seen_by(origin_village_worker, spaced) == {resident.name}

    search = AuditEvent.objects.get(event="search")
    assert search.user_id == origin_village_worker.pk
    stored = str(search.detail).replace(" ", "")
    assert resident.id_number not in stored


def test_a_list_is_audited(origin_village_worker):
    queries.list_persons(user=origin_village_worker)

    assert AuditEvent.objects.filter(event="list", user_id=origin_village_worker.pk).count() == 1


# --- Figures and recent arrivals --------------------------------------------------------------


def test_the_figures_count_departures_from_and_arrivals_into_the_users_scope_only(
    origin_village_worker, origin_county_officer, destination_village_worker, destination_county_officer, outsider
):
    today = datetime.date.today()
    away = f.register_resident(origin_village_worker, name="外出未到")
    actions.register_outflow(acting_user=origin_village_worker, person=away, departure_date=days_ago(40),
                             reason="work")
    arrive(destination_village_worker, f.id_number(), arrival_date=today)
    arrive(destination_county_officer, f.id_number(), residence_code=DESTINATION_NEIGHBOUR_VILLAGE,
           arrival_date=today)
    closed = arrive(destination_village_worker, f.id_number(), arrival_date=today)
    actions.close_migration(acting_user=destination_village_worker, migration=closed, outcome="moved_on",
                            ended_on=today)
    arrive(destination_county_officer, f.id_number(f.OTHER_ORIGIN_COUNTY), residence_code=DESTINATION_NEIGHBOUR_VILLAGE,
           household_code=f.village(f.OTHER_ORIGIN_COUNTY), arrival_date=today)

    assert queries.count_jurisdiction_figures(user=origin_village_worker, today=today) == {
        "outflow": 3, "inflow": 0, "arrivals_this_month": 0}
    assert queries.count_jurisdiction_figures(user=origin_county_officer, today=today) == {
        "outflow": 3, "inflow": 0, "arrivals_this_month": 0}
    assert queries.count_jurisdiction_figures(user=destination_village_worker, today=today) == {
        "outflow": 0, "inflow": 1, "arrivals_this_month": 2}
    assert queries.count_jurisdiction_figures(user=destination_county_officer, today=today) == {
        "outflow": 0, "inflow": 3, "arrivals_this_month": 4}


def test_recent_arrivals_list_only_arrivals_into_the_users_scope(destination_village_worker,
                                                                 destination_county_officer):
    arrive(destination_village_worker, f.id_number(), name="本村来的", arrival_date=days_ago(2))
    arrive(destination_county_officer, f.id_number(), name="邻镇来的", residence_code=DESTINATION_NEIGHBOUR_VILLAGE,
           arrival_date=days_ago(1))

    def names(user):
        return [a.migration.person.name for a in queries.list_recent_arrivals(user=user)]

    assert names(destination_village_worker) == ["本村来的"]
    assert names(destination_county_officer) == ["邻镇来的", "本村来的"]


def test_recent_arrivals_leave_out_a_person_who_has_since_moved_on(
    origin_village_worker, destination_village_worker, other_destination_village_worker
):
    person = f.register_resident(origin_village_worker, name="已离开")
    arrive(destination_village_worker, person.id_number, arrival_date=days_ago(20))
    arrive(destination_village_worker, f.id_number(), name="还在", arrival_date=days_ago(10))

    arrive(other_destination_village_worker, person.id_number, residence_code=OTHER_DESTINATION_VILLAGE)

    assert [a.migration.person.name for a in queries.list_recent_arrivals(user=destination_village_worker)] == ["还在"]
    assert [a.migration.person.name for a in queries.list_recent_arrivals(user=other_destination_village_worker)] == [
        "已离开"]


def test_a_persons_moves_are_listed_newest_first(origin_village_worker, destination_village_worker,
                                                 other_destination_village_worker):
    person = f.register_resident(origin_village_worker)
    first = arrive(destination_village_worker, person.id_number, arrival_date=days_ago(60))
    second = arrive(other_destination_village_worker, person.id_number, residence_code=OTHER_DESTINATION_VILLAGE,
                    arrival_date=days_ago(5))

    assert list(queries.list_migrations_of(person)) == [second, first]


def test_the_home_pages_list_of_arrivals_is_audited_with_the_persons_shown(
    origin_village_worker, destination_village_worker
):
    person = f.register_resident(origin_village_worker)
    arrive(destination_village_worker, person.id_number)

    queries.list_recent_arrivals(user=destination_village_worker)

    row = AuditEvent.objects.order_by("-id").first()
    assert (row.event, row.user_id) == ("list", destination_village_worker.pk)
    assert row.detail["persons"] == [str(person.pk)]
