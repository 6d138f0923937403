"""The grievance pages: the public's filing and tracking pages, and what staff see, do and are refused."""

import re
import uuid

import pytest
from django.utils import timezone

from huiliu.audit.models import AuditEvent
from huiliu.grievances import actions
from huiliu.grievances.models import Forum, Grievance, GrievanceStatus
from tests import factories as f

from .conftest import (
    COMPLAINT_TEXT,
    DESTINATION_TOWNSHIP,
    DESTINATION_VILLAGE,
    NAME,
    NEIGHBOUR_TOWNSHIP,
    PHONE,
    days_ago,
    file_public,
)

pytestmark = pytest.mark.django_db


def public_form(**overrides) -> dict:
    data = {"kind": "complaint", "topic": "wages_owed", "place_code": f"{DESTINATION_VILLAGE:012d}",
            "text": COMPLAINT_TEXT, "name": NAME, "phone": PHONE}
    data.update(overrides)
    return data


def result_of(response) -> str:
    """The answer section of the tracking page."""
    match = re.search(r'<section class="card" id="track-result">.*?</section>', response.content.decode(), re.DOTALL)
    return match.group(0) if match else ""


@pytest.fixture
def low_rate(settings):
    settings.HUILIU_PUBLIC_RATE_PER_MINUTE = 3


# --- The public pages -----------------------------------------------------------------------------------


def test_a_member_of_the_public_files_without_an_account_and_gets_the_number_and_check_code(client, tree):
    page = client.get("/feedback/")
    assert page.status_code == 200 and "投诉与建议" in page.content.decode()

    response = client.post("/feedback/", public_form())

    grievance = Grievance.objects.get()
    assert response.status_code == 302 and response["Location"] == "/feedback/filed/"
    filed = client.get("/feedback/filed/").content.decode()
    assert grievance.tracking_number in filed and "您的查询码" in filed
    code = re.search(r'id="check-code">([0-9]{6})<', filed).group(1)
    assert actions.check_code_matches(grievance, code)
    assert client.get("/feedback/filed/").status_code == 200 and Grievance.objects.count() == 1


def test_the_page_after_filing_shows_nothing_to_a_stranger(client, tree):
    response = client.get("/feedback/filed/")

    assert response.status_code == 302 and response["Location"] == "/feedback/"


def test_the_public_form_names_the_problems_in_chinese_and_files_nothing(client, tree):
    response = client.post("/feedback/", public_form(kind="rights_protection", phone="", text="", place_code=""))

    assert response.status_code == 200 and Grievance.objects.count() == 0
    errors = response.context["form"].errors
    assert errors["phone"] == ["维权申请需要留下电话，以便办理单位与您联系。"]
    assert errors["text"] == ["请说明具体情况。"]
    assert errors["place_code"] == ["此项为必填项。"]


def test_the_public_pages_are_rate_limited_per_client(client, tree, low_rate):
    for _ in range(3):
        assert client.get("/feedback/track/").status_code == 200

    refused = client.get("/feedback/track/")
    assert refused.status_code == 429 and "请求过于频繁" in refused.content.decode()
    assert refused["Retry-After"] == "60"


def test_the_tracking_page_shows_kind_status_and_dates_and_nothing_else(client, filed):
    response = client.post("/feedback/track/", {"tracking_number": filed.grievance.tracking_number,
                                                "check_code": filed.check_code})

    page = response.content.decode()
    answer = result_of(response)
    assert "投诉" in answer and "已受理" in answer
    assert timezone.localdate().isoformat() in answer and filed.grievance.deadline.isoformat() in answer
    for secret in (COMPLAINT_TEXT, NAME, PHONE, PHONE[-4:], "拖欠工资", "宝安区第1镇第1村"):
        assert secret not in page


def test_once_resolved_the_tracking_page_says_so_but_not_what_was_written(client, filed,
                                                                            destination_township_officer):
    actions.resolve_grievance(acting_user=destination_township_officer, grievance=filed.grievance,
                              resolution="已责令周建华老板于本月底前补发工资")

    response = client.post("/feedback/track/", {"tracking_number": filed.grievance.tracking_number,
                                                "check_code": filed.check_code})

    page = response.content.decode()
    assert "已办结" in result_of(response) and "办结日期" in page
    assert "周建华" not in page and "补发工资" not in page and str(destination_township_officer) not in page


def test_a_wrong_check_code_and_an_unknown_number_answer_alike(client, filed):
    wrong_code = "000000" if filed.check_code != "000000" else "111111"

    wrong = client.post("/feedback/track/", {"tracking_number": filed.grievance.tracking_number,
                                             "check_code": wrong_code})
    unknown = client.post("/feedback/track/", {"tracking_number": "440306001-2026-G999999",
                                               "check_code": filed.check_code})

    assert result_of(wrong) == result_of(unknown) != ""
    assert "受理编号与查询码不匹配" in result_of(wrong)
    assert "已受理" not in wrong.content.decode()


