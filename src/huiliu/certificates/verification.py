"""Public verification of vouchers and certificates: the page anyone may open, and the reads it needs.

Whoever holds a document learns whether it is valid, its status, its kind and the
masked name, and nothing more. Asked by number, the last four characters of the ID
number must match too, and a wrong four answers exactly like an unknown number, so
the page tells no one which numbers exist. Asked with a QR code's text, the
signature is checked first, without the database; only a genuine code leads to a
lookup of its live status. Each client address (an IPv6 one by its /64) has a few
lookups a minute, and each number a few failed guesses an hour from all clients
together: past them, the number answers "not found" without being checked, and
reaching that cap is audited once. Every lookup is audited without the ID number
or the name.
"""

import datetime
import unicodedata
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from huiliu.audit.actions import record_event
from huiliu.audit.context import client_of_request
from huiliu.audit.models import AuditEvent
from huiliu.births.models import BirthRegistration, RegistrationStatus
from huiliu.births.voucher import signed_voucher
from huiliu.core.identity import mask_id_number, mask_name
from huiliu.core.ratelimit import allow_public_request, count_failed_guess, guesses_exhausted
from huiliu.core.signed_codes import InvalidCode, SignedDocument, decode_document, encode_document
from huiliu.jurisdictions.queries import full_names

from .certificate_pdf import signed_certificate
from .models import CertificateStatus, StatusCertificate

VALID = CertificateStatus.VALID
EXPIRED = CertificateStatus.EXPIRED
SUPERSEDED = CertificateStatus.SUPERSEDED
REVOKED = CertificateStatus.REVOKED
KIND_LABELS = {
    "voucher": gettext_lazy("birth registration voucher"),
    "certificate": gettext_lazy("marital and childbearing status certificate"),
}
RATE_PAGE = "verify"
GUESS_PAGE = "verify_guess"


@dataclass(frozen=True)
class Verdict:
    """What the public may learn of one document, and what the audit row needs to name it."""

    kind: str
    number: str
    status: str
    masked_name: str
    row_id: str
    subject_codes: tuple[int | None, int | None]

    @property
    def valid(self) -> bool:
        return self.status == VALID

    @property
    def status_label(self) -> str:
        return str(CertificateStatus(self.status).label)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


# --- Reads ----------------------------------------------------------------------------------------


def normalized_number(raw: str) -> str:
    """The document number as issued: full-width characters folded, no spaces."""
    return "".join(unicodedata.normalize("NFKC", raw or "").split())


def find_documents(number: str, id_last_four: str, *, today: datetime.date | None = None) -> list[Verdict]:
    """The documents with this number whose holder's ID number ends with these four characters (usually one)."""
    number = normalized_number(number)
    last_four = unicodedata.normalize("NFKC", id_last_four or "").strip().upper()
    if not number or len(last_four) != 4:
        return []
    # Both kinds are always read, found or not, so the time taken tells nothing either.
    found = [_voucher_verdict(registration) for registration in _vouchers(number)
             if registration.mother_id_number.upper().endswith(last_four)]
    found += [_certificate_verdict(certificate, today) for certificate in _certificates(number)
              if str(certificate.snapshot.get("id_number", "")).upper().endswith(last_four)]
    return [verdict for verdict in found if verdict is not None]


def live_status(document: SignedDocument, *, today: datetime.date | None = None) -> Verdict | None:
    """The current status of a genuine signed document issued by this deployment; None when it is not found here."""
    if document.deployment != settings.HUILIU_DEPLOYMENT:
        return None
    number = normalized_number(document.number)
    if document.kind == "voucher":
        rows = [(_voucher_verdict(r), r.mother_id_number) for r in _vouchers(number)]
    else:
        rows = [(_certificate_verdict(c, today), str(c.snapshot.get("id_number", ""))) for c in _certificates(number)]
    # The signed masked ID number must be the row's: a number reused by a restored or foreign database is not this paper.
    return next((verdict for verdict, id_number in rows
                 if verdict is not None and mask_id_number(id_number) == document.id_number_masked), None)


def signed_code_of(number: str) -> str | None:
    """The signed QR text of an issued voucher or certificate with this number, or None; audited."""
    voucher = next((r for r in _vouchers(number) if r.status == RegistrationStatus.CONFIRMED), None)
    certificate = next(iter(_certificates(number)), None)
    document = signed_voucher(voucher) if voucher else signed_certificate(certificate) if certificate else None
    record_event(actor=None, event="print_code", object_type="document", object_id=number[:64],
                 outcome=AuditEvent.Outcome.SUCCESS if document else AuditEvent.Outcome.FAILED)
    return encode_document(document) if document else None


def _vouchers(number: str) -> list[BirthRegistration]:
    return list(BirthRegistration.objects.filter(voucher_number=number).only(
        "id", "voucher_number", "status", "mother_name", "mother_id_number", "household_code", "residence_code"))


def _certificates(number: str) -> list[StatusCertificate]:
    return list(StatusCertificate.objects.filter(number=number).select_related("person"))


