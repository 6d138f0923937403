"""Every write of certificates and proxy applications: one function a use case, one transaction, audited.

A certificate is issued only at the person's request (in person, or through a proxy
application recorded where they live) by an officer of the household township or
above. Its number is the township's division code, the year and a sequence
(370114001-2026-000042); a change issues a new version that keeps the number and adds
"-v2", "-v3" …, so the chain of versions reads in the number itself (a fresh number
only when the person's household township is no longer the one that issued the first).
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huiliu.accounts.scope import require_write_scope
from huiliu.audit.actions import record_event
from huiliu.core import events
from huiliu.core.errors import FieldErrors, ValidationFailed
from huiliu.core.models import user_or_none
from huiliu.core.numbering import next_document_number
from huiliu.jurisdictions import codes
from huiliu.people.models import Person

from .models import CertificateStatus, ProxyApplication, ProxyStatus, RequestedBy, StatusCertificate
from .queries import snapshot_of

# How long a certificate is valid unless the issuing officer chooses otherwise, and the most they may choose.
DEFAULT_VALID_DAYS = 180
LONGEST_VALID_DAYS = 365
# The document a proxy application asks for, as the exchange message names it.
DOCUMENT_NAME = "婚育情况证明"
NUMBER_KIND = "certificate"


def issuing_township(person: Person) -> int:
    """The office that issues a person's certificate: the township of their household place."""
    return codes.township_of(person.household_jurisdiction_id)


def _require_issuing_scope(acting_user, township: int, *, object_type: str, object_id="") -> None:
    # The township's own code lies only in the subtrees of its officers and those above: a village worker,
    # whose subtree is the village, is refused here as a stranger is.
    require_write_scope(acting_user, township, object_type=object_type, object_id=object_id,
                        message=_("Only an officer of the person's household township, or above it, "
                                  "can issue or change this certificate."))


def _check_valid_days(valid_days) -> int:
    if isinstance(valid_days, bool) or not isinstance(valid_days, int) or not 1 <= valid_days <= LONGEST_VALID_DAYS:
        raise ValidationFailed({"valid_days": [
            _("Enter a validity from 1 to %(days)d days.") % {"days": LONGEST_VALID_DAYS}]})
    return valid_days


def _create_certificate(*, acting_user, person: Person, township: int, number: str, version: int,
                        valid_days: int, requested_by: str, supersedes=None, reissue_reason: str = ""):
    today = timezone.localdate()
    return StatusCertificate.objects.create(
        number=number, person=person, issuing_jurisdiction_id=township, version=version, supersedes=supersedes,
        issued_on=today, valid_until=today + datetime.timedelta(days=valid_days), snapshot=snapshot_of(person),
        status=CertificateStatus.VALID, issued_by=user_or_none(acting_user), requested_by=requested_by,
        reissue_reason=reissue_reason,
    )


def _supersede_valid_certificates(person: Person) -> StatusCertificate | None:
    """Mark the person's valid, unexpired certificates superseded; return the latest, which the new one replaces.

    Call inside the transaction, with the person's row locked: one person never holds two valid
    certificates, which could state different facts.
    """
    current = list(StatusCertificate.objects.select_for_update().filter(
        person=person, status=CertificateStatus.VALID, valid_until__gte=timezone.localdate(),
    ).order_by("-issued_on", "-created_at"))
    for old in current:
        old.status = CertificateStatus.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
    return current[0] if current else None


def issue_certificate(*, acting_user, person: Person, requested_by: str,
                      valid_days: int = DEFAULT_VALID_DAYS) -> StatusCertificate:
    """Issue a status certificate at the person's request, with a snapshot of their registered facts.

    A new request is a new certificate: a fresh number, version 1. A valid, unexpired one the
    person still holds is superseded by it (the new one names it in `supersedes`), so the old
    paper then verifies as superseded; "-vN" versions of one number stay for corrections
    (reissue_certificate). Proxy decisions issue through here and behave the same.
    """
    if requested_by not in RequestedBy.values:
        raise ValidationFailed({"requested_by": [_("A certificate is issued only at the person's request.")]})
    valid_days = _check_valid_days(valid_days)
    township = issuing_township(person)
    _require_issuing_scope(acting_user, township, object_type="certificate")
    with transaction.atomic():
        # Two issues for one person at the same moment: the second waits here and then supersedes the first.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        replaced = _supersede_valid_certificates(person)
        number = next_document_number(jurisdiction_code=township, kind=NUMBER_KIND, year=timezone.localdate().year)
        certificate = _create_certificate(acting_user=acting_user, person=person, township=township, number=number,
                                          version=1, valid_days=valid_days, requested_by=requested_by,
                                          supersedes=replaced)
        detail = {"certificate": str(certificate.pk), "number": number, "requested_by": requested_by}
        if replaced is not None:
            detail.update(supersedes=str(replaced.pk), superseded_number=replaced.number)
        record_event(actor=acting_user, event="issue_certificate", object_type="person", object_id=person.pk,
                     subject_codes=person.place_codes, detail=detail)
    return certificate


