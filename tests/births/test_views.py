"""The birth registration pages: the family's public pages, and what a worker sees, does and is refused."""

import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from huiliu.audit.models import AuditEvent
from huiliu.births import actions
from huiliu.births.models import BirthRegistration, RegistrationStatus
from huiliu.core.identity import mask_id_number
from tests import factories as f

from .conftest import (
    CJK,
    DESTINATION_VILLAGE,
    ORIGIN_VILLAGE,
    OTHER_DESTINATION_VILLAGE,
    days_from_today,
    file_online,
)

pytestmark = pytest.mark.django_db

MASKED_ID = re.compile(r"\b\d{4}\*{10}[\dX]{4}\b")


def public_form(**overrides) -> dict:
    data = {
        "filed_at": "residence", "mother_name": "王秀英", "mother_id_number": f.id_number(),
        "marital_status": "21", "father_name": "张建国", "father_id_number": "",
        "household_code": f"{ORIGIN_VILLAGE:012d}", "residence_code": f"{DESTINATION_VILLAGE:012d}",
        "residence_address": "宝安大道 100 号 3 栋 502", "phone": "13812345678", "existing_children": "0",
        "expected_birth_date": days_from_today(60).isoformat(), "birth_date": "",
    }
    data.update(overrides)
    return data


def field_errors(response) -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


@pytest.fixture
def low_rate(settings):
    settings.HUILIU_PUBLIC_RATE_PER_MINUTE = 3


# --- The public filing page ----------------------------------------------------------------------------


def test_a_family_files_on_the_public_page_without_an_account_and_gets_its_tracking_number(client, tree):
    page = client.get("/births/register/")
    assert page.status_code == 200 and 'name="csrfmiddlewaretoken"' in page.content.decode()

    response = client.post("/births/register/", public_form())

    registration = BirthRegistration.objects.get()
    assert response.status_code == 302 and response["Location"] == "/births/register/filed/"
    assert registration.channel == "online" and registration.jurisdiction_id == DESTINATION_VILLAGE
    filed = client.get(response["Location"])
    assert registration.tracking_number in filed.content.decode()
    assert client.get(response["Location"]).status_code == 200  # reloading shows it again and files nothing
    assert BirthRegistration.objects.count() == 1


def test_the_page_after_filing_shows_nothing_to_a_stranger(client, tree):
    response = client.get("/births/register/filed/")

    assert response.status_code == 302 and response["Location"] == "/births/register/"


def test_the_public_page_puts_every_problem_beside_its_field_in_chinese_and_writes_nothing(client, tree):
    response = client.post("/births/register/", public_form(
        mother_name="", mother_id_number="370114199005170000", marital_status="", residence_code="",
        phone="123", birth_date=days_from_today(2).isoformat(), expected_birth_date=""))

    errors = field_errors(response)
    assert response.status_code == 200
    assert set(errors) == {"mother_name", "mother_id_number", "marital_status", "residence_code", "phone",
                           "birth_date"}
    assert all(CJK.search(message) for messages in errors.values() for message in messages), errors
    assert response.context["form"]["mother_name"].value() == ""
    assert response.context["form"]["residence_address"].value() == "宝安大道 100 号 3 栋 502"  # kept for correction
    assert not BirthRegistration.objects.exists()


def test_the_public_page_refuses_a_post_without_its_csrf_token(tree):
    response = Client(enforce_csrf_checks=True).post("/births/register/", public_form())

    assert response.status_code == 403
    assert not BirthRegistration.objects.exists()


def test_the_public_filing_page_answers_429_past_its_limit_and_files_nothing_more(client, tree, low_rate):
    for _ in range(3):
        assert client.get("/births/register/").status_code == 200

    response = client.post("/births/register/", public_form())

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert not BirthRegistration.objects.exists()
    assert "汇流" in response.content.decode()
    # Another client address has its own count.
    assert client.get("/births/register/", REMOTE_ADDR="10.0.0.9").status_code == 200


# --- The public status page ------------------------------------------------------------------------------


