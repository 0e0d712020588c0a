"""The conversation between the response team and the employee, as plain data.

Its words are never posted to the shared responders channel (Slack keeps messages
for ever, beyond our retention): the thread gets a notice, and the words are shown
on demand in a modal, read from the sealed timeline entries (db/conversation.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# The timeline events that carry a message, and the one an opening is recorded as.
MESSAGED, REPLIED = "employee_messaged", "employee_replied"
EVENTS = (MESSAGED, REPLIED)
VIEWED = "conversation_viewed"


@dataclass(frozen=True)
class Exchanged:
    """One message: from the team (`actor` the responder) or from the employee
    (`actor` her ID, or "reporter" when she is confidential)."""

    at: datetime
    actor: str
    to_employee: bool
    text: str | None  # None: deleted under the retention rules
    signed: bool = False
