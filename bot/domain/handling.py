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


@dataclass(frozen=True)
class StepDone:
    step_id: str
    done_at: datetime
    done_by: str
    has_note: bool


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

    @property
    def counts(self) -> bool:
        """A severe measure counts only once a second responder confirmed it."""
        return not self.needs_confirmation or self.confirmed_at is not None


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
        return tuple(m for m in self.measures if not m.counts)


def needs_second_responder(kind: str) -> bool:
    return kind in NEEDS_SECOND_RESPONDER


def missing_for_close(handling: Handling) -> list[str]:
    """What the case still needs before it may be closed (i18n key suffixes)."""
    missing = []
    if handling.assessment is None:
        missing.append("assessment")
    if not handling.is_done(CARE_STEP):
        missing.append("care")
    return missing
