"""Property: whatever the tree, the persons and the users, every query answers exactly the caller's subtree.

Each example builds a random small division tree, registers random persons through the real actions
(at home, away, arrived somewhere, arrived and moved on, closed) and random users with random role
assignments (several roles, none, or a deactivated account), then checks for every user that
`list_persons`, `access_person`, `count_jurisdiction_figures`, the exchange's inbox, outbox and
`access_message`, and the statistical ledger of every node return every in-scope record and nothing else. The expected answer is worked out
here from the 12-digit codes as text prefixes, not with the code under test.
"""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huiliu.accounts.actions import ROLE_LEVELS, deactivate_user
from huiliu.accounts.models import Role
from huiliu.accounts.scope import jurisdiction_ranges
from huiliu.core.errors import NotFound
from huiliu.exchange import queries as exchange_queries
from huiliu.exchange.models import Message
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.actions import load_divisions
from huiliu.people import actions, queries
from huiliu.people.models import InflowRegistration, Migration, Person
from huiliu.reports import queries as report_queries
from huiliu.reports.periods import period_containing
from tests import factories as f

TODAY = datetime.date.today()
PROVINCES = (37, 44, 33)


def prefix_of(code: int) -> str:
    """The significant digits of a division code, read off its text (independent of codes.py)."""
    text = f"{code:012d}"
    for zeros, digits in ((10, 2), (8, 4), (6, 6), (3, 9)):
        if text.endswith("0" * zeros):
            return text[:digits]
    return text


def under(assignment: int, code: int | None) -> bool:
    return code is not None and f"{code:012d}".startswith(prefix_of(assignment))


@st.composite
def trees(draw) -> list[int]:
    """Village codes under one to four counties of up to three provinces; neighbouring codes on purpose."""
    counties = draw(st.lists(
        st.tuples(st.sampled_from(PROVINCES), st.integers(1, 2), st.integers(1, 3)), min_size=1, max_size=4,
        unique=True,
    ))
    villages = set()
    for province, city, county in counties:
        base = province * 10**10 + city * 10**8 + county * 10**6
        for township, village in draw(st.lists(st.tuples(st.integers(1, 3), st.integers(1, 3)), min_size=1,
                                               max_size=4, unique=True)):
            villages.add(base + township * 1000 + village)
    return sorted(villages)


MOVES = st.one_of(
    st.just(("home",)),
    st.just(("away",)),
    st.tuples(st.just("arrived"), st.integers(0, 99), st.integers(0, 60)),
    st.tuples(st.just("arrived_closed"), st.integers(0, 99), st.sampled_from(["moved_on", "lost_contact", "returned"])),
    st.tuples(st.just("arrived_twice"), st.integers(0, 99), st.integers(0, 99)),
)
PERSONS = st.lists(st.tuples(st.integers(0, 99), MOVES, st.integers(0, 30)), max_size=10)
USERS = st.lists(
    st.tuples(st.lists(st.tuples(st.integers(0, 999), st.integers(0, 9)), max_size=3), st.booleans()),
    min_size=1, max_size=4,
)


def build_tree(villages: list[int]) -> list[int]:
    nodes = set(villages) | {a for v in villages for a in codes.ancestor_codes(v)}
    load_divisions(acting_user=None, rows=[(n, f"{code:012d}", f"区划{code}") for n, code in enumerate(sorted(nodes), 1)])
    return sorted(nodes)


def pick(sequence, index):
    return sequence[index % len(sequence)]


def register_persons(registrar, villages, plans):
    for number, (household_index, move, age) in enumerate(plans):
        household = pick(villages, household_index)
        person = actions.register_person(
            acting_user=registrar, id_number=f.id_number(born=datetime.date(1960 + age, 1 + number % 12, 1 + age % 28)),
            name=f"人{number:02d}", household_code=household,
        )
        kind = move[0]
        if kind == "away":
            actions.register_outflow(acting_user=registrar, person=person, departure_date=TODAY, reason="work")
            continue
        if kind == "home":
            continue
        residence = pick(villages, move[1])
        if codes.contains(codes.township_of(household), residence):
            continue  # same township: not a migration, the person stays at home
        migration = actions.register_inflow(
            acting_user=registrar, id_number=person.id_number, name=person.name,
            arrival_date=TODAY - datetime.timedelta(days=move[2] if kind == "arrived" else 5),
            residence_code=residence, address="某路 1 号", residence_type="rented",
        )
        if kind == "arrived_closed":
            actions.close_migration(acting_user=registrar, migration=migration, outcome=move[2], ended_on=TODAY)
        elif kind == "arrived_twice":
            onward = pick(villages, move[2])
            if onward != residence and not codes.contains(codes.township_of(household), onward):
                actions.register_inflow(
                    acting_user=registrar, id_number=person.id_number, name=person.name, arrival_date=TODAY,
                    residence_code=onward, address="某路 2 号", residence_type="dormitory",
                )


