"""A report filed in one tap ("it is happening now, I need help"). Pure.

The case exists at once with the few facts the tap gives: now, the contact channel if
the employee picked one, and where they are. The full report completes it later
(db/urgent.py): the same case, updated, never a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.report import Report

MAX_PLACE = 200  # "where": a counter, a floor, a room; not a narrative
UNKNOWN_CHANNEL = "other"  # the policy's catch-all contact channel (it always has a script)
DANGER = "danger"  # a tap says "I need help now"


@dataclass(frozen=True)
class Site:
    """A place in the configuration (`sites`, bot/config/sites.py)."""

    id: str
    name: str
    supervisors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Where:
    """Where the employee is, and whether the person who comes may know who they are."""

    site: str | None = None  # a configured site id
    place: str = ""  # free text
    helper_may_know: bool = False  # no answer is a "no": only the location is shared


def quick_report(now: datetime, contact_channel: str | None, where: Where) -> Report:
    """The report a tap files: nothing the employee has not said, nothing to validate."""
    return Report(
        occurred_at=now,
        contact_channel=contact_channel or UNKNOWN_CHANNEL,
        identifiers={},
        categories=(),
        demand="",
        narrative="",
        danger=DANGER,
        # "The person who comes may know who you are" is helper_may_know (the helper's
        # DM), never a consent to be named to the whole team (cases.show_name).
        show_name=False,
        counseling_ok=False,
        evidence_files=(),
        evidence_links=(),
    )
