"""Rotations: who is on duty (overrides applied), `/ch-oncall`, and HR's overrides."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlite_utils

from bot.context import AppContext, Rules
from bot.domain.durations import parse_duration
from bot.i18n import t
from bot.slack.people import LookupFailed
from bot.slack.privately import Refused
from bot.views.common import Block, section
from bot.views.mrkdwn import user
from bot.views.oncall import RotationDuty, build_oncall
from bot.views.reminders import local, rotation_label
from db import overrides

log = logging.getLogger(__name__)
MAX_OVERRIDE = timedelta(days=90)
MIN_YEAR, MAX_YEAR = 2000, 9000
# Slack turns "@person" into "<@U123|name>" (should_escape); a bare "<@U123>" is fine too.
_OVERRIDE = re.compile(
    r"^override\s+(?P<rotation>\S+)\s+<@(?P<member>[UW][A-Z0-9]+)(?:\|[^>]*)?>"
    r"\s+until\s+(?P<until>.+)$",
    re.IGNORECASE,
)


async def on_duty(ctx: AppContext, rotation: str, when: datetime) -> str:
    """Who is on duty for `rotation` at `when`: an HR override beats the schedule."""
    return await ctx.store.run(overrides.on_duty, ctx.config.rotations[rotation], when)


def parse_until(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """A duration ("12h", "2d"), an ISO date-time, or "YYYY-MM-DD HH:MM" local time.

    None when unreadable; Refused when readable but out of any sensible range."""
    text = text.strip()
    try:
        duration = parse_duration(text)
    except ValueError:
        duration = None
    if duration is not None:
        # "99999999d" is a valid duration but past datetime's range: refuse it as too
        # far before adding, or the addition raises after Slack was acked.
        if duration > MAX_OVERRIDE:
            raise Refused("oncall.too_far")
        return now + duration
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    # Years at datetime's edges overflow when converted to another zone later.
    if not MIN_YEAR <= when.year <= MAX_YEAR:
        raise Refused("oncall.past" if when.year < MIN_YEAR else "oncall.too_far")
    return when.replace(tzinfo=tz) if when.tzinfo is None else when


@dataclass(frozen=True)
class OverrideRequest:
    rotation: str
    member: str
    until: datetime


def parse_override(
    text: str, now: datetime, tz: ZoneInfo, rotations: dict[str, object]
) -> OverrideRequest:
    """Parse "override <rotation> <@U…> until <time>"; Refused names what is wrong."""
    m = _OVERRIDE.match(text.strip())
    if not m:
        raise Refused("oncall.usage")
    rotation = m["rotation"].lower()
    if rotation not in rotations:
        raise Refused("oncall.unknown_rotation")
    until = parse_until(m["until"], now, tz)
    if until is None:
        raise Refused("oncall.bad_time")
    if until <= now:
        raise Refused("oncall.past")
    if until - now > MAX_OVERRIDE:
        raise Refused("oncall.too_far")
    return OverrideRequest(rotation, m["member"], until)


def _duties(db: sqlite_utils.Database, rules: Rules, now: datetime) -> list[RotationDuty]:
    out = []
    for name, rotation in rules.config.rotations.items():
        d = overrides.duty_at(db, rotation, now)
        nxt = overrides.next_duty(db, rotation, now)
        out.append(RotationDuty(name, d.member, d.until, d.override, nxt.member))
    return out


async def show_oncall(ctx: AppContext, user_id: str) -> tuple[str, list[Block]]:
    if not await ctx.people.may_see_cases(user_id):
        raise Refused("oncall.refused")
    lang = await ctx.people.lang(user_id)
    duties = await ctx.store.run(_duties, ctx.rules, ctx.clock.now())
    return build_oncall(lang, duties, ctx.config.timezone)


async def set_override(ctx: AppContext, user_id: str, text: str) -> tuple[str, list[Block]]:
    """HR puts someone on duty until a time; stored, announced, and used everywhere."""
    if not await ctx.people.is_hr(user_id):
        if await ctx.people.may_see_cases(user_id):
            raise Refused("oncall.hr_only")
        raise Refused("oncall.refused")
    now = ctx.clock.now()
    req = parse_override(text, now, ctx.config.timezone, dict(ctx.config.rotations))
    # Whoever is on duty is pinged with case cards and reads their details: only a
    # member of the responders channel may be put there (issue 12).
    try:
        responder = await ctx.people.is_responder(req.member)
    except LookupFailed:
        raise Refused("oncall_manage.unverified", member=user(req.member)) from None
    if not responder:
        raise Refused("oncall_manage.not_responder", member=user(req.member))
    await ctx.store.run(overrides.add_override, req.rotation, req.member, now, req.until, user_id)
    log.info("rotation override set: rotation=%s", req.rotation)
    team = ctx.config.language
    notice = t(
        team,
        "oncall.override_notice",
        by=user(user_id),
        member=user(req.member),
        rotation=rotation_label(team, req.rotation),
        until=local(req.until, ctx.config.timezone),
    )
    # The record everyone sees: the team learns who to expect, the person that they are on.
    await ctx.client.chat_postMessage(
        channel=ctx.config.responders_channel,
        text=notice,
        blocks=[section(f":arrows_counterclockwise: {notice}")],
    )
    lang = await ctx.people.lang(user_id)
    reply = t(
        lang,
        "oncall.override_set",
        member=user(req.member),
        rotation=rotation_label(lang, req.rotation),
        until=local(req.until, ctx.config.timezone),
    )
    return reply, [section(reply)]
