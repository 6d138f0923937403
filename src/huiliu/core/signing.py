"""This deployment's Ed25519 key: it signs what leaves the deployment (exchange requests, document QR codes).

The private key lives in a file outside the database (HUILIU_SIGNING_KEY_FILE, by
default var/signing_key.pem), created with mode 0600 on first use. Others check
signatures with the public key, the raw 32 bytes in base64, as `public_key_text` gives it.
"""

import base64
import logging
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

logger = logging.getLogger(__name__)

_keys: dict[str, Ed25519PrivateKey] = {}


def private_key() -> Ed25519PrivateKey:
    """Load this deployment's signing key from HUILIU_SIGNING_KEY_FILE, creating it there on first use."""
    path = Path(settings.HUILIU_SIGNING_KEY_FILE)
    cached = _keys.get(str(path))
    if cached is not None:
        return cached
    if not path.exists():
        _create_key_file(path)
    if path.stat().st_mode & 0o077:
        logger.warning("The signing key %s can be read by other users of this machine; chmod 600 it.", path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise TypeError(f"{path} holds no Ed25519 private key.")
    _keys[str(path)] = key
    return key


def _create_key_file(path: Path) -> None:
    # Written aside with mode 0600 and linked into place, so two processes starting at once
    # never read a half-written file nor overwrite each other's key.
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        os.link(draft, path)
    except FileExistsError:
        pass  # another process made the key first; theirs stands
    finally:
        draft.unlink(missing_ok=True)


def public_key_text() -> str:
    """Give this deployment's public key as its peers configure it: the raw 32 bytes in base64."""
    raw = private_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")
