"""Signed QR codes of documents: they round-trip, verify offline, and any altered character fails."""

import base64
import datetime
import string

import base45
import cbor2
import pytest
import segno
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huiliu.core import signed_codes, signing
from huiliu.core.identity import mask_name
from huiliu.core.signed_codes import (
    PREFIX,
    InvalidCode,
    SignedDocument,
    decode_document,
    encode_document,
    qr_png,
    read_qr_image,
)

CERTIFICATE = SignedDocument(
    kind="certificate", number="370114001-2026-000042", holder="欧**䶮", id_number_masked="3701**********123X",
    issued_on=datetime.date(2026, 5, 1), valid_until=datetime.date(2026, 11, 1), issuer_code=370114001000,
    deployment="local")
VOUCHER = SignedDocument(
    kind="voucher", number="440306001-2026-000123", holder="王*英", id_number_masked="4403**********0021",
    issued_on=datetime.date(2026, 2, 28), valid_until=None, issuer_code=440306001000, deployment="shenzhen")
# What a QR scanner or a paste may hand over in place of one character of the code.
REPLACEMENTS = string.ascii_letters + string.digits + " $%*+-./:" + "\n中"


@pytest.fixture(autouse=True)
def own_key(settings, tmp_path):
    settings.HUILIU_SIGNING_KEY_FILE = tmp_path / "signing_key.pem"
    settings.HUILIU_DOCUMENT_KEYS = []
    yield
    signing._keys.clear()


