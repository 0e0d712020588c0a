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
    # Filed for someone else (issue 13): who, where, and whether they agreed.
    behalf_name: str = ""
    behalf_site: str = ""
    behalf_user: str | None = None
    behalf_agreed: str | None = None  # "yes" | "no"


@dataclass(frozen=True)
class Behalf:
    """The person a report was filed for, when the filer is not the one affected."""

    name: str  # may be empty when they are picked as a Slack user
    site: str
    user_id: str | None  # on Slack: told privately, and may take over the conversation
    agreed: bool  # they agreed to it being reported

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "site": self.site, "user_id": self.user_id,
                "agreed": self.agreed}

    @classmethod
    def from_json(cls, d: object) -> Behalf | None:
        if not isinstance(d, dict):
            return None
        uid = d.get("user_id")
        return cls(str(d.get("name") or ""), str(d.get("site") or ""),
                   uid if isinstance(uid, str) else None, bool(d.get("agreed")))


BEHALF_AGREED = ("yes", "no")
MAX_BEHALF = 200
_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")


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
    behalf: Behalf | None = None

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
    behalf = _behalf(draft, errors)
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
        behalf=behalf,
    )


def _behalf(draft: ReportDraft, errors: dict[str, str]) -> Behalf | None:
    """Nothing about someone else filled in: the filer is the person affected."""
    name, site = draft.behalf_name.strip(), draft.behalf_site.strip()
    user = draft.behalf_user if draft.behalf_user and _SLACK_USER.match(draft.behalf_user) else None
    if not (name or site or user or draft.behalf_agreed):
        return None
    if len(name) > MAX_BEHALF:
        errors["behalf_name"] = "error.too_long"
    elif not (name or user):
        errors["behalf_name"] = "behalf.error_who"
    if len(site) > MAX_BEHALF:
        errors["behalf_site"] = "error.too_long"
    if draft.behalf_agreed not in BEHALF_AGREED:
        errors["behalf_agreed"] = "error.required"
    return Behalf(name, site, user, draft.behalf_agreed == "yes")
