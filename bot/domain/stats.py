"""What HR's summary says, and the rules behind its figures. Pure.

The database computes the aggregates (db/stats.py); this module holds the targets,
the percentile rank rule and the shape of the result, so they can be tested without
SQLite and read by a reviewer in one place.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

# A severity missing from the configured acknowledgement targets gets this one.
ACK_TARGET_FALLBACK = timedelta(hours=4)
# The timeline event the retaliation report flow writes.
RETALIATION_EVENT = "retaliation_reported"
CARE_STEP = "care"
REPEAT_TOP = 5  # repeat customers listed by their cases


def ack_target_sql(targets: Mapping[str, timedelta], column: str = "severity") -> str:
    """The acknowledgement targets (the reminders' `ack_after`: urgent 10m, high 30m,
    otherwise 4h by default) as a SQL CASE expression in seconds, so SQLite counts the
    met ones. Severities are our own ids, checked here because they become SQL text."""
    whens = []
    for sev, limit in targets.items():
        if not sev.isidentifier():
            raise ValueError(f"bad severity id {sev!r}")
        whens.append(f"WHEN '{sev}' THEN {limit.total_seconds():.0f}")
    fallback = ACK_TARGET_FALLBACK.total_seconds()
    return f"(CASE {column} {' '.join(whens)} ELSE {fallback:.0f} END)"


def rank(p: float, n: int) -> int:
    """Nearest-rank percentile: the 1-based position of the p-th percentile of n sorted
    values (the median of 4 values is the 2nd). Always an observed value, never a blend."""
    if n <= 0:
        raise ValueError("no values")
    return max(1, math.ceil(p * n))


@dataclass(frozen=True)
class Access:
    """One entry of HR's access log (db/audit.py)."""

    at: datetime
    actor: str
    action: str  # "summary" | "show" | "customer" | "export" | "audit"
    target: str
    purpose: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class Durations:
    """Seconds from report to acknowledgement (or close) over the cases that have one."""

    n: int = 0
    median: float | None = None
    p90: float | None = None


@dataclass(frozen=True)
class CaseRef:
    """A case as a link target: the number people say, and where its card is."""

    case_no: str
    channel: str | None = None
    ts: str | None = None


@dataclass(frozen=True)
class Repeat:
    """Customers named in 2+ cases of the period. `customers` counts identifiers; in
    `top`, a customer known by two identifiers (a phone and an order) in the same cases
    is listed once: identical case sets merge."""

    customers: int = 0
    cases: int = 0  # distinct cases naming one of them
    top: tuple[tuple[int, tuple[CaseRef, ...]], ...] = ()  # (case count, latest cases)


@dataclass(frozen=True)
class Counts:
    """The one-pass counts; also computed for the previous period, for the change."""

    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    acknowledged: int = 0
    ack_met: int = 0
    closed: int = 0
    counseling_ok: int = 0
    # "self" (the employee reported) and "on_behalf" (someone filed for them): issue 13
    by_filed_by: dict[str, int] = field(default_factory=dict)
    # Not acknowledged yet and still within their target at the time asked: neither
    # met nor missed, so left out of the share (db/stats.py, db/recount.py).
    ack_pending: int = 0
    # Consent can change (issue 11): counseling_ok counts the cases whose employee agrees
    # now, this those who agreed at any time (m184).
    counseling_ever: int = 0

    @property
    def ack_due(self) -> int:
        """The cases whose acknowledgement target has passed (or that were acknowledged)."""
        return self.total - self.ack_pending


@dataclass(frozen=True)
class Summary:
    period: str
    counts: Counts
    previous: Counts | None
    by_conclusion: dict[str, int] = field(default_factory=dict)
    ack: Durations = Durations()
    close: Durations = Durations()
    measures: dict[str, int] = field(default_factory=dict)
    care_done: int = 0
    welfare_answered: int = 0
    retaliation: int = 0
    repeat: Repeat = Repeat()


# One grouped row of the main scan: (status, severity, channel, categories JSON,
# count, acknowledged, ack target met, closed, counseling consent).
GroupRow = tuple[str, str, str, str, int, int, int, int, int]


def fold(rows: list[GroupRow]) -> Counts:
    """Fold the grouped rows into counts. A case in two categories counts in both, so
    category counts can add up to more than the total."""
    status: Counter[str] = Counter()
    severity: Counter[str] = Counter()
    channel: Counter[str] = Counter()
    category: Counter[str] = Counter()
    total = acked = met = closed = consent = 0
    for st, sev, ch, cats, n, a, m, c, ok in rows:
        status[st] += n
        severity[sev] += n
        channel[ch or "other"] += n
        for cat in _categories(cats):
            category[cat] += n
        total += n
        acked += a or 0
        met += m or 0
        closed += c or 0
        consent += ok or 0
    return Counts(
        total,
        dict(status),
        dict(category),
        dict(severity),
        dict(channel),
        acked,
        met,
        closed,
        consent,
    )


def _categories(text: str | None) -> list[str]:
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [c for c in value if isinstance(c, str)] if isinstance(value, list) else []


def change(now: int, before: int | None) -> str:
    """ "+3", "-2", "±0"; "" when there is nothing to compare with."""
    if before is None:
        return ""
    d = now - before
    return f"+{d}" if d > 0 else (str(d) if d < 0 else "±0")


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "—"
