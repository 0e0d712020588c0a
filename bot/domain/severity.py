"""Severity of a new case, derived by a fixed, documented rule (docs/severity.md).

1. urgent: the employee says the customer is still in contact now, or they are in
   danger now; people must act within minutes.
2. high: any category whose policy weight is "critical" or "high" (violence,
   threats, stalking, sexual conduct, ...), or a customer reported 3+ times before.
3. medium: any category whose weight is "medium", or a customer reported before.
4. low: everything else (still a case: gray reports must be accepted).
"""

from __future__ import annotations

from collections.abc import Iterable
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
    if danger in HAPPENING_NOW:
        return "urgent"
    weights = {policy.category(c).weight for c in categories}
    if weights & {"critical", "high"} or earlier_reports >= 3:
        return "high"
    if "medium" in weights or earlier_reports >= 1:
        return "medium"
    return "low"
