"""Receipts are a group setting, off by default, that the group's lead turns on and off."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from facilitator.audit.models import AuditEntry
from facilitator.errors import Invalid
from facilitator.extensions import db
from facilitator.groups import services as group_services

from ..conftest import post_form

GROUP_FORM = {
    "name": "Tuesday Recovery Circle",
    "crisis_resources": "Call 988",
    "min_aggregate_size": "3",
    "agenda-0-kind": "checkin",
    "agenda-0-title": "Check-in",
}


def test_a_new_group_offers_no_receipts(group, facilitator_client):
    assert group.attendance_receipts is False
    page = facilitator_client.get(f"/groups/{group.id}/edit").get_data(as_text=True)
    assert (
        'id="attendance_receipts"' in page and "checked" not in page.split('id="attendance_receipts"')[1][:40]
    )
    assert 'aria-describedby="attendance-receipts-hint"' in page


def test_the_lead_turns_receipts_on_and_off_and_the_log_keeps_both(group, facilitator_client):
    url = f"/groups/{group.id}/edit"
    assert post_form(facilitator_client, url, {**GROUP_FORM, "attendance_receipts": "y"}).status_code == 302
    db.session.expire_all()
    assert group.attendance_receipts is True
    assert post_form(facilitator_client, url, GROUP_FORM).status_code == 302
    db.session.expire_all()
    assert group.attendance_receipts is False
    changes = [
        entry.detail["values"].get("attendance_receipts")
        for entry in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "group.updated").order_by(AuditEntry.id)
        )
    ]
    assert changes == [{"old": False, "new": True}, {"old": True, "new": False}]


def test_a_group_can_be_made_with_receipts_on(make_group, facilitator):
    assert make_group(facilitator, attendance_receipts=True).attendance_receipts is True


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_the_setting_must_be_yes_or_no_whichever_door(group, facilitator, value):
    details = {
        "name": group.name,
        "description": "",
        "crisis_resources": group.crisis_resources,
        "agenda": group.agenda,
        "min_aggregate_size": 3,
        "attendance_receipts": value,
    }
    with pytest.raises(Invalid, match="Please choose yes or no"):
        group_services.update_group(facilitator, group, **details)
