"""Every version of the policy the bot has run with, and what changed between them. Pure.

A case is handled under the version it was opened under: its checklist, reminders,
counts, labels and texts come from that version, not from the file loaded now, so the
annual policy review never rewrites open cases (issue 12 §4). The bot keeps each
version's file in its database (db/policy_versions.py) and reads them all back at start
into a ``PolicyBook``; a new file applies to new cases only, and a responder may move an
open case to the current version with a reason.

A version is identified by its ``version`` string and its content: the TOML data, so an
edited comment or re-indented file is the same version, while any changed value is not.
Two different contents under one version string are refused at start (``clash``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from bot.domain.policy import Category, Label, Option, Policy, Step
from bot.domain.policy_file import PolicyError, policy_data

# What a step change is about, in the order HR's report lists them.
STEP_FIELDS = (
    "title", "text", "remind_after", "needs_note", "kind", "owner", "conditional", "completed_by"
)  # fmt: skip


def content_hash(raw: bytes, source: str) -> str:
    """sha256 of the file's TOML data in a canonical form (comments and layout ignored)."""
    data = policy_data(raw, source)
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class StoredVersion:
    """A row of policy_versions: the file as it was when the bot first ran with it."""

    version: str
    content_hash: str
    source: bytes
    first_seen: datetime


@dataclass(frozen=True)
class KnownVersion:
    version: str
    first_seen: datetime
    policy: Policy


def clash(source: str, version: str, earlier: StoredVersion) -> PolicyError:
    """The message an admin sees when an edited file kept the old version string."""
    when = earlier.first_seen.strftime("%Y-%m-%d %H:%M UTC")
    return PolicyError(
        source,
        "version",
        f"{version!r} is already the version of a different policy (first used {when}); "
        "cases opened under it keep that content. Give the edited policy a new version "
        "(for example today's date) and start again (docs/policy-file.md)",
    )


class PolicyBook:
    """The current policy (for new cases) and every earlier one (for the cases opened
    under it). Built with the current policy at start-up; `learn` adds what the database
    holds once it is open. A version nobody stored (a case from before versions were
    kept) falls back to the current policy: there is nothing else to show it with."""

    def __init__(self, current: Policy, raw: bytes = b"", source: str = "") -> None:
        self.current = current
        self.raw = raw  # the file as read at start: kept in the database under its version
        self.source = source
        self.content_hash = content_hash(raw, source) if raw else ""
        self._known: dict[str, KnownVersion] = {}

    def learn(self, versions: Iterable[KnownVersion]) -> None:
        for v in versions:
            self._known[v.version] = v

    def of(self, version: str) -> Policy:
        if version == self.current.version:
            return self.current
        known = self._known.get(version)
        return known.policy if known else self.current

    def is_current(self, version: str) -> bool:
        return version == self.current.version

    def known(self, version: str) -> bool:
        return version in self._known or version == self.current.version

    def all(self) -> tuple[Policy, ...]:
        """The current policy and every other stored version."""
        others = (v.policy for v in self._known.values() if v.version != self.current.version)
        return (self.current, *others)

    def titles(self) -> Policy:
        """The current policy with the steps only older versions have appended: for a
        list that names steps of cases under any version by id (the App Home's overdue
        steps), never for a checklist."""
        seen = {s.id for s in self.current.steps}
        older = []
        for p in self.all():
            for s in p.steps:
                if s.id not in seen:
                    seen.add(s.id)
                    older.append(s)
        return replace(self.current, steps=(*self.current.steps, *older))

    def labels(self) -> Policy:
        """`titles`, and also the categories, contact channels and conclusions only older
        versions have: for HR's figures over cases of any version (summary, chart, the
        export's summary sheet), which would otherwise show such a category's raw id."""
        p = self.titles()
        return replace(
            p,
            categories=_with_older(p.categories, (v.categories for v in self.all())),
            contact_channels=_with_older(
                p.contact_channels, (v.contact_channels for v in self.all())
            ),
            conclusions=_with_older(p.conclusions, (v.conclusions for v in self.all())),
            mhlw_types=_with_older(p.mhlw_types, (v.mhlw_types for v in self.all())),
        )

    @property
    def history(self) -> tuple[KnownVersion, ...]:
        """Every stored version, oldest first."""
        return tuple(sorted(self._known.values(), key=lambda v: (v.first_seen, v.version)))


_Labelled = TypeVar("_Labelled", Category, Option)


def _with_older(
    current: tuple[_Labelled, ...], every: Iterable[tuple[_Labelled, ...]]
) -> tuple[_Labelled, ...]:
    """`current` with the items (by id) only other versions have appended, in order."""
    seen = {c.id for c in current}
    older: list[_Labelled] = []
    for items in every:
        for item in items:
            if item.id not in seen:
                seen.add(item.id)
                older.append(item)
    return current + tuple(older)


@dataclass(frozen=True)
class StepChange:
    change: str  # "added" | "removed" | "changed"
    step: str  # the step id
    title: Label  # the newer version's title (the older's for a removed step)
    fields: tuple[str, ...] = ()  # for "changed": which of STEP_FIELDS differ


def step_changes(old: Policy, new: Policy) -> list[StepChange]:
    """The steps added, removed and changed from `old` to `new`, in `new`'s order
    (removed ones last, in `old`'s order)."""
    before = {s.id: s for s in old.steps}
    after = {s.id for s in new.steps}
    out: list[StepChange] = []
    for step in new.steps:
        was = before.get(step.id)
        if was is None:
            out.append(StepChange("added", step.id, step.title))
        elif fields := _differs(was, step):
            out.append(StepChange("changed", step.id, step.title, fields))
    out += [StepChange("removed", s.id, s.title) for s in old.steps if s.id not in after]
    return out


def _differs(a: Step, b: Step) -> tuple[str, ...]:
    return tuple(f for f in STEP_FIELDS if getattr(a, f) != getattr(b, f))


def new_steps(old: Policy, new: Policy) -> tuple[Step, ...]:
    """The checklist steps a case gains when moved from `old` to `new`."""
    had = {s.id for s in old.checklist}
    return tuple(s for s in new.checklist if s.id not in had)


def in_force(
    history: Sequence[KnownVersion], start: datetime | None, end: datetime | None
) -> list[KnownVersion]:
    """The versions in force at some time in [start, end) (None: open-ended), oldest
    first: each from when the bot first ran with it until the next one."""
    out = []
    for i, v in enumerate(history):
        until = history[i + 1].first_seen if i + 1 < len(history) else None
        began = end is None or v.first_seen < end
        if began and (until is None or start is None or until > start):
            out.append(v)
    return out
