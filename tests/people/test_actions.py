"""Writes of the people app: registering persons, departures and arrivals, linking the two sides, closing moves."""

import datetime
import re

import pytest
from stdnum.cn import ric

from huiliu.audit.models import AuditEvent
from huiliu.core.errors import PermissionDenied, ValidationFailed
from huiliu.people import actions
from huiliu.people.models import Child, InflowRegistration, Migration, MigrationStatus, OutflowRegistration, Person
from tests import factories as f

from .conftest import (
    DESTINATION_NEIGHBOUR_VILLAGE,
    DESTINATION_VILLAGE,
    ORIGIN_VILLAGE,
    OTHER_DESTINATION_VILLAGE,
    days_ago,
)

pytestmark = pytest.mark.django_db

RAW_ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


def row_counts() -> dict[str, int]:
    """Rows of every kind a write could leave; audit rows of refusals are counted apart (see denials())."""
    counts = {
        model.__name__: model.objects.count()
        for model in (Person, Migration, OutflowRegistration, InflowRegistration, Child)
    }
    counts["AuditEvent"] = AuditEvent.objects.exclude(outcome=AuditEvent.Outcome.DENIED).count()
    return counts


def denials() -> int:
    return AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED).count()


def with_wrong_check_digit(number: str) -> str:
    right = ric.calc_check_digit(number[:17] + "0")  # stdnum wants all 18 characters and ignores the last
    return number[:17] + next(c for c in "0123456789X" if c != right)


def arrive(officer, number, *, residence_code=DESTINATION_VILLAGE, arrival_date=None, **fields):
    fields.setdefault("household_code", ORIGIN_VILLAGE)
    return actions.register_inflow(
        acting_user=officer, id_number=number, name=fields.pop("name", None) or f.registered_name(number) or "王秀英",
        arrival_date=arrival_date or days_ago(3), residence_code=residence_code,
        address=fields.pop("address", "宝安大道 100 号"), residence_type=fields.pop("residence_type", "rented"), **fields,
    )


def depart(officer, person, **fields):
    fields.setdefault("departure_date", days_ago(20))
    fields.setdefault("reason", "work")
    return actions.register_outflow(acting_user=officer, person=person, **fields)


# --- Linking the two sides of one move ------------------------------------------


def test_an_arrival_of_someone_whose_origin_registered_the_departure_joins_that_same_migration(
    origin_village_worker, destination_village_worker
):
    person = f.register_resident(origin_village_worker)
    departure = depart(origin_village_worker, person, destination_code=DESTINATION_VILLAGE)

    arrival = arrive(destination_village_worker, person.id_number)

    assert arrival.pk == departure.pk
    assert Migration.objects.filter(person=person).count() == 1
    migration = Migration.objects.get(pk=arrival.pk)
    assert migration.status == MigrationStatus.ARRIVED
    assert migration.outflow.migration_id == migration.inflow.migration_id == migration.pk
    assert migration.destination_jurisdiction_id == DESTINATION_VILLAGE
    person.refresh_from_db()
    assert person.residence_jurisdiction_id == DESTINATION_VILLAGE


def test_a_departure_registered_after_the_arrival_joins_that_same_migration(
    origin_village_worker, destination_village_worker
):
    person = f.register_resident(origin_village_worker)
    arrival = arrive(destination_village_worker, person.id_number)

    departure = depart(origin_village_worker, person)

    assert departure.pk == arrival.pk
    migration = Migration.objects.get(person=person)
    assert migration.status == MigrationStatus.ARRIVED
    assert migration.outflow.departure_date == days_ago(20)
    assert migration.inflow.residence_jurisdiction_id == DESTINATION_VILLAGE
    person.refresh_from_db()
    assert person.residence_jurisdiction_id == DESTINATION_VILLAGE, "the origin's registration must not erase the arrival"


