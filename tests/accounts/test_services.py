import pytest

from facilitator.accounts import services
from facilitator.audit.models import AuditEntry
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


@pytest.mark.parametrize(
    ("email", "password", "accepted"),
    [
        ("dana@example.org", PASSWORD, True),
        ("DANA@example.org ", PASSWORD, True),
        ("dana@example.org", "wrong password", False),
        ("nobody@example.org", PASSWORD, False),
    ],
)
def test_authenticate(facilitator, email, password, accepted):
    assert (services.authenticate(email, password) is not None) is accepted


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
