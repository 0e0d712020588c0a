"""A stored case as the rest of the bot sees it. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.stored import CaseStatus

STATUSES = tuple(s.value for s in CaseStatus)
ROOM_CREATING = "creating"  # cases.room_channel while conversations.create is under way


@dataclass(frozen=True)
class Case:
    id: int
    case_no: str
    reporter_id: str
    reporter_lang: str
    show_name: bool
    counseling_ok: bool
    occurred_at: datetime
    reported_at: datetime
    contact_channel: str
    categories: tuple[str, ...]
    severity: str
    danger: str
    demand: str
    narrative: str
    evidence_links: tuple[str, ...]
    evidence_files: tuple[str, ...]
    status: str
    policy_version: str
    legal_on_duty: str
    counseling_on_duty: str
    repeat_count: int
    card_channel: str | None = None
    card_ts: str | None = None
    thread_ts: str | None = None
    acknowledged_at: datetime | None = None
    closed_at: datetime | None = None
    # Keyed hash of the reporter's Slack ID (db.cases.reporter_ref): tells who filed the
    # case without unsealing; None for legacy cases and after the identity purge.
    reporter_ref: str | None = None
    lead: str | None = None  # who leads the case now (m-lead); the reminders mention them
    # The private case channel (m160_case_rooms): its ID, ROOM_CREATING while it is being
    # made, None if there is none; room_closed once the case's close was told there.
    room_channel: str | None = None
    room_closed: bool = False

    @property
    def room(self) -> str | None:
        """The private case channel's ID, once it exists."""
        return self.room_channel if self.room_channel not in (None, ROOM_CREATING) else None
    # Filed in one tap (m170): quick until the full report completes it; where the
    # employee is, whether the person who comes may know who they are, who was asked.
    quick: bool = False
    site: str | None = None
    place: str = ""
    helper_may_know: bool = False
    summoned: tuple[str, ...] = ()
    helper: str | None = None
    # Closed at some time (a 'closed' timeline entry), even if reopened since: a call
    # for help now is over for good at its close (db/call_over.py); `place_removed`:
    # the place she typed was erased then.
    call_over: bool = False
    place_removed: bool = False
    # Filed by a colleague for the person affected (m160_on_behalf); who it is, is sealed
    # and read only where it may be shown (db/behalf.py).
    on_behalf: bool = False

    @property
    def happening_now(self) -> bool:
        return self.danger in ("ongoing", "danger")


@dataclass(frozen=True)
class EarlierCase:
    """An earlier case about the same customer (for the repeat-customer flag)."""

    case_no: str
    card_channel: str | None
    card_ts: str | None
