import pytest

from facilitator.errors import Invalid, NotAllowed, NotFound
from facilitator.extensions import db
from facilitator.groups import services
from facilitator.groups.models import DEFAULT_AGENDA, Role


def test_creator_leads_the_group(group, facilitator):
    assert group.lead() == facilitator
    assert group.memberships[0].role == Role.LEAD
    assert group.agenda == DEFAULT_AGENDA


def test_facilitators_see_only_their_own_groups(make_group, facilitator, make_facilitator):
    other = make_facilitator("Other")
    mine = make_group(facilitator, "Mine")
    make_group(other, "Theirs")
    assert services.groups_run_by(facilitator) == [mine]
    with pytest.raises(NotFound):
        services.load_group_for(facilitator, services.groups_run_by(other)[0].id)


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([], "at least one step"),
        ([{"kind": "checkin", "title": "  "}], "at least one step"),
        ([{"kind": "dance", "title": "Dance"}], "choose a kind"),
        ([{"kind": "custom", "title": f"Step {n}"} for n in range(11)], "up to 10 steps"),
    ],
)
def test_agenda_must_make_sense(steps, message):
    with pytest.raises(Invalid, match=message):
        services.clean_agenda(steps)


def test_agenda_keeps_order_and_drops_empty_rows():
    steps = [
        {"kind": "checkin", "title": "Arrive", "prompt": "Hello"},
        {"kind": "checkin", "title": "", "prompt": ""},
        {"kind": "checkout", "title": "Leave", "prompt": None},
    ]
    assert services.clean_agenda(steps) == [
        {"kind": "checkin", "title": "Arrive", "prompt": "Hello"},
        {"kind": "checkout", "title": "Leave", "prompt": ""},
    ]


def test_co_facilitators_can_be_added_and_removed(group, facilitator, make_facilitator):
    colleague = make_facilitator("Co", email="co@example.org")
    services.add_co_facilitator(facilitator, group, "CO@example.org")
    db.session.commit()
    assert group.is_run_by(colleague)
    # A co-facilitator runs the group fully: they may edit it too.
    services.update_group(
        colleague,
        group,
        name="Renamed",
        description="",
        crisis_resources="Call 988",
        agenda=DEFAULT_AGENDA,
        min_aggregate_size=4,
    )
    with pytest.raises(Invalid, match="already helps"):
        services.add_co_facilitator(facilitator, group, "co@example.org")
    with pytest.raises(Invalid, match="no facilitator with that e-mail"):
        services.add_co_facilitator(facilitator, group, "stranger@example.org")
    with pytest.raises(NotAllowed):
        services.remove_co_facilitator(colleague, group, facilitator.id)
    services.remove_co_facilitator(facilitator, group, colleague.id)
    assert not group.is_run_by(colleague)


def test_outsiders_cannot_change_a_group(group, make_facilitator):
    outsider = make_facilitator("Outsider")
    with pytest.raises(NotFound):
        services.set_archived(outsider, group, True)


def test_archiving_keeps_the_group(group, facilitator):
    services.set_archived(facilitator, group, True)
    assert group.is_archived
    services.set_archived(facilitator, group, False)
    assert not group.is_archived
