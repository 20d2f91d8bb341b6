import hashlib
from datetime import timedelta

import pytest

from config import Config
from facilitator.accounts import services
from facilitator.audit.models import AuditEntry
from facilitator.clock import utcnow
from facilitator.errors import Invalid, NotAllowed, NotFound
from facilitator.extensions import db

from ..conftest import PASSWORD


def test_first_facilitator_is_admin_and_only_once(app):
    first = services.create_first_facilitator("First@Example.org", "Ana", PASSWORD)
    assert first.is_admin
    assert first.email == "first@example.org"
    with pytest.raises(NotAllowed):
        services.create_first_facilitator("second@example.org", "Bo", PASSWORD)


def test_password_is_stored_as_an_argon2_hash(facilitator):
    assert PASSWORD not in facilitator.password_hash
    assert facilitator.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize("email", ["dana@example.org", "DANA@example.org "])
def test_authenticate_accepts_the_right_credentials(facilitator, email):
    assert services.authenticate(email, PASSWORD) is facilitator


@pytest.mark.parametrize(
    ("email", "password"), [("dana@example.org", "wrong password"), ("nobody@example.org", PASSWORD)]
)
def test_authenticate_refuses_wrong_credentials_alike(facilitator, email, password):
    with pytest.raises(Invalid, match="don't match"):
        services.authenticate(email, password)


def test_e_mail_must_be_unique_and_well_formed(facilitator):
    with pytest.raises(Invalid, match="already an account"):
        services.create_facilitator("Dana@example.org", "Other Dana", PASSWORD)
    with pytest.raises(Invalid, match="e-mail"):
        services.create_facilitator("not-an-email", "Someone", PASSWORD)


def test_invite_works_once_and_only_for_admins(facilitator, make_facilitator):
    invite, token = services.create_invite(facilitator, "for Sam", valid_days=7)
    db.session.commit()
    assert invite.token_hash != token
    colleague = services.accept_invite(services.find_usable_invite(token), "sam@example.org", "Sam", PASSWORD)
    db.session.commit()
    assert not colleague.is_admin
    with pytest.raises(NotFound):
        services.find_usable_invite(token)
    with pytest.raises(NotAllowed):
        services.create_invite(colleague, "", valid_days=7)


def test_expired_invite_is_refused(facilitator):
    _, token = services.create_invite(facilitator, "", valid_days=0)
    db.session.commit()
    with pytest.raises(NotFound, match="not valid any more"):
        services.find_usable_invite(token)


def test_account_creation_is_audited(facilitator):
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "account.created")).one()
    assert entry.facilitator_id == facilitator.id


# --- the password policy ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "accepted"),
    [("x" * 9, False), ("x" * 10, True), ("x" * 128, True), ("x" * 129, False), ("", False)],
)
def test_password_policy_is_10_to_128_characters(password, accepted):
    if accepted:
        services.check_password_policy(password)
    else:
        with pytest.raises(Invalid, match="between 10 and 128"):
            services.check_password_policy(password)


def test_new_accounts_follow_the_password_policy(app):
    with pytest.raises(Invalid, match="between 10 and 128"):
        services.create_facilitator("ana@example.org", "Ana", "too short")


# --- sign-ins ---------------------------------------------------------------------------------


def _sign_in(facilitator):
    sign_in, token = services.start_sign_in(facilitator)
    db.session.commit()
    return sign_in, token


def test_a_sign_in_stores_only_a_hash_of_its_token(facilitator):
    sign_in, token = _sign_in(facilitator)
    assert token not in sign_in.token_hash
    assert sign_in.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert services.find_open_sign_in(facilitator.id, token) is sign_in


def test_a_token_opens_only_its_own_facilitators_sign_in(facilitator, make_facilitator):
    other = make_facilitator()
    _, token = _sign_in(facilitator)
    assert services.find_open_sign_in(other.id, token) is None
    assert services.find_open_sign_in(facilitator.id, "a-guessed-token") is None


def test_an_ended_sign_in_stays_ended(facilitator):
    sign_in, token = _sign_in(facilitator)
    services.end_sign_in(sign_in, "signed_out")
    assert services.find_open_sign_in(facilitator.id, token) is None
    assert sign_in.ended_reason == "signed_out"


def test_an_idle_sign_in_expires(facilitator):
    sign_in, _ = _sign_in(facilitator)
    idle_after = timedelta(minutes=120)
    assert not services.expire_idle_sign_in(sign_in, now=utcnow(), idle_after=idle_after)
    sign_in.last_seen_at = utcnow() - timedelta(minutes=121)
    assert services.expire_idle_sign_in(sign_in, now=utcnow(), idle_after=idle_after)
    assert sign_in.ended_reason == "expired"


def test_a_sign_in_is_touched_at_most_once_a_minute(facilitator):
    sign_in, _ = _sign_in(facilitator)
    now = utcnow()
    assert not services.touch_sign_in(sign_in, now + timedelta(seconds=30))
    assert services.touch_sign_in(sign_in, now + timedelta(seconds=61))
    assert sign_in.last_seen_at == now + timedelta(seconds=61)


def test_a_disabled_account_cannot_start_or_keep_a_sign_in(facilitator, make_facilitator):
    colleague = make_facilitator()
    _, token = _sign_in(colleague)
    services.disable_facilitator(facilitator, colleague)
    assert services.find_open_sign_in(colleague.id, token) is None
    with pytest.raises(NotAllowed, match="switched off"):
        services.start_sign_in(colleague)


# --- changing a password ----------------------------------------------------------------------


