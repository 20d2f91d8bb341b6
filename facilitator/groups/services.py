"""Groups: creating, editing and archiving them, and who runs them."""

from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import Facilitator
from ..accounts.services import find_facilitator_by_email
from ..audit.services import record_action
from ..clock import utcnow
from ..errors import Invalid, NotAllowed, NotFound
from ..extensions import db
from .models import Group, GroupFacilitator, Role, StepKind

MAX_AGENDA_STEPS = 10


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
    if not agenda:
        raise Invalid("Please give the agenda at least one step.")
    if len(agenda) > MAX_AGENDA_STEPS:
        raise Invalid(f"An agenda can have up to {MAX_AGENDA_STEPS} steps.")
    return agenda


def create_group(
    actor: Facilitator,
    *,
    name: str,
    description: str,
    crisis_resources: str,
    agenda: list[dict],
    min_aggregate_size: int,
    retention_days: int | None = None,
    purge_win_texts: bool = False,
) -> Group:
    """Create a group led by the actor."""
    group = Group(
        name=name.strip(),
        description=description.strip(),
        crisis_resources=crisis_resources.strip(),
        agenda=clean_agenda(agenda),
        min_aggregate_size=min_aggregate_size,
        retention_days=retention_days,
        purge_win_texts=purge_win_texts,
    )
    group.memberships.append(GroupFacilitator(facilitator_id=actor.id, role=Role.LEAD))
    db.session.add(group)
    db.session.flush()
    record_action(actor, "group.created", group=group)
    return group


def update_group(
    actor: Facilitator,
    group: Group,
    *,
    name: str,
    description: str,
    crisis_resources: str,
    agenda: list[dict],
    min_aggregate_size: int,
    retention_days: int | None = None,
    purge_win_texts: bool = False,
) -> Group:
    """Change a group's details; any of its facilitators may."""
    _require_runs(actor, group)
    group.name = name.strip()
    group.description = description.strip()
    group.crisis_resources = crisis_resources.strip()
    group.agenda = clean_agenda(agenda)
    group.min_aggregate_size = min_aggregate_size
    group.retention_days = retention_days
    group.purge_win_texts = purge_win_texts
    record_action(actor, "group.updated", group=group)
    return group


def set_archived(actor: Facilitator, group: Group, archived: bool) -> None:
    """Archive a group (it keeps its history but runs no new sessions), or bring it back."""
    _require_runs(actor, group)
    group.archived_at = utcnow() if archived else None
    record_action(actor, "group.archived" if archived else "group.restored", group=group)


def add_co_facilitator(actor: Facilitator, group: Group, email: str) -> Facilitator:
    """Give another facilitator a place in the group."""
    _require_runs(actor, group)
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
    _require_runs(actor, group)
    membership = next((m for m in group.memberships if m.facilitator_id == facilitator_id), None)
    if membership is None:
        raise NotFound("That facilitator isn't part of this group.")
    if membership.role == Role.LEAD:
        raise NotAllowed("The group's lead facilitator can't be removed.")
    group.memberships.remove(membership)
    record_action(actor, "group.co_facilitator_removed", group=group, facilitator_id=facilitator_id)


def _require_runs(actor: Facilitator, group: Group) -> None:
    if not group.is_run_by(actor):
        raise NotFound("We couldn't find that group.")
