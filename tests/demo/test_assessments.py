"""The demo's assessment and follow-ups: what a county officer and a township officer find on first login."""

import datetime

from django.contrib.auth import get_user_model

from huiliu.assessments import queries as assessment_queries
from huiliu.assessments.models import AssessmentScheme, Bulletin, ScoredPeriod
from huiliu.linkage import queries as linkage_queries
from huiliu.linkage.models import FollowUpTask
from huiliu.people.models import Migration, MigrationStatus
from huiliu.reports.periods import period_containing


def account(username: str):
    return get_user_model().objects.get(username=username)


def test_each_demo_county_ranks_its_townships_and_publishes_the_latest_bulletin(demo):
    latest = period_containing(datetime.date.today(), "quarter").previous()

    for county_name, township_name in (("origin-county", "origin-township"), ("dest-county", "dest-township")):
        county, township = account(county_name), account(township_name)
        (scheme,) = assessment_queries.list_schemes(user=county)
        assert set(scheme.scored_periods.values_list("period", flat=True)) == {latest.previous().label, latest.label}
        results = assessment_queries.list_results(scheme.scored_periods.get(period=latest.label))
        assert results and results[0].rank == 1 and results[0].score is not None
        # The township officer reads the published bulletin from above, and nothing else of the scheme.
        assert list(assessment_queries.list_schemes(user=township)) == []
        (bulletin,) = assessment_queries.list_bulletins_from_above(user=township)
        assert bulletin.scheme == scheme and bulletin.period == latest.label
    assert AssessmentScheme.objects.count() == Bulletin.objects.count() == 2
    assert ScoredPeriod.objects.count() == 4


def test_departures_long_without_an_arrival_are_follow_up_tasks_of_their_villages(demo, settings):
    cutoff = datetime.date.today() - datetime.timedelta(days=settings.HUILIU_LOST_CONTACT_DAYS)
    unanswered = Migration.objects.filter(status=MigrationStatus.AWAY, started_on__lt=cutoff, inflow__isnull=True)

    assert FollowUpTask.objects.count() == unanswered.count() > 0
    village_worker = account("origin-village")
    shown = list(linkage_queries.list_follow_ups(user=village_worker))
    assert shown and all(task.migration.person.household_jurisdiction_id == task.jurisdiction_id for task in shown)
