"""Keys and states the database keeps as strings: outbox kinds, reminder keys, case
statuses. They outlive a deploy (rows written today are read by next year's bot), so
they are a stored format like the action IDs in bot/views/ids.py: build and parse them
here only, and never change a string. tests/test_stored.py pins every one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

SEP = ":"


class CaseStatus(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class OutboxKind(StrEnum):
    """What a pending delivery posts. Some carry a reference after a colon."""

    CARD = "card"  # the case card in the responders channel
    THREAD = "thread"  # the checklist reply under it
    CONFIRMATION = "confirmation"  # the employee's confirmation DM
    INFO_ADDED = "info_added"  # "the employee added information" in the thread
    TO_EMPLOYEE = "employee_message"  # :<timeline id> a responder's message to the employee
    SENT_NOTE = "employee_message_note"  # :<timeline id> the thread note that it was sent
    RELAY = "relay"  # :<timeline id> the employee's reply, into the case thread
    CLOSED_NOTICE = "closed_notice"  # the employee is told privately that the case closed
    # Posts decided when they were queued, their message stored with the row:
    REMINDER = "reminder"  # :<reminder id>
    DIGEST = "digest"  # :<reminder id>
    WELFARE = "welfare"  # :<reminder id> the welfare check-in DM
    NOTICE = "notice"  # :<reminder id> a notice a welfare answer sends
    # The employee hears back (issue 11), each once per case, rendered in her language:
    ACK_NOTICE = "ack_notice"  # someone from the response team has her case
    LEAD_NOTICE = "lead_notice"  # a lead is assigned
    HELPER_NOTICE = "helper_notice"  # someone is on the way (a case happening now)
    # Issue 13: the colleague a report was filed for, if on Slack, is told privately.
    BEHALF_NOTICE = "behalf_notice"
    # Issue 11 §3/§4: the employee changed her consent or reopened her case (a thread
    # note, :<timeline id>); counseling on duty is asked to get in touch (:<timeline id>).
    REPORTER_NOTE = "reporter_note"
    COUNSELING_PING = "counseling_ping"
    # Issue 12 §5: evidence kept as a sealed copy, and the thread told of new files.
    EVIDENCE_COPY = "evidence_copy"  # :<evidence_copies id> fetch a file, keep it sealed
    EVIDENCE_ADDED = "evidence_added"  # :<timeline id> "the employee added n files"
    # The bot deletes a copy it shared into a viewer's DM (:<shared_copies id>).
    SHARED_COPY_DELETE = "shared_copy_delete"
    # Issue 11: each person asked to go to a case happening now hears it in a DM (:<user
    # ID>); the thread hears that she said where she is (:<timeline id>), and that the
    # full report of a one-tap case has arrived.
    HELPER_SUMMONS = "helper_summons"
    WHERE_ADDED = "where_added"
    REPORT_COMPLETED = "report_completed"


# Kinds that carry a reference (":<id>"); the others never do.
WITH_REF = frozenset(
    {
        OutboxKind.TO_EMPLOYEE,
        OutboxKind.SENT_NOTE,
        OutboxKind.RELAY,
        OutboxKind.REMINDER,
        OutboxKind.DIGEST,
        OutboxKind.WELFARE,
        OutboxKind.NOTICE,
        OutboxKind.REPORTER_NOTE,
        OutboxKind.COUNSELING_PING,
        OutboxKind.EVIDENCE_COPY,
        OutboxKind.EVIDENCE_ADDED,
        OutboxKind.SHARED_COPY_DELETE,
        OutboxKind.HELPER_SUMMONS,
        OutboxKind.WHERE_ADDED,
    }
)
# Kinds whose message is stored with the outbox row (not rendered from the case).
POST_KINDS = frozenset(
    {OutboxKind.REMINDER, OutboxKind.DIGEST, OutboxKind.WELFARE, OutboxKind.NOTICE}
)
# Kinds that go to the employee's DM rather than the responders channel.
EMPLOYEE_KINDS = frozenset(
    {
        OutboxKind.CONFIRMATION,
        OutboxKind.CLOSED_NOTICE,
        OutboxKind.TO_EMPLOYEE,
        OutboxKind.WELFARE,
        OutboxKind.NOTICE,
        OutboxKind.ACK_NOTICE,
        OutboxKind.LEAD_NOTICE,
        OutboxKind.HELPER_NOTICE,
        OutboxKind.BEHALF_NOTICE,
    }
)
# Jobs that post nothing: they keep a sealed copy of an evidence file
# (bot/flows/case/evidence_copy.py), in an order of their own (db/outbox.py).
EVIDENCE_KINDS = frozenset({OutboxKind.EVIDENCE_COPY})
# Jobs that post nothing either: they delete the bot's own shared copy of an evidence
# file from a viewer's DM (bot/flows/case/shared_copy_delete.py), in an order of their own.
SHARED_COPY_KINDS = frozenset({OutboxKind.SHARED_COPY_DELETE})
# What the employee is told about her case's handling (rendered from the case).
HEARD_BACK_KINDS = frozenset(
    {OutboxKind.ACK_NOTICE, OutboxKind.LEAD_NOTICE, OutboxKind.HELPER_NOTICE}
)
CONVERSATION_KINDS = frozenset(
    {OutboxKind.TO_EMPLOYEE, OutboxKind.SENT_NOTE, OutboxKind.RELAY, OutboxKind.CLOSED_NOTICE}
)


@dataclass(frozen=True)
class OutboxKey:
    kind: OutboxKind
    ref: str | None = None

    def __str__(self) -> str:
        return self.kind.value if self.ref is None else f"{self.kind.value}{SEP}{self.ref}"

    @property
    def ref_id(self) -> int:
        """The reference as the row id it is (a timeline or reminder id)."""
        if self.ref is None:
            raise ValueError(f"outbox kind {self.kind.value} carries no reference")
        return int(self.ref)


def outbox_key(kind: OutboxKind, ref: object | None = None) -> str:
    """The stored outbox kind: "card", or "relay:42"."""
    return str(OutboxKey(kind, None if ref is None else str(ref)))


def parse_outbox_key(stored: str) -> OutboxKey:
    """Raises ValueError for a kind this bot does not know."""
    base, sep, ref = stored.partition(SEP)
    return OutboxKey(OutboxKind(base), ref if sep else None)


class ReminderKind(StrEnum):
    ACK = "ack"  # nobody acknowledged the case: escalate
    STEP = "step"  # an open policy step
    SHIFT = "shift"  # the person on duty changed while the case waits
    WELFARE = "welfare"  # the check-in after closing
    DIGEST = "digest"  # the daily digest
    SUMMON = "summon"  # nobody said "I'm going" to a case happening now: widen the call


@dataclass(frozen=True)
class ReminderKey:
    """A reminder's unique key. Scheduling the same key twice is a no-op, which is
    what makes scheduling idempotent across restarts, so each key names its event:
    ack:<case>:<n>, step:<case>:<step>:<n>, shift:<case>:<rotation>:<member>:<at>,
    welfare:<case>:<closed at>, digest:<date>, summon:<case>:<n>."""

    kind: ReminderKind
    parts: tuple[str, ...]

    def __str__(self) -> str:
        return SEP.join((self.kind.value, *self.parts))

    @property
    def member(self) -> str:
        """The person a shift ping is for."""
        if self.kind is not ReminderKind.SHIFT:
            raise ValueError(f"a {self.kind.value} reminder names no member")
        return self.parts[2]


def ack_key(case_id: int, attempt: int) -> str:
    return str(ReminderKey(ReminderKind.ACK, (str(case_id), str(attempt))))


def step_key(case_id: int, step_id: str, attempt: int) -> str:
    return str(ReminderKey(ReminderKind.STEP, (str(case_id), step_id, str(attempt))))


def shift_key(case_id: int, rotation: str, member: str, at: str) -> str:
    """`at` is the stored (ISO) time the shift change was noticed; it may hold colons."""
    return str(ReminderKey(ReminderKind.SHIFT, (str(case_id), rotation, member, at)))


def summon_key(case_id: int, attempt: int) -> str:
    return str(ReminderKey(ReminderKind.SUMMON, (str(case_id), str(attempt))))


def welfare_key(case_id: int, closed_at: str) -> str:
    return str(ReminderKey(ReminderKind.WELFARE, (str(case_id), closed_at)))


def digest_key(day: str) -> str:
    return str(ReminderKey(ReminderKind.DIGEST, (day,)))


# How many parts each kind has before its free tail (an ISO time holds colons itself).
_PARTS = {ReminderKind.ACK: 2, ReminderKind.STEP: 3, ReminderKind.SHIFT: 4,
          ReminderKind.WELFARE: 2, ReminderKind.DIGEST: 1, ReminderKind.SUMMON: 2}  # fmt: skip


def parse_reminder_key(stored: str) -> ReminderKey:
    """Raises ValueError for a key this bot did not build."""
    base, sep, rest = stored.partition(SEP)
    kind = ReminderKind(base)
    n = _PARTS[kind]
    parts = tuple(rest.split(SEP, n - 1)) if sep else ()
    if len(parts) != n or not all(parts):
        raise ValueError(f"not a {kind.value} reminder key: {stored!r}")
    return ReminderKey(kind, parts)
