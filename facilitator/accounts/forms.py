"""Forms for facilitator accounts. The password policy itself lives in accounts/services.py."""

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, PasswordField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from ..errors import Invalid
from ..forms import Form
from .services import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, check_password_policy


def _meets_password_policy(_form: FlaskForm, field: Field) -> None:
    """Show the service's password rule on the form, in its own words."""
    try:
        check_password_policy(field.data or "")
    except Invalid as error:
        raise ValidationError(error.message) from error


def _new_password_field(label: str) -> PasswordField:
    return PasswordField(
        f"{label} (at least {PASSWORD_MIN_LENGTH} characters)",
        validators=[InputRequired("Please choose a password."), _meets_password_policy],
    )


def _confirm_field() -> PasswordField:
    return PasswordField("Password again", validators=[EqualTo("password", "The two passwords don't match.")])


def _email_field() -> EmailField:
    return EmailField(
        "E-mail",
        validators=[
            InputRequired("Please enter your e-mail address."),
            Length(max=254, message="That e-mail address is too long."),
            Email("That doesn't look like an e-mail address."),
        ],
    )


def _current_password_field(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired("Please enter your password."),
            Length(max=PASSWORD_MAX_LENGTH, message="That password is too long."),
        ],
    )


class AccountForm(Form):
    """A new facilitator's details: first-run setup, invitation and sign-up all use it."""

    display_name = StringField(
        "Your name, as group members will see it",
        validators=[
            InputRequired("Please tell us your name."),
            Length(max=80, message="Please keep your name under 80 characters."),
        ],
    )
    email = _email_field()
    password = _new_password_field("Password")
    confirm = _confirm_field()


class LoginForm(Form):
    """Signing in."""

    email = _email_field()
    password = _current_password_field("Password")


class ChangePasswordForm(Form):
    """A signed-in facilitator sets a new password."""

    current_password = _current_password_field("Your current password")
    password = _new_password_field("New password")
    confirm = _confirm_field()


class ResetPasswordForm(Form):
    """Setting a new password through an admin's reset link."""

    password = _new_password_field("New password")
    confirm = _confirm_field()


class InviteForm(Form):
    """An admin's note on an invitation."""

    note = StringField(
        "Who is it for? (only you see this)",
        validators=[Length(max=120, message="Please keep the note under 120 characters.")],
    )
