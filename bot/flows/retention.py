"""Retention: the scheduled purge, and legal holds set and released by HR.

The purge runs at start and then every `check_hours`; each (case, rule) is one short
transaction so the bot keeps answering Slack while it works.
"""

from __future__ import annotations

import logging
import re

from bot.config.retention import RULES, Retention
from bot.context import AppContext
from bot.loops import Loop
from bot.slack.privately import Refused
from db import reported_messages, retention
from db.cases import find_case_no
from db.store import checkpoint

log = logging.getLogger(__name__)
_CASE_NO = re.compile(r"^CH-\d{4}-\d{4,6}$")
MAX_REASON = 1000


async def purge_due(ctx: AppContext, settings: Retention | None = None) -> int:
    """Apply every retention rule that is due; returns how many (case, rule) were purged."""
    settings = settings or ctx.config.retention
    done = 0
    for rule in RULES:
        while True:
            now = ctx.clock.now()
            due = await ctx.store.run(retention.due, rule, settings.periods[rule], now)
            purged = 0
            for case_id, case_no in due:
                if await ctx.store.run(retention.purge, case_id, rule, now):
                    purged += 1
                    log.info("retention purge: case=%s rule=%s", case_no, rule)
            done += purged
            if len(due) < 100 or purged == 0:
                break
    # Messages reported from a shortcut whose form was never submitted (issue 13).
    forgotten = await ctx.store.run(reported_messages.forget_unclaimed, ctx.clock.now())
    if forgotten:
        log.info("retention: %d unsubmitted reported messages deleted", forgotten)
        done += forgotten
    if done:
        ctx.kick_deliveries()  # an evidence purge queued deletions of shared copies
    # The purged values are zeroed in their pages (secure_delete) but their old pages
    # are still in the file and the WAL until a checkpoint copies and truncates.
    if done and not await ctx.store.run(checkpoint):
        log.warning("retention: checkpoint incomplete (readers); the next purge retries")
    return done


class RetentionLoop(Loop):
    name = "retention"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.settings = ctx.config.retention

    async def tick(self) -> int:
        return await purge_due(self.ctx, self.settings)

    async def next_wait(self) -> float:
        return self.settings.check_every.total_seconds()

    async def after_error(self, error: Exception) -> float:
        log.error("retention purge failed: %s", type(error).__name__)
        return await self.next_wait()  # a failed run is retried at the next tick


def parse_hold_command(text: str) -> tuple[str, str, str] | None:
    """`set CH-2026-0001 reason…` / `release CH-2026-0001` -> (verb, case no, reason)."""
    parts = text.strip().split(maxsplit=2)
    if len(parts) < 2 or parts[0].lower() not in ("set", "release"):
        return None
    verb, case_no = parts[0].lower(), parts[1].upper()
    reason = parts[2].strip() if len(parts) > 2 else ""
    if not _CASE_NO.match(case_no) or (verb == "set" and not reason) or len(reason) > MAX_REASON:
        return None
    return verb, case_no, reason


async def hold_command(ctx: AppContext, user_id: str, text: str) -> tuple[str, dict[str, str]]:
    """(i18n key, params) of the answer; refuses anyone who is not HR."""
    if not await ctx.people.is_hr(user_id):
        raise Refused("trust.hold_not_hr")
    parsed = parse_hold_command(text)
    if parsed is None:
        return "trust.hold_usage", {}
    verb, case_no, reason = parsed
    case = await ctx.store.run(find_case_no, case_no)
    if case is None:
        raise Refused("refuse.unknown_case")
    now = ctx.clock.now()
    if verb == "set":
        changed = await ctx.store.run(retention.set_hold, case.id, user_id, reason, now)
        log.info("legal hold set: case=%s changed=%s", case_no, changed)
        return ("trust.hold_set" if changed else "trust.hold_already"), {"case_no": case_no}
    changed = await ctx.store.run(retention.release_hold, case.id, user_id, now)
    log.info("legal hold released: case=%s changed=%s", case_no, changed)
    return ("trust.hold_released" if changed else "trust.hold_none"), {"case_no": case_no}
