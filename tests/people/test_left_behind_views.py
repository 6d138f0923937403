"""The pages of left-behind children and elders: the outflow form's rows, the village's roll, the visit log, and
what the family's destination office sees on the person's page."""

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huiliu.audit.models import AuditEvent
from huiliu.people import actions
from huiliu.people.models import LeftBehindRelative, LeftBehindVisit, Migration
from tests import factories as f

from .conftest import OTHER_DESTINATION_VILLAGE
from .test_left_behind_actions import (
    arrive,
    child_row,
    elder_row,
    leave,
    today,
    years_ago,
)

pytestmark = pytest.mark.django_db


def departure_post(**rows) -> dict:
    """The outflow form as a browser posts it: the departure's fields and the management forms of both row sets."""
    data = {"departure_date": today().isoformat(), "reason": "work", "destination_code": "", "destination_address": "",
            "work_background": "", "employer": "", "group_liaison": "", "group_liaison_phone": "",
            "village_contact": "", "contact_phone": ""}
    for prefix in ("children", "elders"):
        given = rows.get(prefix, [])
        data.update({f"{prefix}-TOTAL_FORMS": str(len(given) + 1), f"{prefix}-INITIAL_FORMS": "0",
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "10"})
        for index, row in enumerate(given):
            for name, value in row.items():
                if isinstance(value, bool):
                    if value:
                        data[f"{prefix}-{index}-{name}"] = "on"
                else:
                    data[f"{prefix}-{index}-{name}"] = value.isoformat() if isinstance(value, datetime.date) else value
    return data


@pytest.fixture
def family(origin_village_worker, destination_village_worker):
    """A father away in the destination village, who left a daughter and his father at home."""
    return arrive(destination_village_worker, leave(origin_village_worker, children=[child_row()], elders=[elder_row()]))


@pytest.fixture
def other_destination_village_worker(tree):
    from huiliu.accounts.models import Role

    return f.make_user(Role.VILLAGE_WORKER, OTHER_DESTINATION_VILLAGE, "other-dest-worker")


# --- The outflow form -------------------------------------------------------------------------------------------


def test_the_departure_form_offers_rows_for_children_and_elders_with_the_recorded_minors_filled_in(
        log_in, origin_village_worker):
    person = f.register_resident(origin_village_worker)
    actions.record_child(acting_user=origin_village_worker, person=person, sex="M", birth_date=years_ago(5), name="张小军")
    actions.record_child(acting_user=origin_village_worker, person=person, sex="F", birth_date=years_ago(20), name="张大姐")

    page = log_in(origin_village_worker).get(f"/people/{person.pk}/departure/").content.decode()

    assert "留守的未成年子女" in page and "留守老人" in page
    assert 'name="children-0-name" value="张小军"' in page
    assert "张大姐" not in page
    assert 'name="elders-0-name"' in page
    assert "left-behind-rows.js" in page and "__prefix__" in page


def test_a_departure_with_a_child_and_an_elder_puts_both_on_the_roll(log_in, origin_village_worker):
    person = f.register_resident(origin_village_worker)

    response = log_in(origin_village_worker).post(f"/people/{person.pk}/departure/",
                                                  departure_post(children=[child_row()], elders=[elder_row()]))

    assert response.status_code == 302
    assert set(LeftBehindRelative.objects.values_list("name", flat=True)) == {"张小雨", "张德福"}


def test_a_struck_out_row_is_not_put_on_the_roll(log_in, origin_village_worker):
    person = f.register_resident(origin_village_worker)

    log_in(origin_village_worker).post(f"/people/{person.pk}/departure/",
                                       departure_post(children=[child_row(), child_row(name="随行", DELETE=True)]))

    assert list(LeftBehindRelative.objects.values_list("name", flat=True)) == ["张小雨"]


def test_an_adult_in_a_child_row_is_refused_with_a_chinese_message_naming_the_row_and_nothing_saved(
        log_in, origin_village_worker):
    person = f.register_resident(origin_village_worker)
    grown = years_ago(19)

    response = log_in(origin_village_worker).post(
        f"/people/{person.pk}/departure/", departure_post(children=[child_row(), child_row(name="张大", birth_date=grown)]))

    page = response.content.decode()
    assert response.status_code == 200
    assert f"留守儿童第 2 行：出生日期为 {grown.isoformat()}" in page
    assert "不是未成年人" in page
    assert 'class="has-error"><input type="date" name="children-1-birth_date"' in page
    assert not Migration.objects.exists() and not LeftBehindRelative.objects.exists()


# --- The roll ---------------------------------------------------------------------------------------------------


def test_the_roll_shows_carer_and_parents_away_with_phones_masked(log_in, origin_village_worker, family):
    page = log_in(origin_village_worker).get("/people/left-behind/").content.decode()

    assert "张小雨" in page and "张德福" in page
    assert "王桂芝（祖母）" in page and "139****5678" in page and "13912345678" not in page
    assert family.name in page and "宝安" in page
    assert AuditEvent.objects.filter(event="list", object_type="left_behind_relative").exists()


