"""How a case is being handled: lead, steps done, assessment, measures. Pure.

The rules the policy sets for handling live here: which measures need a second
responder (two-person rule) and what a case needs before it can be closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

MEASURE_KINDS = (
    "warned",
    "ceased_negotiations",
    "stopped_service",
    "police_report",
    "lawyer",
    "other",
)
# Severe measures are decided deliberately, by more than one person (company policy).
NEEDS_SECOND_RESPONDER = frozenset({"ceased_negotiations", "stopped_service", "police_report"})
LAWYER_KINDS = ("internal", "external")
# The step whose handling a close requires: care for the employee (policy step 9).
CARE_STEP = "care"
MAX_NOTE = 1000
MAX_REASON = 2000
MAX_SUMMARY = 2000
MAX_MESSAGE = 2000
MAX_DETAIL = 200
# "Not applicable" reasons and reasons to withdraw or reject a measure: one or two lines.
MAX_SHORT_REASON = 300
# How a pending severe measure ends without counting: withdrawn by the person who
# recorded it, or rejected by a second responder.
MEASURE_ENDINGS = ("withdrawn", "rejected")


@dataclass(frozen=True)
class StepDone:
    """A handled checklist step: done, done by a measure, or marked not applicable."""

    step_id: str
    done_at: datetime
    done_by: str
    has_note: bool
    not_applicable: str | None = None  # the reason, when the step did not apply
    measure_kind: str | None = None  # the measure that completed it, if one did


@dataclass(frozen=True)
class Assessment:
    version: int
    demand_valid: str
    means_appropriate: str
    conclusion: str
    mhlw_types: tuple[str, ...]
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class Measure:
    id: int
    kind: str
    detail: dict[str, str]  # police_no, lawyer ("internal" | "external"), note
    recorded_by: str
    recorded_at: datetime
    needs_confirmation: bool
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    ended: str | None = None  # one of MEASURE_ENDINGS: it never counts
    ended_by: str | None = None

    @property
    def counts(self) -> bool:
        """A severe measure counts only once a second responder confirmed it."""
        if self.ended:
            return False
        return not self.needs_confirmation or self.confirmed_at is not None

    @property
    def pending(self) -> bool:
        return not self.ended and not self.counts


@dataclass(frozen=True)
class Handling:
    lead: str | None = None
    acknowledged_by: str | None = None
    steps: dict[str, StepDone] = field(default_factory=dict)
    assessment: Assessment | None = None
    measures: tuple[Measure, ...] = ()

    def is_done(self, step_id: str) -> bool:
        return step_id in self.steps

    @property
    def awaiting_confirmation(self) -> tuple[Measure, ...]:
        return tuple(m for m in self.measures if m.pending)

    def measure(self, measure_id: int) -> Measure | None:
        return next((m for m in self.measures if m.id == measure_id), None)

    def handled(self, step_ids: tuple[str, ...]) -> int:
        """How many of these checklist steps are handled (done or not applicable)."""
        return sum(1 for s in step_ids if s in self.steps)


def needs_second_responder(kind: str) -> bool:
    return kind in NEEDS_SECOND_RESPONDER


def missing_for_close(handling: Handling) -> list[str]:
    """What the case still needs before it may be closed (i18n key suffixes)."""
    missing = []
    if handling.assessment is None:
        missing.append("assessment")
    if not handling.is_done(CARE_STEP):
        missing.append("care")
    if handling.awaiting_confirmation:
        # A severe measure nobody has confirmed or rejected would be left undecided.
        missing.append("measure")
    return missing
