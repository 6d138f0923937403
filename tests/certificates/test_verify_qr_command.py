"""`huiliu verify_qr`: the signature checked with no database, then the live status when there is one."""

import datetime
import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huiliu.certificates.models import CertificateStatus, StatusCertificate
from huiliu.core import signing
from huiliu.core.identity import mask_id_number, mask_name
from huiliu.core.printing import PrintedDocument, render_pdf
from huiliu.core.signed_codes import SignedDocument, encode_document, qr_png
from tests import factories as f

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/none"
TOWNSHIP = f.township(f.ORIGIN_COUNTY)
DOCUMENT = SignedDocument(
    kind="certificate", number="370114001-2026-000042", holder="欧**䶮", id_number_masked="3701**********123X",
    issued_on=datetime.date(2026, 5, 1), valid_until=datetime.date(2026, 11, 1), issuer_code=TOWNSHIP,
    deployment="origin")


@pytest.fixture(autouse=True)
def deployment(settings, tmp_path):
    settings.HUILIU_DEPLOYMENT = "origin"
    settings.HUILIU_SIGNING_KEY_FILE = tmp_path / "signing_key.pem"
    settings.HUILIU_DOCUMENT_KEYS = []
    yield
    signing._keys.clear()


def chinese(message: str) -> str:
    """The message as the command prints it, in the interface language."""
    with translation.override("zh-hans"):
        return _(message)


