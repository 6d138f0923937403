"""The public verification page: valid or invalid, the status and the masked name, and nothing more."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from huiliu.audit.actions import holds_raw_identifier
from huiliu.audit.models import AuditEvent
from huiliu.births.models import BirthRegistration, Channel, FiledAt, RegistrationStatus
from huiliu.certificates.models import CertificateStatus, StatusCertificate
from huiliu.core import signing
from huiliu.core.identity import mask_id_number
from huiliu.core.signed_codes import SignedDocument, encode_document
from tests import factories as f

URL = "/verify/"
TOWNSHIP = f.township(f.ORIGIN_COUNTY)
HOLDER = "欧阳玥䶮"
MOTHER = "王秀英"
NOT_FOUND = "No document matches this number and these last four characters of the ID number."
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture(autouse=True)
def deployment(settings, tmp_path):
    settings.HUILIU_DEPLOYMENT = "origin"
    settings.HUILIU_SIGNING_KEY_FILE = tmp_path / "signing_key.pem"
    settings.HUILIU_DOCUMENT_KEYS = []
    settings.HUILIU_PUBLIC_RATE_PER_MINUTE = 20
    yield
    signing._keys.clear()


@pytest.fixture
def holder(origin_village_worker):
    return f.register_resident(origin_village_worker, name=HOLDER)


def make_certificate(person, *, number="370114001-2026-000142", status=CertificateStatus.VALID,
                     valid_until=None) -> StatusCertificate:
    today = timezone.localdate()
    return StatusCertificate.objects.create(
        number=number, person=person, issuing_jurisdiction_id=TOWNSHIP, issued_on=today - datetime.timedelta(days=10),
        valid_until=valid_until or today + datetime.timedelta(days=170), status=status,
        snapshot={"name": person.name, "id_number": person.id_number, "sex": person.sex})


def make_voucher(*, number="370114001-2026-000007", status=RegistrationStatus.CONFIRMED) -> BirthRegistration:
    now = timezone.now()
    return BirthRegistration.objects.create(
        tracking_number=f"T-{number}", channel=Channel.ONLINE, filed_at=FiledAt.HOUSEHOLD, jurisdiction_id=TOWNSHIP,
        status=status, mother_name=MOTHER, mother_id_number=f.id_number(), marital_status="21",
        household_code=f.village(f.ORIGIN_COUNTY), submitted_at=now - datetime.timedelta(days=3), confirmed_at=now,
        voucher_number=number)


def ask(client, number, last_four, **extra):
    return client.post(URL, {"number": number, "id_last_four": last_four}, **extra)


def page(response) -> str:
    return response.content.decode()


def result(response) -> str:
    """The answer part of the page: the forms below echo what was typed."""
    content = page(response)
    start = content.find('id="verify-result"')
    assert start != -1, "no answer on the page"
    return content[start:content.find("</section>", start)]


def signed(document: SignedDocument) -> str:
    return encode_document(document)


def signed_fields(certificate: StatusCertificate, **changes) -> SignedDocument:
    fields = {"kind": "certificate", "number": certificate.number, "holder": "欧**䶮",
                  "id_number_masked": mask_id_number(certificate.snapshot["id_number"]), "issued_on": certificate.issued_on,
                  "valid_until": certificate.valid_until, "issuer_code": TOWNSHIP, "deployment": "origin"}
    fields.update(changes)
    return SignedDocument(**fields)


def test_the_page_opens_without_an_account(client, db):
    response = client.get(URL)

    assert response.status_code == 200
    assert 'name="number"' in page(response) and 'name="code"' in page(response)


def test_a_valid_certificate_verifies_as_valid_with_the_masked_name_only(client, holder):
    certificate = make_certificate(holder)

    response = ask(client, certificate.number, holder.id_number[-4:])

    answer = result(response)
    assert _("Genuine and valid") in answer and str(CertificateStatus.VALID.label) in answer
    assert "欧**䶮" in answer
    assert _("marital and childbearing status certificate") in answer
    for leaked in (HOLDER, holder.id_number, holder.id_number[6:14]):
        assert leaked not in page(response)


@pytest.mark.parametrize("status", [CertificateStatus.SUPERSEDED, CertificateStatus.REVOKED])
def test_a_superseded_or_revoked_certificate_verifies_as_such(client, holder, status):
    certificate = make_certificate(holder, status=status)

    answer = result(ask(client, certificate.number, holder.id_number[-4:]))

    assert _("Not valid") in answer
    assert str(CertificateStatus(status).label) in answer
    assert f"status-{status}" in answer


def test_a_certificate_past_its_validity_verifies_as_expired(client, holder):
    certificate = make_certificate(holder, valid_until=timezone.localdate() - datetime.timedelta(days=1))

    answer = result(ask(client, certificate.number, holder.id_number[-4:]))

    assert _("Not valid") in answer and "status-expired" in answer


def test_a_certificate_valid_until_today_is_still_valid(client, holder):
    certificate = make_certificate(holder, valid_until=timezone.localdate())

    assert "status-valid" in result(ask(client, certificate.number, holder.id_number[-4:]))


def test_a_confirmed_voucher_is_valid_and_a_withdrawn_one_revoked(client, db, tree):
    confirmed = make_voucher(number="370114001-2026-000007")
    withdrawn = make_voucher(number="370114001-2026-000008", status=RegistrationStatus.WITHDRAWN)

    valid = result(ask(client, confirmed.voucher_number, confirmed.mother_id_number[-4:]))
    revoked = result(ask(client, withdrawn.voucher_number, withdrawn.mother_id_number[-4:]))

    assert "status-valid" in valid and "王*英" in valid and _("birth registration voucher") in valid
    assert "status-revoked" in revoked and _("Not valid") in revoked
    assert MOTHER not in valid + revoked


def test_a_registration_not_yet_confirmed_has_no_voucher_to_verify(client, db, tree):
    submitted = make_voucher(status=RegistrationStatus.SUBMITTED)

    assert _(NOT_FOUND) in result(ask(client, submitted.voucher_number, submitted.mother_id_number[-4:]))


def test_a_wrong_last_four_answers_exactly_like_an_unknown_number(client, holder):
    certificate = make_certificate(holder)
    wrong = "0000" if holder.id_number[-4:] != "0000" else "1111"

    wrong_four = ask(client, certificate.number, wrong)
    unknown = ask(client, "370114001-2026-999999", wrong)

    assert _(NOT_FOUND) in result(wrong_four)
    # Identical pages but for the number typed into the form and the form's CSRF token.
    assert (CSRF.sub(b"", wrong_four.content).replace(certificate.number.encode(), b"N")
            == CSRF.sub(b"", unknown.content).replace(b"370114001-2026-999999", b"N"))
    assert wrong_four.status_code == unknown.status_code == 200


def test_the_last_four_may_be_typed_in_lower_case_or_full_width(client, db, tree):
    voucher = make_voucher()
    last_four = voucher.mother_id_number[-4:]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in last_four)

    assert "status-valid" in result(ask(client, voucher.voucher_number, last_four.lower()))
    assert "status-valid" in result(ask(client, f" {voucher.voucher_number} ", full_width))


def test_a_signed_code_shows_the_signed_fields_and_the_live_status(client, holder):
    certificate = make_certificate(holder, status=CertificateStatus.SUPERSEDED)

    response = client.get(URL + "?" + urlencode({"code": signed(signed_fields(certificate))}))

    answer = result(response)
    assert _("The signature is genuine.") in answer
    assert "status-superseded" in answer and _("Not valid") in answer
    assert certificate.number in answer and "欧**䶮" in answer and mask_id_number(holder.id_number) in answer
    assert HOLDER not in page(response) and holder.id_number not in page(response)


def test_a_pasted_code_verifies_too(client, holder):
    certificate = make_certificate(holder)

    answer = result(client.post(URL, {"code": signed(signed_fields(certificate)) + "\n"}))

    assert "status-valid" in answer and _("Genuine and valid") in answer


def test_a_tampered_code_fails_with_a_clear_message(client, holder):
    certificate = make_certificate(holder)
    text = signed(signed_fields(certificate))
    tampered = text[:20] + ("A" if text[20] != "A" else "B") + text[21:]

    answer = result(client.post(URL, {"code": tampered}))

    assert _("The code does not verify") in answer
    assert "status-" not in answer


def test_a_genuine_code_whose_number_is_not_on_record_says_so(client, db):
    document = SignedDocument(kind="voucher", number="370114001-2026-000404", holder="王*英",
                              id_number_masked="3701**********0021", issued_on=datetime.date(2026, 1, 5),
                              valid_until=None, issuer_code=TOWNSHIP, deployment="origin")

    answer = result(client.post(URL, {"code": signed(document)}))

    assert _("Signature genuine, document not found") in answer


def _key_text(key) -> str:
    import base64

    from cryptography.hazmat.primitives import serialization

    return base64.b64encode(key.public_key().public_bytes(serialization.Encoding.Raw,
                                                          serialization.PublicFormat.Raw)).decode()


def signed_elsewhere(document: SignedDocument, key, settings, tmp_path) -> str:
    """Sign as another deployment would, with its own key file."""
    from cryptography.hazmat.primitives import serialization

    path = tmp_path / "elsewhere.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    own, settings.HUILIU_SIGNING_KEY_FILE = settings.HUILIU_SIGNING_KEY_FILE, path
    try:
        return encode_document(document)
    finally:
        settings.HUILIU_SIGNING_KEY_FILE = own


def test_a_code_of_another_deployment_is_genuine_but_its_status_is_kept_there(client, holder, settings, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    henan = Ed25519PrivateKey.generate()
    settings.HUILIU_DOCUMENT_KEYS = {"henan": _key_text(henan)}
    certificate = make_certificate(holder)

    answer = result(client.post(URL, {"code": signed_elsewhere(signed_fields(certificate, deployment="henan"), henan,
                                                               settings, tmp_path)}))

    assert _("Signature genuine") in answer and "status-" not in answer


def test_a_trusted_peer_key_cannot_vouch_for_a_paper_of_this_deployment(client, holder, settings, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    henan = Ed25519PrivateKey.generate()
    settings.HUILIU_DOCUMENT_KEYS = {"henan": _key_text(henan)}
    certificate = make_certificate(holder)
    # The real number and masked ID number, printed on the paper; a holder of the forger's choosing.
    forged = signed_elsewhere(signed_fields(certificate, holder="李*四"), henan, settings, tmp_path)

    answer = result(client.post(URL, {"code": forged}))

    assert "李*四" not in answer and "status-valid" not in answer
    assert _("Invalid signature: the code was altered, or it was not issued by this system.") in answer
    # Nor for a paper of a third deployment it does not speak for.
    settings.HUILIU_DOCUMENT_KEYS = {"henan": _key_text(henan), "hubei": _key_text(Ed25519PrivateKey.generate())}
    third = signed_elsewhere(signed_fields(certificate, deployment="hubei"), henan, settings, tmp_path)
    assert _("Signature genuine") not in result(client.post(URL, {"code": third}))


def _wrong(holder, i: int) -> str:
    return next(four for four in (f"{n:04d}" for n in range(i, 10000)) if four != holder.id_number[-4:])


def test_a_number_takes_ten_failed_guesses_an_hour_from_all_addresses_then_answers_not_found(client, holder):
    from huiliu.core.ratelimit import MAX_FAILED_GUESSES

    certificate = make_certificate(holder)
    for i in range(MAX_FAILED_GUESSES):
        assert ask(client, certificate.number, _wrong(holder, i), REMOTE_ADDR=f"198.51.100.{i}").status_code == 200
    lookups = AuditEvent.objects.filter(event="verify_document").count()

    right = ask(client, certificate.number, holder.id_number[-4:], REMOTE_ADDR="203.0.113.7")
    again = ask(client, f" {certificate.number} ", holder.id_number[-4:], REMOTE_ADDR="203.0.113.8")

    for response in (right, again):
        assert response.status_code == 200 and response.context["not_found"] and "欧**䶮" not in result(response)
    assert AuditEvent.objects.filter(event="verify_document").count() == lookups  # not checked
    capped = AuditEvent.objects.filter(event="guess_limit")
    assert list(capped.values_list("object_id", flat=True)) == [certificate.number]  # audited once
    # Another number is not held back.
    other = make_certificate(holder, number="370114001-2026-000143")
    assert "欧**䶮" in result(ask(client, other.number, holder.id_number[-4:]))


def test_ipv6_addresses_of_one_64_block_share_the_rate_limit(client, holder, settings):
    settings.HUILIU_PUBLIC_RATE_PER_MINUTE = 3
    certificate = make_certificate(holder)

    answers = [ask(client, certificate.number, holder.id_number[-4:], REMOTE_ADDR=f"2001:db8:7:7::{i}").status_code
               for i in range(1, 5)]

    assert answers == [200, 200, 200, 429]
    assert ask(client, certificate.number, holder.id_number[-4:], REMOTE_ADDR="2001:db8:7:8::1").status_code == 200


def test_the_page_answers_429_past_the_rate_limit(client, holder, settings):
    settings.HUILIU_PUBLIC_RATE_PER_MINUTE = 3
    certificate = make_certificate(holder)

    answers = [ask(client, certificate.number, "0000").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    refused = ask(client, certificate.number, holder.id_number[-4:])
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    with translation.override("zh-hans"):
        assert _("Too many requests") in page(refused)
    # Another address is not held back by this one.
    assert ask(client, certificate.number, "0000", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_opening_the_empty_form_does_not_count_against_the_limit(client, db, settings):
    settings.HUILIU_PUBLIC_RATE_PER_MINUTE = 1

    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 200]


def test_every_lookup_is_audited_without_the_id_number_or_the_name(client, holder):
    certificate = make_certificate(holder)
    before = AuditEvent.objects.count()

    ask(client, certificate.number, holder.id_number[-4:])
    ask(client, certificate.number, "0000")
    client.post(URL, {"code": signed(signed_fields(certificate))})
    client.post(URL, {"code": "HZ1:NOT A CODE"})

    rows = list(AuditEvent.objects.filter(event="verify_document").order_by("id"))
    assert AuditEvent.objects.count() - before == len(rows) == 4
    assert [row.outcome for row in rows] == ["success", "failed", "success", "failed"]
    assert all(row.user_id is None and row.client_address == "127.0.0.1" for row in rows)
    assert rows[0].object_id == str(certificate.pk) and rows[0].subject_household == holder.household_jurisdiction_id
    assert rows[3].detail["signature"] == "invalid"
    for row in rows:
        text = str(row.detail) + row.object_id + row.username
        assert not holds_raw_identifier(text)
        assert HOLDER not in text and holder.id_number[-4:] not in text


def test_an_empty_code_form_asks_for_the_code_not_the_number(client, db):
    response = client.post(URL, {"code": ""})

    assert response.status_code == 200
    assert 'id="verify-result"' not in page(response)
    assert page(response).count('class="errorlist"') == 1
