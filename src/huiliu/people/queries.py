import datetime

from django.db.models import QuerySet

from huiliu.accounts.scope import scope_filter
from huiliu.audit.actions import record_event
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import NotFound
from huiliu.core.identity import ID_NUMBER, normalize_id_number
from huiliu.core.models import is_uuid

from .models import InflowRegistration, Migration, MigrationStatus, OPEN_STATUSES, Person

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
    person = _fetch_or_deny(user, persons, person_id, object_type="person")
    record_event(actor=user, event="view", object_type="person", object_id=person.pk, subject_codes=person.place_codes)
    return person


def access_migration(user, migration_id) -> Migration:
    """Fetch one move of a person in the user's scope; out of scope answers as missing, audited."""
    moves = Migration.objects.filter(person__in=_scoped_persons(user)).select_related("person")
    migration = _fetch_or_deny(user, moves, migration_id, object_type="migration")
    record_event(actor=user, event="view", object_type="person", object_id=migration.person_id,
                 subject_codes=migration.person.place_codes,
                 detail={"migration": str(migration.pk)})
    return migration


def _fetch_or_deny(user, scoped_rows: QuerySet, row_id, *, object_type: str):
    """The row with this id among the scoped rows, or an audited denial that reads as not found."""
    row = scoped_rows.filter(pk=row_id).first() if is_uuid(row_id) else None
    if row is None:
        # The places of the person asked for (when it exists) learn of the attempt; the caller learns nothing.
        asked_for = Person.objects.filter(pk=row_id).first() if object_type == "person" and is_uuid(row_id) else None
        record_event(actor=user, event="view", object_type=object_type, object_id=str(row_id)[:64],
                     outcome=AuditEvent.Outcome.DENIED,
                     subject_codes=asked_for.place_codes if asked_for else (None, None))
        raise NotFound(row_id)
    return row


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