def _voucher_verdict(registration: BirthRegistration) -> Verdict | None:
    # A voucher exists once the registration is confirmed; withdrawn after that, the voucher is revoked.
    if registration.status == RegistrationStatus.CONFIRMED:
        status = VALID
    elif registration.status == RegistrationStatus.WITHDRAWN:
        status = REVOKED
    else:
        return None
    return Verdict(kind="voucher", number=registration.voucher_number, status=status,
                   masked_name=mask_name(registration.mother_name), row_id=str(registration.pk),
                   subject_codes=(registration.household_code, registration.residence_code))


def _certificate_verdict(certificate: StatusCertificate, today: datetime.date | None) -> Verdict:
    today = today or timezone.localdate()
    status = certificate.status
    if status == VALID and certificate.valid_until < today:
        status = EXPIRED
    person = certificate.person
    return Verdict(kind="certificate", number=certificate.number, status=status,
                   masked_name=mask_name(str(certificate.snapshot.get("name", ""))), row_id=str(certificate.pk),
                   subject_codes=(person.household_jurisdiction_id, person.residence_jurisdiction_id))


# --- The page ---------------------------------------------------------------------------------------


class NumberForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Number of the voucher or certificate"), max_length=40,
                             widget=forms.TextInput(attrs={"autocomplete": "off",
                                                           "placeholder": "370114001-2026-000042"}))
    id_last_four = forms.RegexField(
        label=gettext_lazy("Last four characters of the ID number"), regex=r"^\s*[0-9xX０-９ｘＸ]{4}\s*$",
        error_messages={"invalid": gettext_lazy("Enter the last four characters of the ID number: digits or X.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": "4", "maxlength": "4"}))


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Text of the QR code"), max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}))


def _audit(*, via: str, verdicts: list[Verdict], signature: str = "") -> None:
    """One audit row a lookup: what was asked and answered, never the ID number, its last four or the name."""
    detail = {"via": via, "found": len(verdicts)}
    if signature:
        detail["signature"] = signature
    if verdicts:
        detail["documents"] = [{"kind": v.kind, "status": v.status} for v in verdicts]
    first = verdicts[0] if verdicts else None
    record_event(actor=None, event="verify_document", object_type=first.kind if first else "",
                 object_id=first.row_id if first else "",
                 outcome=AuditEvent.Outcome.SUCCESS if verdicts else AuditEvent.Outcome.FAILED,
                 detail=detail, subject_codes=first.subject_codes if first else (None, None))


@never_cache
@require_http_methods(["GET", "POST"])
def check(request):
    """Answer whether a document is genuine and valid, by number and last four, or by the text of its QR code."""
    data = request.POST if request.method == "POST" else request.GET
    code_text = data.get("code", "")
    asking = request.method == "POST" or bool(code_text)
    if asking and not allow_public_request(client=client_of_request(request), page=RATE_PAGE,
                                           per_minute=settings.HUILIU_PUBLIC_RATE_PER_MINUTE):
        response = render(request, "verify/rate_limited.html", status=429)
        response["Retry-After"] = "60"
        return response

    context = {"number_form": NumberForm(), "code_form": CodeForm()}
    # Each form posts its own fields: the code form's presence, even empty, says which one was sent.
    if asking and "code" in data:
        context["code_form"] = form = CodeForm(data)
        if form.is_valid():
            context.update(_check_code(form.cleaned_data["code"]))
    elif asking:
        context["number_form"] = form = NumberForm(data)
        if form.is_valid():
            verdicts = _find_with_guess_cap(form.cleaned_data["number"], form.cleaned_data["id_last_four"])
            context.update(verdicts=verdicts, not_found=not verdicts)
    response = render(request, "verify/check.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def _find_with_guess_cap(number: str, id_last_four: str) -> list[Verdict]:
    """find_documents, unless this number has used up its failed guesses: then "not found", unchecked and unaudited."""
    number = normalized_number(number)
    if guesses_exhausted(number=number, page=GUESS_PAGE):
        return []
    verdicts = find_documents(number, id_last_four)
    _audit(via="number", verdicts=verdicts)
    if not verdicts and count_failed_guess(number=number, page=GUESS_PAGE):
        record_event(actor=None, event="guess_limit", object_type="document", object_id=number[:64],
                     outcome=AuditEvent.Outcome.DENIED, detail={"page": RATE_PAGE})
    return verdicts


def _check_code(text: str) -> dict:
    try:
        document = decode_document(text)
    except InvalidCode as invalid:
        _audit(via="code", verdicts=[], signature="invalid")
        return {"code_error": str(invalid)}
    verdict = live_status(document)
    _audit(via="code", verdicts=[verdict] if verdict else [], signature="valid")
    own = document.deployment == settings.HUILIU_DEPLOYMENT
    return {
        "signed": document,
        "signed_kind_label": KIND_LABELS[document.kind],
        "issuer_name": full_names([document.issuer_code]).get(document.issuer_code, "") if own else "",
        "live": verdict,
        "foreign": not own,
    }