def test_the_status_page_tells_the_status_and_the_masked_name_and_nothing_else(client, registration):
    response = client.post("/births/track/", {"tracking_number": registration.tracking_number,
                                               "id_last_four": registration.mother_id_number[-4:]})

    text = response.content.decode()
    assert response.status_code == 200
    assert response.context["found"].status == "submitted"
    assert "王*英" in text
    for secret in ("王秀英", registration.mother_id_number, mask_id_number(registration.mother_id_number),
                   "张建国", registration.phone, "宝安大道", f"{ORIGIN_VILLAGE:012d}"):
        assert secret not in text


def test_a_wrong_last_four_on_the_status_page_tells_nothing(client, registration):
    wrong = "0000" if registration.mother_id_number[-4:] != "0000" else "1111"

    response = client.post("/births/track/", {"tracking_number": registration.tracking_number, "id_last_four": wrong})

    text = response.content.decode()
    assert response.context["not_found"] and response.context["found"] is None
    assert "王*英" not in text and "王秀英" not in text
    assert AuditEvent.objects.filter(event="track", outcome=AuditEvent.Outcome.DENIED).exists()


def test_the_status_page_answers_429_past_its_limit_and_leaks_nothing(client, registration, low_rate):
    right = {"tracking_number": registration.tracking_number, "id_last_four": registration.mother_id_number[-4:]}
    for _ in range(3):
        client.post("/births/track/", right)

    response = client.post("/births/track/", right)

    text = response.content.decode()
    assert response.status_code == 429
    assert "王*英" not in text and "王秀英" not in text and registration.mother_id_number not in text


def _wrong_four(registration, n: int) -> str:
    return next(four for four in (f"{i:04d}" for i in range(n, 10000)) if four != registration.mother_id_number[-4:])


