"""HR's case record: everything established about one case, as plain data.

Built by db/case_record.py (which unseals what HR may see) and rendered by the views
(the case-record modal, the export); nothing here knows SQLite or Slack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.case import Case


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    event: str
    detail: dict[str, Any]


# The step whose note holds what was learned (recurrence prevention).
LESSONS_STEP = "prevent_recurrence"
CARE_STEP = "care"


@dataclass(frozen=True)
class StepRecord:
    step_id: str
    done_at: datetime
    done_by: str
    note: str  # "" when none (or not opened)


@dataclass(frozen=True)
class AssessmentRecord:
    version: int
    demand_valid: str
    means_appropriate: str
    conclusion: str
    mhlw_types: tuple[str, ...]
    reason: str
    by: str
    at: datetime | None


@dataclass(frozen=True)
class MeasureRecord:
    id: int
    kind: str
    detail: dict[str, str]  # police_no, lawyer, note (only opened with the text)
    recorded_by: str
    recorded_at: datetime | None
    needs_confirmation: bool
    confirmed_by: str | None
    confirmed_at: datetime | None

    @property
    def counts(self) -> bool:
        return not self.needs_confirmation or self.confirmed_at is not None


@dataclass(frozen=True)
class CheckIn:
    """A welfare check-in sent to the employee, and what they answered."""

    sent_at: datetime | None
    answers: tuple[tuple[str, datetime], ...]  # (answer, when), in order


@dataclass(frozen=True)
class CaseRecord:
    case: Case
    lead: str | None
    acknowledged_by: str | None
    closed_by: str | None
    closing_summary: str
    steps: dict[str, StepRecord]
    assessments: tuple[AssessmentRecord, ...]  # oldest first; the last is current
    measures: tuple[MeasureRecord, ...]
    checkins: tuple[CheckIn, ...]
    retaliation_reports: int
    timeline: tuple[TimelineEntry, ...] = ()  # only for a single case (case_record)

    @property
    def assessment(self) -> AssessmentRecord | None:
        return self.assessments[-1] if self.assessments else None

    @property
    def lessons(self) -> str:
        step = self.steps.get(LESSONS_STEP)
        return step.note if step else ""

    @property
    def care(self) -> StepRecord | None:
        return self.steps.get(CARE_STEP)

    @property
    def counseling_requested(self) -> bool:
        return any(a == "counseling" for c in self.checkins for a, _ in c.answers)

    def people(self) -> set[str]:
        """Everyone who acted on the case (for looking names up)."""
        found = {self.lead, self.acknowledged_by, self.closed_by}
        found |= {s.done_by for s in self.steps.values()}
        found |= {a.by for a in self.assessments}
        found |= {m.recorded_by for m in self.measures} | {m.confirmed_by for m in self.measures}
        return {p for p in found if p}
