"""Forms for facilitator accounts."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length

PASSWORD_MIN_LENGTH = 10


class AccountForm(FlaskForm):
    """A new facilitator's details: first-run setup, invitation and sign-up all use it."""

    display_name = StringField(
        "Your name, as group members will see it",
        validators=[
            InputRequired("Please tell us your name."),
            Length(max=80, message="Please keep your name under 80 characters."),
        ],
    )
    email = EmailField(
        "E-mail",
        validators=[
            InputRequired("Please enter your e-mail address."),
            Length(max=254, message="That e-mail address is too long."),
            Email("That doesn't look like an e-mail address."),
        ],
    )
    password = PasswordField(
        f"Password (at least {PASSWORD_MIN_LENGTH} characters)",
        validators=[
            InputRequired("Please choose a password."),
            Length(
                min=PASSWORD_MIN_LENGTH,
                max=128,
                message=f"Please use between {PASSWORD_MIN_LENGTH} and 128 characters.",
            ),
        ],
    )
    confirm = PasswordField(
        "Password again",
        validators=[EqualTo("password", "The two passwords don't match.")],
    )


class LoginForm(FlaskForm):
    email = EmailField(
        "E-mail",
        validators=[
            InputRequired("Please enter your e-mail address."),
            Length(max=254, message="That e-mail address is too long."),
            Email("That doesn't look like an e-mail address."),
        ],
    )
    password = PasswordField(
        "Password",
        validators=[
            InputRequired("Please enter your password."),
            Length(max=128, message="That password is too long."),
        ],
    )


class InviteForm(FlaskForm):
    note = StringField(
        "Who is it for? (only you see this)",
        validators=[Length(max=120, message="Please keep the note under 120 characters.")],
    )