def test_a_tracking_number_takes_ten_failed_guesses_an_hour_from_all_addresses_then_answers_not_found(
    client, registration
):
    from huiliu.core.ratelimit import MAX_FAILED_GUESSES

    for i in range(MAX_FAILED_GUESSES):  # each guess from another address: the per-address limit never bites
        client.post("/births/track/", {"tracking_number": registration.tracking_number,
                                        "id_last_four": _wrong_four(registration, i)}, REMOTE_ADDR=f"198.51.100.{i}")
    tracks = AuditEvent.objects.filter(event="track").count()

    right = {"tracking_number": registration.tracking_number, "id_last_four": registration.mother_id_number[-4:]}
    response = client.post("/births/track/", right, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 200 and response.context["not_found"] and response.context["found"] is None
    assert "王*英" not in response.content.decode()
    assert AuditEvent.objects.filter(event="track").count() == tracks  # not even checked
    client.post("/births/track/", right, REMOTE_ADDR="203.0.113.10")
    limit = AuditEvent.objects.filter(event="guess_limit", object_type="birth_registration")
    assert list(limit.values_list("object_id", flat=True)) == [registration.tracking_number]  # audited once


def test_another_tracking_number_is_not_held_back_by_failed_guesses_at_one(client, registration):
    from huiliu.core.ratelimit import MAX_FAILED_GUESSES

    for i in range(MAX_FAILED_GUESSES + 2):
        client.post("/births/track/", {"tracking_number": "440306001001-2026-S999999", "id_last_four": f"{i:04d}"},
                    REMOTE_ADDR=f"198.51.100.{i}")

    response = client.post("/births/track/", {"tracking_number": registration.tracking_number,
                                               "id_last_four": registration.mother_id_number[-4:]})

    assert response.context["found"].status == "submitted"


def test_ipv6_addresses_of_one_64_block_share_the_status_pages_limit(client, tree, low_rate):
    codes = [client.get("/births/track/", REMOTE_ADDR=f"2001:db8:0:1::{i:x}").status_code for i in range(1, 6)]
    other_block = client.get("/births/track/", REMOTE_ADDR="2001:db8:0:2::1").status_code

    assert codes[-1] == 429
    assert other_block == 200


def test_the_status_page_opens_without_an_account(client, tree):
    assert client.get("/births/track/").status_code == 200


# --- The worker's list ---------------------------------------------------------------------------------


def test_the_list_shows_registrations_of_the_users_scope_with_masked_id_numbers(
    log_in, destination_village_worker, registration
):
    file_online(residence_code=OTHER_DESTINATION_VILLAGE, mother_name="赵外人")

    response = log_in(destination_village_worker).get("/births/")

    text = response.content.decode()
    assert [row["registration"].pk for row in response.context["rows"]] == [registration.pk]
    assert "王秀英" in text and "赵外人" not in text
    assert registration.mother_id_number not in text and MASKED_ID.search(text)
    assert registration.phone not in text


def test_the_list_filters_by_status(log_in, destination_village_worker, registration):
    client = log_in(destination_village_worker)

    assert client.get("/births/?status=confirmed").context["rows"] == []
    assert len(client.get("/births/?status=submitted").context["rows"]) == 1
    assert len(client.get("/births/?status=bogus").context["rows"]) == 1


def test_the_list_needs_the_same_queries_for_many_registrations_as_for_few(
    log_in, destination_village_worker, django_assert_max_num_queries
):
    client = log_in(destination_village_worker)
    file_online()
    with CaptureQueriesContext(connection) as few:
        assert client.get("/births/").status_code == 200
    for n in range(30):
        file_online(filed_at="household" if n % 2 else "residence",
                    household_code=DESTINATION_VILLAGE if n % 2 else ORIGIN_VILLAGE)
    with django_assert_max_num_queries(15):
        response = client.get("/births/")
    with CaptureQueriesContext(connection) as many:
        client.get("/births/")

    assert len(response.context["rows"]) == 25
    assert len(many) == len(few)


# --- The worker's page of one registration -------------------------------------------------------------


def test_the_registration_page_shows_the_declaration_the_notes_and_the_confirm_button(
    log_in, destination_village_worker, registration
):
    response = log_in(destination_village_worker).get(f"/births/{registration.pk}/")

    text = response.content.decode()
    assert response.status_code == 200
    assert registration.mother_id_number in text  # in full on the audited page of one registration
    assert registration.registry_notes[0]["note"] in text
    assert f"/births/{registration.pk}/confirm/" in text
    assert f"/births/{registration.pk}/voucher.pdf" not in text  # not confirmed yet
    assert AuditEvent.objects.filter(event="view", object_id=str(registration.pk)).exists()


def test_the_household_place_sees_the_page_without_the_buttons(log_in, origin_village_worker, registration):
    text = log_in(origin_village_worker).get(f"/births/{registration.pk}/").content.decode()

    assert "王秀英" in text
    assert "/confirm/" not in text and "/withdraw/" not in text


def test_the_mothers_registry_record_is_linked_only_for_those_who_may_read_it(
    log_in, origin_village_worker, destination_village_worker
):
    mother = f.register_resident(origin_village_worker, name="王秀英")
    # Filed at her household place, whose office may consult her record: the registration is linked to it.
    registration = file_online(mother_id_number=mother.id_number, filed_at="household")
    assert registration.mother == mother
    record = f"/people/{mother.pk}/"

    assert record in log_in(origin_village_worker).get(f"/births/{registration.pk}/").content.decode()
    elsewhere = Client()  # a second browser: the first one's session stays that of the origin worker
    assert elsewhere.post("/accounts/login/", {"username": destination_village_worker.username,
                                                "password": f.PASSWORD}).status_code == 302
    assert record not in elsewhere.get(f"/births/{registration.pk}/").content.decode()


@pytest.mark.parametrize("path", ["/births/{id}/", "/births/{id}/withdraw/", "/births/{id}/voucher.pdf"])
def test_a_page_of_a_registration_out_of_scope_is_not_found_as_if_missing(
    log_in, neighbour_village_worker, destination_village_worker, registration, path
):
    actions.confirm_birth_registration(acting_user=destination_village_worker, registration=registration)
    client = log_in(neighbour_village_worker)

    out_of_scope = client.get(path.format(id=registration.pk))
    missing = client.get(path.format(id=uuid.uuid4()))

    assert out_of_scope.status_code == missing.status_code == 404
    assert "王秀英" not in out_of_scope.content.decode()
    assert AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED, object_id=str(registration.pk)).exists()


def test_confirming_out_of_scope_is_not_found_and_changes_nothing(log_in, neighbour_village_worker, registration):
    response = log_in(neighbour_village_worker).post(f"/births/{registration.pk}/confirm/")

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED


