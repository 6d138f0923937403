"""Every read of certificates and proxy applications, through the jurisdiction scope.

A certificate is seen where its person is: by the offices whose scope holds the
person's household place or current residence (the people app's rule). A proxy
application is seen by both its sides: the office that applied and the origin
township that decides. A row out of scope answers exactly as a missing one, and the
attempt is audited.
"""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation

from huiliu.accounts.scope import in_scope, scope_filter
from huiliu.audit.actions import record_event
from huiliu.audit.models import AuditEvent
from huiliu.core.errors import NotFound
from huiliu.core.identity import ID_NUMBER, normalize_id_number
from huiliu.core.medians import middle_values
from huiliu.core.models import is_uuid
from huiliu.jurisdictions import codes
from huiliu.jurisdictions.queries import full_names
from huiliu.people.models import Child, MaritalStatus, Person, Sex

from .models import CertificateStatus, ProxyApplication, ProxyStatus, RequestedBy, StatusCertificate

PERSON_SCOPE_FIELDS = ("person__household_jurisdiction_id", "person__residence_jurisdiction_id")


def _scoped_certificates(user) -> QuerySet[StatusCertificate]:
    return StatusCertificate.objects.filter(scope_filter(user, *PERSON_SCOPE_FIELDS))


def list_certificates(*, user, query: str = "", status: str = "", person_id=None) -> QuerySet[StatusCertificate]:
    """List the certificates of persons in the user's scope, newest first; by person, name, ID or number; audited.

    `status` may be "expired": valid ones past their validity (the stored status is then still "valid").
    """
    certificates = _scoped_certificates(user)
    query = (query or "").strip()
    if person_id is not None:
        certificates = certificates.filter(person_id=person_id) if is_uuid(person_id) else certificates.none()
    if query:
        number = normalize_id_number(query)
        if ID_NUMBER.fullmatch(number):
            certificates = certificates.filter(person__id_number=number)
        else:
            certificates = certificates.filter(Q(number__startswith=query) | Q(person__name__startswith=query))
    today = timezone.localdate()
    if status == CertificateStatus.EXPIRED:
        certificates = certificates.filter(status=CertificateStatus.VALID, valid_until__lt=today)
    elif status == CertificateStatus.VALID:
        certificates = certificates.filter(status=CertificateStatus.VALID, valid_until__gte=today)
    elif status:
        certificates = certificates.filter(status=status)
    record_event(actor=user, event="search" if query else "list", object_type="certificate",
                 detail={"query": query, "status": status, "person": str(person_id or "")})
    return certificates.select_related("person", "issuing_jurisdiction").order_by("-issued_on", "-number")


def access_certificate(user, certificate_id, *, event: str = "view") -> StatusCertificate:
    """Fetch one certificate of a person in the user's scope; out of scope answers as missing; both audited.

    `event` names the read in the audit row: "view" for the page, "download" for the PDF.
    """
    rows = _scoped_certificates(user).select_related("person", "issuing_jurisdiction", "supersedes")
    certificate = rows.filter(pk=certificate_id).first() if is_uuid(certificate_id) else None
    if certificate is None:
        record_event(actor=user, event=event, object_type="certificate", object_id=str(certificate_id)[:64],
                     outcome=AuditEvent.Outcome.DENIED)
        raise NotFound(certificate_id)
    record_event(actor=user, event=event, object_type="person", object_id=certificate.person_id,
                 subject_codes=certificate.person.place_codes,
                 detail={"certificate": str(certificate.pk), "number": certificate.number})
    return certificate


def find_newer_version(certificate: StatusCertificate) -> StatusCertificate | None:
    """The version that superseded this one, if any (call after access_certificate: same person, same scope)."""
    return StatusCertificate.objects.filter(supersedes=certificate).first()


def snapshot_of(person: Person) -> dict:
    """The person's facts as registered now, in plain JSON: what the certificate states, frozen at issue."""
    household = person.household_jurisdiction_id
    # The labels are those of the certificate's language, whatever the officer's browser asked for.
    with translation.override("zh-hans"):
        sexes = {value: str(label) for value, label in Sex.choices}
        marital = str(MaritalStatus(person.marital_status).label)
    children = Child.objects.filter(parent=person).order_by("birth_date", "created_at")
    return {
        "name": person.name,
        "sex": person.sex,
        "sex_label": sexes.get(person.sex, ""),
        "id_number": person.id_number,
        "birth_date": person.birth_date.isoformat(),
        "household_code": household,
        "household_place": full_names([household]).get(household, ""),
        "household_address": person.household_address,
        "marital_status": person.marital_status,
        "marital_status_label": marital,
        "spouse_name": person.spouse_name,
        "spouse_id_number": person.spouse_id_number,
        "children": [
            {"name": child.name, "sex": child.sex, "sex_label": sexes.get(child.sex, ""),
             "birth_date": child.birth_date.isoformat()}
            for child in children
        ],
    }


# --- Proxy applications --------------------------------------------------------------------------------


def _proxy_rows(queryset: QuerySet[ProxyApplication], status: str) -> QuerySet[ProxyApplication]:
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("person", "certificate").order_by("-applied_at", "-created_at")


