import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from huiliu.accounts.scope import in_scope, scope_filter
from huiliu.audit.actions import fetch_or_deny, record_event
from huiliu.core.identity import ID_NUMBER, normalize_id_number

from .models import (
    OPEN_STATUSES,
    InflowRegistration,
    LeftBehindKind,
    LeftBehindRelative,
    LeftBehindVisit,
    Migration,
    MigrationStatus,
    Person,
    latest_adult_birth_date,
)

PERSON_SCOPE_FIELDS = ("household_jurisdiction_id", "residence_jurisdiction_id")


def _scoped_persons(user) -> QuerySet[Person]:
    return Person.objects.filter(scope_filter(user, *PERSON_SCOPE_FIELDS))


def list_persons(*, user, query: str = "") -> QuerySet[Person]:
    """List persons in the user's scope, found by exact ID number or by the start of the name; audited."""
    persons = _scoped_persons(user)
    query = (query or "").strip()
    if query:
        number = normalize_id_number(query)
        if ID_NUMBER.fullmatch(number):
            persons = persons.filter(id_number=number)
        else:
            persons = persons.filter(name__startswith=query)
    record_event(actor=user, event="search" if query else "list", object_type="person", detail={"query": query})
    return persons.order_by("name", "id")


def access_person(user, person_id) -> Person:
    """Fetch one person in the user's scope; out of scope answers exactly as missing, and both are audited."""
    persons = _scoped_persons(user).select_related("household_jurisdiction", "residence_jurisdiction")
    person = fetch_or_deny(user, persons, person_id, object_type="person", subject_codes_of=_places_of_person)
    record_event(actor=user, event="view", object_type="person", object_id=person.pk, subject_codes=person.place_codes)
    return person


def access_migration(user, migration_id) -> Migration:
    """Fetch one move of a person in the user's scope; out of scope answers as missing, audited."""
    moves = Migration.objects.filter(person__in=_scoped_persons(user)).select_related("person")
    migration = fetch_or_deny(user, moves, migration_id, object_type="migration")
    record_event(actor=user, event="view", object_type="person", object_id=migration.person_id,
                 subject_codes=migration.person.place_codes,
                 detail={"migration": str(migration.pk)})
    return migration


def _places_of_person(person_id) -> tuple[int | None, int | None]:
    # The places of the person asked for (when it exists) learn of the attempt; the caller learns nothing.
    asked_for = Person.objects.filter(pk=person_id).first()
    return asked_for.place_codes if asked_for else (None, None)


def list_migrations_of(person: Person) -> QuerySet[Migration]:
    """List a person's moves, newest first (call after access_person)."""
    return (
        person.migrations.select_related(
            "outflow", "inflow", "origin_jurisdiction", "destination_jurisdiction", "inflow__residence_jurisdiction",
            "outflow__destination_jurisdiction",
        ).order_by("-started_on", "-created_at")
    )


def count_jurisdiction_figures(*, user, today: datetime.date | None = None) -> dict[str, int]:
    """Count, over the user's scope: persons away from it, persons living in it from elsewhere, arrivals this month."""
    today = today or datetime.date.today()
    month_start = today.replace(day=1)
    open_moves = Migration.objects.filter(status__in=OPEN_STATUSES)
    outflow = open_moves.filter(scope_filter(user, "origin_jurisdiction_id")).count()
    inflow = open_moves.filter(status=MigrationStatus.ARRIVED).filter(scope_filter(user, "destination_jurisdiction_id")).count()
    arrivals = InflowRegistration.objects.filter(
        scope_filter(user, "residence_jurisdiction_id"), arrival_date__gte=month_start, arrival_date__lte=today
    ).count()
    return {"outflow": outflow, "inflow": inflow, "arrivals_this_month": arrivals}


def list_recent_arrivals(*, user, limit: int = 10) -> list[InflowRegistration]:
    """List the latest arrivals in the user's scope whose stay goes on (not those who moved on or left)."""
    # An arrival whose move is still open is one where the person lives now: in scope, by its residence.
    arrivals = list(
        InflowRegistration.objects.filter(scope_filter(user, "residence_jurisdiction_id"))
        .filter(migration__status=MigrationStatus.ARRIVED)
        .select_related("migration__person", "residence_jurisdiction")
        .order_by("-arrival_date", "-created_at")[:limit]
    )
    record_event(actor=user, event="list", object_type="person",
                 detail={"list": "recent_arrivals", "persons": [str(a.migration.person_id) for a in arrivals]})
    return arrivals


# --- Left-behind children and elders ----------------------------------------------------------------------

DUE_SOON_DAYS = 14


def on_left_behind_roll(today: datetime.date) -> Q:
    """Who is on the roll that day: not taken off it, a family member still away, and a child still under 18."""
    family_away = Migration.objects.filter(person__left_behind=OuterRef("pk"), status__in=OPEN_STATUSES)
    return (Q(ended_on__isnull=True) & Q(Exists(family_away))
            & (Q(kind=LeftBehindKind.ELDER) | Q(birth_date__gt=latest_adult_birth_date(today))))


