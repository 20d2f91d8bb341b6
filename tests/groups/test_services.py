import pytest

from facilitator.audit.models import AuditEntry
from facilitator.errors import Invalid, NotAllowed, NotFound
from facilitator.extensions import db
from facilitator.groups import services
from facilitator.groups.models import DEFAULT_AGENDA, Role

DETAILS = {
    "name": "Tuesday Recovery Circle",
    "description": "",
    "crisis_resources": "Call 988",
    "agenda": DEFAULT_AGENDA,
    "min_aggregate_size": 3,
}


def audit_entries(action: str | None = None) -> list[AuditEntry]:
    query = db.select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


@pytest.fixture
def co_facilitator(group, facilitator, make_facilitator):
    """A co-facilitator of `group` who is not an admin."""
    colleague = make_facilitator("Sam Co", email="sam@example.org")
    services.add_co_facilitator(facilitator, group, colleague.email)
    db.session.commit()
    return colleague


def test_creator_leads_the_group(group, facilitator):
    assert [(m.facilitator_id, m.role) for m in group.memberships] == [(facilitator.id, Role.LEAD)]
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
    with pytest.raises(Invalid, match="already helps"):
        services.add_co_facilitator(facilitator, group, "co@example.org")
    with pytest.raises(Invalid, match="no facilitator with that e-mail"):
        services.add_co_facilitator(facilitator, group, "stranger@example.org")
    with pytest.raises(NotAllowed, match="lead facilitator can't be removed"):
        services.remove_co_facilitator(facilitator, group, facilitator.id)
    services.remove_co_facilitator(facilitator, group, colleague.id)
    assert not group.is_run_by(colleague)


@pytest.mark.parametrize(
    ("role", "is_admin", "manages"),
    [
        (Role.LEAD, False, True),
        (Role.LEAD, True, True),
        (Role.CO, True, True),
        (Role.CO, False, False),
    ],
)
def test_the_lead_and_admin_members_manage_a_group(make_facilitator, make_group, role, is_admin, manages):
    lead = make_facilitator("Lee Lead")
    group = make_group(lead)
    member = lead
    if role is Role.CO:
        member = make_facilitator("Member", is_admin=is_admin)
        services.add_co_facilitator(lead, group, member.email)
    else:
        lead.is_admin = is_admin
    assert services.can_manage(member, group) is manages


MANAGING_ACTIONS = {
    "update": lambda actor, group, _: services.update_group(actor, group, **{**DETAILS, "name": "Mine now"}),
    "archive": lambda actor, group, _: services.set_archived(actor, group, True),
    "add": lambda actor, group, _: services.add_co_facilitator(actor, group, "new@example.org"),
    "remove": lambda actor, group, other: services.remove_co_facilitator(actor, group, other.id),
}


@pytest.mark.parametrize("action", MANAGING_ACTIONS)
def test_co_facilitators_cannot_manage_a_group(group, facilitator, co_facilitator, make_facilitator, action):
    make_facilitator("New", email="new@example.org")
    other_co = make_facilitator("Other Co")
    services.add_co_facilitator(facilitator, group, other_co.email)
    db.session.commit()
    before = len(audit_entries())
    with pytest.raises(NotAllowed, match="Only the group's lead, or an admin who helps run it"):
        MANAGING_ACTIONS[action](co_facilitator, group, other_co)
    db.session.rollback()
    assert group.name == "Tuesday Recovery Circle"
    assert not group.is_archived
    assert group.facilitator_ids() == {facilitator.id, co_facilitator.id, other_co.id}
    assert len(audit_entries()) == before


@pytest.mark.parametrize("action", MANAGING_ACTIONS)
def test_admins_outside_a_group_are_told_it_does_not_exist(group, co_facilitator, make_facilitator, action):
    admin = make_facilitator("Ada Admin", is_admin=True)
    with pytest.raises(NotFound, match="couldn't find that group"):
        MANAGING_ACTIONS[action](admin, group, co_facilitator)
    with pytest.raises(NotFound):
        services.load_group_for(admin, group.id)


def test_an_admin_co_facilitator_manages_the_group(make_group, make_facilitator):
    lead = make_facilitator("Lee Lead")
    group = make_group(lead)
    admin = make_facilitator("Ada Admin", is_admin=True)
    services.add_co_facilitator(lead, group, admin.email)
    other = make_facilitator("Other Co", email="other@example.org")
    services.add_co_facilitator(admin, group, other.email)
    services.update_group(admin, group, **{**DETAILS, "min_aggregate_size": 5})
    services.remove_co_facilitator(admin, group, other.id)
    services.set_archived(admin, group, True)
    assert group.min_aggregate_size == 5
    assert not group.is_run_by(other)
    assert group.is_archived


