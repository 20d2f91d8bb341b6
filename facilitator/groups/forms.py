"""Forms for groups."""

from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from ..forms import Form, SubForm
from .models import MIN_AGGREGATE_SIZE, SHARE_TIMER_MAX_MINUTES, STEP_KIND_LABELS
from .services import (
    CRISIS_RESOURCES_MESSAGE,
    MAX_AGENDA_STEPS,
    MIN_AGGREGATE_SIZE_MESSAGE,
    MIN_AGGREGATE_SIZE_RANGE,
    RETENTION_DAYS_MESSAGE,
    RETENTION_DAYS_RANGE,
)


class WholeNumberField(IntegerField):
    """An integer field whose "not a number" message is the field's own range message."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            range_check = next((v for v in self.validators if isinstance(v, NumberRange)), None)
            raise ValueError(range_check.message if range_check else str(error)) from error


def _whole_number_or_as_is(value: object) -> object:
    """A whole number from the form, or the value as it came, for clean_agenda to refuse kindly."""
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return value


class AgendaStepForm(SubForm):
    """One step of the agenda; a row left without a title is dropped."""

    # Checked by services.clean_agenda, which says kindly what's wrong.
    kind = SelectField(
        "Kind",
        choices=[SelectChoice(kind.value, label) for kind, label in STEP_KIND_LABELS.items()],
        validate_choice=False,
    )
    title = StringField(
        "Title",
        validators=[Optional(), Length(max=60, message="Please keep step titles under 60 characters.")],
    )
    prompt = StringField(
        "Prompt",
        validators=[Optional(), Length(max=200, message="Please keep prompts under 200 characters.")],
    )
    # Sharing steps only; checked by services.clean_agenda.
    timer_minutes = SelectField(
        "Share timer",
        choices=[SelectChoice(0, "No timer")]
        + [
            SelectChoice(minutes, f"Timer: {minutes} min")
            for minutes in range(1, SHARE_TIMER_MAX_MINUTES + 1)
        ],
        coerce=_whole_number_or_as_is,
        validate_choice=False,
    )


class GroupForm(Form):
    """A group's details; services.check_settings holds the rules these validators show early."""

    name = StringField(
        "Group name",
        validators=[
            InputRequired("Please give the group a name."),
            Length(max=80, message="Please keep the name under 80 characters."),
        ],
    )
    description = TextAreaField(
        "Description (optional)",
        validators=[Length(max=1000, message="Please keep the description under 1,000 characters.")],
    )
    crisis_resources = TextAreaField(
        "Crisis resources shown to participants",
        validators=[
            InputRequired(CRISIS_RESOURCES_MESSAGE),
            Length(max=2000, message="Please keep crisis resources under 2,000 characters."),
        ],
    )
    min_aggregate_size = WholeNumberField(
        "Fewest answers before the group's results are shown",
        default=MIN_AGGREGATE_SIZE,
        validators=[
            InputRequired(MIN_AGGREGATE_SIZE_MESSAGE),
            NumberRange(*MIN_AGGREGATE_SIZE_RANGE, MIN_AGGREGATE_SIZE_MESSAGE),
        ],
    )
    retention_days = WholeNumberField(
        "Delete people's written words after this many days (optional)",
        validators=[
            Optional(),
            NumberRange(*RETENTION_DAYS_RANGE, RETENTION_DAYS_MESSAGE),
        ],
    )
    purge_win_texts = BooleanField("Also delete the words of small wins then")
    show_share_order = BooleanField("Show everyone the speaking queue's order, with names")
    attendance_receipts = BooleanField("Let participants download a signed attendance receipt")
    agenda = FieldList(FormField(AgendaStepForm), min_entries=MAX_AGENDA_STEPS, max_entries=MAX_AGENDA_STEPS)

    def fill_agenda(self, steps: list[dict]) -> None:
        """Show the given steps, then empty rows up to the maximum."""
        while len(self.agenda.entries):
            self.agenda.pop_entry()
        for step in steps[:MAX_AGENDA_STEPS]:
            self.agenda.append_entry(step)
        while len(self.agenda.entries) < MAX_AGENDA_STEPS:
            self.agenda.append_entry()

    def details(self) -> dict:
        """The form's values as the keyword arguments of create_group/update_group."""
        return {
            "name": self.name.data,
            "description": self.description.data or "",
            "crisis_resources": self.crisis_resources.data,
            "agenda": [entry.data for entry in self.agenda.entries],
            "min_aggregate_size": self.min_aggregate_size.data,
            "retention_days": self.retention_days.data,
            "purge_win_texts": self.purge_win_texts.data,
            "show_share_order": self.show_share_order.data,
            "attendance_receipts": self.attendance_receipts.data,
        }


class CoFacilitatorForm(Form):
    email = EmailField(
        "Co-facilitator's e-mail",
        validators=[
            InputRequired("Please enter their e-mail address."),
            Length(max=254),
            Email("That doesn't look like an e-mail address."),
        ],
    )


class ConfirmForm(Form):
    """An empty form: a button that needs its CSRF token."""
