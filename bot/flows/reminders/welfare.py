"""The welfare check-in: some days after a case closes the employee is asked, privately,
whether they are all right, whether they would like counseling, and whether they have
been treated worse since they reported. That last answer reaches HR at once.

"I would like counseling" is her consent to be contacted (issue 11 §3), given here as in
her DM or My reports: the case's consent changes with its timeline entry and thread
note, and HR's figures count it; the counseling person on duty hears it from the
check-in's own notice (which names her, as she asked to be contacted), not twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils
from slack_sdk.errors import SlackApiError

from bot.config.reminders import ReminderSettings
from bot.context import AppContext, Rules
from bot.domain.stored import CaseStatus, OutboxKind, outbox_key, welfare_key
from bot.flows.reminders.duty import BOT_ACTOR
from bot.flows.reminders.escalation import Post
from bot.flows.report.mine import after_change
from bot.i18n import t
from bot.slack.errors import error_name
from bot.slack.payloads import Press
from bot.slack.privately import Refused
from bot.views.common import section
from bot.views.mrkdwn import user
from bot.views.welfare import ANSWERS, build_checkin, parse_welfare_value
from db import consent, outbox, overrides, reminders, timeline
from db.cases import find_case
from db.reminders import Reminder
from db.rows import immediate, iso

log = logging.getLogger(__name__)


def schedule_missing(db: sqlite_utils.Database, now: datetime, s: ReminderSettings) -> None:
    """Cases closed recently whose close scheduled no check-in get one (idempotent:
    the key names the close, so a check-in scheduled by the close itself is kept)."""
    if s.welfare_after is None:
        return
    for case_id, closed_at in reminders.recently_closed(db, now - s.welfare_after):
        reminders.schedule_welfare(db, case_id, closed_at, s.welfare_after)


def claim_checkin(
    db: sqlite_utils.Database, r: Reminder, now: datetime, rules: Rules, s: ReminderSettings
) -> Post | None:
    with immediate(db):
        case = find_case(db, r.case_id)
        # Reopened since (or closed again later: that close has its own check-in).
        if (
            case is None
            or case.status != CaseStatus.CLOSED
            or case.closed_at is None
            or r.key != welfare_key(case.id, iso(case.closed_at))
        ):
            reminders.fire(db, r.id, now, "skipped")
            return None
        quiet = s.quiet_until(now, rules.config.timezone)
        if quiet is not None:
            reminders.defer(db, r.id, quiet)
            return None
        if not reminders.fire(db, r.id, now, "sent"):
            return None
        timeline.add(db, case.id, now, BOT_ACTOR, "welfare_checkin_sent")
    days = (now - case.closed_at).days
    text, blocks = build_checkin(
        case.reporter_lang or rules.config.language, case.case_no, days, r.id
    )
    # Queued sealed (db/outbox.py): the channel is the reporter.
    return Post(
        (r.id,),
        {"channel": case.reporter_id, "text": text, "blocks": blocks},
        case.id,
        OutboxKind.WELFARE,
    )


@dataclass(frozen=True)
class Answered:
    case_id: int
    case_no: str
    lang: str
    days: int
    answers: frozenset[str]
    new: bool
    consent_changed: bool = False


@dataclass(frozen=True)
class Notice:
    """A private message the answer sends, decided before the transaction (languages
    need Slack) and queued in it, so it goes exactly once even through an outage."""

    to: str
    lang: str
    key: str
    params: tuple[tuple[str, str], ...] = ()


def _record_answer(
    db: sqlite_utils.Database,
    reminder_id: int,
    user_id: str,
    answer: str,
    now: datetime,
    notices: tuple[Notice, ...] = (),
    counselor: str | None = None,
) -> Answered:
    with immediate(db):
        r = reminders.get(db, reminder_id)
        case = find_case(db, r.case_id) if r is not None and r.kind == "welfare" else None
        if r is None or case is None:
            raise Refused("refuse.unknown_case")
        if case.reporter_id != user_id:
            raise Refused("welfare.not_yours")
        new = reminders.record_welfare_answer(db, reminder_id, answer, now)
        changed: list[str] = []
        if new and counselor is not None:
            agreed = consent.Choice(counseling=True, named=case.show_name)
            changed = consent.change_consent(
                db, case.id, now, user_id, agreed, consent.FROM_WELFARE, counselor, ping=False
            )
        if new:
            # The timeline is plain text: a confidential reporter is not named there.
            actor = user_id if case.show_name else "reporter"
            timeline.add(db, case.id, now, actor, "welfare_answered", answer=answer)
            if answer == "worse":
                # A flagged item: possible retaliation against someone who reported.
                timeline.add(db, case.id, now, actor, "retaliation_reported", flagged=True)
            for n in notices:
                text = t(n.lang, n.key, case_no=case.case_no, **dict(n.params))
                args = {"channel": n.to, "text": text, "blocks": [section(text)]}
                message = {"args": args, "reminders": []}
                notice = outbox_key(OutboxKind.NOTICE, reminder_id)
                outbox.enqueue_post(db, r.case_id, notice, message, now)
        answers = reminders.welfare_answers(db, reminder_id)
        closed = case.closed_at or now
        days = (r.due_at - closed).days
        return Answered(
            case.id, case.case_no, case.reporter_lang, days, answers, new, bool(changed)
        )


async def _hr_people(ctx: AppContext) -> list[str]:
    people = list(ctx.config.hr_users)
    for group in ctx.config.hr_groups:
        try:
            resp = await ctx.client.usergroups_users_list(usergroup=group)
        except SlackApiError as e:
            log.warning("HR group members unavailable: %s", error_name(e))
            continue
        people += [u for u in resp.get("users") or [] if u not in people]
    return people


async def _notices(ctx: AppContext, user_id: str, answer: str, now: datetime) -> tuple[Notice, ...]:
    """Who the answer tells: HR of possible retaliation, counseling of a request."""
    if answer == "worse":
        key = "welfare.hr_retaliation"
        return tuple([Notice(hr, await ctx.people.lang(hr), key) for hr in await _hr_people(ctx)])
    if answer == "counseling":
        rotation = ctx.config.rotations["counseling"]
        counselor = await ctx.store.run(overrides.on_duty, rotation, now)
        lang = await ctx.people.lang(counselor)
        employee = (("employee", user(user_id)),)
        return (Notice(counselor, lang, "welfare.counseling_request", employee),)
    return ()


async def answer_checkin(ctx: AppContext, press: Press, value: object) -> None:
    user_id, channel, ts = press.user_id, press.channel, press.message_ts
    rid = parse_welfare_value(value)
    answer = ANSWERS.get(press.action_id)  # type: ignore[call-overload]
    if rid is None or answer is None:
        raise Refused("refuse.unknown_case")
    now = ctx.clock.now()
    notices = await _notices(ctx, user_id, answer, now)
    counselor = notices[0].to if answer == "counseling" and notices else None
    a = await ctx.store.run(_record_answer, rid, user_id, answer, now, notices, counselor)
    if a.new and notices:
        ctx.kick_deliveries()
        log.info("welfare answer passed on: case=%s answer=%s", a.case_no, answer)
    if channel and ts:
        text, blocks = build_checkin(a.lang, a.case_no, a.days, rid, a.answers)
        await ctx.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    if a.consent_changed:  # the thread, the checklist, her confirmation and App Home
        await after_change(ctx, user_id, a.case_id)
