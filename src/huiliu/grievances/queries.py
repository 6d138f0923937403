"""Every read of grievances: scoped lists and pages, the public tracking page, forums and the report figures.

A grievance is seen in the subtree of its owner unit, and in the subtree of the place it
concerns, except a complaint about the misconduct of staff: that one only the owner unit's
line sees, so that the staff it is about do not read who complained. Overdue is derived
(open and past its deadline), never stored.
"""

import datetime
import unicodedata
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone

from huiliu.accounts.scope import in_scope, role_ranges, scope_filter
from huiliu.audit.actions import record_event
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import NotFound
from huiliu.core.models import is_uuid
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.models import Jurisdiction
from huiliu.jurisdictions.queries import full_names

from .actions import (
    FORUM_OBJECT_TYPE,
    OBJECT_TYPE,
    REASSIGNING_ROLES,
    check_code_matches,
    hash_check_code,
)
from .models import (
    OPEN_STATUSES,
    Forum,
    Grievance,
    GrievanceKind,
    GrievanceStatus,
    Topic,
)


def _visible(user) -> Q:
    return scope_filter(user, "owner_id") | (scope_filter(user, "place_id") & ~Q(topic=Topic.STAFF_MISCONDUCT))


def is_visible(user, grievance: Grievance) -> bool:
    """Whether the user may see this grievance (say, one they just filed about staff of their own office)."""
    return Grievance.objects.filter(_visible(user), pk=grievance.pk).exists()


def overdue_condition(today: datetime.date) -> Q:
    """Open and past its last day."""
    return Q(status__in=OPEN_STATUSES, deadline__lt=today)


def with_overdue(grievances: QuerySet[Grievance], today: datetime.date | None = None) -> QuerySet[Grievance]:
    """Annotate `is_overdue`: still open after its deadline day."""
    today = today or timezone.localdate()
    return grievances.annotate(is_overdue=Case(When(overdue_condition(today), then=Value(True)), default=Value(False),
                                               output_field=BooleanField()))


def list_grievances(*, user, kind: str = "", status: str = "", overdue: bool = False,
                    today: datetime.date | None = None) -> QuerySet[Grievance]:
    """List the grievances the user may see, newest first, filtered by kind, status and overdue; audited."""
    today = today or timezone.localdate()
    rows = with_overdue(Grievance.objects.filter(_visible(user)), today)
    kind = kind if kind in GrievanceKind.values else ""
    status = status if status in GrievanceStatus.values else ""
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if overdue:
        rows = rows.filter(overdue_condition(today))
    record_event(actor=user, event="list", object_type=OBJECT_TYPE,
                 detail={"kind": kind, "status": status, "overdue": bool(overdue)})
    return rows.order_by("-filed_at", "id")


def count_overdue(*, user, today: datetime.date | None = None) -> int:
    """How many grievances owned by offices in the user's scope are overdue."""
    today = today or timezone.localdate()
    return Grievance.objects.filter(scope_filter(user, "owner_id")).filter(overdue_condition(today)).count()


def count_home_figures(*, user, today: datetime.date | None = None) -> dict[str, int]:
    """For the home page, of the grievances owned by offices in the user's scope: open, overdue, due this week."""
    today = today or timezone.localdate()
    open_here = Grievance.objects.filter(scope_filter(user, "owner_id"), status__in=OPEN_STATUSES)
    return open_here.aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(deadline__lt=today)),
        due_this_week=Count("id", filter=Q(deadline__gte=today, deadline__lt=today + datetime.timedelta(days=7))),
    )


def access_grievance(user, grievance_id, *, today: datetime.date | None = None) -> Grievance:
    """Fetch one grievance the user may see; out of scope answers exactly as missing, and both are audited."""
    rows = with_overdue(Grievance.objects.filter(_visible(user)), today).select_related(
        "place", "owner", "person", "forum", "filed_by", "taken_by", "closed_by")
    grievance = rows.filter(pk=grievance_id).first() if is_uuid(grievance_id) else None
    if grievance is None:
        asked_for = Grievance.objects.filter(pk=grievance_id).first() if is_uuid(grievance_id) else None
        record_event(actor=user, event="view", object_type=OBJECT_TYPE, object_id=str(grievance_id)[:64],
                     outcome=AuditEvent.Outcome.DENIED,
                     subject_codes=(asked_for.place_id, asked_for.owner_id) if asked_for else (None, None))
        raise NotFound(grievance_id)
    record_event(actor=user, event="view", object_type=OBJECT_TYPE, object_id=grievance.pk,
                 subject_codes=(grievance.place_id, grievance.owner_id))
    return grievance


def list_steps(grievance: Grievance):
    """The handling history of a grievance (call after access_grievance)."""
    return grievance.steps.select_related("by").order_by("at", "created_at")


@dataclass(frozen=True)
class TrackedGrievance:
    """All the public tracking page may tell: what kind of request, where it stands, and its dates."""

    kind_label: str
    status: str
    status_label: str
    filed_on: datetime.date
    deadline: datetime.date
    closed_on: datetime.date | None


def normalize_tracking_number(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw or "").strip().upper()


