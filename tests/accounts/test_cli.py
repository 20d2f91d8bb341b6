from facilitator.accounts.models import Facilitator
from facilitator.extensions import db

from ..conftest import PASSWORD


def test_create_facilitator_reads_the_password_from_stdin(runner):
    result = runner.invoke(
        args=["create-facilitator", "--email", "ana@example.org", "--name", "Ana", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin ana@example.org" in result.output
    second = runner.invoke(
        args=["create-facilitator", "--email", "bo@example.org", "--name", "Bo", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert "Created facilitator bo@example.org" in second.output
    assert [f.is_admin for f in db.session.scalars(db.select(Facilitator).order_by(Facilitator.id))] == [
        True,
        False,
    ]


def test_create_facilitator_prompts_for_the_password(runner):
    result = runner.invoke(
        args=["create-facilitator", "--email", "ana@example.org", "--name", "Ana"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output


def test_create_facilitator_refuses_a_short_password_or_taken_email(runner, facilitator):
    short = runner.invoke(
        args=["create-facilitator", "--email", "x@example.org", "--name", "X", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code != 0
    assert "between 10 and 128" in short.output
    taken = runner.invoke(
        args=["create-facilitator", "--email", facilitator.email, "--name", "X", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert taken.exit_code != 0
    assert "already an account" in taken.output