def reissue_certificate(*, acting_user, certificate: StatusCertificate, reason: str,
                        valid_days: int | None = None) -> StatusCertificate:
    """Issue a new version with a fresh snapshot; the old one is superseded. Only a valid certificate is reissued."""
    errors = FieldErrors()
    reason = errors.text("reason", reason, 200, required=True,
                         missing=_("Give the reason for the new version."))
    errors.raise_if_any()
    _require_issuing_scope(acting_user, certificate.issuing_jurisdiction_id, object_type="certificate",
                           object_id=certificate.pk)
    with transaction.atomic():
        old = StatusCertificate.objects.select_for_update().select_related("person").get(pk=certificate.pk)
        if old.status != CertificateStatus.VALID:
            raise ValidationFailed({"__all__": [_("Only a valid certificate can be replaced by a new version.")]})
        person = old.person
        township = issuing_township(person)
        if valid_days is None:
            valid_days = min(max((old.valid_until - old.issued_on).days, 1), LONGEST_VALID_DAYS)
        valid_days = _check_valid_days(valid_days)
        if township == old.issuing_jurisdiction_id:
            number, version = f"{old.number.split('-v')[0]}-v{old.version + 1}", old.version + 1
        else:
            # The household moved to another township: that township issues, under its own number.
            _require_issuing_scope(acting_user, township, object_type="certificate", object_id=old.pk)
            number = next_document_number(jurisdiction_code=township, kind=NUMBER_KIND,
                                          year=timezone.localdate().year)
            version = old.version + 1
        old.status = CertificateStatus.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
        new = _create_certificate(acting_user=acting_user, person=person, township=township, number=number,
                                  version=version, valid_days=valid_days, requested_by=old.requested_by,
                                  supersedes=old, reissue_reason=reason)
        record_event(actor=acting_user, event="reissue_certificate", object_type="person", object_id=person.pk,
                     subject_codes=person.place_codes,
                     detail={"certificate": str(new.pk), "number": number, "supersedes": str(old.pk),
                             "reason": reason})
    return new


def revoke_certificate(*, acting_user, certificate: StatusCertificate, reason: str) -> StatusCertificate:
    """Revoke a certificate, with the reason; it then verifies as revoked."""
    errors = FieldErrors()
    reason = errors.text("reason", reason, 200, required=True,
                         missing=_("Give the reason for the revocation."))
    errors.raise_if_any()
    _require_issuing_scope(acting_user, certificate.issuing_jurisdiction_id, object_type="certificate",
                           object_id=certificate.pk)
    with transaction.atomic():
        certificate = StatusCertificate.objects.select_for_update().select_related("person").get(pk=certificate.pk)
        if certificate.status != CertificateStatus.VALID:
            raise ValidationFailed({"__all__": [_("Only a valid certificate can be revoked.")]})
        certificate.status = CertificateStatus.REVOKED
        certificate.revoked_at = timezone.now()
        certificate.revocation_reason = reason
        certificate.revoked_by = user_or_none(acting_user)
        certificate.save(update_fields=["status", "revoked_at", "revocation_reason", "revoked_by", "updated_at"])
        record_event(actor=acting_user, event="revoke_certificate", object_type="person",
                     object_id=certificate.person_id, subject_codes=certificate.person.place_codes,
                     detail={"certificate": str(certificate.pk), "number": certificate.number, "reason": reason})
    return certificate


# --- Proxy applications (代办) ---------------------------------------------------------------------------


def apply_by_proxy(*, acting_user, person: Person, purpose: str) -> ProxyApplication:
    """Record, where the person lives, their application for a certificate from the origin, so they need not travel."""
    errors = FieldErrors()
    purpose = errors.text("purpose", purpose, 200, required=True,
                          missing=_("Say what the person needs the certificate for."))
    errors.raise_if_any()
    residence = person.residence_jurisdiction_id
    if residence is None:
        raise ValidationFailed({"__all__": [
            _("Where this person lives now is not known: register their arrival first.")]})
    require_write_scope(acting_user, residence, object_type="person", object_id=person.pk,
                        message=_("Only the place where the person lives can apply on their behalf."))
    origin = issuing_township(person)
    if codes.contains(origin, residence):
        raise ValidationFailed({"__all__": [
            _("This person lives in their household township: they can ask for the certificate there.")]})
    try:
        with transaction.atomic():
            Person.objects.select_for_update().filter(pk=person.pk).first()
            if ProxyApplication.objects.filter(person=person, status=ProxyStatus.PENDING).exists():
                raise ValidationFailed({"__all__": [
                    _("An application for this person is already waiting for the origin's decision.")]})
            application = ProxyApplication.objects.create(
                person=person, applying_jurisdiction_id=residence, origin_jurisdiction_id=origin, purpose=purpose,
                status=ProxyStatus.PENDING, applied_at=timezone.now(), applied_by=user_or_none(acting_user),
            )
            record_event(actor=acting_user, event="apply_by_proxy", object_type="person", object_id=person.pk,
                         subject_codes=person.place_codes,
                         detail={"application": str(application.pk), "origin": origin})
            events.publish(events.PROXY_APPLIED, acting_user=acting_user, application=application)
    except IntegrityError:
        # Two offices applied at the same moment: the constraint keeps one.
        raise ValidationFailed({"__all__": [
            _("An application for this person is already waiting for the origin's decision.")]}) from None
    return application


