"""The assessment pages: schemes, the ranking, the bulletin and its PDF; login, scope and what a user sees."""

import re
import uuid
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huiliu.assessments import actions, queries
from huiliu.assessments.models import AssessmentScheme, ScoredPeriod
from huiliu.reports.indicators import ASSESSABLE

from .conftest import COUNTY, FULL_ITEMS, TOWNSHIPS, fill_quarter, make_scheme

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "documents"
A4_POINTS = (595.28, 841.89)
CJK = re.compile(r"[\u4e00-\u9fff]")


def item_fields(items=FULL_ITEMS) -> dict:
    data = {f"{code}_{part}": "" for code in ASSESSABLE for part in ("weight", "target", "floor")}
    for item in items:
        for part in ("weight", "target", "floor"):
            data[f"{item['indicator']}_{part}"] = str(item.get(part, ""))
    return data


@pytest.fixture
def scored(county_officer, engine):
    scheme = make_scheme(county_officer)
    fill_quarter(engine, "2026Q1")
    fill_quarter(engine, "2026Q2", shift=3)
    engine.set("2026Q2", TOWNSHIPS[6], feedback_rate=95, on_time_rate=53, service_coverage_rate=57)
    actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q1")
    actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q2")
    return scheme


def pages(scheme_id, period="2026Q2"):
    base = f"/assessments/{scheme_id}/"
    return {"get": [base, f"{base}edit/", f"{base}periods/{period}/", f"{base}periods/{period}/bulletin/",
                    f"{base}periods/{period}/bulletin.pdf"],
            "post": [f"{base}edit/", f"{base}score/", f"{base}periods/{period}/bulletin/publish/"]}


def test_every_page_needs_a_login(client, scored):
    for url in ["/assessments/", "/assessments/new/", *pages(scored.pk)["get"]]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url
    for url in pages(scored.pk)["post"]:
        response = client.post(url, {"period": "2026Q2"})
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url


@pytest.mark.parametrize("who", ["other_county_officer", "township_officer"])
def test_every_page_of_a_scheme_out_of_scope_is_404_and_nothing_changes(log_in, scored, request, who):
    client = log_in(request.getfixturevalue(who))
    scored_at = ScoredPeriod.objects.get(period="2026Q2").scored_at

    for url in pages(scored.pk)["get"]:
        assert client.get(url).status_code == 404, url
    for url in pages(scored.pk)["post"]:
        assert client.post(url, {"period": "2026Q2", "name": "改名", **item_fields()}).status_code == 404, url

    assert AssessmentScheme.objects.get().name == scored.name
    assert ScoredPeriod.objects.get(period="2026Q2").scored_at == scored_at
    assert not scored.bulletins.exists()
    assert "2026年度" not in client.get("/assessments/").content.decode()


def test_a_period_not_scored_and_a_scheme_that_does_not_exist_are_404(log_in, county_officer, scored):
    client = log_in(county_officer)

    assert client.get(f"/assessments/{scored.pk}/periods/2025Q4/").status_code == 404
    assert client.get(f"/assessments/{scored.pk}/periods/someday/bulletin/").status_code == 404
    assert client.get(f"/assessments/{uuid.uuid4()}/").status_code == 404


def test_an_officer_creates_a_scheme_on_the_page(log_in, county_officer):
    client = log_in(county_officer)
    page = client.get("/assessments/new/").content.decode()
    assert f'value="{COUNTY:012d}"' in page  # the officer's own county, offered
    assert all(f'name="{code}_weight"' in page for code in ASSESSABLE)
    assert 'name="birth_registrations_weight"' not in page

    response = client.post("/assessments/new/", {"owner_code": f"{COUNTY:012d}", "name": "服务考核",
                                                 "period_kind": "quarter", **item_fields()})

    scheme = AssessmentScheme.objects.get()
    assert response.status_code == 302 and response.url == f"/assessments/{scheme.pk}/"
    assert scheme.items.count() == 3
    detail = client.get(response.url).content.decode()
    assert "服务考核" in detail and 'id="score-form"' in detail


def test_the_page_puts_each_refusal_beside_its_field_and_creates_nothing(log_in, county_officer):
    client = log_in(county_officer)
    items = [{"indicator": "feedback_rate", "weight": "50", "target": "130"},
             {"indicator": "on_time_rate", "weight": "20", "target": "90"}]

    response = client.post("/assessments/new/", {"owner_code": f"{COUNTY:012d}", "name": "",
                                                 "period_kind": "quarter", **item_fields(items)})

    assert response.status_code == 200 and AssessmentScheme.objects.count() == 0
    errors = response.context["form"].errors
    assert set(errors) == {"name", "feedback_rate_target"}