def test_changing_the_password_ends_every_other_sign_in(facilitator):
    here, _ = _sign_in(facilitator)
    elsewhere, _ = _sign_in(facilitator)
    ended = services.change_password(facilitator, PASSWORD, "a brand new password", keep=here)
    assert ended == [elsewhere.id]
    assert elsewhere.ended_reason == "password_changed"
    assert here.ended_at is None
    assert services.authenticate(facilitator.email, "a brand new password") is facilitator


@pytest.mark.parametrize(
    ("current", "new", "message"),
    [
        ("not my password", "a brand new password", "isn't your current password"),
        (PASSWORD, "short", "between 10 and 128"),
        (PASSWORD, "x" * 129, "between 10 and 128"),
    ],
)
def test_changing_the_password_refuses_bad_input(facilitator, current, new, message):
    here, _ = _sign_in(facilitator)
    with pytest.raises(Invalid, match=message):
        services.change_password(facilitator, current, new, keep=here)


def test_a_password_change_is_audited_without_the_password(facilitator):
    services.change_password(facilitator, PASSWORD, "a brand new password", keep=None)
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "account.password_changed")
    ).one()
    assert entry.facilitator_id == facilitator.id
    assert "a brand new password" not in str(entry.detail)
    assert PASSWORD not in str(entry.detail)


# --- an admin managing accounts ---------------------------------------------------------------


def test_disabling_ends_all_sign_ins_and_is_audited(facilitator, make_facilitator):
    colleague = make_facilitator()
    sign_ins = [_sign_in(colleague)[0] for _ in range(2)]
    services.disable_facilitator(facilitator, colleague)
    assert not colleague.is_active
    assert {s.ended_reason for s in sign_ins} == {"disabled"}
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "account.disabled")).one()
    assert (entry.facilitator_id, entry.detail["facilitator_id"]) == (facilitator.id, colleague.id)
    services.enable_facilitator(facilitator, colleague)
    assert colleague.is_active
    assert services.authenticate(colleague.email, PASSWORD) is colleague


def test_a_disabled_account_is_told_only_with_the_right_password(facilitator, make_facilitator):
    colleague = make_facilitator()
    services.disable_facilitator(facilitator, colleague)
    with pytest.raises(Invalid, match="don't match"):
        services.authenticate(colleague.email, "wrong password")
    with pytest.raises(NotAllowed, match="switched off"):
        services.authenticate(colleague.email, PASSWORD)


def test_an_admin_cannot_switch_their_own_account_off(facilitator):
    with pytest.raises(NotAllowed, match="your own account"):
        services.disable_facilitator(facilitator, facilitator)
    assert facilitator.is_active


@pytest.mark.parametrize(
    "action",
    [
        lambda actor, _target: services.list_facilitators(actor),
        lambda actor, target: services.load_facilitator_for(actor, target.id),
        services.disable_facilitator,
        services.enable_facilitator,
        lambda actor, target: services.create_password_reset(actor, target, valid_hours=24),
    ],
)
def test_only_admins_manage_accounts(facilitator, make_facilitator, action):
    colleague = make_facilitator()
    with pytest.raises(NotAllowed, match="Only an admin"):
        action(colleague, facilitator)


def _reset_link(admin, facilitator, valid_hours=24):
    reset, token = services.create_password_reset(admin, facilitator, valid_hours=valid_hours)
    db.session.commit()
    return reset, token


def test_a_reset_link_stores_only_a_hash_and_is_audited_without_it(facilitator, make_facilitator):
    colleague = make_facilitator()
    reset, token = _reset_link(facilitator, colleague)
    assert reset.token_hash == hashlib.sha256(token.encode()).hexdigest()
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "password_reset.created")
    ).one()
    assert entry.facilitator_id == facilitator.id
    assert token not in str(entry.detail)


def test_a_reset_link_works_once_and_ends_every_sign_in(facilitator, make_facilitator):
    colleague = make_facilitator()
    sign_in, _ = _sign_in(colleague)
    _, token = _reset_link(facilitator, colleague)
    _, older_token = _reset_link(facilitator, colleague)
    services.reset_password(services.find_usable_password_reset(token), "a brand new password")
    db.session.commit()
    assert sign_in.ended_reason == "password_reset"
    assert services.authenticate(colleague.email, "a brand new password") is colleague
    for used in (token, older_token):
        with pytest.raises(NotFound, match="isn't valid any more"):
            services.find_usable_password_reset(used)
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "account.password_reset")
    ).one()
    assert entry.facilitator_id == colleague.id
    assert "a brand new password" not in str(entry.detail)


def test_a_reset_link_expires(facilitator, make_facilitator):
    _, token = _reset_link(facilitator, make_facilitator(), valid_hours=0)
    with pytest.raises(NotFound, match="isn't valid any more"):
        services.find_usable_password_reset(token)


def test_a_reset_link_follows_the_password_policy(facilitator, make_facilitator):
    reset, _ = _reset_link(facilitator, make_facilitator())
    with pytest.raises(Invalid, match="between 10 and 128"):
        services.reset_password(reset, "short")
    assert reset.used_at is None


def test_the_password_hash_follows_the_configured_profile(app, make_facilitator):
    """Tests hash cheaply (TestConfig); a deployment gets argon2-cffi's RFC 9106 low-memory profile."""
    assert "$m=8,t=1,p=1$" in make_facilitator().password_hash
    app.config["PASSWORD_HASH_PROFILE"] = Config.PASSWORD_HASH_PROFILE
    assert "$m=65536,t=3,p=4$" in make_facilitator().password_hash
