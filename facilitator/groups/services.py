"""Groups: creating, editing and archiving them, and who runs them."""

from __future__ import annotations

from typing import NotRequired, TypedDict, Unpack

from sqlalchemy import select

from .. import signals
from ..accounts.models import Facilitator
from ..accounts.services import find_facilitator_by_email
from ..audit.services import record_action
from ..clock import utcnow
from ..errors import Invalid, NotAllowed, NotFound
from ..extensions import db
from ..transactions import after_commit
from .models import SHARE_TIMER_MAX_MINUTES, Group, GroupFacilitator, Role, StepKind

MAX_AGENDA_STEPS = 10
MIN_AGGREGATE_SIZE_RANGE = (2, 20)
RETENTION_DAYS_RANGE = (1, 3650)
MIN_AGGREGATE_SIZE_MESSAGE = "Please give a number from {} to {}.".format(*MIN_AGGREGATE_SIZE_RANGE)
RETENTION_DAYS_MESSAGE = "Please give a number of days from {:,} to {:,}, or leave it empty.".format(
    *RETENTION_DAYS_RANGE
)
CRISIS_RESOURCES_MESSAGE = "Participants must always see where to get urgent help."
SHARE_TIMER_MESSAGE = f"Please choose a share timer of 1 to {SHARE_TIMER_MAX_MINUTES} minutes, or none."
YES_OR_NO_MESSAGE = "Please choose yes or no."
# Settings whose old and new values the audit log keeps; other fields are named only.
VALUED_SETTINGS = (
    "min_aggregate_size",
    "retention_days",
    "purge_win_texts",
    "attendance_receipts",
    "show_share_order",
)
NOT_MANAGER_MESSAGE = (
    "Only the group's lead, or an admin who helps run it, can change its settings or who runs it. "
    "You can still run its sessions and see its summaries."
)


def groups_run_by(facilitator: Facilitator) -> list[Group]:
    """The facilitator's groups, active ones first, then by name."""
    return list(
        db.session.scalars(
            select(Group)
            .join(GroupFacilitator)
            .where(GroupFacilitator.facilitator_id == facilitator.id)
            .order_by(Group.archived_at.is_not(None), Group.name)
        )
    )


def load_group_for(actor: Facilitator, group_id: int) -> Group:
    """The group, if the actor runs it. Others are told it doesn't exist, so nothing leaks."""
    group = db.session.get(Group, group_id)
    if group is None or not group.is_run_by(actor):
        raise NotFound("We couldn't find that group.")
    return group


def can_manage(actor: Facilitator, group: Group) -> bool:
    """Whether the actor may change the group's settings and who runs it: its lead, or an admin member."""
    role = group.role_of(actor)
    return role is Role.LEAD or (role is not None and actor.is_admin)


def require_manager(actor: Facilitator, group: Group) -> None:
    """Refuse anyone who may not manage the group; those outside it are told it doesn't exist."""
    if not group.is_run_by(actor):
        raise NotFound("We couldn't find that group.")
    if not can_manage(actor, group):
        raise NotAllowed(NOT_MANAGER_MESSAGE)


def load_group_to_manage(actor: Facilitator, group_id: int) -> Group:
    """The group, if the actor may manage it."""
    group = load_group_for(actor, group_id)
    require_manager(actor, group)
    return group


def _share_timer(value: object) -> int:
    """A sharing step's timer in whole minutes: 0 (none) up to SHARE_TIMER_MAX_MINUTES."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= SHARE_TIMER_MAX_MINUTES:
        raise Invalid(SHARE_TIMER_MESSAGE)
    return value


def clean_agenda(steps: list[dict]) -> list[dict]:
    """Keep the steps that have a title, in order; each step needs a known kind."""
    agenda = []
    for step in steps:
        title = (step.get("title") or "").strip()
        if not title:
            continue
        kind = step.get("kind") or StepKind.CUSTOM
        if kind not in set(StepKind):
            raise Invalid("Please choose a kind for every agenda step.")
        agenda.append({"kind": kind, "title": title, "prompt": (step.get("prompt") or "").strip()})
        if kind == StepKind.SHARING and (minutes := _share_timer(step.get("timer_minutes"))):
            agenda[-1]["timer_minutes"] = minutes  # kept only when there is one
    if not agenda:
        raise Invalid("Please give the agenda at least one step.")
    if len(agenda) > MAX_AGENDA_STEPS:
        raise Invalid(f"An agenda can have up to {MAX_AGENDA_STEPS} steps.")
    return agenda


def check_settings(*, crisis_resources: str, min_aggregate_size: int, retention_days: int | None) -> None:
    """Refuse settings that would weaken participants' safety or privacy, whichever door they come by."""
    if not crisis_resources.strip():
        raise Invalid(CRISIS_RESOURCES_MESSAGE)
    if not MIN_AGGREGATE_SIZE_RANGE[0] <= min_aggregate_size <= MIN_AGGREGATE_SIZE_RANGE[1]:
        raise Invalid(MIN_AGGREGATE_SIZE_MESSAGE)
    if (
        retention_days is not None
        and not RETENTION_DAYS_RANGE[0] <= retention_days <= RETENTION_DAYS_RANGE[1]
    ):
        raise Invalid(RETENTION_DAYS_MESSAGE)