def test_the_officer_edits_weights_and_targets_and_switches_the_scheme_off(log_in, county_officer, engine):
    scheme = make_scheme(county_officer)
    client = log_in(county_officer)
    items = [{"indicator": "grievances_on_time_rate", "weight": 50, "target": "90"},
             {"indicator": "data_quality_rate", "weight": 50, "target": "95.5", "floor": "50"}]

    response = client.post(f"/assessments/{scheme.pk}/edit/", {"name": "新方案", **item_fields(items)})

    assert response.status_code == 302
    scheme.refresh_from_db()
    assert scheme.name == "新方案" and not scheme.active
    assert sorted(scheme.items.values_list("indicator", flat=True)) == ["data_quality_rate", "grievances_on_time_rate"]
    assert 'id="score-form"' not in client.get(f"/assessments/{scheme.pk}/").content.decode()


def test_a_township_officer_reads_no_scheme_and_may_not_create_one(log_in, township_officer, county_officer):
    make_scheme(county_officer)
    client = log_in(township_officer)

    page = client.get("/assessments/").content.decode()
    assert 'id="new-scheme"' not in page
    response = client.post("/assessments/new/", {"owner_code": f"{COUNTY:012d}", "name": "越权",
                                                 "period_kind": "quarter", **item_fields()})
    assert response.status_code == 200 and AssessmentScheme.objects.count() == 1
    assert response.context["form"].non_field_errors()


def test_scoring_on_the_page_leads_to_the_ranking_with_each_items_value_target_and_points(
        log_in, county_officer, engine):
    scheme = make_scheme(county_officer)
    fill_quarter(engine)
    client = log_in(county_officer)

    response = client.post(f"/assessments/{scheme.pk}/score/", {"period": "2026Q2"})

    assert response.status_code == 302 and response.url == f"/assessments/{scheme.pk}/periods/2026Q2/"
    page = client.get(response.url).content.decode()
    table = re.search(r'<table id="ranking">.*?</table>', page, re.DOTALL).group(0)
    rows = re.findall(r'<tr data-unit="(\d+)">', table)
    assert [int(code) for code in rows] == TOWNSHIPS
    assert "99.67" in table and "66.70" in table
    assert "65.0%" in table and "95.0%" in table and "20.53 / 30" in table


def test_a_bad_period_is_refused_with_a_message_and_nothing_scored(log_in, county_officer, engine):
    scheme = make_scheme(county_officer)
    client = log_in(county_officer)

    response = client.post(f"/assessments/{scheme.pk}/score/", {"period": "2026-05"}, follow=True)

    assert ScoredPeriod.objects.count() == 0
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_the_bulletin_page_names_the_best_and_worst_and_what_moved(log_in, county_officer, scored):
    client = log_in(county_officer)

    page = client.get(f"/assessments/{scored.pk}/periods/2026Q2/bulletin/").content.decode()

    best = re.search(r'<ol id="best">(.*?)</ol>', page, re.DOTALL).group(1)
    worst = re.search(r'<ol id="worst">(.*?)</ol>', page, re.DOTALL).group(1)
    assert [n in best for n in ("章丘区第1镇", "章丘区第2镇", "章丘区第3镇")] == [True] * 3
    assert [n in worst for n in ("章丘区第5镇", "章丘区第6镇", "章丘区第7镇")] == [True] * 3
    movers = re.search(r'<table id="unit-movers"[^>]*>(.*?)</table>', page, re.DOTALL).group(1)
    assert "章丘区第7镇" in movers and "+30.0" in movers  # feedback 65 → 95
    overall = re.search(r'<table id="overall-movers">(.*?)</table>', page, re.DOTALL).group(1)
    assert overall.count("+3.0") == 3


def test_publishing_the_bulletin_keeps_the_remarks_and_a_later_scoring_is_flagged(
        log_in, county_officer, scored, engine):
    client = log_in(county_officer)

    response = client.post(f"/assessments/{scored.pk}/periods/2026Q2/bulletin/publish/",
                           {"remarks": "请后三名乡镇十五日内报送整改措施。"})

    assert response.status_code == 302
    page = client.get(f"/assessments/{scored.pk}/periods/2026Q2/bulletin/").content.decode()
    assert "请后三名乡镇十五日内报送整改措施。" in page and 'class="bad"' not in page
    actions.score_period(acting_user=county_officer, scheme=scored, period="2026Q2")
    assert 'class="bad"' in client.get(f"/assessments/{scored.pk}/periods/2026Q2/bulletin/").content.decode()


