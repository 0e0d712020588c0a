"""Reminder messages: escalation, open steps (with snooze), shift change, daily digest.

Pure builders. Mentions are built from IDs we hold (config, rotations, cases.lead),
never from user text; step titles come from the policy and are escaped anyway.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.i18n import t
from bot.views.common import Block, actions, button, context, section
from bot.views.counting import counted
from bot.views.ids import Action
from bot.views.mrkdwn import escape, user

SNOOZES = {
    Action.SNOOZE_1H: timedelta(hours=1),
    Action.SNOOZE_4H: timedelta(hours=4),
    Action.SNOOZE_1D: timedelta(days=1),
}
SNOOZE_LABELS = {
    Action.SNOOZE_1H: "remind.snooze_1h",
    Action.SNOOZE_4H: "remind.snooze_4h",
    Action.SNOOZE_1D: "remind.snooze_1d",
}
SNOOZE_BLOCK = "reminder.snooze"
DIGEST_MAX_CASES = 40  # a message holds 50 blocks; leave room for header and footer


def mention(member: str) -> str:
    """A user (U…/W…) or a user group (S…) mention; IDs come from config, never users."""
    return f"<!subteam^{member}>" if member.startswith("S") else user(member)


def mentions(members: Sequence[str]) -> str:
    seen: list[str] = []
    for m in members:
        if m and m not in seen:
            seen.append(m)
    return " ".join(mention(m) for m in seen)


def duration(lang: str, d: timedelta) -> str:
    minutes = max(0, int(d.total_seconds() // 60))
    if minutes < 120:
        return counted(lang, "remind.minutes", minutes)
    if minutes < 48 * 60:
        return counted(lang, "remind.hours", minutes // 60)
    return counted(lang, "remind.days", minutes // (24 * 60))


def local(when: datetime, tz: ZoneInfo) -> str:
    return when.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def build_escalation(
    lang: str, case_no: str, waited: timedelta, n: int, of: int, who: Sequence[str]
) -> tuple[str, list[Block]]:
    text = t(
        lang,
        "remind.escalated",
        case_no=case_no,
        waited=duration(lang, waited),
        n=n,
        of=of,
        mentions=mentions(who),
    )
    return text, [section(f":rotating_light: {text}")]


def snooze_value(reminder_ids: Sequence[int]) -> str:
    return json.dumps({"r": list(reminder_ids)}, separators=(",", ":"))


def parse_snooze_value(value: Any) -> list[int]:
    try:
        data = json.loads(value) if isinstance(value, str) else None
        ids = data.get("r") if isinstance(data, dict) else None
    except (ValueError, RecursionError):
        return []
    if not isinstance(ids, list):
        return []
    return [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]


def build_step_reminder(
    lang: str,
    case_no: str,
    step_titles: Sequence[str],
    who: Sequence[str],
    ids: Sequence[int],
    *,
    owners: Sequence[Sequence[str]] | None = None,
) -> tuple[str, list[Block]]:
    """`owners`: for each step, who it belongs to; named on its line when the steps
    belong to different people (the police step to legal, the lead's own steps...)."""
    text = t(lang, "remind.steps", case_no=case_no, mentions=mentions(who))
    per_step = owners is not None and len({tuple(o) for o in owners}) > 1
    lines = "\n".join(
        f"• {escape(title)}"
        + (
            t(lang, "checklist.reminder_owner", who=mentions(owners[i]))
            if owners and per_step
            else ""
        )
        for i, title in enumerate(step_titles)
    )
    buttons = [button(a, t(lang, SNOOZE_LABELS[a]), snooze_value(ids)) for a in SNOOZES]
    return text, [
        section(f":alarm_clock: {text}\n{lines}"),
        actions(SNOOZE_BLOCK, *buttons),
    ]


def snoozed_blocks(
    blocks: list[Block], lang: str, by: str, until: datetime, tz: ZoneInfo
) -> list[Block]:
    """The reminder as it was, its buttons replaced by who snoozed it until when."""
    kept = [b for b in blocks if b.get("block_id") != SNOOZE_BLOCK]
    return [*kept, context(t(lang, "remind.snoozed", user=user(by), until=local(until, tz)))]


def build_shift_ping(
    lang: str, case_no: str, rotation: str, member: str
) -> tuple[str, list[Block]]:
    text = t(
        lang,
        "remind.shift_change",
        case_no=case_no,
        user=user(member),
        rotation=rotation_label(lang, rotation),
    )
    return text, [section(f":arrows_counterclockwise: {text}")]


def rotation_label(lang: str, name: str) -> str:
    label = t(lang, f"oncall.rotation_{name}")
    return label if label != f"oncall.rotation_{name}" else escape(name)


@dataclass(frozen=True)
class DigestLine:
    case_no: str
    severity: str
    status: str
    age: timedelta
    lead: str | None
    overdue: int


def build_digest(lang: str, lines: Sequence[DigestLine], total: int) -> tuple[str, list[Block]]:
    text = t(lang, "remind.digest_header", count=total)
    blocks: list[Block] = [section(f":clipboard: *{text}*")]
    for d in lines[:DIGEST_MAX_CASES]:
        blocks.append(
            section(
                t(
                    lang,
                    "remind.digest_line",
                    case_no=d.case_no,
                    severity=t(lang, f"severity.{d.severity}"),
                    status=t(lang, f"status.{d.status}"),
                    age=duration(lang, d.age),
                    lead=user(d.lead) if d.lead else t(lang, "remind.no_lead"),
                    overdue=d.overdue,
                )
            )
        )
    if total > min(len(lines), DIGEST_MAX_CASES):
        more = total - min(len(lines), DIGEST_MAX_CASES)
        blocks.append(context(counted(lang, "remind.digest_more", more)))
    return text, blocks