def test_after_ten_failed_guesses_a_number_answers_not_found_even_to_the_right_code(client, filed):
    number = filed.grievance.tracking_number
    for guess in range(10):
        code = f"{guess:06d}"
        if code != filed.check_code:
            client.post("/feedback/track/", {"tracking_number": number, "check_code": code})
    client.post("/feedback/track/", {"tracking_number": number, "check_code": "999998"})

    right = client.post("/feedback/track/", {"tracking_number": number, "check_code": filed.check_code})
    assert "已受理" not in result_of(right) and "不匹配" in result_of(right)
    assert AuditEvent.objects.filter(event="guess_limit").count() == 1


# --- Staff pages ----------------------------------------------------------------------------------------


def test_staff_pages_need_a_login(client, grievance):
    for path in ("/grievances/", f"/grievances/{grievance.pk}/", "/grievances/forums/", "/grievances/new/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_owner_unit_sees_an_overdue_grievance_marked_and_counted_on_its_list(log_in, tree,
                                                                                  destination_township_officer):
    late = file_public(now=days_ago(20)).grievance
    fresh = file_public(name="").grievance
    client = log_in(destination_township_officer)

    everything = client.get("/grievances/").content.decode()
    overdue = client.get("/grievances/?overdue=on").content.decode()

    assert late.tracking_number in overdue and fresh.tracking_number not in overdue
    assert re.search(r'id="overdue-tab">已逾期 <b>1</b>', everything)
    assert 'class="overdue"' in everything and "匿名" in everything
    assert NAME not in everything and "刘*" in everything  # names are masked on the list
    assert PHONE not in everything


def test_an_unrelated_unit_gets_404_for_the_grievance_and_its_actions(log_in, grievance, neighbour_township_officer):
    client = log_in(neighbour_township_officer)

    assert grievance.tracking_number not in client.get("/grievances/").content.decode()
    for path in ("", "resolve/", "close/", "reassign/"):
        assert client.get(f"/grievances/{grievance.pk}/{path}").status_code == 404
    assert client.post(f"/grievances/{grievance.pk}/take/").status_code == 404
    assert client.post(f"/grievances/{grievance.pk}/resolve/", {"resolution": "x"}).status_code == 404
    assert client.get(f"/grievances/{uuid.uuid4()}/").status_code == 404
    assert client.get("/grievances/not-a-key/").status_code == 404
    assert Grievance.objects.get().status == GrievanceStatus.RECEIVED


def test_the_list_takes_a_fixed_number_of_queries(log_in, tree, destination_township_officer,
                                                  django_assert_max_num_queries):
    for index in range(30):
        file_public(kind=("complaint", "suggestion")[index % 2], now=days_ago(index))
    client = log_in(destination_township_officer)
    client.get("/grievances/")

    with django_assert_max_num_queries(16):
        response = client.get("/grievances/?overdue=on")
    assert response.status_code == 200


def test_the_owner_takes_it_in_hand_and_resolves_it_on_the_detail_page(log_in, grievance,
                                                                        destination_township_officer):
    client = log_in(destination_township_officer)
    detail = client.get(f"/grievances/{grievance.pk}/").content.decode()
    assert COMPLAINT_TEXT in detail and PHONE in detail and "开始办理" in detail

    client.post(f"/grievances/{grievance.pk}/take/")
    refused = client.post(f"/grievances/{grievance.pk}/resolve/", {"resolution": " "})
    assert refused.status_code == 200 and "请说明办理结果。" in refused.content.decode()
    response = client.post(f"/grievances/{grievance.pk}/resolve/", {"resolution": "已协调补发"}, follow=True)

    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.RESOLVED and grievance.taken_by == destination_township_officer
    page = response.content.decode()
    assert "已办结。" in page and "已协调补发" in page and "办理记录" in page


def test_the_village_of_the_place_sees_the_page_without_the_action_buttons(log_in, grievance,
                                                                            destination_village_worker):
    client = log_in(destination_village_worker)

    page = client.get(f"/grievances/{grievance.pk}/").content.decode()
    assert COMPLAINT_TEXT in page and "开始办理" not in page
    refused = client.post(f"/grievances/{grievance.pk}/resolve/", {"resolution": "x"})
    assert "此件由其他单位办理。" in refused.content.decode()


def test_closing_unresolved_asks_for_the_reason(log_in, grievance, destination_township_officer):
    client = log_in(destination_township_officer)

    client.post(f"/grievances/{grievance.pk}/close/", {"reason": "当事人已返乡，无法联系"})

    grievance.refresh_from_db()
    assert grievance.status == GrievanceStatus.CLOSED_UNRESOLVED