def test_the_bulletin_pdf_is_one_a4_page_in_chinese_that_renders(log_in, county_officer, scored):
    client = log_in(county_officer)
    client.post(f"/assessments/{scored.pk}/periods/2026Q2/bulletin/publish/",
                {"remarks": "请后三名乡镇十五日内报送整改措施。"})

    response = client.get(f"/assessments/{scored.pk}/periods/2026Q2/bulletin.pdf")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document = pdfium.PdfDocument(response.content)
    try:
        assert len(document) == 1
        page = document[0]
        assert page.get_size() == pytest.approx(A4_POINTS, abs=0.1)
        text = page.get_textpage().get_text_range()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        image = page.render(scale=150 / 72).to_pil()
        image.save(ARTIFACTS / "assessment-bulletin.png")
    finally:
        document.close()
    summary, _published = queries.read_bulletin(scheme=scored, period="2026Q2")
    assert queries.title_of(summary) in text.replace("\r\n", "").replace("\n", "")
    for expected in ("章丘区", "章丘区第1镇", "章丘区第7镇", scored.name, "请后三名乡镇十五日内报送整改措施。"):
        assert expected in text.replace("\r\n", "").replace("\n", ""), expected
    assert CJK.search(text)
    assert image.size[1] == 1754 and image.convert("L").getextrema()[0] < 50  # ink on the page


def test_the_assessed_units_read_the_published_bulletin_and_nothing_else_of_the_scheme(
        log_in, county_officer, township_officer, scored):
    actions.publish_bulletin(acting_user=county_officer, scheme=scored, period="2026Q2",
                             remarks="请后三名乡镇十五日内报送整改措施。")
    client = log_in(township_officer)

    listing = client.get("/assessments/").content.decode()
    bulletin_url = f"/assessments/{scored.pk}/periods/2026Q2/bulletin/"
    assert bulletin_url in listing
    page = client.get(bulletin_url).content.decode()
    assert "请后三名乡镇十五日内报送整改措施。" in page and "章丘区第7镇" in page
    assert 'id="publish-form"' not in page
    pdf = client.get(f"/assessments/{scored.pk}/periods/2026Q2/bulletin.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # The draft of a period not published, the ranking and the scheme stay with the office that set it.
    base = f"/assessments/{scored.pk}/"
    for url in [base, f"{base}edit/", f"{base}periods/2026Q2/", f"{base}periods/2026Q1/bulletin/",
                f"{base}periods/2026Q1/bulletin.pdf"]:
        assert client.get(url).status_code == 404, url


def test_a_published_bulletin_is_not_found_outside_the_area_it_assesses(log_in, county_officer,
                                                                       other_county_officer, scored):
    actions.publish_bulletin(acting_user=county_officer, scheme=scored, period="2026Q2", remarks="")
    client = log_in(other_county_officer)

    assert f"/assessments/{scored.pk}/periods/2026Q2/bulletin/" not in client.get("/assessments/").content.decode()
    assert client.get(f"/assessments/{scored.pk}/periods/2026Q2/bulletin/").status_code == 404
    assert client.get(f"/assessments/{scored.pk}/periods/2026Q2/bulletin.pdf").status_code == 404


@pytest.mark.parametrize("units", [2, 7])
def test_the_ranking_and_scheme_list_cost_the_same_queries_for_few_or_many(
        log_in, county_officer, engine, units):
    scheme = make_scheme(county_officer)
    make_scheme(county_officer, name="另一方案")
    fill_quarter(engine)
    for code in TOWNSHIPS[units:]:
        engine.set("2026Q2", code)
    actions.score_period(acting_user=county_officer, scheme=scheme, period="2026Q2")
    client = log_in(county_officer)

    with CaptureQueriesContext(connection) as ranking:
        assert client.get(f"/assessments/{scheme.pk}/periods/2026Q2/").status_code == 200
    with CaptureQueriesContext(connection) as listing:
        assert client.get("/assessments/").status_code == 200

    assert len(ranking) <= 14 and len(listing) <= 10, (len(ranking), len(listing))