def make_users(nodes, plans):
    users = []
    for assignments, active in plans:
        placed = []
        for node_index, role_index in assignments:
            node = pick(nodes, node_index)
            fitting = [role for role in Role if codes.level_of(node) in ROLE_LEVELS[role]]
            placed.append((pick(fitting, role_index), node))
        placed = list(dict.fromkeys(placed))
        if placed:
            user = f.make_user(*placed[0])
            for role, node in placed[1:]:
                f.add_role(user, role, node)
        else:  # an account whose roles were all withdrawn
            user = f.make_user(Role.PROVINCE_OFFICER, nodes[0])
            user.role_assignments.all().delete()
            user.__dict__.pop("_huiliu_assignments", None)
        if not active:
            deactivate_user(acting_user=None, user=user)
        users.append((user, [node for _role, node in placed] if active else []))
    return users


def check_user(user, assignments, nodes):
    def seen(code):
        return any(under(a, code) for a in assignments)

    # The scoping function's ranges are exactly the assignments' subtrees.
    ranges = jurisdiction_ranges(user)
    for low, high in ranges:
        assert any(under(a, low) and under(a, high) and prefix_of(a) == prefix_of(low) for a in assignments)
    for code in (p.household_jurisdiction_id for p in Person.objects.all()):
        assert any(low <= code <= high for low, high in ranges) == seen(code)

    # Soundness and completeness of the list.
    listed = list(queries.list_persons(user=user))
    for person in listed:
        assert any(low <= c <= high for low, high in ranges
                   for c in (person.household_jurisdiction_id, person.residence_jurisdiction_id) if c is not None)
    expected = {p.pk for p in Person.objects.all() if seen(p.household_jurisdiction_id) or seen(p.residence_jurisdiction_id)}
    assert {p.pk for p in listed} == expected
    assert len(listed) == len(expected), "no person listed twice"

    # One person at a time: in scope opens, out of scope is not found.
    for person in Person.objects.all():
        try:
            queries.access_person(user, person.pk)
            opened = True
        except NotFound:
            opened = False
        assert opened == (person.pk in expected)

    # The figures count only moves and arrivals of the subtree, and all of them.
    open_moves = [m for m in Migration.objects.all() if m.is_open]
    month_start = TODAY.replace(day=1)
    assert queries.count_jurisdiction_figures(user=user, today=TODAY) == {
        "outflow": sum(seen(m.origin_jurisdiction_id) for m in open_moves),
        "inflow": sum(m.status == "arrived" and seen(m.destination_jurisdiction_id) for m in open_moves),
        "arrivals_this_month": sum(
            seen(i.residence_jurisdiction_id) and month_start <= i.arrival_date <= TODAY
            for i in InflowRegistration.objects.all()
        ),
    }
    arrivals = queries.list_recent_arrivals(user=user, limit=1000)
    # The home page lists ongoing stays only: an arrival whose move has ended is gone from it.
    assert {a.pk for a in arrivals} == {
        i.pk for i in InflowRegistration.objects.select_related("migration")
        if seen(i.residence_jurisdiction_id) and i.migration.status == "arrived"
    }
    assert {a.migration.person_id for a in arrivals} <= expected

    # The exchange: an office sees what was sent to it and what it sent, nothing else.
    messages = list(Message.objects.all())
    assert {m.pk for m in exchange_queries.list_inbox(user=user)} == {m.pk for m in messages if seen(m.receiver_code)}
    assert {m.pk for m in exchange_queries.list_outbox(user=user)} == {m.pk for m in messages if seen(m.sender_code)}
    for message in messages:
        try:
            exchange_queries.access_message(user, message.pk)
            opened = True
        except NotFound:
            opened = False
        assert opened == (seen(message.sender_code) or seen(message.receiver_code))

    # The ledger: a node outside the scope is not found; a node inside counts its subtree's moves, all of them.
    month = period_containing(TODAY, "month")
    for node in nodes:
        try:
            ledger = report_queries.compute_ledger(user=user, code=node, period=month)
        except NotFound:
            assert not seen(node)
            continue
        assert seen(node)
        if node in assignments:
            assert ledger.total.values["away"] == sum(under(node, m.origin_jurisdiction_id) for m in open_moves)
            assert ledger.total.values["present"] == sum(
                m.status == "arrived" and under(node, m.destination_jurisdiction_id) for m in open_moves)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(villages=trees(), person_plans=PERSONS, user_plans=USERS)
def test_every_query_returns_exactly_the_callers_subtree(settings, villages, person_plans, user_plans):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with transaction.atomic():
        nodes = build_tree(villages)
        registrar = f.make_user(Role.PROVINCE_OFFICER, nodes[0])
        for province in {n for n in nodes if codes.level_of(n) == codes.PROVINCE} - {nodes[0]}:
            f.add_role(registrar, Role.PROVINCE_OFFICER, province)
        register_persons(registrar, villages, person_plans)
        for user, assignments in make_users(nodes, user_plans):
            check_user(user, assignments, nodes)
        transaction.set_rollback(True)  # the next example starts from an empty database