def test_an_arrival_of_someone_not_yet_in_the_registry_adds_them_with_the_declared_household_place(
    destination_village_worker,
):
    number = f.id_number(born=datetime.date(1988, 2, 29), sex="M")

    migration = arrive(destination_village_worker, number, name="陈明", phone="139 1234 5678")

    person = migration.person
    assert (person.name, person.sex, person.birth_date) == ("陈明", "M", datetime.date(1988, 2, 29))
    assert person.household_jurisdiction_id == ORIGIN_VILLAGE
    assert person.residence_jurisdiction_id == DESTINATION_VILLAGE
    assert person.phone == "13912345678"
    assert migration.status == MigrationStatus.ARRIVED and not hasattr(migration, "outflow")


def test_a_second_arrival_at_another_destination_closes_the_first_stay_as_moved_on(
    origin_village_worker, destination_village_worker, other_destination_village_worker
):
    person = f.register_resident(origin_village_worker)
    first = arrive(destination_village_worker, person.id_number, arrival_date=days_ago(40))

    second = arrive(other_destination_village_worker, person.id_number, residence_code=OTHER_DESTINATION_VILLAGE,
                    arrival_date=days_ago(2))

    first.refresh_from_db()
    assert first.status == MigrationStatus.MOVED_ON
    assert first.ended_on == days_ago(2)
    assert second.pk != first.pk and second.status == MigrationStatus.ARRIVED
    assert list(Migration.objects.filter(person=person, status__in=["away", "arrived"])) == [second]
    person.refresh_from_db()
    assert person.residence_jurisdiction_id == OTHER_DESTINATION_VILLAGE


def test_a_second_arrival_elsewhere_publishes_that_the_first_stay_moved_on_on_the_day_of_the_arrival(
    origin_village_worker, destination_village_worker, other_destination_village_worker, monkeypatch
):
    from huiliu.core import events

    person = f.register_resident(origin_village_worker)
    first = arrive(destination_village_worker, person.id_number, arrival_date=days_ago(40))
    published = []
    publish = events.publish
    monkeypatch.setattr(events, "publish", lambda name, **facts: (published.append((name, facts)),
                                                                   publish(name, **facts)))

    arrive(other_destination_village_worker, person.id_number, residence_code=OTHER_DESTINATION_VILLAGE,
           arrival_date=days_ago(2))

    [(name, facts)] = [(name, facts) for name, facts in published if name == events.STATUS_CHANGED]
    assert (facts["change"], facts["effective_date"], facts["migration"].pk) == ("moved_on", days_ago(2), first.pk)
    assert facts["person"].residence_jurisdiction_id == OTHER_DESTINATION_VILLAGE  # the old place is not the new one


def test_registering_the_same_arrival_twice_at_the_same_place_is_refused_and_writes_nothing(
    destination_village_worker,
):
    number = f.id_number()
    arrive(destination_village_worker, number)
    before = row_counts()

    with pytest.raises(ValidationFailed) as refused:
        arrive(destination_village_worker, number, arrival_date=days_ago(1))

    assert refused.value.errors["__all__"]
    assert row_counts() == before


def test_a_second_departure_while_one_is_open_is_refused(origin_village_worker):
    person = f.register_resident(origin_village_worker)
    depart(origin_village_worker, person)
    before = row_counts()

    with pytest.raises(ValidationFailed):
        depart(origin_village_worker, person, departure_date=days_ago(5))

    assert row_counts() == before


def test_an_arrival_within_the_township_of_the_household_place_is_not_a_migration(
    origin_county_officer,
):
    number = f.id_number()

    with pytest.raises(ValidationFailed) as refused:
        arrive(origin_county_officer, number, residence_code=f.village(f.ORIGIN_COUNTY, 1, 2),
               household_code=ORIGIN_VILLAGE)

    assert "residence_code" in refused.value.errors
    assert not Person.objects.exists()


def test_an_arrival_must_be_registered_at_a_village_not_a_township(destination_county_officer):
    with pytest.raises(ValidationFailed) as refused:
        arrive(destination_county_officer, f.id_number(), residence_code=f.township(f.DESTINATION_COUNTY))

    assert "residence_code" in refused.value.errors


def test_an_arrival_dated_before_the_birth_of_a_new_person_is_refused(destination_village_worker):
    number = f.id_number(born=days_ago(100))

    with pytest.raises(ValidationFailed) as refused:
        arrive(destination_village_worker, number, arrival_date=days_ago(200))

    assert "arrival_date" in refused.value.errors
    assert not Person.objects.exists()