def track_grievance(tracking_number: str, check_code: str) -> TrackedGrievance | None:
    """Where a grievance stands, for whoever holds its tracking number and its check code.

    A wrong code answers exactly as an unknown number. Both are audited (no account; the
    client address is on the row), so guessing shows in the trail.
    """
    number = normalize_tracking_number(tracking_number)
    code = unicodedata.normalize("NFKC", check_code or "").strip()
    grievance = Grievance.objects.filter(tracking_number=number).first() if number else None
    if grievance is None:
        hash_check_code(number, code)  # the same work as a check: the time taken tells nothing either
        matches = False
    else:
        matches = bool(code) and check_code_matches(grievance, code)
    if not matches:
        record_event(actor=None, event="track", object_type=OBJECT_TYPE, object_id=number[:64],
                     outcome=AuditEvent.Outcome.DENIED,
                     subject_codes=(grievance.place_id, grievance.owner_id) if grievance else (None, None))
        return None
    record_event(actor=None, event="track", object_type=OBJECT_TYPE, object_id=grievance.pk,
                 subject_codes=(grievance.place_id, grievance.owner_id))
    return TrackedGrievance(kind_label=grievance.get_kind_display(), status=grievance.status,
                            status_label=grievance.get_status_display(),
                            filed_on=timezone.localdate(grievance.filed_at), deadline=grievance.deadline,
                            closed_on=grievance.closed_on)


def list_forums(*, user) -> QuerySet[Forum]:
    """List the forums hosted by, or held at a place in, the user's scope, latest first; audited."""
    record_event(actor=user, event="list", object_type=FORUM_OBJECT_TYPE)
    return (Forum.objects.filter(scope_filter(user, "host_id", "place_id"))
            .annotate(suggestion_count=Count("suggestions")).order_by("-held_on", "-created_at"))


def access_forum(user, forum_id) -> Forum:
    """Fetch one forum in the user's scope; out of scope answers exactly as missing, and both are audited."""
    rows = Forum.objects.filter(scope_filter(user, "host_id", "place_id")).select_related("place", "host", "recorded_by")
    forum = rows.filter(pk=forum_id).first() if is_uuid(forum_id) else None
    if forum is None:
        record_event(actor=user, event="view", object_type=FORUM_OBJECT_TYPE, object_id=str(forum_id)[:64],
                     outcome=AuditEvent.Outcome.DENIED)
        raise NotFound(forum_id)
    record_event(actor=user, event="view", object_type=FORUM_OBJECT_TYPE, object_id=forum.pk,
                 subject_codes=(forum.place_id, forum.host_id))
    return forum


def list_forum_suggestions(*, user, forum: Forum, today: datetime.date | None = None) -> QuerySet[Grievance]:
    """The suggestions raised at a forum, those the user may follow (call after access_forum)."""
    return with_overdue(forum.suggestions.filter(_visible(user)), today).order_by("tracking_number")


def count_grievance_figures(*, user, code: int, start: datetime.date, end: datetime.date,
                            today: datetime.date | None = None) -> dict:
    """Figures of the grievances received by offices in the subtree of `code` between start and end (inclusive).

    Of those received in the period (by owner unit):
    - received, and by kind (complaints, suggestions, rights_protection);
    - resolved (so far), resolved_on_time (resolved on or before the deadline day);
    - closed_unresolved; open; overdue (open past the deadline, as of `today`);
    - due: closed either way, or past the deadline: the ones whose time has come;
    - on_time_rate = resolved_on_time / due (None when none is due yet).

    Outside the user's scope the answer is NotFound, and the denial is audited.
    """
    if not in_scope(user, code):
        record_event(actor=user, event="statistic", object_type=OBJECT_TYPE, object_id=str(code),
                     outcome=AuditEvent.Outcome.DENIED)
        raise NotFound(code)
    today = today or timezone.localdate()
    low, high = codes.subtree_range(code)
    since, until = _day_bounds(start, end)
    received = Grievance.objects.filter(owner_id__gte=low, owner_id__lte=high, filed_at__gte=since, filed_at__lt=until)
    resolved = Q(status=GrievanceStatus.RESOLVED)
    closed = ~Q(status__in=OPEN_STATUSES)
    figures = received.aggregate(
        received=Count("id"),
        complaints=Count("id", filter=Q(kind=GrievanceKind.COMPLAINT)),
        suggestions=Count("id", filter=Q(kind=GrievanceKind.SUGGESTION)),
        rights_protection=Count("id", filter=Q(kind=GrievanceKind.RIGHTS_PROTECTION)),
        resolved=Count("id", filter=resolved),
        resolved_on_time=Count("id", filter=resolved & Q(closed_on__lte=F("deadline"))),
        closed_unresolved=Count("id", filter=Q(status=GrievanceStatus.CLOSED_UNRESOLVED)),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=overdue_condition(today)),
        due=Count("id", filter=closed | Q(deadline__lt=today)),
    )
    figures["on_time_rate"] = figures["resolved_on_time"] / figures["due"] if figures["due"] else None
    record_event(actor=user, event="statistic", object_type=OBJECT_TYPE, object_id=str(code),
                 detail={"start": start.isoformat(), "end": end.isoformat()})
    return figures


def _day_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of `start` and of the day after `end`, in the deployment's time zone."""
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return since, until


def list_reassign_targets(*, user, grievance: Grievance) -> list[tuple[int, str]]:
    """The offices the user may hand this grievance to: counties of their subtree, and the townships of its county.

    Only officers of county level or above reassign; for others the list is empty.
    """
    ranges = [r for role in REASSIGNING_ROLES for r in role_ranges(user, role)]
    if not ranges:
        return []
    county = grievance.owner_id - grievance.owner_id % 10 ** 6
    low, high = codes.subtree_range(county)
    within = Q(pk__in=[])
    for start, end in ranges:
        within |= Q(code__gte=start, code__lte=end)
    nodes = Jurisdiction.objects.filter(within).filter(
        Q(level=codes.COUNTY) | Q(level=codes.TOWNSHIP, code__gte=low, code__lte=high)).exclude(
        code=grievance.owner_id).order_by("code").values_list("code", flat=True)
    wanted = list(nodes[:500])
    names = full_names(wanted)
    return [(code, names.get(code, str(code))) for code in wanted]
