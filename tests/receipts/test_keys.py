"""The signing key: from the setting or a file made on first use, rotated without breaking old
receipts, published, and checked offline with the commands docs/receipts.md gives."""

from __future__ import annotations

import base64
import shutil
import stat
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from facilitator.receipts import keys, services

from ..conftest import ROOT


def test_the_key_file_is_made_on_first_use_readable_by_its_owner_only(app):
    path = keys.key_dir(app) / keys.KEY_FILE
    assert not path.exists()
    first = keys.signing_key(app)
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert keys.key_id(keys.signing_key(app).public_key()) == keys.key_id(first.public_key())
    assert not keys.ensure_key_file(app), "a key that is there is never replaced"
    assert list(path.parent.glob(".new-key-*")) == []


def test_the_key_dir_can_be_set(app, tmp_path):
    app.config["RECEIPT_KEY_DIR"] = str(tmp_path / "elsewhere")
    keys.signing_key(app)
    assert (tmp_path / "elsewhere" / keys.KEY_FILE).exists()


def test_a_configured_key_as_pem_or_base64_signs_and_no_file_is_made(app):
    key = Ed25519PrivateKey.generate()
    kid = keys.key_id(key.public_key())
    app.config["RECEIPT_SIGNING_KEY"] = keys.private_pem(key).decode()
    assert keys.key_id(keys.signing_key(app).public_key()) == kid
    app.config["RECEIPT_SIGNING_KEY"] = keys.raw_private_base64(key)
    assert keys.key_id(keys.signing_key(app).public_key()) == kid
    app.config["RECEIPT_SIGNING_KEY"] = (
        keys.raw_private_base64(key).replace("+", "-").replace("/", "_").rstrip("=")
    )
    assert keys.key_id(keys.signing_key(app).public_key()) == kid
    assert not (keys.key_dir(app) / keys.KEY_FILE).exists()


@pytest.mark.parametrize(
    "configured",
    [
        "not a key",
        base64.b64encode(b"too short").decode(),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
    ],
)
def test_a_configured_key_that_can_t_be_read_is_said_plainly(app, configured):
    app.config["RECEIPT_SIGNING_KEY"] = configured
    with pytest.raises(keys.ReceiptKeyProblem, match="could not be read"):
        keys.signing_key(app)


def test_a_key_of_another_kind_is_refused(app):
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    other = ec.generate_private_key(ec.SECP256R1())
    app.config["RECEIPT_SIGNING_KEY"] = other.private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
    ).decode()
    with pytest.raises(keys.ReceiptKeyProblem, match="must be an Ed25519 key"):
        keys.signing_key(app)


def test_what_is_not_a_public_key_in_retired_is_skipped(app):
    keys.signing_key(app)
    retired = keys.key_dir(app) / keys.RETIRED_DIR
    retired.mkdir()
    (retired / "junk.pem").write_text("not a key")
    kept = Ed25519PrivateKey.generate().public_key()
    keys.retire(app, kept)
    assert [key.kid for key in keys.public_keys(app)][1:] == [keys.key_id(kept)]


def test_rotating_a_configured_key_keeps_its_public_key_and_hands_over_a_new_one(app):
    key = Ed25519PrivateKey.generate()
    app.config["RECEIPT_SIGNING_KEY"] = keys.raw_private_base64(key)
    retired, new = keys.rotate(app)
    assert retired.kid == keys.key_id(key.public_key())
    assert not (keys.key_dir(app) / keys.KEY_FILE).exists()
    app.config["RECEIPT_SIGNING_KEY"] = keys.raw_private_base64(new)
    assert [(known.kid, known.current) for known in keys.public_keys(app)] == [
        (keys.key_id(new.public_key()), True),
        (retired.kid, False),
    ]


# --- checking offline, as docs/receipts.md says -----------------------------------------------


def offline_files(app, client, attended, tmp_path):
    from .conftest import code_in
    from .test_routes import download

    code = code_in(download(attended, "Sam Lee").get_data())
    pem = tmp_path / "public-key.pem"
    pem.write_bytes(client.get("/receipts/public-key.pem").get_data())
    return code, pem


def documented(language: str) -> str:
    """The command docs/receipts.md gives for checking a receipt offline."""
    text = (ROOT / "docs" / "receipts.md").read_text()
    block = text.split(f"```{language}\n", 1)[1].split("```", 1)[0]
    return block


def test_the_documented_python_check_works_offline(app, client, attended, tmp_path):
    code, pem = offline_files(app, client, attended, tmp_path)
    script = documented("python")
    done = subprocess.run(
        [sys.executable, "-c", script, str(pem), code], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert '"minutes": 90' in done.stdout and '"name": "Sam Lee"' in done.stdout
    changed = code[:-2] + ("AA" if code[-2:] != "AA" else "BA")
    failed = subprocess.run([sys.executable, "-c", script, str(pem), changed], capture_output=True, text=True)
    assert failed.returncode != 0


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_the_documented_openssl_check_works_offline(app, client, attended, tmp_path):
    code, _ = offline_files(app, client, attended, tmp_path)
    script = documented("sh")
    done = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"CODE": code, "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert "Signature Verified Successfully" in done.stdout
    assert '"minutes":90' in (tmp_path / "payload.json").read_text()
    body = code.split(".")[1]
    changed = code.replace(body, body[:-2] + ("AA" if body[-2:] != "AA" else "BA"))
    failed = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"CODE": changed, "PATH": "/usr/bin:/bin"},
    )
    assert failed.returncode != 0
    assert "Signature Verification Failure" in failed.stdout + failed.stderr
    assert services.verify_code(code).receipt.minutes == 90