def test_an_arrival_dated_in_the_future_is_refused(destination_village_worker):
    with pytest.raises(ValidationFailed) as refused:
        arrive(destination_village_worker, f.id_number(), arrival_date=datetime.date.today() + datetime.timedelta(days=1))

    assert "arrival_date" in refused.value.errors


# --- Closing a move ---------------------------------------------------------------


def test_a_person_who_returned_lives_at_the_household_place_again(origin_village_worker, destination_village_worker):
    person = f.register_resident(origin_village_worker, household_address="章丘 幸福村 8 号")
    migration = arrive(destination_village_worker, person.id_number)

    closed = actions.close_migration(acting_user=origin_village_worker, migration=migration, outcome="returned",
                                     ended_on=days_ago(1), note="回乡务农")

    assert (closed.status, closed.ended_on, closed.end_note) == (MigrationStatus.RETURNED, days_ago(1), "回乡务农")
    person.refresh_from_db()
    assert person.residence_jurisdiction_id == ORIGIN_VILLAGE
    assert person.residence_address == "章丘 幸福村 8 号"


@pytest.mark.parametrize("outcome", ["moved_on", "lost_contact"])
def test_a_person_who_moved_on_or_lost_contact_has_no_known_residence(destination_village_worker, outcome):
    migration = arrive(destination_village_worker, f.id_number())

    closed = actions.close_migration(acting_user=destination_village_worker, migration=migration, outcome=outcome,
                                     ended_on=days_ago(1))

    assert closed.status == outcome
    person = Person.objects.get(pk=migration.person_id)
    assert person.residence_jurisdiction_id is None
    assert person.residence_address == ""


def test_a_move_already_closed_cannot_be_closed_again(destination_village_worker):
    migration = arrive(destination_village_worker, f.id_number())
    actions.close_migration(acting_user=destination_village_worker, migration=migration, outcome="moved_on",
                            ended_on=days_ago(1))
    before = row_counts()

    with pytest.raises(ValidationFailed) as refused:
        actions.close_migration(acting_user=destination_village_worker, migration=migration, outcome="returned",
                                ended_on=days_ago(1))

    assert refused.value.errors["__all__"]
    assert row_counts() == before
    assert Migration.objects.get(pk=migration.pk).status == MigrationStatus.MOVED_ON


@pytest.mark.parametrize(
    "outcome, ended_on, field",
    [("away", 1, "outcome"), ("arrived", 1, "outcome"), ("moved_on", 10, "ended_on"), ("moved_on", -1, "ended_on")],
    ids=["still-away", "still-arrived", "before-it-started", "in-the-future"],
)
def test_a_move_is_closed_only_with_a_closing_outcome_and_a_sensible_date(destination_village_worker, outcome,
                                                                          ended_on, field):
    migration = arrive(destination_village_worker, f.id_number(), arrival_date=days_ago(3))
    before = row_counts()

    with pytest.raises(ValidationFailed) as refused:
        actions.close_migration(acting_user=destination_village_worker, migration=migration, outcome=outcome,
                                ended_on=days_ago(ended_on))

    assert field in refused.value.errors
    assert row_counts() == before


# --- Identity checks: each refusal names its field and writes nothing -----------


def _number_and_other_sex():
    number = f.id_number(born=datetime.date(1990, 5, 17), sex="F")
    return number, "M"