def public_key_text(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def signed_by(key: Ed25519PrivateKey, document: SignedDocument, settings, tmp_path) -> str:
    """Sign as another deployment would: with its own key file."""
    path = tmp_path / "other.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    own = settings.HUILIU_SIGNING_KEY_FILE
    settings.HUILIU_SIGNING_KEY_FILE = path
    try:
        return encode_document(document)
    finally:
        settings.HUILIU_SIGNING_KEY_FILE = own


@pytest.mark.parametrize("document", [CERTIFICATE, VOUCHER])
def test_a_signed_document_decodes_to_the_same_fields(document, settings):
    settings.HUILIU_DEPLOYMENT = document.deployment  # signed by the deployment it names

    assert decode_document(encode_document(document)) == document


def test_the_code_is_upper_case_so_the_qr_uses_alphanumeric_mode_and_stays_small():
    text = encode_document(CERTIFICATE)

    assert text.startswith(PREFIX)
    assert set(text) <= set(string.digits + string.ascii_uppercase + " $%*+-./:")
    qr = segno.make(text, error="m", micro=False, boost_error=False)
    assert qr.mode == "alphanumeric"
    assert qr.version <= 9


def test_spaces_and_newlines_around_a_pasted_code_do_not_matter():
    assert decode_document("  " + encode_document(CERTIFICATE) + "\r\n") == CERTIFICATE


@given(data=st.data())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_single_changed_character_fails_with_invalid_code(data):
    text = encode_document(CERTIFICATE)
    position = data.draw(st.integers(min_value=0, max_value=len(text) - 1), label="position")
    replacement = data.draw(st.sampled_from(REPLACEMENTS).filter(lambda c: c != text[position]), label="replacement")
    altered = text[:position] + replacement + text[position + 1:]

    with pytest.raises(InvalidCode):
        decode_document(altered)


@given(data=st.data())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_single_changed_byte_fails_with_invalid_code(data):
    raw = bytearray(base45.b45decode(encode_document(CERTIFICATE)[len(PREFIX):]))
    position = data.draw(st.integers(min_value=0, max_value=len(raw) - 1), label="position")
    raw[position] ^= data.draw(st.integers(min_value=1, max_value=255), label="flip")

    with pytest.raises(InvalidCode):
        decode_document(PREFIX + base45.b45encode(bytes(raw)).decode())


def test_a_cut_off_code_is_damaged():
    with pytest.raises(InvalidCode, match="损坏"):
        decode_document(encode_document(CERTIFICATE)[:-5])


def test_text_of_another_kind_is_not_our_code():
    with pytest.raises(InvalidCode, match="不是本系统的二维码"):
        decode_document("https://example.com/?id=370114001-2026-000042")


def test_changed_fields_with_the_old_signature_fail_as_a_bad_signature():
    body, signature = cbor2.loads(base45.b45decode(encode_document(CERTIFICATE)[len(PREFIX):]))
    fields = cbor2.loads(body)
    fields[5] += 3650  # ten more years of validity
    forged = PREFIX + base45.b45encode(cbor2.dumps([cbor2.dumps(fields), signature])).decode()

    with pytest.raises(InvalidCode, match="签名无效"):
        decode_document(forged)


def test_a_document_signed_by_an_unknown_key_fails(settings, tmp_path):
    text = signed_by(Ed25519PrivateKey.generate(), CERTIFICATE, settings, tmp_path)

    with pytest.raises(InvalidCode, match="签名无效"):
        decode_document(text)


def test_a_document_signed_by_a_key_in_document_keys_passes(settings, tmp_path):
    other = Ed25519PrivateKey.generate()
    text = signed_by(other, VOUCHER, settings, tmp_path)
    settings.HUILIU_DOCUMENT_KEYS = {"hangzhou": public_key_text(Ed25519PrivateKey.generate()),
                                     "shenzhen": public_key_text(other)}

    assert decode_document(text) == VOUCHER


def test_a_document_is_checked_only_with_the_key_of_the_deployment_it_names(settings, tmp_path):
    hangzhou = Ed25519PrivateKey.generate()
    text = signed_by(hangzhou, VOUCHER, settings, tmp_path)  # names shenzhen, signed by hangzhou
    settings.HUILIU_DOCUMENT_KEYS = {"hangzhou": public_key_text(hangzhou),
                                     "shenzhen": public_key_text(Ed25519PrivateKey.generate())}

    with pytest.raises(InvalidCode, match="签名无效"):
        decode_document(text)


def test_a_trusted_peer_key_cannot_sign_a_document_naming_this_deployment(settings, tmp_path):
    peer = Ed25519PrivateKey.generate()
    text = signed_by(peer, CERTIFICATE, settings, tmp_path)  # names "local", this deployment
    settings.HUILIU_DOCUMENT_KEYS = {"shenzhen": public_key_text(peer)}

    with pytest.raises(InvalidCode, match="签名无效"):
        decode_document(text)


def test_a_configured_key_under_this_deployments_own_name_is_ignored(settings, tmp_path):
    peer = Ed25519PrivateKey.generate()
    text = signed_by(peer, CERTIFICATE, settings, tmp_path)
    settings.HUILIU_DOCUMENT_KEYS = {"local": public_key_text(peer)}

    with pytest.raises(InvalidCode, match="签名无效"):
        decode_document(text)
    assert decode_document(encode_document(CERTIFICATE)) == CERTIFICATE  # its own key still signs its own papers


def test_a_document_naming_a_deployment_without_a_configured_key_fails(settings, tmp_path):
    text = signed_by(Ed25519PrivateKey.generate(), VOUCHER, settings, tmp_path)

    with pytest.raises(InvalidCode, match="签名无效"):
        decode_document(text)


def test_document_keys_are_read_as_name_and_key_pairs_and_the_old_bare_list_is_refused(settings):
    from django.core.exceptions import ImproperlyConfigured

    from huiliu.settings import _document_keys

    key = public_key_text(Ed25519PrivateKey.generate())
    assert _document_keys(f" shenzhen={key} , hangzhou={key},") == {"shenzhen": key, "hangzhou": key}
    assert _document_keys("") == {}
    for text in (key, f"={key}", "shenzhen=", f"shenzhen={key},shenzhen={key}"):
        with pytest.raises(ImproperlyConfigured):
            _document_keys(text)
    settings.HUILIU_DOCUMENT_KEYS = [key]
    with pytest.raises(ImproperlyConfigured):
        decode_document(encode_document(CERTIFICATE))


def test_a_signature_over_the_body_alone_is_refused():
    # The prefix is signed too: a signature this key made for another protocol never passes as a document.
    body, _signature = cbor2.loads(base45.b45decode(encode_document(CERTIFICATE)[len(PREFIX):]))
    bare = signing.private_key().sign(body)

    with pytest.raises(InvalidCode):
        decode_document(PREFIX + base45.b45encode(cbor2.dumps([body, bare])).decode())


def test_a_qr_image_reads_back_to_the_same_text():
    text = encode_document(CERTIFICATE)

    assert read_qr_image(qr_png(text)) == text
    assert decode_document(read_qr_image(qr_png(text, scale=2))) == CERTIFICATE


def test_an_image_without_a_qr_code_is_refused():
    from io import BytesIO

    from PIL import Image

    blank = BytesIO()
    Image.new("L", (200, 200), 255).save(blank, "PNG")

    with pytest.raises(InvalidCode, match="未找到二维码"):
        read_qr_image(blank.getvalue())


def test_a_file_that_is_no_image_is_refused():
    with pytest.raises(InvalidCode, match="不是可读取的图片"):
        read_qr_image(b"%PDF-1.7 not an image")


def test_the_codes_module_needs_no_database():
    # Offline verification: no import of models, nothing that opens a connection.
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(signed_codes))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom | ast.Import)
                for alias in node.names} | {node.module for node in ast.walk(tree)
                                            if isinstance(node, ast.ImportFrom) and node.module}
    assert not any("models" in name or "django.db" in name for name in imported)


@pytest.mark.parametrize(("name", "masked"), [
    ("王秀英", "王*英"), ("李强", "李*"), ("欧阳玥䶮", "欧**䶮"), ("王", "*"), ("", ""), (" 张三 ", "张*"),
    ("阿依古丽·买买提", "阿******提"),
])
def test_a_name_is_masked_to_its_first_and_last_characters(name, masked):
    assert mask_name(name) == masked
