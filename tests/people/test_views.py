"""The people pages: what a logged-in worker sees and submits, and what they are refused."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huiliu.audit.models import AuditEvent
from huiliu.people import actions
from huiliu.people.models import InflowRegistration, Migration, Person
from tests import factories as f

from .conftest import DESTINATION_VILLAGE, ORIGIN_VILLAGE, days_ago

pytestmark = pytest.mark.django_db

MASKED_ID = re.compile(r"\b\d{4}\*{10}[\dX]{4}\b")
CSRF_INPUT = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')


def arrival_form(number: str, **overrides) -> dict:
    data = {
        "id_number": number, "name": "陈明", "sex": "", "birth_date": "", "phone": "13912345678",
        "marital_status": "10", "arrival_date": days_ago(3).isoformat(), "residence_code": f"{DESTINATION_VILLAGE:012d}",
        "address": "宝安大道 100 号 3 栋 502", "residence_type": "rented", "landlord_or_employer": "",
        "household_code": f"{ORIGIN_VILLAGE:012d}", "household_address": "",
    }
    data.update(overrides)
    return data


def without_csrf(content: bytes) -> bytes:
    return CSRF_INPUT.sub(b"", content)


# --- Anonymous visitors ---------------------------------------------------------------


def test_an_anonymous_visitor_gets_the_login_form_on_the_home_page(client, db):
    response = client.get("/")

    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    assert "form" in response.context and "password" in response.context["form"].fields


@pytest.mark.parametrize("path", ["/people/", "/people/new/", "/arrivals/new/", f"/people/{uuid.uuid4()}/"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_anonymous_post_of_the_arrival_form_writes_nothing(client, tree):
    response = client.post("/arrivals/new/", arrival_form(f.id_number()))

    assert response.status_code == 302
    assert not Person.objects.exists()


# --- Pages of a permitted user ------------------------------------------------------------


@pytest.mark.parametrize("page", ["home", "list", "search", "detail", "arrival", "resident", "departure", "edit",
                                  "child", "close"])
def test_every_page_opens_for_a_permitted_user(log_in, origin_village_worker, destination_village_worker, page):
    person = f.register_resident(origin_village_worker, name="李桂兰")
    migration = f.register_arrival(destination_village_worker, number=person.id_number, name="李桂兰")
    path = {
        "home": "/", "list": "/people/", "search": "/people/?q=李", "detail": f"/people/{person.pk}/",
        "arrival": "/arrivals/new/", "resident": "/people/new/", "departure": f"/people/{person.pk}/departure/",
        "edit": f"/people/{person.pk}/edit/", "child": f"/people/{person.pk}/children/",
        "close": f"/migrations/{migration.pk}/close/",
    }[page]

    response = log_in(origin_village_worker).get(path)

    assert response.status_code == 200


def test_the_home_page_shows_the_figures_of_the_users_scope(log_in, destination_village_worker):
    f.register_arrival(destination_village_worker, number=f.id_number(), arrival_date=days_ago(0))

    response = log_in(destination_village_worker).get("/")

    assert response.context["figures"]["inflow"] == 1
    assert response.context["figures"]["arrivals_this_month"] == 1
    assert MASKED_ID.search(response.content.decode())


# --- Registering an arrival through the form ---------------------------------------------


def test_a_good_arrival_form_takes_the_worker_to_the_persons_page_and_the_person_is_found_by_id(
    log_in, destination_village_worker
):
    number = f.id_number(sex="M")
    client = log_in(destination_village_worker)

    response = client.post("/arrivals/new/", arrival_form(number, sex="M"))

    person = Person.objects.get(id_number=number)
    assert response.status_code == 302
    assert response["Location"] == f"/people/{person.pk}/"
    found = client.get("/people/", {"q": number})
    assert [p.pk for p, _id, _phone in found.context["rows"]] == [person.pk]
    assert "陈明" in found.content.decode()
    page = client.get(response["Location"])
    assert page.status_code == 200 and number in page.content.decode()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"id_number": "WRONG-CHECK"}, "id_number"),
        ({"id_number": "12345"}, "id_number"),
        ({"birth_date": "1975-01-01"}, "birth_date"),
        ({"sex": "F"}, "sex"),
        ({"phone": "12345"}, "phone"),
        ({"residence_code": "4403"}, "residence_code"),
        ({"residence_code": f"{f.township(f.DESTINATION_COUNTY):012d}"}, "residence_code"),
        ({"household_code": ""}, "household_code"),
        ({"arrival_date": ""}, "arrival_date"),
    ],
    ids=["check-digit", "too-short", "birth-date", "sex", "phone", "code-too-short", "township-not-village",
         "no-household", "no-date"],
)
def test_a_bad_arrival_form_is_shown_again_with_the_error_beside_the_field_and_nothing_is_saved(
    log_in, destination_village_worker, overrides, field
):
    number = f.id_number(sex="M")
    if overrides.get("id_number") == "WRONG-CHECK":
        overrides = {"id_number": number[:17] + ("1" if number[17] != "1" else "2")}
    client = log_in(destination_village_worker)
    audit_rows = AuditEvent.objects.count()

    response = client.post("/arrivals/new/", arrival_form(number, **{"sex": "M", **overrides}))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and all(errors[field])
    assert not Person.objects.exists() and not Migration.objects.exists()
    assert AuditEvent.objects.count() == audit_rows


def test_an_arrival_form_for_a_village_outside_the_workers_scope_is_refused(log_in, destination_village_worker):
    response = log_in(destination_village_worker).post(
        "/arrivals/new/", arrival_form(f.id_number(), residence_code=f"{f.village(f.OTHER_DESTINATION_COUNTY):012d}")
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Person.objects.exists()


# --- Masking ----------------------------------------------------------------------------


def test_the_list_shows_masked_id_numbers_and_phones_never_the_full_ones(log_in, origin_village_worker):
    people = [f.register_resident(origin_village_worker, name=f"王{n}", phone=f"1381234567{n}") for n in range(3)]

    content = log_in(origin_village_worker).get("/people/").content.decode()

    for person in people:
        assert person.name in content
        assert person.id_number not in content
        assert f"{person.id_number[:4]}**********{person.id_number[-4:]}" in content
        assert person.phone not in content
        assert f"138****{person.phone[-4:]}" in content
    assert len(MASKED_ID.findall(content)) == 3


def test_a_search_by_id_number_shows_the_match_masked(log_in, origin_village_worker, resident):
    content = log_in(origin_village_worker).get("/people/", {"q": resident.id_number}).content.decode()

    assert resident.name in content
    assert content.count(resident.id_number) == 1, "only in the search box, where the worker typed it"
    assert MASKED_ID.search(content)


def test_the_persons_page_shows_the_full_id_number_and_is_audited(log_in, origin_village_worker, resident):
    response = log_in(origin_village_worker).get(f"/people/{resident.pk}/")

    assert response.status_code == 200
    assert resident.id_number in response.content.decode()
    assert resident.phone in response.content.decode()
    assert AuditEvent.objects.filter(event="view", object_id=str(resident.pk), user_id=origin_village_worker.pk,
                                     outcome="success").exists()


# --- Scope: out of reach answers as missing -------------------------------------------------------


def test_a_village_worker_gets_404_for_a_person_outside_their_village_and_the_attempt_is_audited(
    log_in, origin_village_worker, outsider
):
    response = log_in(origin_village_worker).get(f"/people/{outsider.pk}/")

    assert response.status_code == 404
    assert outsider.name not in response.content.decode()
    assert outsider.id_number not in response.content.decode()
    denial = AuditEvent.objects.get(event="view", outcome="denied")
    assert (denial.user_id, denial.object_id) == (origin_village_worker.pk, str(outsider.pk))


def test_a_person_out_of_scope_and_a_missing_one_get_the_same_404_page(log_in, origin_village_worker, outsider):
    client = log_in(origin_village_worker)

    out_of_scope = client.get(f"/people/{outsider.pk}/")
    missing = client.get(f"/people/{uuid.uuid4()}/")
    malformed = client.get("/people/not-an-id/")

    assert out_of_scope.status_code == missing.status_code == malformed.status_code == 404
    assert without_csrf(out_of_scope.content) == without_csrf(missing.content) == without_csrf(malformed.content)
    assert AuditEvent.objects.filter(event="view", outcome="denied", user_id=origin_village_worker.pk).count() == 3


@pytest.mark.parametrize("suffix", ["edit/", "departure/", "children/"])
def test_every_page_of_a_person_out_of_scope_is_404_and_a_post_changes_nothing(
    log_in, origin_village_worker, outsider, suffix
):
    client = log_in(origin_village_worker)

    assert client.get(f"/people/{outsider.pk}/{suffix}").status_code == 404
    posted = client.post(f"/people/{outsider.pk}/{suffix}", {
        "name": "改名", "marital_status": "90", "departure_date": days_ago(1).isoformat(), "reason": "work",
        "sex": "M", "birth_date": days_ago(1).isoformat(),
    })

    assert posted.status_code == 404
    outsider.refresh_from_db()
    assert outsider.name == "赵外人" and not outsider.migrations.exists() and not outsider.children.exists()


def test_closing_a_move_out_of_scope_is_404_and_changes_nothing(log_in, arrival, other_destination_village_worker):
    client = log_in(other_destination_village_worker)

    assert client.get(f"/migrations/{arrival.pk}/close/").status_code == 404
    posted = client.post(f"/migrations/{arrival.pk}/close/", {"outcome": "returned",
                                                               "ended_on": days_ago(1).isoformat()})

    assert posted.status_code == 404
    assert Migration.objects.get(pk=arrival.pk).status == "arrived"


def test_the_destination_page_of_a_person_disappears_once_they_moved_on(
    log_in, origin_village_worker, destination_village_worker, other_destination_village_worker
):
    person = f.register_resident(origin_village_worker)
    f.register_arrival(destination_village_worker, number=person.id_number, arrival_date=days_ago(30))
    client = log_in(destination_village_worker)
    assert client.get(f"/people/{person.pk}/").status_code == 200

    f.register_arrival(other_destination_village_worker, number=person.id_number, county=f.OTHER_DESTINATION_COUNTY)

    assert client.get(f"/people/{person.pk}/").status_code == 404


def test_the_old_destinations_home_page_no_longer_lists_a_person_who_moved_on(
    log_in, origin_village_worker, destination_village_worker, other_destination_village_worker
):
    person = f.register_resident(origin_village_worker, name="已离开")
    f.register_arrival(destination_village_worker, number=person.id_number, name="已离开", arrival_date=days_ago(20))
    client = log_in(destination_village_worker)
    assert "已离开" in client.get("/").content.decode()

    f.register_arrival(other_destination_village_worker, number=person.id_number, county=f.OTHER_DESTINATION_COUNTY)

    home = client.get("/")
    assert "已离开" not in home.content.decode()
    assert home.context["figures"]["inflow"] == 0


def test_search_never_shows_a_person_outside_the_scope(log_in, origin_village_worker, outsider):
    f.register_resident(origin_village_worker, name="赵本村")
    client = log_in(origin_village_worker)

    by_name = client.get("/people/", {"q": "赵"})
    by_id = client.get("/people/", {"q": outsider.id_number})
    everyone = client.get("/people/")

    assert [p.name for p, _id, _phone in by_name.context["rows"]] == ["赵本村"]
    assert by_id.context["rows"] == []
    assert outsider.name not in everyone.content.decode() and outsider.name not in by_name.content.decode()


def test_a_user_without_a_role_sees_an_empty_list_and_404s(log_in, roleless_user, resident):
    client = log_in(roleless_user)

    assert client.get("/").status_code == 200
    listing = client.get("/people/")
    assert listing.status_code == 200 and listing.context["rows"] == []
    assert client.get("/people/", {"q": resident.id_number}).context["rows"] == []
    assert client.get(f"/people/{resident.pk}/").status_code == 404
    assert client.get(f"/people/{resident.pk}/edit/").status_code == 404


# --- The auditor ----------------------------------------------------------------------------------


def test_an_auditor_reads_a_persons_page_but_an_edit_is_refused_and_changes_nothing(log_in, auditor, resident):
    client = log_in(auditor)

    assert client.get(f"/people/{resident.pk}/").status_code == 200
    response = client.post(f"/people/{resident.pk}/edit/", {"name": "改名", "marital_status": "90"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Person.objects.get(pk=resident.pk).name == resident.name
    assert not AuditEvent.objects.filter(event="update").exists()


def test_an_auditor_cannot_close_a_move(log_in, auditor, leaver):
    migration = leaver.migrations.get()

    response = log_in(auditor).post(f"/migrations/{migration.pk}/close/", {"outcome": "returned",
                                                                            "ended_on": days_ago(1).isoformat()})

    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Migration.objects.get(pk=migration.pk).status == "away"


# --- Other forms --------------------------------------------------------------------------------


def test_a_departure_form_registers_the_departure_and_returns_to_the_person(log_in, origin_village_worker, resident):
    response = log_in(origin_village_worker).post(f"/people/{resident.pk}/departure/", {
        "departure_date": days_ago(2).isoformat(), "reason": "work", "destination_code": f"{DESTINATION_VILLAGE:012d}",
        "contact_phone": "13900001111",
    })

    assert response.status_code == 302 and response["Location"] == f"/people/{resident.pk}/"
    migration = resident.migrations.get()
    assert (migration.status, migration.outflow.destination_jurisdiction_id) == ("away", DESTINATION_VILLAGE)


def test_an_edit_form_with_a_bad_spouse_id_shows_the_error_on_that_field(log_in, origin_village_worker, resident):
    response = log_in(origin_village_worker).post(f"/people/{resident.pk}/edit/", {
        "name": resident.name, "marital_status": "21", "spouse_id_number": "123456789012345678",
    })

    assert response.status_code == 200
    assert response.context["form"].errors["spouse_id_number"]
    assert Person.objects.get(pk=resident.pk).spouse_id_number == ""


def test_the_close_form_ends_the_move(log_in, destination_village_worker, arrival):
    response = log_in(destination_village_worker).post(f"/migrations/{arrival.pk}/close/", {
        "outcome": "moved_on", "ended_on": days_ago(1).isoformat(), "note": "去了东莞",
    })

    assert response.status_code == 302 and response["Location"] == f"/people/{arrival.person_id}/"
    assert Migration.objects.get(pk=arrival.pk).status == "moved_on"


def test_the_register_resident_form_adds_a_person(log_in, origin_village_worker):
    number = f.id_number(sex="F")

    response = log_in(origin_village_worker).post("/people/new/", {
        "id_number": number, "name": "孙丽", "marital_status": "90", "household_code": f"{ORIGIN_VILLAGE:012d}",
    })

    person = Person.objects.get(id_number=number)
    assert response["Location"] == f"/people/{person.pk}/"
    assert person.residence_jurisdiction_id == ORIGIN_VILLAGE


# --- Query counts -------------------------------------------------------------------------------


def test_the_person_list_needs_the_same_few_queries_for_30_persons_as_for_5(
    log_in, origin_village_worker, destination_village_worker, django_assert_max_num_queries
):
    client = log_in(origin_village_worker)

    def register(n):
        for _ in range(n):
            person = f.register_resident(origin_village_worker)
            f.register_arrival(destination_village_worker, number=person.id_number)

    register(5)
    with CaptureQueriesContext(connection) as five:
        assert client.get("/people/").status_code == 200
    register(25)
    with django_assert_max_num_queries(15):
        response = client.get("/people/")
    with CaptureQueriesContext(connection) as thirty:
        client.get("/people/")

    assert len(response.context["rows"]) == 25
    assert len(thirty) == len(five)


def test_the_home_page_needs_the_same_queries_for_many_arrivals_as_for_few(log_in, destination_village_worker):
    client = log_in(destination_village_worker)
    f.register_arrival(destination_village_worker, number=f.id_number())
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for _ in range(12):
        f.register_arrival(destination_village_worker, number=f.id_number())
    with CaptureQueriesContext(connection) as many:
        client.get("/")

    assert len(many) == len(few)


def test_the_persons_page_needs_the_same_queries_for_many_moves_as_for_one(
    log_in, origin_village_worker, destination_village_worker, other_destination_village_worker
):
    person = f.register_resident(origin_village_worker)
    client = log_in(origin_village_worker)
    f.register_arrival(destination_village_worker, number=person.id_number, arrival_date=days_ago(90))
    with CaptureQueriesContext(connection) as one:
        client.get(f"/people/{person.pk}/")
    for n, (worker, county) in enumerate([(other_destination_village_worker, f.OTHER_DESTINATION_COUNTY),
                                          (destination_village_worker, f.DESTINATION_COUNTY)] * 2):
        f.register_arrival(worker, number=person.id_number, county=county, arrival_date=days_ago(80 - n * 10))
    actions.record_child(acting_user=origin_village_worker, person=person, sex="F", birth_date=days_ago(300))
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"/people/{person.pk}/")

    assert len(response.context["moves"]) == 5
    assert len(many) == len(one)
    assert InflowRegistration.objects.filter(migration__person=person).count() == 5


def test_a_read_only_auditor_is_not_offered_the_registration_forms(log_in, auditor):
    auditor_page = log_in(auditor).get("/").content.decode()
    assert "/arrivals/new/" not in auditor_page and "/people/new/" not in auditor_page


def test_a_worker_is_offered_the_registration_forms(log_in, origin_village_worker):
    page = log_in(origin_village_worker).get("/").content.decode()
    assert "/arrivals/new/" in page and "/people/new/" in page


def test_a_division_code_with_a_non_ascii_digit_gets_a_message_not_an_error_page(log_in, destination_village_worker):
    response = log_in(destination_village_worker).post("/arrivals/new/", {"residence_code": "44030600100²"})

    assert response.status_code == 200
    assert response.context["form"].errors["residence_code"]
