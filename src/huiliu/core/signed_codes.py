"""Signed QR codes of printed documents: the essential fields, signed, that anyone can check offline.

A code is `HZ1:` followed by the base45 text of a CBOR pair (body, signature). The
body is a CBOR list of the fields in a fixed order; the Ed25519 signature covers the
prefix and the body, so a code from another protocol signed by the same key never
passes for a document. base45 uses only QR alphanumeric characters, so the whole
code encodes in the QR's compact alphanumeric mode (version 8 or 9 at level M).

Verification needs no database: this deployment's public key, and the public keys of
other deployments whose documents it trusts (HUILIU_DOCUMENT_KEYS, name=key pairs),
are enough. A code is checked only with the key of the deployment it names: one that
names this deployment with this deployment's own key, so a peer's key never vouches
for a paper of this deployment, nor of any deployment but its own.
"""

import base64
import binascii
import datetime
import io
from dataclasses import dataclass

import base45
import cbor2
import segno
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from . import signing
from .errors import DomainError

PREFIX = "HZ1:"
KINDS = ("voucher", "certificate")
EPOCH = datetime.date(1970, 1, 1)


@dataclass(frozen=True)
class SignedDocument:
    """The fields a document's QR code carries: enough to recognise it, masked so a photo of it leaks little."""

    kind: str
    number: str
    holder: str
    id_number_masked: str
    issued_on: datetime.date
    valid_until: datetime.date | None
    issuer_code: int
    deployment: str


class InvalidCode(DomainError):
    """The text or image holds no genuine code of this system; the message says what is wrong."""


def encode_document(document: SignedDocument) -> str:
    """Sign the document's fields with this deployment's key and return the QR text."""
    if document.kind not in KINDS:
        raise ValueError(f"Unknown document kind {document.kind!r}.")
    body = cbor2.dumps([
        KINDS.index(document.kind),
        document.number,
        document.holder,
        document.id_number_masked,
        _days(document.issued_on),
        None if document.valid_until is None else _days(document.valid_until),
        int(document.issuer_code),
        document.deployment,
    ])
    signature = signing.private_key().sign(PREFIX.encode("ascii") + body)
    return PREFIX + base45.b45encode(cbor2.dumps([body, signature])).decode("ascii")


def decode_document(text: str) -> SignedDocument:
    """Check the code's signature against the trusted keys and return its fields, or raise InvalidCode."""
    # base45 never ends a code with a space, so stripping what a scanner or a paste adds loses nothing.
    text = (text or "").strip()
    if not text.startswith(PREFIX):
        raise InvalidCode(_("This is not a code of this system: it does not start with %(prefix)s.") % {"prefix": PREFIX})
    damaged = InvalidCode(_("The code is damaged or incomplete: it cannot be read. Scan it again or copy it whole."))
    try:
        raw = base45.b45decode(text[len(PREFIX):])
        # Any CBOR a damaged code may hold (odd tags, huge lengths) must end here as "damaged", never as a crash.
        pair = cbor2.loads(raw)
    except Exception:  # noqa: BLE001
        raise damaged from None
    if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], bytes) and isinstance(pair[1], bytes)):
        raise damaged
    body, signature = pair
    # One encoding per document: a code that decodes but was not written this way has been altered.
    if cbor2.dumps([body, signature]) != raw or base45.b45encode(raw).decode("ascii") != text[len(PREFIX):]:
        raise damaged
    message = PREFIX.encode("ascii") + body
    invalid = InvalidCode(_("Invalid signature: the code was altered, or it was not issued by this system."))
    try:
        kind, number, holder, id_masked, issued, valid_until, issuer_code, deployment = cbor2.loads(body)
        if not isinstance(deployment, str):
            raise TypeError(deployment)
        document = SignedDocument(
            kind=KINDS[kind], number=number, holder=holder, id_number_masked=id_masked,
            issued_on=EPOCH + datetime.timedelta(days=issued),
            valid_until=None if valid_until is None else EPOCH + datetime.timedelta(days=valid_until),
            issuer_code=issuer_code, deployment=deployment)
    except Exception:  # noqa: BLE001
        # Not in this layout, so the deployment cannot be read: signed by a trusted key, it is a later format.
        if any(_verifies(key, signature, message) for key in trusted_keys().values()):
            raise InvalidCode(_("The code is signed but its content is in a format this version cannot read.")) from None
        raise invalid from None
    key = key_of(document.deployment)
    if key is None or not _verifies(key, signature, message):
        raise invalid
    return document


def key_of(deployment: str) -> Ed25519PublicKey | None:
    """The only key a code naming this deployment may be signed with: its own for this one, else the configured one."""
    return trusted_keys().get(deployment)


def trusted_keys() -> dict[str, Ed25519PublicKey]:
    """Deployment name to public key: this deployment's own, and the others' of HUILIU_DOCUMENT_KEYS.

    The setting maps names to base64 keys (settings.py reads `name=key,name=key` from the environment). An entry under
    this deployment's own name is ignored: this deployment's documents verify with its own key only.
    """
    own_name = settings.HUILIU_DEPLOYMENT
    keys = {}
    for name, text in _configured_keys().items():
        if name == own_name:
            continue
        try:
            keys[name] = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
        except (ValueError, binascii.Error, TypeError):
            raise ImproperlyConfigured(
                f"HUILIU_DOCUMENT_KEYS holds {text!r} for {name!r}, which is no base64 Ed25519 public key.") from None
    try:
        keys[own_name] = signing.private_key().public_key()
    except OSError:
        pass  # a verifying-only machine without its own key still checks the other deployments' codes
    return keys


def _configured_keys() -> dict[str, str]:
    configured = getattr(settings, "HUILIU_DOCUMENT_KEYS", None) or {}
    if not isinstance(configured, dict):
        # The old format, a bare list of keys, names no deployment: refuse it rather than trust a key for every one.
        raise ImproperlyConfigured("HUILIU_DOCUMENT_KEYS must map deployment names to keys (name=base64key).")
    return configured


def qr_png(text: str, *, scale: int = 4) -> bytes:
    """Draw the code as a PNG QR image at level M with the standard quiet zone."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False, boost_error=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def read_qr_image(data: bytes) -> str:
    """Find this system's QR code in a PNG or JPEG photo or scan and return its text."""
    # Imported here: reading images is needed by the command and the page, not by every import of this module.
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        raise InvalidCode(_("The file is not an image that can be read (PNG or JPEG).")) from None
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    texts = [result.text for result in zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormat.QRCode, text_mode=zxingcpp.TextMode.Plain)]
    if not texts:
        raise InvalidCode(_("No QR code was found in the image."))
    return next((text for text in texts if text.startswith(PREFIX)), texts[0])


def _days(day: datetime.date) -> int:
    return (day - EPOCH).days


def _verifies(key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True
