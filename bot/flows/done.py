"""The one result of every modal submission flow.

A submission can only answer in its ack (errors on the form, or the next screen), so
every flow returns a `Done` and handlers/submissions.py acks with it. A refusal is not
a Done: flows raise `Refused` (bot/slack/privately.py) and the person is told privately.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Done:
    """What a modal submission answers in its ack, and what follows it."""

    errors: dict[str, str] | None = None  # block_id -> message, shown on the form
    view: dict[str, Any] | None = None  # the next screen; None closes the modal
    case_id: int | None = None  # refresh this case's card and checklist after the ack
    deliveries: bool = False  # something was queued for the delivery loop
