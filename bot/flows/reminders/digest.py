"""The daily digest of open cases in the responders channel.

Each day's digest is a reminder row keyed by its local date, scheduled ahead: if the
bot is down at digest time it goes out when it is back, and it never goes twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlite_utils

from bot.config.reminders import ReminderSettings
from bot.context import Rules
from bot.domain.stored import OutboxKind, digest_key
from bot.flows.reminders.escalation import Post
from bot.views.reminders import DIGEST_MAX_CASES, DigestLine, build_digest
from db import handling, reminders
from db.cases import open_cases
from db.reminders import Reminder
from db.rows import immediate


def schedule_next_digest(
    db: sqlite_utils.Database, now: datetime, rules: Rules, s: ReminderSettings
) -> None:
    if s.digest_time is None:
        return
    tz = rules.config.timezone
    today = now.astimezone(tz).date()
    at = datetime.combine(today, s.digest_time, tzinfo=tz)
    if at <= now:  # today's has gone (or its row exists already): plan tomorrow's
        at = datetime.combine(today + timedelta(days=1), s.digest_time, tzinfo=tz)
    reminders.schedule(db, digest_key(at.date().isoformat()), "digest", at, now)


def _open_cases(
    db: sqlite_utils.Database, now: datetime, rules: Rules
) -> tuple[list[DigestLine], int]:
    heads, total = open_cases(db, DIGEST_MAX_CASES)
    lines = []
    for c in heads:
        done = handling.done_steps(db, c.id)
        overdue = sum(
            1
            for step in rules.policies.of(c.policy_version).checklist  # its own version
            if step.id not in done and c.reported_at + step.remind_after <= now
        )
        lines.append(
            DigestLine(c.case_no, c.severity, c.status, now - c.reported_at, c.lead, overdue)
        )
    return lines, total


def claim_digest(
    db: sqlite_utils.Database, r: Reminder, now: datetime, rules: Rules, s: ReminderSettings
) -> Post | None:
    with immediate(db):
        quiet = s.quiet_until(now, rules.config.timezone)
        if quiet is not None:
            reminders.defer(db, r.id, quiet)
            return None
        lines, total = _open_cases(db, now, rules)
        # Nothing open: the day's digest is done, silently.
        if not reminders.fire(db, r.id, now, "sent" if total else "skipped") or not total:
            return None
    text, blocks = build_digest(rules.config.language, lines, total)
    args = {"channel": rules.config.responders_channel, "text": text, "blocks": blocks}
    return Post((r.id,), args, None, OutboxKind.DIGEST)
