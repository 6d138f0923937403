"""The demo's left-behind children and elders: made through the real actions, seen on the roll and at the destination."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from huiliu.demo.actions import load_demo
from huiliu.people import queries
from huiliu.people.models import LeftBehindRelative, LeftBehindVisit


@pytest.fixture
def demo(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return load_demo(persons=500, seed=7, today=datetime.date.today())


def test_the_demo_puts_children_and_elders_on_the_village_roll_with_visits(demo):
    made = demo.counts

    village = get_user_model().objects.get(username="origin-village")
    assert made["left_behind_children"] > 0 and made["left_behind_elders"] > 0
    assert made["left_behind_visits"] == LeftBehindVisit.objects.count() > 0
    assert queries.count_left_behind(user=village)["children"] == LeftBehindRelative.objects.filter(kind="child").count()


def test_the_demo_s_destination_village_sees_visits_on_a_person_s_page(demo):
    destination = get_user_model().objects.get(username="dest-village")

    persons = queries.list_persons(user=destination).filter(left_behind__visits__isnull=False).distinct()

    assert persons.exists(), "no family of the demo's destination village has visited relatives left behind"
    rows = queries.list_left_behind_of(persons.first(), user=destination)
    assert rows and not rows[0]["full"] and rows[0]["visits"]
