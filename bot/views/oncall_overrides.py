"""What `/ch-oncall overrides` and `/ch-oncall cancel` show HR. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.i18n import t
from bot.views.common import Block, context, section
from bot.views.mrkdwn import user
from bot.views.reminders import local, rotation_label


class OverrideRow(Protocol):
    """An override (db.overrides.Override has this shape; views do not import db)."""

    @property
    def id(self) -> int: ...
    @property
    def rotation(self) -> str: ...
    @property
    def member(self) -> str: ...
    @property
    def starts(self) -> datetime: ...
    @property
    def ends(self) -> datetime: ...
    @property
    def set_by(self) -> str: ...


def override_line(lang: str, o: OverrideRow, tz: ZoneInfo) -> str:
    return t(
        lang,
        "oncall_manage.line",
        id=o.id,
        rotation=rotation_label(lang, o.rotation),
        member=user(o.member),
        starts=local(o.starts, tz),
        until=local(o.ends, tz),
        by=user(o.set_by),
    )


def build_override_list(
    lang: str, overrides: Sequence[OverrideRow], tz: ZoneInfo
) -> tuple[str, list[Block]]:
    if not overrides:
        text = t(lang, "oncall_manage.none")
        return text, [section(text), context(t(lang, "oncall_manage.usage"))]
    lines = "\n".join(override_line(lang, o, tz) for o in overrides[:40])
    text = f"*{t(lang, 'oncall_manage.header')}*\n{lines}"
    return text, [section(text), context(t(lang, "oncall_manage.usage"))]


def cancelled_text(
    lang: str, key: str, by: str, overrides: Sequence[OverrideRow], tz: ZoneInfo
) -> str:
    lines = "\n".join(override_line(lang, o, tz) for o in overrides)
    return t(lang, key, by=user(by), lines="\n" + lines)
