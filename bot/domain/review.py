"""The annual policy review's contents as plain data (db/review.py fills it, the PDF
view renders it): HR's summary plus what only the review shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain import stats as S


@dataclass(frozen=True)
class Announcement:
    """When and where the policy was made known (/ch-cases announce)."""

    at: datetime
    channel: str
    channel_name: str
    posted_by: str
    policy_version: str


@dataclass(frozen=True)
class Lesson:
    case_no: str
    at: datetime
    note: str


@dataclass(frozen=True)
class Review:
    summary: S.Summary
    monthly: dict[str, int] = field(default_factory=dict)  # local "YYYY-MM" -> cases
    versions: dict[str, int] = field(default_factory=dict)  # policy version -> cases
    checkins_sent: int = 0
    answers: dict[str, int] = field(default_factory=dict)  # welfare answer -> check-ins
    prevent_done: int = 0
    lessons_noted: int = 0
    lessons: tuple[Lesson, ...] = ()  # the newest first
    announcements: tuple[Announcement, ...] = ()
    # site name -> cases; "" for the cases that recorded none (only "happening now"
    # asks where the employee is)
    by_site: dict[str, int] = field(default_factory=dict)
