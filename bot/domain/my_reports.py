"""What the employee sees of her own cases in the App Home ("My reports", issue 11 §4). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.stored import CaseStatus

# Who wrote a line of the conversation, as she reads it.
ADDED, FROM_TEAM, TO_TEAM = "added", "from_team", "to_team"


@dataclass(frozen=True)
class Line:
    at: datetime
    kind: str  # ADDED (her "Add information"), FROM_TEAM, TO_TEAM (her DM replies)
    text: str
    signer: str | None = None  # a responder who signed a message with their name
    files: int = 0  # files that came with it (issue 12 §5: attached as evidence)
    deleted: bool = False  # its text was deleted under the retention rules


@dataclass(frozen=True)
class MyReport:
    case_no: str
    status: str
    reported_at: datetime
    acknowledged: bool
    lead: bool
    quick: bool  # filed in one tap, the full report not yet completed
    named: bool
    counseling: bool
    lines: tuple[Line, ...] = ()  # the newest few, oldest first
    earlier_lines: int = 0  # how many older lines are not shown

    @property
    def stage(self) -> str:
        """Her case's status in words: received, being handled, lead assigned, closed."""
        if self.status == CaseStatus.CLOSED:
            return "closed"
        if self.lead:
            return "lead"
        if self.acknowledged or self.status != CaseStatus.NEW:
            return "handling"
        return "received"


@dataclass(frozen=True)
class MyReports:
    reports: tuple[MyReport, ...] = ()  # newest first
    older: int = 0  # her cases not shown (the App Home holds 100 blocks)