def test_archiving_keeps_the_group(group, facilitator):
    services.set_archived(facilitator, group, True)
    assert group.is_archived
    services.set_archived(facilitator, group, False)
    assert not group.is_archived


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"min_aggregate_size": 1}, "from 2 to 20"),
        ({"min_aggregate_size": 21}, "from 2 to 20"),
        ({"retention_days": 0}, "from 1 to 3,650"),
        ({"retention_days": 3651}, "from 1 to 3,650"),
        ({"retention_days": -5}, "from 1 to 3,650"),
        ({"crisis_resources": "  \n "}, "where to get urgent help"),
    ],
)
def test_settings_are_checked_by_the_service(group, facilitator, change, message):
    with pytest.raises(Invalid, match=message):
        services.update_group(facilitator, group, **{**DETAILS, **change})
    with pytest.raises(Invalid, match=message):
        services.create_group(facilitator, **{**DETAILS, **change})


@pytest.mark.parametrize(
    "change",
    [
        {"min_aggregate_size": 2},
        {"min_aggregate_size": 20},
        {"retention_days": 1},
        {"retention_days": 3650},
        {"retention_days": None},
    ],
)
def test_settings_at_the_ends_of_their_range_are_kept(group, facilitator, change):
    services.update_group(facilitator, group, **{**DETAILS, **change})
    assert all(getattr(group, field) == value for field, value in change.items())


def test_group_update_is_audited_with_changed_fields_and_settings(group, facilitator):
    services.update_group(
        facilitator,
        group,
        **{
            **DETAILS,
            "description": "A private description",
            "crisis_resources": "Call 116 123",
            "min_aggregate_size": 5,
            "retention_days": 30,
            "purge_win_texts": True,
        },
    )
    (entry,) = audit_entries("group.updated")
    assert entry.facilitator_id == facilitator.id
    assert entry.group_id == group.id
    assert entry.detail == {
        "changed": [
            "description",
            "crisis_resources",
            "min_aggregate_size",
            "retention_days",
            "purge_win_texts",
        ],
        "values": {
            "min_aggregate_size": {"old": 3, "new": 5},
            "retention_days": {"old": None, "new": 30},
            "purge_win_texts": {"old": False, "new": True},
        },
    }


def test_group_update_names_text_fields_without_their_words(group, facilitator):
    services.update_group(
        facilitator, group, **{**DETAILS, "name": "Renamed", "crisis_resources": "Call 111"}
    )
    (entry,) = audit_entries("group.updated")
    assert entry.detail == {"changed": ["name", "crisis_resources"], "values": {}}


def test_saving_without_changes_writes_no_audit_entry(group, facilitator):
    services.update_group(facilitator, group, **{**DETAILS, "crisis_resources": group.crisis_resources})
    assert audit_entries("group.updated") == []


def test_managing_actions_are_audited(group, facilitator, co_facilitator):
    services.remove_co_facilitator(facilitator, group, co_facilitator.id)
    services.set_archived(facilitator, group, True)
    services.set_archived(facilitator, group, False)
    actions = [(entry.action, entry.detail, entry.facilitator_id) for entry in audit_entries()]
    assert actions[-4:] == [
        ("group.co_facilitator_added", {"facilitator_id": co_facilitator.id}, facilitator.id),
        ("group.co_facilitator_removed", {"facilitator_id": co_facilitator.id}, facilitator.id),
        ("group.archived", {}, facilitator.id),
        ("group.restored", {}, facilitator.id),
    ]


# --- the speaking queue's settings (facilitator/sharing) ----------------------------------------


def test_a_sharing_step_keeps_its_share_timer_and_other_steps_have_none():
    agenda = services.clean_agenda(
        [
            {"kind": "sharing", "title": "Open sharing", "timer_minutes": 10},
            {"kind": "sharing", "title": "Go-round", "timer_minutes": ""},
            {"kind": "checkin", "title": "Check-in", "timer_minutes": 3},
        ]
    )
    assert [step.get("timer_minutes") for step in agenda] == [10, None, None]


@pytest.mark.parametrize("minutes", [11, -1, "3", True, 2.5])
def test_a_share_timer_is_off_or_one_to_ten_minutes(minutes):
    with pytest.raises(Invalid, match="1 to 10 minutes, or none"):
        services.clean_agenda([{"kind": "sharing", "title": "Sharing", "timer_minutes": minutes}])


def test_showing_the_queue_s_order_is_a_yes_or_no_setting_and_audited(group, facilitator):
    assert group.show_share_order is False
    with pytest.raises(Invalid, match="yes or no"):
        services.update_group(facilitator, group, **{**DETAILS, "show_share_order": "yes"})
    services.update_group(facilitator, group, **{**DETAILS, "show_share_order": True})
    db.session.commit()
    assert group.show_share_order is True
    [entry] = audit_entries("group.updated")
    assert entry.detail["values"]["show_share_order"] == {"old": False, "new": True}