def test_the_roll_highlights_an_overdue_visit_and_filters_on_it(log_in, origin_village_worker, family):
    elder = LeftBehindRelative.objects.get(kind="elder")
    LeftBehindRelative.objects.filter(pk=elder.pk).update(next_visit_due=today() - datetime.timedelta(days=3))
    client = log_in(origin_village_worker)

    page = client.get("/people/left-behind/").content.decode()
    overdue = client.get("/people/left-behind/?due=overdue").content.decode()
    children = client.get("/people/left-behind/?kind=child").content.decode()

    assert re.search(rf'<tr class="overdue">\s*<td><a href="/people/left-behind/{elder.pk}/">张德福', page)
    assert "张德福" in overdue and "张小雨" not in overdue
    assert "张小雨" in children and "张德福" not in children


def test_the_roll_of_a_destination_worker_is_empty(log_in, destination_village_worker, family):
    page = log_in(destination_village_worker).get("/people/left-behind/").content.decode()

    assert "您的辖区内名册为空" in page and "张小雨" not in page


def test_the_roll_needs_the_same_queries_for_many_families_as_for_few(
        log_in, origin_village_worker, destination_village_worker, django_assert_max_num_queries):
    client = log_in(origin_village_worker)

    made = iter(range(100))

    def families(n):
        for _ in range(n):
            number = next(made)
            arrive(destination_village_worker, leave(origin_village_worker, children=[child_row(name=f"孩子{number}")],
                                                     elders=[elder_row(name=f"老人{number}")]))

    families(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/people/left-behind/").status_code == 200
    families(10)
    with django_assert_max_num_queries(18):
        response = client.get("/people/left-behind/")
    with CaptureQueriesContext(connection) as many:
        client.get("/people/left-behind/")

    assert len(response.context["rows"]) == 24
    assert len(many) == len(few)


# --- One relative: the visit log ------------------------------------------------------------------------------


def test_a_village_worker_records_a_visit_on_the_relative_s_page(log_in, origin_village_worker, family):
    relative = LeftBehindRelative.objects.get(kind="child")
    client = log_in(origin_village_worker)

    response = client.post(f"/people/left-behind/{relative.pk}/", {
        "visited_on": today().isoformat(), "way": "home", "wellbeing": "身体健康，成绩进步", "needs": "需要冬衣"})

    assert response.status_code == 302
    page = client.get(f"/people/left-behind/{relative.pk}/").content.decode()
    assert "身体健康，成绩进步" in page and "需要冬衣" in page and "入户走访" in page
    assert AuditEvent.objects.filter(event="record_left_behind_visit").exists()


def test_a_visit_without_a_note_is_shown_again_with_the_chinese_message(log_in, origin_village_worker, family):
    relative = LeftBehindRelative.objects.get(kind="child")

    response = log_in(origin_village_worker).post(f"/people/left-behind/{relative.pk}/", {
        "visited_on": today().isoformat(), "way": "home", "wellbeing": ""})

    assert response.status_code == 200
    assert "请简要说明孩子或老人的情况。" in response.content.decode()
    assert not LeftBehindVisit.objects.exists()


@pytest.mark.parametrize("who", ["destination_village_worker", "other_destination_village_worker"])
@pytest.mark.parametrize("page", ["detail", "edit"])
def test_a_relative_s_page_is_404_outside_the_household_place(request, log_in, family, who, page):
    relative = LeftBehindRelative.objects.get(kind="child")
    path = {"detail": f"/people/left-behind/{relative.pk}/", "edit": f"/people/left-behind/{relative.pk}/edit/"}[page]

    client = log_in(request.getfixturevalue(who))

    assert client.get(path).status_code == 404
    assert client.post(f"/people/left-behind/{relative.pk}/", {
        "visited_on": today().isoformat(), "way": "home", "wellbeing": "好"}).status_code == 404
    assert not LeftBehindVisit.objects.exists()
    assert AuditEvent.objects.filter(object_type="left_behind_relative", outcome=AuditEvent.Outcome.DENIED).exists()


def test_an_unknown_relative_is_404(log_in, origin_village_worker):
    client = log_in(origin_village_worker)

    assert client.get(f"/people/left-behind/{uuid.uuid4()}/").status_code == 404
    assert client.get("/people/left-behind/not-a-key/").status_code == 404


def test_the_village_changes_the_visit_interval_on_the_edit_page(log_in, origin_village_worker, family):
    relative = LeftBehindRelative.objects.get(kind="elder")
    client = log_in(origin_village_worker)
    form = client.get(f"/people/left-behind/{relative.pk}/edit/").context["form"]
    data = {name: ("on" if value is True else "" if value in (None, False) else value)
            for name, value in form.initial.items()}
    data["visit_interval_days"] = "14"

    response = client.post(f"/people/left-behind/{relative.pk}/edit/", data)

    assert response.status_code == 302
    relative.refresh_from_db()
    assert relative.visit_interval_days == 14


def test_the_village_takes_a_relative_off_the_roll(log_in, origin_village_worker, family):
    relative = LeftBehindRelative.objects.get(kind="child")
    client = log_in(origin_village_worker)

    response = client.post(f"/people/left-behind/{relative.pk}/off-roll/",
                           {"ended_on": today().isoformat(), "note": "随父母外出就读"})

    assert response.status_code == 302
    assert "张小雨" not in client.get("/people/left-behind/").content.decode()


def test_a_relative_is_added_later_from_the_person_s_page(log_in, origin_village_worker, family):
    client = log_in(origin_village_worker)
    assert "添加留守亲属" in client.get(f"/people/{family.pk}/").content.decode()

    response = client.post(f"/people/{family.pk}/left-behind/new/", {
        "kind": "child", "name": "张小军", "sex": "M", "birth_date": years_ago(3).isoformat(), "carer_name": "王桂芝",
        "carer_relation": "祖母", "carer_phone": "", "visit_interval_days": ""})

    assert response.status_code == 302
    assert LeftBehindRelative.objects.get(name="张小军").visit_interval_days == 30


# --- The person's page: the parents away see that visits happen -----------------------------------------------


def test_the_destination_village_worker_sees_on_the_person_s_page_the_visit_recorded_at_the_origin(
        log_in, origin_village_worker, destination_village_worker, family):
    relative = LeftBehindRelative.objects.get(kind="child")
    visited = today() - datetime.timedelta(days=1)
    actions.record_left_behind_visit(acting_user=origin_village_worker, relative=relative, visited_on=visited,
                                     way="school", wellbeing="在校表现良好", needs="学费有困难")

    page = log_in(destination_village_worker).get(f"/people/{family.pk}/").content.decode()

    section = page[page.index('class="card left-behind"'):]
    assert "留守儿童和留守老人" in section
    assert "张小雨" in section and "王桂芝（祖母）" in section
    assert visited.isoformat() in section and "在校走访" in section and "在校表现良好" in section
    # The village's own notes stay there: the needs raised, the carer's phone, the link to the roll entry.
    assert "学费有困难" not in section and "13912345678" not in section and "139****" not in section
    assert f"/people/left-behind/{relative.pk}/" not in section
    assert "添加留守亲属" not in section


def test_the_origin_sees_the_whole_entry_on_the_person_s_page(log_in, origin_village_worker, family):
    relative = LeftBehindRelative.objects.get(kind="child")
    actions.record_left_behind_visit(acting_user=origin_village_worker, relative=relative, visited_on=today(),
                                     way="home", wellbeing="好", needs="学费有困难")

    page = log_in(origin_village_worker).get(f"/people/{family.pk}/").content.decode()

    assert "学费有困难" in page and "13912345678" in page and f"/people/left-behind/{relative.pk}/" in page


def test_a_worker_of_an_unrelated_jurisdiction_gets_404_for_the_person_s_page(
        log_in, other_destination_village_worker, family):
    assert log_in(other_destination_village_worker).get(f"/people/{family.pk}/").status_code == 404


def test_a_person_without_relatives_left_behind_shows_no_section_to_the_destination(
        log_in, origin_village_worker, destination_village_worker):
    person = arrive(destination_village_worker, leave(origin_village_worker))

    page = log_in(destination_village_worker).get(f"/people/{person.pk}/").content.decode()

    assert 'class="card left-behind"' not in page  # the nav links to the roll on every page; the section is absent


def test_an_anonymous_visitor_is_sent_to_log_in_from_the_roll(client, db):
    response = client.get("/people/left-behind/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_half_filled_row_is_refused_rather_than_dropped(log_in, origin_village_worker):
    person = f.register_resident(origin_village_worker)

    response = log_in(origin_village_worker).post(
        f"/people/{person.pk}/departure/", departure_post(elders=[{"carer_name": "李嫂"}]))

    assert "留守老人第 1 行：请填写姓名。" in response.content.decode()
    assert not Migration.objects.exists()


def test_the_edit_page_of_a_child_shows_the_child_s_fields_only(log_in, origin_village_worker, family):
    relative = LeftBehindRelative.objects.get(kind="child")

    form = log_in(origin_village_worker).get(f"/people/left-behind/{relative.pk}/edit/").context["form"]

    assert "school_informed" in form.fields and "lives_alone" not in form.fields and "kind" not in form.fields


def test_the_person_s_page_offers_to_add_a_relative_left_behind_only_while_the_person_is_away(
        log_in, origin_village_worker):
    at_home = f.register_resident(origin_village_worker, name="在家人")
    away = leave(origin_village_worker)
    client = log_in(origin_village_worker)

    assert "添加留守亲属" not in client.get(f"/people/{at_home.pk}/").content.decode()
    assert "添加留守亲属" in client.get(f"/people/{away.pk}/").content.decode()