@pytest.mark.parametrize("write", ["register_person", "register_inflow"])
@pytest.mark.parametrize(
    "problem, field",
    [("check_digit", "id_number"), ("birth_date", "birth_date"), ("sex", "sex"), ("too_short", "id_number"),
     ("letters", "id_number"), ("unknown_county", "id_number")],
)
def test_an_identity_that_does_not_hold_together_is_refused_naming_the_field_and_nothing_is_written(
    origin_county_officer, destination_village_worker, write, problem, field
):
    number = f.id_number(born=datetime.date(1990, 5, 17), sex="F")
    sex, birth_date = "F", datetime.date(1990, 5, 17)
    if problem == "check_digit":
        number = with_wrong_check_digit(number)
    elif problem == "birth_date":
        birth_date = datetime.date(1990, 7, 15)
    elif problem == "sex":
        sex = "M"
    elif problem == "too_short":
        number = number[:15]
    elif problem == "letters":
        number = number[:10] + "AB" + number[12:]
    elif problem == "unknown_county":
        body = "999999" + number[6:17]
        number = body + ric.calc_check_digit(body + "0")
    before = row_counts()

    with pytest.raises(ValidationFailed) as refused:
        if write == "register_person":
            actions.register_person(acting_user=origin_county_officer, id_number=number, name="王秀英",
                                    household_code=ORIGIN_VILLAGE, sex=sex, birth_date=birth_date)
        else:
            arrive(destination_village_worker, number, sex=sex, birth_date=birth_date)

    assert field in refused.value.errors
    assert all(refused.value.errors[field]), "each refusal carries a message"
    assert row_counts() == before


def test_every_problem_of_one_registration_is_named_at_once(destination_village_worker):
    number = f.id_number(sex="F")

    with pytest.raises(ValidationFailed) as refused:
        actions.register_inflow(acting_user=destination_village_worker, id_number=number, name=" ", sex="M",
                                birth_date=datetime.date(2000, 1, 1), arrival_date=days_ago(1),
                                residence_code=DESTINATION_VILLAGE, address="", residence_type="castle",
                                household_code=ORIGIN_VILLAGE, phone="12345")

    assert set(refused.value.errors) == {"name", "sex", "birth_date", "address", "residence_type", "phone"}


def test_the_sex_and_birth_date_are_taken_from_the_id_number(origin_village_worker):
    number = f.id_number(born=datetime.date(1979, 12, 31), sex="M")

    person = actions.register_person(acting_user=origin_village_worker, id_number=number, name="周强",
                                     household_code=ORIGIN_VILLAGE)

    assert (person.sex, person.birth_date) == ("M", datetime.date(1979, 12, 31))


def test_one_person_per_id_number(origin_village_worker):
    number = next(n for n in (f.id_number() for _ in range(200)) if n.endswith("X"))
    f.register_resident(origin_village_worker, id_number=number)
    before = row_counts()

    with pytest.raises(ValidationFailed) as refused:
        f.register_resident(origin_village_worker, id_number=" " + number.lower(), name="另一个人")

    assert "id_number" in refused.value.errors
    assert row_counts() == before


def test_an_arrival_of_someone_already_registered_uses_the_same_person(origin_village_worker,
                                                                       destination_village_worker):
    person = f.register_resident(origin_village_worker, name="王秀英")

    migration = arrive(destination_village_worker, person.id_number.lower(), name="王秀英")

    assert migration.person_id == person.pk
    assert Person.objects.count() == 1


@pytest.mark.parametrize("phone, stored", [
    ("13812345678", "13812345678"), ("138 1234 5678", "13812345678"), ("0531-88123456", "0531-88123456"),
    ("", ""),
])
def test_a_mobile_or_landline_phone_is_accepted(origin_village_worker, phone, stored):
    person = f.register_resident(origin_village_worker, phone=phone)

    assert Person.objects.get(pk=person.pk).phone == stored


@pytest.mark.parametrize("phone", ["12345678901", "1381234567", "138123456789", "phone", "+8613812345678x"])
def test_a_phone_that_is_neither_mobile_nor_landline_is_refused(origin_village_worker, phone):
    before = row_counts()

    with pytest.raises(ValidationFailed) as refused:
        f.register_resident(origin_village_worker, phone=phone)

    assert "phone" in refused.value.errors
    assert row_counts() == before


@pytest.mark.parametrize("field", ["group_liaison_phone", "contact_phone"])
def test_a_departure_with_a_bad_contact_phone_is_refused_naming_that_phone(origin_village_worker, field):
    person = f.register_resident(origin_village_worker)
    before = row_counts()

    with pytest.raises(ValidationFailed) as refused:
        depart(origin_village_worker, person, **{field: "555"})

    assert field in refused.value.errors
    assert row_counts() == before


