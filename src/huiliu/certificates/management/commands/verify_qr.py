import io
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils.translation import gettext as _

from huiliu.core.signed_codes import (
    PREFIX,
    InvalidCode,
    SignedDocument,
    decode_document,
    read_qr_image,
)


class Command(BaseCommand):
    help = ("Verify a voucher's or certificate's QR code: the signature offline, then the current status when the "
            "database is reachable. Exits 1 when the code is not genuine.")
    # The signature check must work on a machine with no database at all: no checks that might connect.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="IMAGE_OR_PAYLOAD",
                            help="a PNG or JPEG photo or scan (a PDF too when pypdfium2 is installed), "
                                 "or the code's text itself (HZ1:…)")

    def handle(self, *args, source: str, **options):
        try:
            document = decode_document(_code_text(source))
        except InvalidCode as invalid:
            self.stderr.write(_("NOT GENUINE: %(reason)s") % {"reason": invalid})
            raise SystemExit(1) from None
        self._print_signed(document)
        self.stdout.write(_("Signature valid."))
        self._print_live_status(document)

    def _print_signed(self, document: SignedDocument) -> None:
        kind = _("birth registration voucher") if document.kind == "voucher" else _(
            "marital and childbearing status certificate")
        rows = [
            (_("Document"), kind),
            (_("Number"), document.number),
            (_("Holder"), document.holder),
            (_("ID number"), document.id_number_masked),
            (_("Issued on"), document.issued_on.isoformat()),
            (_("Valid until"), document.valid_until.isoformat() if document.valid_until else _("no end date")),
            (_("Issuing office"), f"{document.issuer_code:012d}"),
            (_("Issuing deployment"), document.deployment),
        ]
        for label, value in rows:
            self.stdout.write(f"{label}：{value}")

    def _print_live_status(self, document: SignedDocument) -> None:
        if document.deployment != settings.HUILIU_DEPLOYMENT:
            self.stdout.write(_("Issued by another deployment (%(deployment)s): its current status is kept there.")
                              % {"deployment": document.deployment})
            return
        # Imported here: the models are needed only for this second, optional step.
        from huiliu.certificates.verification import live_status
        from huiliu.jurisdictions.queries import full_names

        try:
            verdict = live_status(document)
            issuer = full_names([document.issuer_code]).get(document.issuer_code, "")
        except DatabaseError:
            # Refused connection or missing tables: the signature stands, only the status is unknown.
            self.stdout.write(_("Could not connect to the database; the current status was not checked."))
            return
        if issuer:
            self.stdout.write(f"{_('Issuing office')}：{issuer}")
        if verdict is None:
            self.stdout.write(_("Current status: not on record in this database."))
        else:
            self.stdout.write(_("Current status: %(status)s") % {"status": verdict.status_label})


def _code_text(source: str) -> str:
    """The code's text: the argument itself, or the QR code read from the image or PDF it names."""
    if source.strip().startswith(PREFIX):
        return source
    path = Path(source)
    if not path.is_file():
        return source  # decode_document says what is wrong with it
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        data = _first_page_as_png(data)
    return read_qr_image(data)


def _first_page_as_png(data: bytes) -> bytes:
    try:
        import pypdfium2
    except ImportError:
        raise InvalidCode(_("Reading a PDF needs pypdfium2; give a PNG or JPEG image of the QR code instead.")) from None
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        raise InvalidCode(_("The PDF cannot be read.")) from None
    try:
        image = document[0].render(scale=200 / 72).to_pil()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