def _days_between(start: datetime.datetime, end: datetime.datetime) -> int:
    """Calendar days from the application to the decision, in the deployment's time zone (0 on the same day)."""
    return max((timezone.localdate(end) - timezone.localdate(start)).days, 0)


def decide_proxy_application(*, acting_user, application: ProxyApplication, issue: bool,
                             refusal_reason: str = "", valid_days: int = DEFAULT_VALID_DAYS) -> ProxyApplication:
    """Decide an application at the origin: issue the certificate (linked to it) or refuse with a reason."""
    errors = FieldErrors()
    refusal_reason = errors.text("refusal_reason", refusal_reason, 500, required=not issue,
                                 missing=_("Give the reason for the refusal."))
    errors.raise_if_any()
    require_write_scope(acting_user, application.origin_jurisdiction_id, object_type="proxy_application",
                        object_id=application.pk,
                        message=_("Only an officer of the origin township, or above it, can decide this application."))
    with transaction.atomic():
        application = ProxyApplication.objects.select_for_update().select_related("person").get(pk=application.pk)
        if application.status != ProxyStatus.PENDING:
            raise ValidationFailed({"__all__": [_("This application has already been decided.")]})
        now = timezone.now()
        if issue:
            application.certificate = issue_certificate(acting_user=acting_user, person=application.person,
                                                        requested_by=RequestedBy.PROXY, valid_days=valid_days)
            application.status = ProxyStatus.ISSUED
            application.refusal_reason = ""
        else:
            application.status = ProxyStatus.REFUSED
            application.refusal_reason = refusal_reason
        application.decided_at = now
        application.days_to_decision = _days_between(application.applied_at, now)
        application.decided_by = user_or_none(acting_user)
        application.save(update_fields=["certificate", "status", "refusal_reason", "decided_at", "days_to_decision",
                                        "decided_by", "updated_at"])
        record_event(actor=acting_user, event="decide_proxy_application", object_type="person",
                     object_id=application.person_id, subject_codes=application.person.place_codes,
                     detail={"application": str(application.pk), "decision": application.status,
                             "days": application.days_to_decision})
        events.publish(events.PROXY_DECIDED, acting_user=acting_user, application=application)
    return application


def record_peer_decision(*, application: ProxyApplication, issued: bool, reason: str, document_number: str,
                         decided_at: datetime.datetime, peer_name: str) -> ProxyApplication:
    """Record on the application the origin's decision that a peer deployment sent back (its PROXY_DECISION).

    Called by the exchange when the answer arrives, already checked as answering this application's request; the
    certificate was issued on the peer, so only its number is kept. An application decided already stays as it is.
    """
    with transaction.atomic():
        application = ProxyApplication.objects.select_for_update().select_related("person").get(pk=application.pk)
        if application.status != ProxyStatus.PENDING:
            return application
        # The peer says when it decided: never before the application, never in the future.
        decided_at = min(max(decided_at, application.applied_at), timezone.now())
        application.status = ProxyStatus.ISSUED if issued else ProxyStatus.REFUSED
        application.refusal_reason = "" if issued else (reason or "").strip()[:500]
        application.document_number = (document_number or "").strip()[:50] if issued else ""
        application.decided_at = decided_at
        application.days_to_decision = _days_between(application.applied_at, decided_at)
        application.decided_by = None
        application.save(update_fields=["status", "refusal_reason", "document_number", "decided_at",
                                        "days_to_decision", "decided_by", "updated_at"])
        record_event(actor=None, username=f"peer:{peer_name}", event="decide_proxy_application",
                     object_type="person", object_id=application.person_id,
                     subject_codes=application.person.place_codes,
                     detail={"application": str(application.pk), "decision": application.status,
                             "days": application.days_to_decision, "document_number": application.document_number,
                             "decided_on": peer_name})
    return application