def test_an_edit_with_a_bad_phone_changes_nothing(origin_village_worker):
    person = f.register_resident(origin_village_worker, phone="13812345678")
    before = row_counts()

    with pytest.raises(ValidationFailed) as refused:
        actions.update_person(acting_user=origin_village_worker, person=person, name="新名字", phone="110")

    assert "phone" in refused.value.errors
    assert row_counts() == before
    assert Person.objects.get(pk=person.pk).name == person.name


def test_the_id_number_and_household_place_cannot_be_edited(origin_village_worker):
    person = f.register_resident(origin_village_worker)

    with pytest.raises(ValidationFailed) as refused:
        actions.update_person(acting_user=origin_village_worker, person=person, id_number=f.id_number(),
                              household_jurisdiction_id=ORIGIN_VILLAGE)

    assert set(refused.value.errors) == {"id_number", "household_jurisdiction_id"}
    assert Person.objects.get(pk=person.pk).id_number == person.id_number


def test_a_child_cannot_be_born_before_the_parent(origin_village_worker):
    person = f.register_resident(origin_village_worker, id_number=f.id_number(born=datetime.date(1990, 5, 17)))

    with pytest.raises(ValidationFailed) as refused:
        actions.record_child(acting_user=origin_village_worker, person=person, sex="F",
                             birth_date=datetime.date(1989, 1, 1))

    assert "birth_date" in refused.value.errors
    assert not Child.objects.exists()


# --- Audit -----------------------------------------------------------------------


def test_every_successful_write_leaves_an_audit_row_for_the_person_and_no_raw_id_number_anywhere(
    origin_village_worker, destination_village_worker
):
    spouse = f.id_number(sex="M")
    person = f.register_resident(origin_village_worker, phone="13812345678")
    actions.update_person(acting_user=origin_village_worker, person=person, spouse_name="李强",
                          spouse_id_number=spouse, marital_status="21")
    actions.record_child(acting_user=origin_village_worker, person=person, sex="F", birth_date=days_ago(400))
    depart(origin_village_worker, person, contact_phone="13900001111")
    migration = arrive(destination_village_worker, person.id_number, phone="13700002222")
    actions.close_migration(acting_user=destination_village_worker, migration=migration, outcome="moved_on",
                            ended_on=days_ago(1))
    newcomer = arrive(destination_village_worker, f.id_number()).person

    rows = list(AuditEvent.objects.filter(object_type="person").order_by("id"))
    assert [(r.event, r.object_id, r.user_id) for r in rows] == [
        ("create", str(person.pk), origin_village_worker.pk),
        ("update", str(person.pk), origin_village_worker.pk),
        ("update", str(person.pk), origin_village_worker.pk),
        ("register_outflow", str(person.pk), origin_village_worker.pk),
        ("register_inflow", str(person.pk), destination_village_worker.pk),
        ("close_migration", str(person.pk), destination_village_worker.pk),
        ("create", str(newcomer.pk), destination_village_worker.pk),
        ("register_inflow", str(newcomer.pk), destination_village_worker.pk),
    ]
    assert all(r.outcome == AuditEvent.Outcome.SUCCESS for r in rows)
    every_value = " ".join(
        f"{r.username} {r.object_id} {r.object_type} {r.event} {r.detail}" for r in AuditEvent.objects.all()
    )
    assert not RAW_ID_NUMBER.search(every_value)
    for secret in (person.id_number, newcomer.id_number, spouse, "13812345678", "13700002222"):
        assert secret not in every_value


# --- Scope of writes -------------------------------------------------------------


def _every_write(user, person, migration):
    """Each write action, aimed at a person / move the user can read."""
    return {
        "register_person": lambda: actions.register_person(acting_user=user, id_number=f.id_number(), name="新人",
                                                           household_code=ORIGIN_VILLAGE),
        "update_person": lambda: actions.update_person(acting_user=user, person=person, name="改名"),
        "record_child": lambda: actions.record_child(acting_user=user, person=person, sex="M",
                                                     birth_date=days_ago(10)),
        "register_outflow": lambda: depart(user, person),
        "register_inflow": lambda: arrive(user, f.id_number(), residence_code=DESTINATION_VILLAGE),
        "register_inflow_of_known_person": lambda: arrive(user, person.id_number,
                                                          residence_code=DESTINATION_NEIGHBOUR_VILLAGE),
        "close_migration": lambda: actions.close_migration(acting_user=user, migration=migration, outcome="returned",
                                                           ended_on=days_ago(1)),
    }