def test_withdrawing_out_of_scope_is_not_found_and_changes_nothing(log_in, neighbour_village_worker, registration):
    response = log_in(neighbour_village_worker).post(f"/births/{registration.pk}/withdraw/", {"reason": "x"})

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED


# --- Confirming, withdrawing, the voucher --------------------------------------------------------------


def test_a_worker_confirms_and_downloads_the_voucher_which_is_audited(
    log_in, destination_village_worker, registration
):
    client = log_in(destination_village_worker)

    response = client.post(f"/births/{registration.pk}/confirm/")

    registration.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == f"/births/{registration.pk}/"
    assert registration.status == RegistrationStatus.CONFIRMED
    page = client.get(response["Location"]).content.decode()
    assert registration.voucher_number in page and f"/births/{registration.pk}/voucher.pdf" in page
    pdf = client.get(f"/births/{registration.pk}/voucher.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and "no-store" in pdf["Cache-Control"]
    assert registration.voucher_number in pdf["Content-Disposition"]
    assert AuditEvent.objects.filter(event="export", object_id=str(registration.pk)).exists()


def test_confirming_needs_a_post(log_in, destination_village_worker, registration):
    assert log_in(destination_village_worker).get(f"/births/{registration.pk}/confirm/").status_code == 405


def test_confirming_twice_shows_a_message_and_takes_no_second_voucher(log_in, destination_village_worker, registration):
    client = log_in(destination_village_worker)
    client.post(f"/births/{registration.pk}/confirm/")

    response = client.post(f"/births/{registration.pk}/confirm/", follow=True)

    registration.refresh_from_db()
    shown = [str(m) for m in response.context["messages"]]
    assert any(registration.voucher_number in m for m in shown)
    assert AuditEvent.objects.filter(event="confirm").count() == 1


def test_the_household_place_trying_to_confirm_is_refused_with_a_message_and_audited(
    log_in, origin_village_worker, registration
):
    response = log_in(origin_village_worker).post(f"/births/{registration.pk}/confirm/", follow=True)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED
    assert [str(m) for m in response.context["messages"]]
    assert AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED, user_id=origin_village_worker.pk,
                                     event="write").exists()


def test_the_voucher_of_an_unconfirmed_registration_is_not_found(log_in, destination_village_worker, registration):
    assert log_in(destination_village_worker).get(f"/births/{registration.pk}/voucher.pdf").status_code == 404


def test_a_withdrawal_needs_a_reason_beside_the_field_then_goes_through(
    log_in, destination_village_worker, registration
):
    client = log_in(destination_village_worker)

    refused = client.post(f"/births/{registration.pk}/withdraw/", {"reason": " "})
    assert refused.status_code == 200 and set(field_errors(refused)) == {"reason"}

    done = client.post(f"/births/{registration.pk}/withdraw/", {"reason": "家庭决定撤回"})
    registration.refresh_from_db()
    assert done.status_code == 302 and registration.status == RegistrationStatus.WITHDRAWN
    page = client.get(f"/births/{registration.pk}/").content.decode()
    assert "家庭决定撤回" in page and "/confirm/" not in page and "/withdraw/" not in page


# --- A worker files for a family ----------------------------------------------------------------------


def test_a_worker_files_for_a_family_and_lands_on_its_page(log_in, destination_village_worker):
    client = log_in(destination_village_worker)
    assert client.get("/births/new/").status_code == 200

    response = client.post("/births/new/", public_form(jurisdiction_code=""))

    registration = BirthRegistration.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/births/{registration.pk}/"
    assert registration.channel == "worker" and registration.filed_by == destination_village_worker


def test_a_worker_filing_outside_their_scope_is_told_so_and_nothing_is_written(log_in, destination_village_worker):
    response = log_in(destination_village_worker).post(
        "/births/new/", public_form(residence_code=f"{OTHER_DESTINATION_VILLAGE:012d}"))

    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not BirthRegistration.objects.exists()


def test_an_auditor_reads_the_list_and_the_page_but_gets_no_buttons(log_in, destination_auditor, registration):
    client = log_in(destination_auditor)

    assert len(client.get("/births/").context["rows"]) == 1
    text = client.get(f"/births/{registration.pk}/").content.decode()
    assert "/confirm/" not in text and "/withdraw/" not in text and "/births/new/" not in text