def test_a_county_officer_reassigns_on_the_page_and_a_township_officer_is_refused(
        log_in, client, grievance, destination_county_officer, destination_township_officer):
    page = log_in(destination_county_officer).get(f"/grievances/{grievance.pk}/reassign/").content.decode()
    assert "宝安区第2镇" in page

    client.post(f"/grievances/{grievance.pk}/reassign/", {"owner_code": str(NEIGHBOUR_TOWNSHIP), "note": "属地"})
    grievance.refresh_from_db()
    assert grievance.owner_id == NEIGHBOUR_TOWNSHIP

    client.post("/accounts/logout/")
    other = file_public().grievance
    township = log_in(destination_township_officer)
    response = township.get(f"/grievances/{other.pk}/reassign/", follow=True)
    assert "只有承办单位的县级及以上干部才能改派。" in response.content.decode()
    assert Grievance.objects.get(pk=other.pk).owner_id == DESTINATION_TOWNSHIP


def test_staff_file_for_a_person_and_see_the_check_code_once(log_in, destination_village_worker):
    client = log_in(destination_village_worker)
    assert client.get("/grievances/new/").status_code == 200

    response = client.post("/grievances/new/", public_form(kind="suggestion", person_id_number=""), follow=True)

    grievance = Grievance.objects.get()
    page = response.content.decode()
    assert grievance.filed_by == destination_village_worker and grievance.tracking_number in page
    code = re.search(r"查询码 ([0-9]{6})", page).group(1)
    assert actions.check_code_matches(grievance, code)
    assert code not in client.get(f"/grievances/{grievance.pk}/").content.decode()


# --- Forums ---------------------------------------------------------------------------------------------


def forum_form(**overrides) -> dict:
    data = {"title": "外来务工人员座谈会", "held_on": timezone.localdate().isoformat(),
            "host_code": str(DESTINATION_TOWNSHIP), "place_code": f"{DESTINATION_VILLAGE:012d}", "attendance": "40",
            "officers_present": "周志强", "migrants_present": "", "notes": "",
            "suggestions": "社区医院周末开诊\r\n\r\n开设普通话夜校\r\n"}
    data.update(overrides)
    return data


def test_a_forum_is_recorded_and_its_suggestions_listed(log_in, destination_township_officer):
    client = log_in(destination_township_officer)
    assert client.get("/grievances/forums/new/").status_code == 200

    response = client.post("/grievances/forums/new/", forum_form(), follow=True)

    forum = Forum.objects.get()
    page = response.content.decode()
    assert "社区医院周末开诊" in page and "开设普通话夜校" in page
    assert Grievance.objects.filter(forum=forum, kind="suggestion").count() == 2
    listing = client.get("/grievances/forums/").content.decode()
    assert "外来务工人员座谈会" in listing


def test_a_forum_form_with_problems_records_nothing(log_in, destination_township_officer):
    response = log_in(destination_township_officer).post("/grievances/forums/new/", forum_form(attendance="0"))

    assert "请填写参加人数（至少 1 人）。" in response.content.decode()
    assert Forum.objects.count() == 0 and Grievance.objects.count() == 0


def test_a_forum_of_another_area_is_not_found(log_in, destination_township_officer, neighbour_township_officer):
    forum = actions.record_forum(acting_user=destination_township_officer, held_on=timezone.localdate(),
                                 title="座谈会", place_code=DESTINATION_VILLAGE, host_code=DESTINATION_TOWNSHIP,
                                 attendance=5, suggestions=[])

    client = log_in(neighbour_township_officer)
    assert client.get(f"/grievances/forums/{forum.pk}/").status_code == 404
    assert str(forum.pk) not in client.get("/grievances/forums/").content.decode()


def test_the_forum_list_takes_a_fixed_number_of_queries(log_in, destination_township_officer,
                                                        django_assert_max_num_queries):
    for index in range(10):
        actions.record_forum(acting_user=destination_township_officer, held_on=timezone.localdate(),
                             title=f"座谈会{index}", place_code=DESTINATION_VILLAGE, host_code=DESTINATION_TOWNSHIP,
                             attendance=5, suggestions=["建议"])
    client = log_in(destination_township_officer)

    with django_assert_max_num_queries(14):
        assert client.get("/grievances/forums/").status_code == 200
    assert f.DESTINATION_COUNTY


def test_a_village_worker_filing_about_staff_misconduct_goes_back_to_the_list_with_the_number(
        log_in, destination_village_worker):
    client = log_in(destination_village_worker)

    response = client.post("/grievances/new/", public_form(topic="staff_misconduct"))

    grievance = Grievance.objects.get()
    assert response.status_code == 302 and response["Location"] == "/grievances/"
    page = client.get("/grievances/").content.decode()
    assert grievance.tracking_number in page  # in the message, not on the list
    assert f'/grievances/{grievance.pk}/' not in page