WRITES = ["register_person", "update_person", "record_child", "register_outflow", "register_inflow",
          "register_inflow_of_known_person", "close_migration"]


@pytest.mark.parametrize("write", WRITES)
def test_an_auditor_may_read_but_every_write_is_refused_and_changes_nothing(
    origin_village_worker, destination_village_worker, auditor, tree, write
):
    from huiliu.accounts.models import Role

    f.add_role(auditor, Role.AUDITOR, f.DESTINATION_COUNTY)
    person = f.register_resident(origin_village_worker)
    migration = arrive(destination_village_worker, person.id_number)
    person.refresh_from_db()
    before = row_counts()

    refused_before = denials()
    with pytest.raises(PermissionDenied):
        _every_write(auditor, person, migration)[write]()

    assert row_counts() == before
    assert denials() == refused_before + 1
    assert Person.objects.get(pk=person.pk).name == person.name


@pytest.mark.parametrize("write", WRITES)
def test_a_write_outside_the_users_jurisdiction_is_refused_and_changes_nothing(
    origin_village_worker, destination_village_worker, outsider, tree, write
):
    # A worker of the neighbouring township: the person, their home and the arrival village are all out of reach.
    from huiliu.accounts.models import Role

    neighbour = f.make_user(Role.VILLAGE_WORKER, f.village(f.ORIGIN_COUNTY, 2, 1), "neighbour")
    person = f.register_resident(origin_village_worker)
    migration = arrive(destination_village_worker, person.id_number)
    person.refresh_from_db()
    before = row_counts()

    refused_before = denials()
    with pytest.raises(PermissionDenied):
        _every_write(neighbour, person, migration)[write]()

    assert row_counts() == before
    refusal = AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED).order_by("-id").first()
    assert denials() == refused_before + 1
    assert (refusal.user_id, refusal.event) == (neighbour.pk, "write")


def test_the_destination_may_update_a_person_living_there_but_not_register_their_departure(
    origin_village_worker, destination_village_worker
):
    person = f.register_resident(origin_village_worker)
    arrive(destination_village_worker, person.id_number)
    person.refresh_from_db()

    actions.update_person(acting_user=destination_village_worker, person=person, residence_address="宝安大道 200 号")
    with pytest.raises(PermissionDenied):
        depart(destination_village_worker, person)

    assert Person.objects.get(pk=person.pk).residence_address == "宝安大道 200 号"


def test_a_destination_declared_on_the_departure_form_cannot_close_a_move_before_the_person_arrived(
    origin_village_worker, destination_village_worker
):
    person = f.register_resident(origin_village_worker)
    migration = depart(origin_village_worker, person, destination_code=DESTINATION_VILLAGE)
    before = row_counts()

    with pytest.raises(PermissionDenied):
        actions.close_migration(acting_user=destination_village_worker, migration=migration, outcome="lost_contact",
                                ended_on=days_ago(1))

    assert row_counts() == before
    assert Migration.objects.get(pk=migration.pk).status == MigrationStatus.AWAY


def test_either_side_may_close_a_move_once_the_person_arrived(origin_village_worker, destination_village_worker):
    person = f.register_resident(origin_village_worker)
    depart(origin_village_worker, person, destination_code=DESTINATION_VILLAGE)
    migration = arrive(destination_village_worker, person.id_number)

    actions.close_migration(acting_user=destination_village_worker, migration=migration, outcome="moved_on",
                            ended_on=days_ago(1))

    assert Migration.objects.get(pk=migration.pk).status == MigrationStatus.MOVED_ON


def test_a_person_from_elsewhere_cannot_be_registered_as_a_resident_of_the_workers_village(
    origin_village_worker,
):
    before = row_counts()

    with pytest.raises(PermissionDenied):
        f.register_resident(origin_village_worker, county=f.OTHER_ORIGIN_COUNTY,
                            id_number=f.id_number(f.OTHER_ORIGIN_COUNTY))

    assert row_counts() == before


