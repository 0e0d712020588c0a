"""What `/ch-oncall` shows: who is on duty now and next for each rotation. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import t
from bot.views.common import Block, context, section
from bot.views.mrkdwn import user
from bot.views.reminders import local, rotation_label


@dataclass(frozen=True)
class RotationDuty:
    rotation: str
    member: str
    until: datetime
    override: bool
    next_member: str


def build_oncall(
    lang: str, duties: Sequence[RotationDuty], tz: ZoneInfo
) -> tuple[str, list[Block]]:
    title = t(lang, "oncall.header")
    lines = []
    for d in duties:
        lines.append(
            t(
                lang,
                "oncall.line",
                rotation=rotation_label(lang, d.rotation),
                member=user(d.member),
                until=local(d.until, tz),
                override=t(lang, "oncall.override_mark") if d.override else "",
                next=user(d.next_member),
            )
        )
    text = f"*{title}*\n" + "\n".join(lines)
    return text, [section(text), context(t(lang, "oncall.footer", tz=tz.key))]
