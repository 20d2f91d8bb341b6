"""Groups, the facilitators who run them, and their agenda."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Facilitator
from ..clock import utcnow
from ..extensions import Model


class StepKind(StrEnum):
    CHECKIN = "checkin"
    SHARING = "sharing"
    WINS = "wins"
    CHECKOUT = "checkout"
    GROUNDING = "grounding"  # a shared grounding exercise (facilitator/grounding)
    CUSTOM = "custom"


STEP_KIND_LABELS = {
    StepKind.CHECKIN: "Check-in",
    StepKind.SHARING: "Sharing",
    StepKind.WINS: "Small wins",
    StepKind.CHECKOUT: "Check-out",
    StepKind.GROUNDING: "Grounding exercise",
    StepKind.CUSTOM: "Other",
}

DEFAULT_AGENDA = [
    {"kind": "checkin", "title": "Check-in", "prompt": "How are you arriving today?"},
    {"kind": "sharing", "title": "Sharing", "prompt": "What would you like to talk through?"},
    {"kind": "wins", "title": "Small wins", "prompt": "What went a little better this week?"},
    {"kind": "checkout", "title": "Check-out", "prompt": "How are you leaving today?"},
]

MIN_AGGREGATE_SIZE = 3
# A sharing step's gentle share timer: none (0), or up to this many minutes (facilitator/sharing).
SHARE_TIMER_MAX_MINUTES = 10


class Role(StrEnum):
    LEAD = "lead"
    CO = "co"


class GroupFacilitator(Model):
    """A facilitator's place in a group: its lead, or a co-facilitator."""

    group_id: Mapped[int] = mapped_column(ForeignKey("group.id", ondelete="CASCADE"), primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(
        ForeignKey("facilitator.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(8), default=Role.CO)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    facilitator: Mapped[Facilitator] = relationship(lazy="joined")


class Group(Model):
    """A therapy, recovery or peer-support group that meets in sessions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    crisis_resources: Mapped[str] = mapped_column(Text)
    agenda: Mapped[list[dict]] = mapped_column(JSON, default=lambda: list(DEFAULT_AGENDA))
    # Below this many answers, aggregates are not shown: in a small group they could give a person away.
    min_aggregate_size: Mapped[int] = mapped_column(default=MIN_AGGREGATE_SIZE)
    # Days after a session ends before `flask purge` removes people's written words (None: keep).
    retention_days: Mapped[int | None]
    # Whether the purge also removes the words of the session's small wins.
    purge_win_texts: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Whether everyone sees the speaking queue's names in order; otherwise only how many wait.
    show_share_order: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Whether participants who attended may download a signed attendance receipt (docs/receipts.md).
    attendance_receipts: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    memberships: Mapped[list[GroupFacilitator]] = relationship(
        cascade="all, delete-orphan", order_by=GroupFacilitator.added_at
    )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def facilitator_ids(self) -> set[int]:
        return {membership.facilitator_id for membership in self.memberships}

    def is_run_by(self, facilitator: Facilitator) -> bool:
        return facilitator.id in self.facilitator_ids()

    def role_of(self, facilitator: Facilitator) -> Role | None:
        """The facilitator's role in this group, or None if they don't run it."""
        return next((Role(m.role) for m in self.memberships if m.facilitator_id == facilitator.id), None)