def run(tmp_path, argument: str, database: str = UNREACHABLE) -> subprocess.CompletedProcess:
    """Run the command in a fresh process, as on a machine holding only the key and the given database."""
    env = {**os.environ, "HUILIU_DATABASE_URL": database, "HUILIU_VAR_DIR": str(tmp_path / "var"),
           "HUILIU_SIGNING_KEY_FILE": str(tmp_path / "signing_key.pem"), "HUILIU_DEPLOYMENT": "origin",
           "HUILIU_DOCUMENT_KEYS": "", "DJANGO_SETTINGS_MODULE": "huiliu.settings"}
    return subprocess.run([sys.executable, "-m", "huiliu.manage", "verify_qr", argument], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_a_payload_verifies_with_an_unreachable_database(tmp_path):
    done = run(tmp_path, encode_document(DOCUMENT))

    assert done.returncode == 0, done.stderr
    assert chinese("Signature valid.") in done.stdout
    assert "370114001-2026-000042" in done.stdout and "欧**䶮" in done.stdout and "3701**********123X" in done.stdout
    assert "2026-11-01" in done.stdout
    assert chinese("Could not connect to the database; the current status was not checked.") in done.stdout


def test_a_tampered_payload_fails_and_exits_non_zero(tmp_path):
    text = encode_document(DOCUMENT)
    tampered = text[:30] + ("A" if text[30] != "A" else "B") + text[31:]

    done = run(tmp_path, tampered)

    assert done.returncode == 1
    assert chinese("Signature valid.") not in done.stdout
    assert chinese("NOT GENUINE: %(reason)s").split("%")[0] in done.stderr


def test_a_code_signed_by_another_key_fails(tmp_path, settings):
    text = encode_document(DOCUMENT)
    (tmp_path / "signing_key.pem").unlink()  # the command's process makes itself a new, different key

    done = run(tmp_path, text)

    assert done.returncode == 1
    assert chinese("Invalid signature: the code was altered, or it was not issued by this system.") in done.stderr


def test_a_qr_image_verifies(tmp_path):
    image = tmp_path / "photo.png"
    image.write_bytes(qr_png(encode_document(DOCUMENT)))

    done = run(tmp_path, str(image))

    assert done.returncode == 0, done.stderr
    assert chinese("Signature valid.") in done.stdout


def test_a_printed_pdf_verifies(tmp_path):
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(render_pdf(PrintedDocument(title="婚育情况证明", rows=[("编号", DOCUMENT.number)],
                                               qr_text=encode_document(DOCUMENT), qr_caption="扫码核验")))

    done = run(tmp_path, str(pdf))

    assert done.returncode == 0, done.stderr
    assert DOCUMENT.number in done.stdout


def test_an_image_without_a_code_fails(tmp_path):
    from PIL import Image

    Image.new("L", (120, 120), 255).save(tmp_path / "blank.png")

    done = run(tmp_path, str(tmp_path / "blank.png"))

    assert done.returncode == 1
    assert chinese("No QR code was found in the image.") in done.stderr


def test_a_database_without_the_tables_is_reported_as_unreachable(tmp_path):
    done = run(tmp_path, encode_document(DOCUMENT), database=f"sqlite:///{tmp_path / 'empty.sqlite3'}")

    assert done.returncode == 0, done.stderr
    assert chinese("Could not connect to the database; the current status was not checked.") in done.stdout


# --- With the database: the live status ----------------------------------------------------------------


def certificate_of(person, **fields) -> StatusCertificate:
    today = timezone.localdate()
    defaults = {"number": "370114001-2026-000042", "issued_on": today, "valid_until": today + datetime.timedelta(days=180)}
    return StatusCertificate.objects.create(
        person=person, issuing_jurisdiction_id=TOWNSHIP, snapshot={"name": person.name, "id_number": person.id_number},
        **{**defaults, **fields})


def signed_for(certificate: StatusCertificate) -> str:
    return encode_document(SignedDocument(
        kind="certificate", number=certificate.number, holder=mask_name(certificate.snapshot["name"]),
        id_number_masked=mask_id_number(certificate.snapshot["id_number"]), issued_on=certificate.issued_on,
        valid_until=certificate.valid_until, issuer_code=TOWNSHIP, deployment="origin"))


def output_of(argument: str) -> str:
    out = io.StringIO()
    call_command("verify_qr", argument, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(("status", "valid_until_days"), [
    (CertificateStatus.VALID, 30), (CertificateStatus.SUPERSEDED, 30), (CertificateStatus.REVOKED, 30),
    (CertificateStatus.EXPIRED, -1),
])
def test_the_live_status_is_added_when_the_database_is_reachable(origin_village_worker, status, valid_until_days):
    person = f.register_resident(origin_village_worker, name="王秀英")
    stored = CertificateStatus.VALID if status == CertificateStatus.EXPIRED else status
    certificate = certificate_of(person, status=stored,
                                 valid_until=timezone.localdate() + datetime.timedelta(days=valid_until_days),
                                 issued_on=timezone.localdate() - datetime.timedelta(days=60))

    output = output_of(signed_for(certificate))

    assert _("Signature valid.") in output
    assert _("Current status: %(status)s") % {"status": CertificateStatus(status).label} in output
    assert "王*英" in output and "王秀英" not in output and person.id_number not in output


def test_a_genuine_code_not_in_this_database_says_so(db):
    assert _("Current status: not on record in this database.") in output_of(encode_document(DOCUMENT))


def _public_key_text() -> str:
    import base64

    from cryptography.hazmat.primitives import serialization

    raw = signing.private_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def test_a_code_of_another_deployment_is_not_looked_up(db, settings, tmp_path):
    code = encode_document(DOCUMENT)  # signed at "origin"
    origin_key = _public_key_text()
    settings.HUILIU_DEPLOYMENT = "henan"
    settings.HUILIU_SIGNING_KEY_FILE = tmp_path / "henan.pem"
    settings.HUILIU_DOCUMENT_KEYS = {"origin": origin_key}

    output = output_of(code)

    assert _("Signature valid.") in output and "origin" in output


def test_a_tampered_code_exits_with_status_1_in_process(db):
    with pytest.raises(SystemExit) as exited:
        call_command("verify_qr", "HZ1:ABC", stderr=io.StringIO())

    assert exited.value.code == 1


def test_a_code_naming_another_deployment_but_signed_with_this_ones_key_fails(db, settings):
    settings.HUILIU_DOCUMENT_KEYS = {"henan": _public_key_text()}  # even if that key were configured for it
    code = encode_document(SignedDocument(**{**DOCUMENT.__dict__, "deployment": "henan"}))
    settings.HUILIU_DOCUMENT_KEYS = {}

    with pytest.raises(SystemExit) as exited:
        call_command("verify_qr", code, stdout=io.StringIO(), stderr=io.StringIO())

    assert exited.value.code == 1
