"""The voucher (登记凭证) of a confirmed birth registration: one A4 page with a signed QR code that verifies offline."""

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from huiliu.core.identity import mask_id_number, mask_name
from huiliu.core.printing import PrintedDocument, render_pdf
from huiliu.core.signed_codes import SignedDocument, encode_document
from huiliu.jurisdictions.queries import full_names

from .models import BirthRegistration, RegistrationStatus


def signed_voucher(registration: BirthRegistration) -> SignedDocument:
    """The fields the voucher's QR code carries: masked, so a photo of the paper leaks little."""
    return SignedDocument(
        kind="voucher",
        number=registration.voucher_number,
        holder=mask_name(registration.mother_name),
        id_number_masked=mask_id_number(registration.mother_id_number),
        issued_on=timezone.localdate(registration.confirmed_at),
        valid_until=None,
        issuer_code=registration.jurisdiction_id,
        deployment=settings.HUILIU_DEPLOYMENT,
    )


def voucher_document(registration: BirthRegistration) -> PrintedDocument:
    """What the voucher says: the declaration as made, who confirmed it where, and that nothing depends on it."""
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ValueError("Only a confirmed registration has a voucher.")
    names = full_names([registration.jurisdiction_id, registration.household_code, registration.residence_code])
    confirmed_on = timezone.localdate(registration.confirmed_at)
    residence = " ".join(filter(None, [names.get(registration.residence_code, ""), registration.residence_address]))
    if registration.birth_date:
        when = (_("Birth date"), _date(registration.birth_date))
    else:
        when = (_("Expected birth date"), _date(registration.expected_birth_date))
    rows = [
        (_("Voucher number"), registration.voucher_number),
        (_("Tracking number"), registration.tracking_number),
        (_("Mother"), registration.mother_name),
        (_("ID number"), mask_id_number(registration.mother_id_number)),
        (_("Spouse"), registration.father_name or "—"),
        (_("Marital status (as declared)"), registration.get_marital_status_display()),
        (_("Household place"), names.get(registration.household_code, "")),
        (_("Place of residence"), residence or "—"),
        when,
        (_("Registered at"), f"{registration.get_filed_at_display()}：{names.get(registration.jurisdiction_id, '')}"),
        (_("Filed"), f"{registration.get_channel_display()}，{_date(timezone.localdate(registration.submitted_at))}"),
        (_("Confirmed on"), _date(confirmed_on)),
    ]
    return PrintedDocument(
        title=_("Birth registration voucher"),
        subtitle=_("Birth registration by the family's own declaration"),
        rows=rows,
        paragraphs=[
            _("This registration was made on the family's own declaration. The facts above are as the family "
              "declared them; no certificate or other proof was asked for."),
            _("No service depends on this registration or on this voucher. Prenatal care, postpartum visits and "
              "the childcare subsidy are open to the family wherever it lives."),
            _("To check this voucher, scan its QR code, or enter the voucher number and the last four characters "
              "of the ID number on the verification page (/verify/)."),
        ],
        qr_text=encode_document(signed_voucher(registration)),
        qr_caption=_("Signed code: verifies without a connection"),
        issuer_lines=[names.get(registration.jurisdiction_id, ""), _date(confirmed_on)],
        footer=_("Huiliu migrant service system · voucher %(number)s") % {"number": registration.voucher_number},
    )


def render_voucher(registration: BirthRegistration) -> bytes:
    """The voucher as a one-page A4 PDF with its font embedded."""
    return render_pdf(voucher_document(registration))


def _date(day) -> str:
    return date_format(day, "DATE_FORMAT") if day else "—"
