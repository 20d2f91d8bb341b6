"""The deployment's Ed25519 keys for attendance receipts: the one that signs now, and the public
keys of the ones that signed before, so a receipt made before a key was rotated still verifies.

The signing key comes from the RECEIPT_SIGNING_KEY setting (a PEM private key, or the base64 of its
32 raw bytes); without it, from `signing-key.pem` in RECEIPT_KEY_DIR (instance/receipt-keys/ by
default), made on first use and readable by its owner only. Earlier keys' public keys are the
`*.pem` files in that folder's `retired/`, which `flask --app wsgi receipts rotate-key` fills.
A key is known by its id: the first 16 hex digits of the SHA-256 of its 32 raw public bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)
from flask import Flask

KEY_DIR_NAME = "receipt-keys"
KEY_FILE = "signing-key.pem"
RETIRED_DIR = "retired"

logger = logging.getLogger(__name__)


class ReceiptKeyProblem(RuntimeError):
    """The configured key can't be used: a deployment's mistake, told to whoever runs it."""


@dataclass(frozen=True)
class PublicKey:
    """A key receipts may be signed with: the current one, or a retired one."""

    kid: str
    key: Ed25519PublicKey
    current: bool

    @property
    def raw(self) -> bytes:
        return self.key.public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def pem(self) -> str:
        return self.key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def key_id(public_key: Ed25519PublicKey) -> str:
    """The key's id, printed in every receipt it signs."""
    return hashlib.sha256(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()[:16]


def key_dir(app: Flask) -> Path:
    return Path(app.config["RECEIPT_KEY_DIR"] or Path(app.instance_path) / KEY_DIR_NAME)


def private_pem(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())


def raw_private_base64(private_key: Ed25519PrivateKey) -> str:
    """The key as RECEIPT_SIGNING_KEY may hold it: the base64 of its 32 raw bytes."""
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(raw).decode("ascii")


def parse_private_key(text: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PEM, or from the base64 (standard or URL-safe) of its 32 bytes."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = load_pem_private_key(text.encode("ascii"), password=None)
        else:
            padded = text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4)
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(padded, validate=True))
    except (ValueError, TypeError, UnsupportedAlgorithm, binascii.Error) as error:
        raise ReceiptKeyProblem(
            "The receipt signing key could not be read: it must be an unencrypted PEM private key "
            "or the base64 of 32 bytes."
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ReceiptKeyProblem("The receipt signing key must be an Ed25519 key.")
    return key


def _write_private(path: Path, content: bytes, *, replace: bool) -> bool:
    """Write `content` to `path` readable by its owner only, all at once: through a temporary file
    in the same folder, linked into place (which fails if another process got there first) or,
    with `replace`, renamed over the old file. False if the file was there and not replaced."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".new-key-")  # mode 0600
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        if replace:
            os.replace(temporary, path)
            return True
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    finally:
        Path(temporary).unlink(missing_ok=True)


def uses_configured_key(app: Flask) -> bool:
    return bool(app.config["RECEIPT_SIGNING_KEY"].strip())


def ensure_key_file(app: Flask) -> bool:
    """Make the key file if there is none (and no key is configured); True if one was made."""
    if uses_configured_key(app):
        return False
    path = key_dir(app) / KEY_FILE
    if path.exists():
        return False
    return _write_private(path, private_pem(Ed25519PrivateKey.generate()), replace=False)


def signing_key(app: Flask) -> Ed25519PrivateKey:
    """The key that signs receipts now (its file made on first use)."""
    if uses_configured_key(app):
        return parse_private_key(app.config["RECEIPT_SIGNING_KEY"])
    ensure_key_file(app)
    return parse_private_key((key_dir(app) / KEY_FILE).read_text())


def public_keys(app: Flask) -> list[PublicKey]:
    """Every key a genuine receipt may be signed with: the current one first, then retired ones.

    A file in retired/ that isn't an Ed25519 public key is skipped (and logged), never fatal.
    """
    current = signing_key(app).public_key()
    keys = [PublicKey(key_id(current), current, current=True)]
    for path in sorted((key_dir(app) / RETIRED_DIR).glob("*.pem")):
        try:
            key = load_pem_public_key(path.read_bytes())
        except (ValueError, UnsupportedAlgorithm, OSError):
            logger.warning("Skipped %s: not a PEM public key", path)
            continue
        if not isinstance(key, Ed25519PublicKey):
            logger.warning("Skipped %s: not an Ed25519 key", path)
            continue
        kid = key_id(key)
        if all(known.kid != kid for known in keys):
            keys.append(PublicKey(kid, key, current=False))
    return keys


def retire(app: Flask, public_key: Ed25519PublicKey) -> Path:
    """Keep a public key in retired/, so what it signed still verifies; returns its file."""
    path = key_dir(app) / RETIRED_DIR / f"{key_id(public_key)}.pem"
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.write_bytes(public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    return path


def rotate(app: Flask) -> tuple[PublicKey, Ed25519PrivateKey]:
    """Retire the current key and make a new one: in the key file, or (when the key comes from
    RECEIPT_SIGNING_KEY) returned for whoever runs the server to put in that setting."""
    old = signing_key(app).public_key()
    retire(app, old)
    new = Ed25519PrivateKey.generate()
    if not uses_configured_key(app):
        _write_private(key_dir(app) / KEY_FILE, private_pem(new), replace=True)
    return PublicKey(key_id(old), old, current=False), new
