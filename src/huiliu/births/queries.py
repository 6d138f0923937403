"""Every read of birth registration: scoped lists and pages, the family's public status check, the figures.

A registration is seen by the office where it was filed and by both places the
family named (household place and residence), each with everything above it.
"""

import datetime
import hmac
import unicodedata
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from huiliu.accounts.scope import in_scope, scope_filter
from huiliu.audit.actions import record_event
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import NotFound
from huiliu.core.identity import mask_name
from huiliu.core.medians import middle_values
from huiliu.core.models import is_uuid
from huiliu.jurisdictions import codes

from .actions import OBJECT_TYPE
from .models import BirthRegistration, Channel, FiledAt, RegistrationStatus
from .voucher import render_voucher

SCOPE_FIELDS = ("jurisdiction_id", "household_code", "residence_code")


def _scoped(user) -> QuerySet[BirthRegistration]:
    return BirthRegistration.objects.filter(scope_filter(user, *SCOPE_FIELDS))


def list_registrations(*, user, status: str = "") -> QuerySet[BirthRegistration]:
    """List the registrations filed in, or naming a place in, the user's scope, newest first; audited."""
    rows = _scoped(user)
    if status in RegistrationStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    record_event(actor=user, event="list", object_type=OBJECT_TYPE, detail={"status": status})
    return rows.order_by("-submitted_at", "id")


def access_registration(user, registration_id) -> BirthRegistration:
    """Fetch one registration in the user's scope; out of scope answers exactly as missing, and both are audited."""
    rows = _scoped(user).select_related("jurisdiction", "mother", "filed_by", "confirmed_by", "withdrawn_by")
    registration = rows.filter(pk=registration_id).first() if is_uuid(registration_id) else None
    if registration is None:
        # The places the family named (when the registration exists) learn of the attempt; the caller learns nothing.
        asked_for = BirthRegistration.objects.filter(pk=registration_id).first() if is_uuid(registration_id) else None
        record_event(actor=user, event="view", object_type=OBJECT_TYPE, object_id=str(registration_id)[:64],
                     outcome=AuditEvent.Outcome.DENIED,
                     subject_codes=_places(asked_for) if asked_for else (None, None))
        raise NotFound(registration_id)
    record_event(actor=user, event="view", object_type=OBJECT_TYPE, object_id=registration.pk,
                 subject_codes=_places(registration))
    return registration


def export_voucher(user, registration_id) -> tuple[BirthRegistration, bytes]:
    """The voucher PDF of a confirmed registration in the user's scope; the download is audited.

    Missing, out of scope or not confirmed: NotFound alike.
    """
    registration = access_registration(user, registration_id)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise NotFound(registration_id)
    pdf = render_voucher(registration)
    record_event(actor=user, event="export", object_type=OBJECT_TYPE, object_id=registration.pk,
                 subject_codes=_places(registration),
                 detail={"document": "voucher", "voucher_number": registration.voucher_number})
    return registration, pdf


@dataclass(frozen=True)
class TrackedRegistration:
    """All the public status page may tell: where the registration stands, and whose it is, masked."""

    status: str
    status_label: str
    masked_name: str


def track_registration(tracking_number: str, id_last_four: str) -> TrackedRegistration | None:
    """The status of a registration for whoever holds its tracking number and the last four characters of the ID.

    A wrong last four answers exactly as an unknown number. Both are audited (no
    account; the client address is on the row), so guessing shows in the trail.
    """
    number = unicodedata.normalize("NFKC", tracking_number or "").strip()
    last_four = unicodedata.normalize("NFKC", id_last_four or "").strip().upper()
    registration = BirthRegistration.objects.filter(tracking_number=number).first() if number else None
    if registration is None or len(last_four) != 4 or not hmac.compare_digest(
            registration.mother_id_number[-4:].encode(), last_four.encode()):
        record_event(actor=None, event="track", object_type=OBJECT_TYPE, object_id=number[:64],
                     outcome=AuditEvent.Outcome.DENIED,
                     subject_codes=_places(registration) if registration else (None, None))
        return None
    record_event(actor=None, event="track", object_type=OBJECT_TYPE, object_id=registration.pk,
                 subject_codes=_places(registration))
    return TrackedRegistration(status=registration.status, status_label=registration.get_status_display(),
                               masked_name=mask_name(registration.mother_name))


def count_registration_figures(*, user, code: int, start: datetime.date, end: datetime.date) -> dict:
    """Figures of the registrations filed in the subtree of `code`, for the reports.

    - registrations: filed between start and end (inclusive days) and not withdrawn since,
      split by where they were filed (at_residence, at_household) and by channel (online, by_worker);
    - confirmed: confirmed between start and end, and not withdrawn since;
      median_days_to_confirmation over those (None when there are none);
    - withdrawn: withdrawn between start and end.

    Outside the user's scope the answer is NotFound, and the denial is audited.
    """
    if not in_scope(user, code):
        record_event(actor=user, event="statistic", object_type=OBJECT_TYPE, object_id=str(code),
                     outcome=AuditEvent.Outcome.DENIED)
        raise NotFound(code)
    low, high = codes.subtree_range(code)
    filed_here = BirthRegistration.objects.filter(jurisdiction_id__gte=low, jurisdiction_id__lte=high)
    since, until = _day_bounds(start, end)
    figures = (
        filed_here.filter(submitted_at__gte=since, submitted_at__lt=until)
        .exclude(status=RegistrationStatus.WITHDRAWN)
        .aggregate(
            registrations=Count("id"),
            at_residence=Count("id", filter=Q(filed_at=FiledAt.RESIDENCE)),
            at_household=Count("id", filter=Q(filed_at=FiledAt.HOUSEHOLD)),
            online=Count("id", filter=Q(channel=Channel.ONLINE)),
            by_worker=Count("id", filter=Q(channel=Channel.WORKER)),
        )
    )
    figures["withdrawn"] = filed_here.filter(withdrawn_at__gte=since, withdrawn_at__lt=until).count()
    confirmed = filed_here.filter(status=RegistrationStatus.CONFIRMED, confirmed_at__gte=since, confirmed_at__lt=until)
    figures["confirmed"] = confirmed.count()
    figures["median_days_to_confirmation"] = _median_days(confirmed, figures["confirmed"])
    return figures


def _median_days(confirmed: QuerySet[BirthRegistration], count: int) -> float | int | None:
    """The median of days_to_confirmation, taken by the database from the ordered rows (one or two values fetched)."""
    middle = middle_values(confirmed, "days_to_confirmation", count)
    if not middle:
        return None
    median = sum(middle) / len(middle)
    return int(median) if median == int(median) else median


def _day_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of `start` and of the day after `end`, in the deployment's time zone."""
    zone = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return since, until


def _places(registration: BirthRegistration) -> tuple[int | None, int | None]:
    return registration.household_code, registration.residence_code
