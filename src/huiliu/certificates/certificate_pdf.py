"""The status certificate (婚育情况证明) printed: one A4 page, built from the frozen snapshot, with a signed QR code.

Everything the page states comes from the snapshot taken at issue, so a reprint years
later says what the first print said. The holder's own ID number is printed in full
(the paper identifies its holder); the spouse's is masked, and the QR code carries
only the masked name and ID number.
"""

import datetime

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from huiliu.core.identity import mask_id_number, mask_name
from huiliu.core.printing import PrintedDocument, render_pdf
from huiliu.core.signed_codes import SignedDocument, encode_document
from huiliu.jurisdictions.queries import full_names

from .models import CertificateStatus, RequestedBy, StatusCertificate


def signed_certificate(certificate: StatusCertificate) -> SignedDocument:
    """The fields the certificate's QR code carries: masked, so a photo of the paper leaks little."""
    snapshot = certificate.snapshot
    return SignedDocument(
        kind="certificate",
        number=certificate.number,
        holder=mask_name(snapshot["name"]),
        id_number_masked=mask_id_number(snapshot["id_number"]),
        issued_on=certificate.issued_on,
        valid_until=certificate.valid_until,
        issuer_code=certificate.issuing_jurisdiction_id,
        deployment=settings.HUILIU_DEPLOYMENT,
    )


def _date(day) -> str:
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day) if day else None
    return date_format(day, "DATE_FORMAT") if day else "—"


def _children(snapshot: dict) -> str:
    children = snapshot.get("children") or []
    if not children:
        return _("none registered")
    return "\n".join(
        f"{child.get('name') or _('(no name given)')}（{child.get('sex_label', '')}，{_date(child.get('birth_date'))}）"
        for child in children
    )


def _spouse(snapshot: dict) -> str:
    if not snapshot.get("spouse_name"):
        return "—"
    number = snapshot.get("spouse_id_number") or ""
    return f"{snapshot['spouse_name']}（{mask_id_number(number)}）" if number else snapshot["spouse_name"]


def certificate_document(certificate: StatusCertificate) -> PrintedDocument:
    """What the certificate says: the registered facts at issue, who issued it, and that nothing depends on it."""
    snapshot = certificate.snapshot
    issuer = full_names([certificate.issuing_jurisdiction_id]).get(certificate.issuing_jurisdiction_id, "")
    household = " ".join(filter(None, [snapshot.get("household_place", ""), snapshot.get("household_address", "")]))
    requested = (_("At the holder's request, in person") if certificate.requested_by == RequestedBy.IN_PERSON
                 else _("At the holder's request, through a proxy application where the holder lives"))
    rows = [
        (_("Certificate number"), certificate.number),
        (_("Name"), snapshot["name"]),
        (_("Sex"), snapshot.get("sex_label", "")),
        (_("ID number"), snapshot["id_number"]),
        (_("Birth date"), _date(snapshot.get("birth_date"))),
        (_("Household place"), household or "—"),
        (_("Marital status"), snapshot.get("marital_status_label", "")),
        (_("Spouse"), _spouse(snapshot)),
        (_("Children"), _children(snapshot)),
        (_("Requested"), requested),
        (_("Valid"), f"{_date(certificate.issued_on)} – {_date(certificate.valid_until)}"),
    ]
    if certificate.version > 1:
        rows.append((_("Version"), _("Version %(version)d: replaces the earlier versions of this number.")
                     % {"version": certificate.version}))
    paragraphs = [
        _("This certificate states the holder's marital and childbearing status as registered on the day it was "
          "issued. It was issued at the holder's own request."),
        _("No service, benefit, job, school place or registration may be made to depend on this certificate or "
          "on the facts it states. The holder is free not to show it."),
        _("To check it, scan its QR code, or enter the certificate number and the last four characters of the "
          "ID number on the verification page (/verify/), which also tells whether it is still valid."),
    ]
    if certificate.status != CertificateStatus.VALID:
        paragraphs.insert(0, _("THIS CERTIFICATE IS NO LONGER VALID: %(status)s.")
                          % {"status": certificate.get_status_display()})
    return PrintedDocument(
        title=_("Certificate of marital and childbearing status"),
        subtitle=_("Issued at the holder's request · states the facts as registered"),
        rows=rows,
        paragraphs=paragraphs,
        qr_text=encode_document(signed_certificate(certificate)),
        qr_caption=_("Signed code: verifies without a connection"),
        issuer_lines=[issuer, _date(certificate.issued_on)],
        footer=_("Huiliu migrant service system · certificate %(number)s") % {"number": certificate.number},
    )


def render_certificate(certificate: StatusCertificate) -> bytes:
    """The certificate as a one-page A4 PDF with its font embedded."""
    return render_pdf(certificate_document(certificate))