def is_on_left_behind_roll(relative: LeftBehindRelative, *, today: datetime.date) -> bool:
    """Whether the relative is on the roll that day (call after access_left_behind_relative)."""
    return LeftBehindRelative.objects.filter(pk=relative.pk).filter(on_left_behind_roll(today)).exists()


def _with_family_away(relatives: QuerySet[LeftBehindRelative]) -> QuerySet[LeftBehindRelative]:
    open_moves = Migration.objects.filter(status__in=OPEN_STATUSES).order_by()
    family = Person.objects.order_by("name").prefetch_related(Prefetch("migrations", open_moves, to_attr="open_moves"))
    return relatives.prefetch_related(Prefetch("family_away", family))


def where_now(person: Person) -> int | None:
    """Where a family member away lives now: their registered residence, else the destination their departure named."""
    if person.residence_jurisdiction_id and person.residence_jurisdiction_id != person.household_jurisdiction_id:
        return person.residence_jurisdiction_id
    moves = getattr(person, "open_moves", None)
    if moves is None:
        moves = list(person.migrations.filter(status__in=OPEN_STATUSES))
    return next((m.destination_jurisdiction_id for m in moves if m.destination_jurisdiction_id), None)


def list_left_behind(*, user, kind: str = "", due: str = "",
                     today: datetime.date | None = None) -> QuerySet[LeftBehindRelative]:
    """The roll of left-behind children and elders kept by the household places in the user's scope; audited.

    `due` is "overdue" (the next visit is past) or "soon" (due within two weeks, overdue included).
    """
    today = today or timezone.localdate()
    relatives = LeftBehindRelative.objects.filter(scope_filter(user, "jurisdiction_id")).filter(on_left_behind_roll(today))
    if kind in LeftBehindKind.values:
        relatives = relatives.filter(kind=kind)
    if due == "overdue":
        relatives = relatives.filter(next_visit_due__lt=today)
    elif due == "soon":
        relatives = relatives.filter(next_visit_due__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
    record_event(actor=user, event="list", object_type="left_behind_relative", detail={"kind": kind, "due": due})
    return _with_family_away(relatives.select_related("jurisdiction")).order_by("next_visit_due", "name", "id")


def count_left_behind(*, user, today: datetime.date | None = None) -> dict[str, int]:
    """Children and elders on the roll in the user's scope, and how many are overdue for a visit."""
    today = today or timezone.localdate()
    rows = LeftBehindRelative.objects.filter(scope_filter(user, "jurisdiction_id")).filter(on_left_behind_roll(today))
    return rows.aggregate(
        children=Count("id", filter=Q(kind=LeftBehindKind.CHILD)),
        elders=Count("id", filter=Q(kind=LeftBehindKind.ELDER)),
        overdue=Count("id", filter=Q(next_visit_due__lt=today)),
    )


def access_left_behind_relative(user, relative_id) -> LeftBehindRelative:
    """Fetch one relative on the roll of a household place in the user's scope; others answer as missing; audited."""
    rows = _with_family_away(LeftBehindRelative.objects.filter(scope_filter(user, "jurisdiction_id"))
                             .select_related("jurisdiction", "child"))
    relative = fetch_or_deny(user, rows, relative_id, object_type="left_behind_relative")
    record_event(actor=user, event="view", object_type="left_behind_relative", object_id=relative.pk,
                 subject_codes=(relative.jurisdiction_id, None))
    return relative


def list_visits_to(relative: LeftBehindRelative) -> QuerySet[LeftBehindVisit]:
    """The visits to a relative, newest first (call after access_left_behind_relative or access_person)."""
    return relative.visits.select_related("visitor").order_by("-visited_on", "-created_at")


def list_left_behind_of(person: Person, *, user, today: datetime.date | None = None) -> list[dict]:
    """The relatives a person left behind, for the person's page (call after access_person).

    The household place sees the roll's whole entry. The family's destination office sees what the parents need to
    know that visits happen: who cares for the child or elder, the visits' dates and ways and how the relative was
    found; not the carer's phone, the school, the visitor or the needs raised, which stay with the village.
    """
    today = today or timezone.localdate()
    on_roll = set(LeftBehindRelative.objects.filter(family_away=person).filter(on_left_behind_roll(today))
                  .values_list("id", flat=True))
    visits = LeftBehindVisit.objects.select_related("visitor").order_by("-visited_on", "-created_at")
    relatives = person.left_behind.filter(ended_on__isnull=True).prefetch_related(Prefetch("visits", visits))
    rows = []
    for relative in relatives.order_by("kind", "birth_date", "id"):
        kept_here = in_scope(user, relative.jurisdiction_id)
        if not kept_here and relative.pk not in on_roll:
            continue  # a child come of age, or parents back home: nothing left for the destination to pass on
        rows.append({
            "relative": relative, "full": kept_here,
            "may_write": in_scope(user, relative.jurisdiction_id, writing=True),
            "on_roll": relative.pk in on_roll, "visits": list(relative.visits.all()),
            "overdue": relative.pk in on_roll and relative.next_visit_due < today,
        })
    return rows