def test_a_refused_write_of_a_user_without_any_role_changes_nothing(roleless_user):
    before = row_counts()

    with pytest.raises(PermissionDenied):
        arrive(roleless_user, f.id_number())
    with pytest.raises(PermissionDenied):
        f.register_resident(roleless_user)

    assert row_counts() == before


# --- Arrivals cannot be pinned on someone by their number alone ------------------------

def test_an_arrival_under_another_name_for_a_registered_id_number_is_refused_and_changes_nothing(
    origin_village_worker, destination_village_worker
):
    person = f.register_resident(origin_village_worker, name="丁萍玲")
    before = row_counts()

    with pytest.raises(ValidationFailed) as refusal:
        arrive(destination_village_worker, person.id_number, name="张三")

    assert "name" in refusal.value.errors
    assert row_counts() == before
    assert Person.objects.get(pk=person.pk).residence_jurisdiction_id == person.household_jurisdiction_id


def test_another_places_stay_is_not_ended_by_an_arrival_under_a_false_name(
    origin_village_worker, destination_village_worker, other_destination_village_worker
):
    person = f.register_resident(origin_village_worker, name="丁萍玲")
    stay = arrive(destination_village_worker, person.id_number)

    with pytest.raises(ValidationFailed):
        arrive(other_destination_village_worker, person.id_number, name="张三",
               residence_code=f.village(f.OTHER_DESTINATION_COUNTY))

    assert Migration.objects.get(pk=stay.pk).status == MigrationStatus.ARRIVED


# --- Dates of one move follow each other --------------------------------------------------

def test_an_arrival_before_the_registered_departure_is_refused(origin_village_worker, destination_village_worker):
    person = f.register_resident(origin_village_worker)
    depart(origin_village_worker, person, departure_date=days_ago(30))
    before = row_counts()

    with pytest.raises(ValidationFailed) as refusal:
        arrive(destination_village_worker, person.id_number, arrival_date=days_ago(40))

    assert "arrival_date" in refusal.value.errors
    assert row_counts() == before


def test_a_departure_after_the_registered_arrival_is_refused(origin_village_worker, destination_village_worker):
    person = f.register_resident(origin_village_worker)
    arrive(destination_village_worker, person.id_number, arrival_date=days_ago(20))
    before = row_counts()

    with pytest.raises(ValidationFailed) as refusal:
        depart(origin_village_worker, person, departure_date=days_ago(10))

    assert "departure_date" in refusal.value.errors
    assert row_counts() == before


def test_an_arrival_elsewhere_dated_before_the_current_stay_began_is_refused(
    origin_village_worker, destination_village_worker, other_destination_village_worker
):
    person = f.register_resident(origin_village_worker)
    arrive(destination_village_worker, person.id_number, arrival_date=days_ago(10))

    with pytest.raises(ValidationFailed) as refusal:
        arrive(other_destination_village_worker, person.id_number, arrival_date=days_ago(20),
               residence_code=f.village(f.OTHER_DESTINATION_COUNTY))

    assert "arrival_date" in refusal.value.errors


# --- Text longer than its column, choices not on the list ---------------------------------

@pytest.mark.parametrize(("field", "value"), [
    ("name", "名" * 51), ("household_address", "路" * 201), ("ethnicity", "火星族"), ("education", "ZZ"),
])
def test_a_resident_with_an_overlong_or_unknown_value_is_refused_naming_the_field(origin_village_worker, field, value):
    before = row_counts()

    with pytest.raises(ValidationFailed) as refusal:
        f.register_resident(origin_village_worker, **{field: value})

    assert field in refusal.value.errors
    assert row_counts() == before


def test_an_overlong_departure_form_is_refused_naming_the_field(origin_village_worker):
    person = f.register_resident(origin_village_worker)

    with pytest.raises(ValidationFailed) as refusal:
        depart(origin_village_worker, person, employer="厂" * 101)

    assert "employer" in refusal.value.errors