def list_incoming_proxy_applications(*, user, status: str = "") -> QuerySet[ProxyApplication]:
    """List the applications the user's origin townships are to decide (or have decided), newest first; audited."""
    record_event(actor=user, event="list", object_type="proxy_application", detail={"box": "incoming", "status": status})
    return _proxy_rows(ProxyApplication.objects.filter(scope_filter(user, "origin_jurisdiction_id")), status)


def list_outgoing_proxy_applications(*, user, status: str = "") -> QuerySet[ProxyApplication]:
    """List the applications offices of the user's scope made for the persons living there, newest first; audited."""
    record_event(actor=user, event="list", object_type="proxy_application", detail={"box": "outgoing", "status": status})
    return _proxy_rows(ProxyApplication.objects.filter(scope_filter(user, "applying_jurisdiction_id")), status)


def count_pending_proxy_applications(*, user) -> dict[str, int]:
    """Count the undecided applications on each side: to decide (incoming) and awaited (outgoing); names nobody."""
    pending = ProxyApplication.objects.filter(status=ProxyStatus.PENDING)
    return {
        "incoming": pending.filter(scope_filter(user, "origin_jurisdiction_id")).count(),
        "outgoing": pending.filter(scope_filter(user, "applying_jurisdiction_id")).count(),
    }


def access_proxy_application(user, application_id, *, event: str = "view") -> ProxyApplication:
    """Fetch an application that the user's scope made or decides; otherwise not found; both audited."""
    visible = ProxyApplication.objects.filter(scope_filter(user, "origin_jurisdiction_id", "applying_jurisdiction_id"))
    rows = visible.select_related("person", "certificate", "applied_by", "decided_by")
    application = rows.filter(pk=application_id).first() if is_uuid(application_id) else None
    if application is None:
        record_event(actor=user, event=event, object_type="proxy_application", object_id=str(application_id)[:64],
                     outcome=AuditEvent.Outcome.DENIED)
        raise NotFound(application_id)
    record_event(actor=user, event=event, object_type="person", object_id=application.person_id,
                 subject_codes=application.person.place_codes,
                 detail={"application": str(application.pk),
                         **({"certificate": str(application.certificate_id)} if application.certificate_id else {})})
    return application


def list_proxy_applications_of(person) -> QuerySet[ProxyApplication]:
    """The proxy applications made for a person, newest first (call after access_person)."""
    return ProxyApplication.objects.filter(person=person).order_by("-applied_at")


# --- Figures for the reports ---------------------------------------------------------------------------


def _as_datetime(value) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def _median(values: QuerySet, count: int) -> float | None:
    """The median days to decision, read as the one or two middle rows in SQL order."""
    middle = middle_values(values, "days_to_decision", count)
    return sum(middle) / len(middle) if middle else None


def count_certificate_figures(*, user, code: int, start, end) -> dict:
    """Count the certificates and proxy applications of one subtree over [start, end) (dates or datetimes).

    issued, issued_in_person, issued_by_proxy: certificates (new versions included) issued by offices of the
    subtree on days in the period; proxy_applications: applications made in the period to origins of the subtree;
    of those, proxy_decided, proxy_issued, proxy_refused, proxy_pending (now), and median_days_to_decision over the
    decided ones; proxy_applications_sent: applications made in the period by offices of the subtree.
    Descriptive counts only: no figure here is a target. Counts only a subtree the user's scope holds.
    """
    if not in_scope(user, code):
        record_event(actor=user, event="view", object_type="certificate_figures", object_id=str(code),
                     outcome=AuditEvent.Outcome.DENIED)
        raise NotFound(code)
    low, high = codes.subtree_range(code)
    figures = StatusCertificate.objects.filter(
        issuing_jurisdiction_id__gte=low, issuing_jurisdiction_id__lte=high,
        issued_on__gte=_as_date(start), issued_on__lt=_as_date(end),
    ).aggregate(
        issued=Count("pk"),
        issued_in_person=Count("pk", filter=Q(requested_by=RequestedBy.IN_PERSON)),
        issued_by_proxy=Count("pk", filter=Q(requested_by=RequestedBy.PROXY)),
    )
    period = ProxyApplication.objects.filter(applied_at__gte=_as_datetime(start), applied_at__lt=_as_datetime(end))
    received = period.filter(origin_jurisdiction_id__gte=low, origin_jurisdiction_id__lte=high)
    proxy = received.aggregate(
        proxy_applications=Count("pk"),
        proxy_issued=Count("pk", filter=Q(status=ProxyStatus.ISSUED)),
        proxy_refused=Count("pk", filter=Q(status=ProxyStatus.REFUSED)),
        proxy_pending=Count("pk", filter=Q(status=ProxyStatus.PENDING)),
    )
    proxy["proxy_decided"] = proxy["proxy_issued"] + proxy["proxy_refused"]
    figures.update(proxy)
    figures["median_days_to_decision"] = _median(received.filter(days_to_decision__isnull=False),
                                                 proxy["proxy_decided"])
    figures["proxy_applications_sent"] = period.filter(
        applying_jurisdiction_id__gte=low, applying_jurisdiction_id__lte=high).count()
    record_event(actor=user, event="view", object_type="certificate_figures", object_id=str(code),
                 detail={"start": str(start), "end": str(end)})
    return figures
