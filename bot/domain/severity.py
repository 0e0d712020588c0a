"""Severity of a new case, derived by a fixed, documented rule (docs/severity.md).

1. urgent: the employee says the customer is still in contact now, or they are in
   danger now; people must act within minutes. Also urgent: a "critical" category
   (violence, threats, stalking) from a customer reported before: the person may
   come back, so the employee's safety may still be at risk.
2. high: any category whose policy weight is "critical" or "high" (violence,
   threats, stalking, sexual conduct, ...), or a customer reported 3+ times before.
   A high case with a critical category has a shorter acknowledgement target
   (`ack_target`, `[reminders] critical_ack_after`, 15 minutes by default).
3. medium: any category whose weight is "medium", or a customer reported before.
4. low: everything else (still a case: gray reports must be accepted).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta

from bot.domain.policy import Policy

# How soon a case of each severity should be acknowledged, unless the configuration's
# [reminders] says otherwise: the escalation interval and the HR figures' target.
DEFAULT_ACK_AFTER = {
    "urgent": timedelta(minutes=10),
    "high": timedelta(minutes=30),
    "medium": timedelta(hours=4),
    "low": timedelta(hours=4),
}

SEVERITIES = ("urgent", "high", "medium", "low")
HAPPENING_NOW = ("ongoing", "danger")


def derive_severity(
    policy: Policy, categories: Iterable[str], danger: str, earlier_reports: int = 0
) -> str:
    weights = {policy.category(c).weight for c in categories}
    if danger in HAPPENING_NOW or ("critical" in weights and earlier_reports >= 1):
        return "urgent"
    if weights & {"critical", "high"} or earlier_reports >= 3:
        return "high"
    if "medium" in weights or earlier_reports >= 1:
        return "medium"
    return "low"


def is_critical(policy: Policy, categories: Iterable[str]) -> bool:
    """Any category the policy weighs "critical" (unknown ids count as not critical)."""
    known = {c.id: c.weight for c in policy.categories}
    return any(known.get(c) == "critical" for c in categories)


def ack_target(
    severity: str,
    critical: bool,
    ack_after: Mapping[str, timedelta],
    critical_after: timedelta,
) -> timedelta | None:
    """How long a case may wait for an acknowledgement before it escalates: its
    severity's interval, shortened for a high case with a critical category (see
    `is_critical`). None: this severity does not escalate."""
    base = ack_after.get(severity)
    if base is not None and severity == "high" and critical:
        return min(base, critical_after)
    return base


def critical_ids(policy: Policy) -> frozenset[str]:
    return frozenset(c.id for c in policy.categories if c.weight == "critical")


def rank(severity: str) -> int:
    """0 for urgent, 3 for low: the lower, the more severe."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)