class GroupDetails(TypedDict):
    """What a lead fills in on the group form (and the services check)."""

    name: str
    description: str
    crisis_resources: str
    agenda: list[dict]
    min_aggregate_size: int
    retention_days: NotRequired[int | None]
    purge_win_texts: NotRequired[bool]
    attendance_receipts: NotRequired[bool]
    show_share_order: NotRequired[bool]


def _clean_details(details: GroupDetails) -> dict:
    """A group's details as they are stored, once checked."""
    retention_days = details.get("retention_days")
    attendance_receipts = details.get("attendance_receipts", False)
    if not isinstance(attendance_receipts, bool):
        raise Invalid(YES_OR_NO_MESSAGE)
    show_share_order = details.get("show_share_order", False)
    if not isinstance(show_share_order, bool):
        raise Invalid(YES_OR_NO_MESSAGE)
    check_settings(
        crisis_resources=details["crisis_resources"],
        min_aggregate_size=details["min_aggregate_size"],
        retention_days=retention_days,
    )
    return {
        "name": details["name"].strip(),
        "description": details["description"].strip(),
        "crisis_resources": details["crisis_resources"].strip(),
        "agenda": clean_agenda(details["agenda"]),
        "min_aggregate_size": details["min_aggregate_size"],
        "retention_days": retention_days,
        "purge_win_texts": details.get("purge_win_texts", False),
        "attendance_receipts": attendance_receipts,
        "show_share_order": show_share_order,
    }


def create_group(actor: Facilitator, **details: Unpack[GroupDetails]) -> Group:
    """Create a group led by the actor."""
    cleaned = _clean_details(details)
    group = Group(**cleaned)
    group.memberships.append(GroupFacilitator(facilitator_id=actor.id, role=Role.LEAD))
    db.session.add(group)
    db.session.flush()
    record_action(
        actor, "group.created", group=group, values={field: cleaned[field] for field in VALUED_SETTINGS}
    )
    return group


def update_group(actor: Facilitator, group: Group, **details: Unpack[GroupDetails]) -> Group:
    """Change a group's details (its lead or an admin member may); the audit log names what changed."""
    require_manager(actor, group)
    cleaned = _clean_details(details)
    changed = [field for field, value in cleaned.items() if getattr(group, field) != value]
    if not changed:
        return group
    # Free text (names, descriptions, crisis resources, prompts) stays out of the log: only field names.
    values = {
        field: {"old": getattr(group, field), "new": cleaned[field]}
        for field in changed
        if field in VALUED_SETTINGS
    }
    for field in changed:
        setattr(group, field, cleaned[field])
    record_action(actor, "group.updated", group=group, changed=changed, values=values)
    return group


def set_archived(actor: Facilitator, group: Group, archived: bool) -> None:
    """Archive a group (it keeps its history but runs no new sessions), or bring it back."""
    require_manager(actor, group)
    group.archived_at = utcnow() if archived else None
    record_action(actor, "group.archived" if archived else "group.restored", group=group)


def add_co_facilitator(actor: Facilitator, group: Group, email: str) -> Facilitator:
    """Give another facilitator a place in the group, as a co-facilitator."""
    require_manager(actor, group)
    colleague = find_facilitator_by_email(email)
    if colleague is None:
        raise Invalid("There's no facilitator with that e-mail. An admin can invite them first.")
    if group.is_run_by(colleague):
        raise Invalid(f"{colleague.display_name} already helps run this group.")
    group.memberships.append(GroupFacilitator(facilitator_id=colleague.id, role=Role.CO))
    record_action(actor, "group.co_facilitator_added", group=group, facilitator_id=colleague.id)
    return colleague


def remove_co_facilitator(actor: Facilitator, group: Group, facilitator_id: int) -> None:
    """Take a co-facilitator out of the group. The lead stays."""
    require_manager(actor, group)
    membership = next((m for m in group.memberships if m.facilitator_id == facilitator_id), None)
    if membership is None:
        raise NotFound("That facilitator isn't part of this group.")
    if membership.role == Role.LEAD:
        raise NotAllowed("The group's lead facilitator can't be removed.")
    group.memberships.remove(membership)
    record_action(actor, "group.co_facilitator_removed", group=group, facilitator_id=facilitator_id)
    after_commit(signals.left_group.send, facilitator_id, group_id=group.id)
