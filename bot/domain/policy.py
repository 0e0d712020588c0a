"""The company's customer-harassment policy as versioned, bilingual data. Pure.

The policy is reviewed by the company, so its categories, response steps, texts and
reminder intervals live in TOML (``policy_data/default.toml`` is shipped; a company may
point the bot at its own file in the same format). Every case stores ``Policy.version`` so
it is known which policy it was handled under.

Reading and validating a file is bot/domain/policy_file.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

LANGUAGES = ("ja", "en")
# Ordered from most to least serious; severity is derived from these.
WEIGHTS = ("critical", "high", "medium", "low")
# "principle" steps hold for the whole case (privacy, no retaliation): they are shown
# as a standing reminder above the checklist, never a box to tick, and never reminded.
STEP_KINDS = ("action", "principle")
# Who a step belongs to, and so who its reminders mention: the case's lead, or the
# person on duty in the legal or counseling rotation (the two rotations every
# deployment has, bot/config/load.REQUIRED_ROTATIONS).
STEP_OWNERS = ("lead", "legal", "counseling")

@dataclass(frozen=True)
class Label:
    """A text in both languages the bot speaks."""

    ja: str
    en: str

    def get(self, lang: str) -> str:
        """The text for ``lang``; Slack locales such as "ja-JP" count as "ja".

        Anything that is not Japanese gets English, the fallback for every user.
        """
        if lang.replace("_", "-").split("-")[0].lower() == "ja":
            return self.ja
        return self.en


@dataclass(frozen=True)
class Category:
    id: str
    label: Label
    weight: str  # one of WEIGHTS
    mhlw_type: str  # an id of Policy.mhlw_types, or "" when none of the nine fits


@dataclass(frozen=True)
class Step:
    id: str
    title: Label
    text: Label
    remind_after: timedelta  # counted from when the case opened
    needs_note: bool  # completing it asks for a note (where the record is, report number)
    kind: str  # one of STEP_KINDS
    # Added in policy 2026-12-01; optional in the file, so older policy files still load
    # with the defaults (every step the lead's, none conditional, none done by a measure).
    owner: str = "lead"  # one of STEP_OWNERS
    conditional: bool = False  # may be marked "not applicable" with a reason
    completed_by: tuple[str, ...] = ()  # measure kinds that complete it once they count

    @property
    def is_principle(self) -> bool:
        return self.kind == "principle"


@dataclass(frozen=True)
class Option:
    id: str
    label: Label


@dataclass(frozen=True)
class Policy:
    version: str
    name: Label
    categories: tuple[Category, ...]
    mhlw_types: tuple[Option, ...]
    demand_valid: tuple[Option, ...]
    means_appropriate: tuple[Option, ...]
    conclusions: tuple[Option, ...]
    steps: tuple[Step, ...]  # in policy order
    contact_channels: tuple[Option, ...]
    # One script per contact channel id, in contact_channels order. A read-only mapping is
    # not hashable, so it is left out of the generated __hash__.
    stop_scripts: Mapping[str, Label] = field(hash=False)
    safety_advice: Label

    def category(self, id: str) -> Category:
        return _find(self.categories, id, "category", self.version)

    def step(self, id: str) -> Step:
        return _find(self.steps, id, "step", self.version)

    @property
    def checklist(self) -> tuple[Step, ...]:
        """The steps to handle (tick or mark not applicable), without the principles."""
        return tuple(s for s in self.steps if not s.is_principle)

    @property
    def principles(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.is_principle)

    def steps_completed_by(self) -> dict[str, tuple[str, ...]]:
        """Measure kind -> the checklist steps a counting measure of that kind completes."""
        out: dict[str, tuple[str, ...]] = {}
        for step in self.checklist:
            for kind in step.completed_by:
                out[kind] = (*out.get(kind, ()), step.id)
        return out

    def contact_channel(self, id: str) -> Option:
        return _find(self.contact_channels, id, "contact channel", self.version)


_Item = TypeVar("_Item", Category, Step, Option)


def _find(items: tuple[_Item, ...], id: str, what: str, version: str) -> _Item:
    for item in items:
        if item.id == id:
            return item
    raise KeyError(f"unknown {what} id {id!r} in policy {version}")
