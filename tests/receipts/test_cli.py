"""`flask --app wsgi receipts create-key | rotate-key | public-keys`."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from facilitator.receipts import keys


def test_create_key_makes_the_key_once(app, runner):
    made = runner.invoke(args=["receipts", "create-key"])
    assert made.exit_code == 0, made.output
    kid = keys.public_keys(app)[0].kid
    assert f"Made a new receipt signing key (id {kid})" in made.output
    again = runner.invoke(args=["receipts", "create-key"])
    assert f"There is a receipt signing key already (id {kid}); nothing changed." in again.output
    assert keys.public_keys(app)[0].kid == kid


def test_rotate_key_keeps_the_old_public_key(app, runner):
    old = keys.public_keys(app)[0].kid
    rotated = runner.invoke(args=["receipts", "rotate-key"])
    assert rotated.exit_code == 0, rotated.output
    new = keys.public_keys(app)[0].kid
    assert new != old
    assert f"Kept the public key of {old}" in rotated.output
    assert f"New receipts are signed with {new}." in rotated.output
    listed = runner.invoke(args=["receipts", "public-keys"])
    assert f"# {new} (current)" in listed.output and f"# {old} (retired)" in listed.output
    assert listed.output.count("-----BEGIN PUBLIC KEY-----") == 2
    assert "PRIVATE" not in listed.output


def test_with_a_configured_key_rotate_key_prints_the_new_one_to_set(app, runner):
    app.config["RECEIPT_SIGNING_KEY"] = keys.raw_private_base64(Ed25519PrivateKey.generate())
    assert "RECEIPT_SIGNING_KEY" in runner.invoke(args=["receipts", "create-key"]).output
    rotated = runner.invoke(args=["receipts", "rotate-key"])
    printed = rotated.output.strip().splitlines()[-1]
    app.config["RECEIPT_SIGNING_KEY"] = printed
    assert keys.public_keys(app)[0].kid in rotated.output
    assert not (keys.key_dir(app) / keys.KEY_FILE).exists()


def test_a_key_that_can_t_be_read_is_a_plain_error(app, runner):
    app.config["RECEIPT_SIGNING_KEY"] = "not a key"
    result = runner.invoke(args=["receipts", "public-keys"])
    assert result.exit_code == 1
    assert "could not be read" in result.output
    assert "Traceback" not in result.output
