"""A report as the employee submitted it, and the rules that make it valid. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.domain import identifiers
from bot.domain.policy import Policy

DANGER_CHOICES = ("over", "ongoing", "danger")
MAX_NARRATIVE = 3000  # Slack's plain_text_input max_length ceiling
MAX_DEMAND = 1000
MAX_IDENTIFIER = 200
MAX_LINKS = 10
MAX_LINK = 1000
# A clock a few minutes off on the employee's device must not reject "just now".
FUTURE_TOLERANCE = timedelta(minutes=5)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_URL = re.compile(r"^https?://[^\s<>|]+$", re.IGNORECASE)


@dataclass(frozen=True)
class ReportDraft:
    """The form's values, typed but not yet checked."""

    occurred_at: int | None = None  # epoch seconds from the date-time picker
    contact_channel: str | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    categories: tuple[str, ...] = ()
    demand: str = ""
    narrative: str = ""
    danger: str | None = None
    show_name: bool = False
    counseling_ok: bool = False
    evidence_files: tuple[str, ...] = ()
    evidence_links: str = ""


@dataclass(frozen=True)
class Report:
    occurred_at: datetime
    contact_channel: str
    identifiers: dict[str, str]
    categories: tuple[str, ...]
    demand: str
    narrative: str
    danger: str
    show_name: bool
    counseling_ok: bool
    evidence_files: tuple[str, ...]
    evidence_links: tuple[str, ...]

    @property
    def happening_now(self) -> bool:
        return self.danger in ("ongoing", "danger")


def split_links(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,]+", text.strip()) if part]


def validate(draft: ReportDraft, now: datetime, policy: Policy) -> Report | dict[str, str]:
    """The Report, or {field: i18n error key} naming every field that is wrong."""
    errors: dict[str, str] = {}
    occurred = None
    if draft.occurred_at is None:
        errors["occurred_at"] = "error.required"
    else:
        # Checked as a number first: a forged 1e20 is past datetime's range and would raise.
        if draft.occurred_at > (now + FUTURE_TOLERANCE).timestamp():
            errors["occurred_at"] = "error.future"
        elif draft.occurred_at < EARLIEST.timestamp():
            errors["occurred_at"] = "error.too_old"
        else:
            occurred = datetime.fromtimestamp(draft.occurred_at, UTC)
    channel_ids = {c.id for c in policy.contact_channels}
    if draft.contact_channel not in channel_ids:
        errors["contact_channel"] = "error.required"
    category_ids = {c.id for c in policy.categories}
    if not draft.categories:
        errors["categories"] = "error.pick_category"
    elif not set(draft.categories) <= category_ids:
        errors["categories"] = "error.unknown_option"
    narrative = draft.narrative.strip()
    if not narrative:
        errors["narrative"] = "error.required"
    elif len(draft.narrative) > MAX_NARRATIVE:
        errors["narrative"] = "error.too_long"
    if len(draft.demand) > MAX_DEMAND:
        errors["demand"] = "error.too_long"
    if draft.danger not in DANGER_CHOICES:
        errors["danger"] = "error.required"
    ids = {}
    for kind, value in draft.identifiers.items():
        if not value.strip():
            continue
        if kind not in identifiers.KINDS:
            errors[f"customer_{kind}"] = "error.unknown_option"
        elif len(value) > MAX_IDENTIFIER:
            errors[f"customer_{kind}"] = "error.too_long"
        elif (key := identifiers.problem(kind, value)) is not None:
            errors[f"customer_{kind}"] = key
        else:
            ids[kind] = value.strip()
    links = split_links(draft.evidence_links)
    if len(links) > MAX_LINKS:
        errors["evidence_links"] = "error.too_many_links"
    elif any(len(u) > MAX_LINK or not _URL.match(u) for u in links):
        errors["evidence_links"] = "error.link_invalid"
    if errors:
        return errors
    assert occurred is not None and draft.contact_channel is not None and draft.danger
    return Report(
        occurred_at=occurred,
        contact_channel=draft.contact_channel,
        identifiers=ids,
        categories=tuple(dict.fromkeys(draft.categories)),
        demand=draft.demand.strip(),
        narrative=draft.narrative,  # kept exactly: verbatim words matter as evidence
        danger=draft.danger,
        show_name=draft.show_name,
        counseling_ok=draft.counseling_ok,
        evidence_files=draft.evidence_files,
        evidence_links=tuple(links),
    )
