"""Reminders in the case thread: escalation when nobody acknowledges, open policy
steps, and pings when a shift changes while a case waits for acknowledgement.

Each decision (skip, defer for quiet hours, claim and schedule the next one) is one
transaction on the store's thread, which also queues the claimed reminder's message in
the outbox: the delivery loop posts it exactly once, through any outage (`queue`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from bot.config.reminders import ReminderSettings
from bot.context import Rules
from bot.domain.case import Case
from bot.domain.severity import SEVERITIES, ack_target, is_critical
from bot.domain.stored import (
    CaseStatus,
    OutboxKind,
    ack_key,
    outbox_key,
    shift_key,
    step_key,
    summon_key,
)
from bot.flows.reminders.duty import BOT_ACTOR, escalation_list, step_recipients
from bot.views.reminders import build_escalation, build_shift_ping, build_step_reminder
from bot.views.urgent import build_summons_escalation
from db import handling, outbox, overrides, reminders, summons, timeline
from db.cases import awaiting_ack, find_case
from db.reminders import Reminder
from db.rows import immediate, iso

NOT_POSTED_YET = timedelta(minutes=1)  # the card is still in the outbox: look again soon


@dataclass(frozen=True)
class Post:
    ids: tuple[int, ...]  # the reminders this message fires
    args: dict[str, Any]  # channel, text, blocks, thread_ts
    case_id: int | None
    kind: OutboxKind = OutboxKind.REMINDER  # or DIGEST, WELFARE, NOTICE
    # A widened summons: the people newly asked to go, each told by DM after the post.
    summon: tuple[str, ...] = ()


def queue(db: sqlite_utils.Database, posts: Sequence[Post | None], now: datetime) -> int:
    """Queue claimed reminders in the outbox; call inside the claiming transaction, so
    a reminder is fired exactly when its message is sure to go."""
    queued = 0
    for p in posts:
        if p is not None:
            message = {"args": p.args, "reminders": list(p.ids)}
            outbox.enqueue_post(db, p.case_id, outbox_key(p.kind, p.ids[0]), message, now)
            if p.summon and p.case_id is not None:
                summons.queue(db, p.case_id, p.summon, now)
            queued += 1
    return queued


def _hold(
    db: sqlite_utils.Database,
    rs: Sequence[Reminder],
    case: Case,
    now: datetime,
    rules: Rules,
    s: ReminderSettings,
    through_quiet: frozenset[str] = frozenset({"urgent"}),
) -> bool:
    """Defer when the thread is not in Slack yet, or for quiet hours (cases of the
    severities in `through_quiet` never wait: urgent ones for every reminder, and
    `[reminders] ack_through_quiet_hours` for the acknowledgement escalation). True
    if deferred."""
    until = None if case.card_ts else now + NOT_POSTED_YET
    if until is None and case.severity not in through_quiet:
        until = s.quiet_until(now, rules.config.timezone)
    if until is None:
        return False
    for r in rs:
        reminders.defer(db, r.id, until)
    return True


def waiting_case(db: sqlite_utils.Database, r: Reminder, now: datetime) -> Case | None:
    """The reminder's case if it still waits for an acknowledgement; else the reminder
    is skipped (someone has it, or it was closed) and None."""
    case = find_case(db, r.case_id)
    if case is None or case.acknowledged_at is not None or case.status != CaseStatus.NEW:
        reminders.fire(db, r.id, now, "skipped")
        return None
    return case


def claim_ack(
    db: sqlite_utils.Database, r: Reminder, now: datetime, rules: Rules, s: ReminderSettings
) -> Post | None:
    with immediate(db):
        if (case := waiting_case(db, r, now)) is None:
            return None
        # Quiet hours never delay a high or urgent case's escalation (configurable).
        through = s.ack_through_quiet_hours | {"urgent"}
        if _hold(db, [r], case, now, rules, s, through) or not reminders.fire(
            db, r.id, now, "sent"
        ):
            return None
        interval = case_plan_ack(rules, s, case)
        if interval is not None and r.attempt < s.max_escalations:
            n = r.attempt + 1
            reminders.schedule(
                db, ack_key(case.id, n), "ack", now + interval, now, case_id=case.id, attempt=n
            )
        who = escalation_list(db, rules.config, now)
        timeline.add(db, case.id, now, BOT_ACTOR, "escalated", attempt=r.attempt, notified=who)
    lang = rules.config.language
    text, blocks = build_escalation(
        lang, case.case_no, now - case.reported_at, r.attempt, s.max_escalations, who
    )
    args = {"channel": case.card_channel, "thread_ts": case.card_ts, "text": text, "blocks": blocks}
    return Post((r.id,), args, case.id)


def case_plan_ack(rules: Rules, s: ReminderSettings, case: Case) -> timedelta | None:
    """The case's acknowledgement interval now (its severity may have changed)."""
    critical = is_critical(rules.policy_of(case), case.categories)
    return ack_target(case.severity, critical, s.ack_after, s.critical_ack_after)


def claim_summon(
    db: sqlite_utils.Database, r: Reminder, now: datetime, rules: Rules, s: ReminderSettings,
    group_members: frozenset[str] = frozenset(),
) -> Post | None:  # fmt: skip
    """Nobody said "I'm going" to a case happening now: widen the call, at once, day
    or night (quiet hours never hold it). The thread mentions everyone asked (HR's user
    groups as groups); each person asked hears it by DM, a group's `group_members` in
    its place (a DM goes to a person)."""
    with immediate(db):
        case = find_case(db, r.case_id)
        if case is None or case.helper is not None or case.call_over:
            reminders.fire(db, r.id, now, "skipped")
            return None
        if _hold(db, [r], case, now, rules, s, frozenset(SEVERITIES)):
            return None  # only while the card is not in Slack yet
        if not reminders.fire(db, r.id, now, "sent"):
            return None
        if r.attempt < s.max_escalations:
            n = r.attempt + 1
            due = now + s.backup_after
            reminders.schedule(db, summon_key(case.id, n), "summon", due, now, case_id=case.id,
                               attempt=n)  # fmt: skip
        backup = rules.config.rotations.get("backup")
        nxt = [overrides.next_person(db, backup, now)] if backup else []
        if backup and nxt[0] == case.reporter_id:
            # She is never asked to go to herself; the one after her is asked instead,
            # so the call looks as it always does (her absence is no hint).
            nxt = [backup.after(nxt[0])]
        everyone = [*case.summoned, *nxt, *escalation_list(db, rules.config, now)]
        asked = [p for p in dict.fromkeys(everyone) if p != case.reporter_id]
        timeline.add(db, case.id, now, BOT_ACTOR, "summon_widened", attempt=r.attempt,
                     notified=asked)  # fmt: skip
    minutes = int((now - case.reported_at).total_seconds() // 60)
    text, blocks = build_summons_escalation(rules.config.language, case, minutes, asked)
    args = {"channel": case.card_channel, "thread_ts": case.card_ts, "text": text, "blocks": blocks}
    groups = set(rules.config.hr_groups)
    people = [p for p in asked if p not in groups] + sorted(group_members)
    dm = tuple(p for p in dict.fromkeys(people) if p != case.reporter_id)
    return Post((r.id,), args, case.id, summon=dm)  # each hears it by DM too


def claim_steps(
    db: sqlite_utils.Database,
    rs: Sequence[Reminder],
    now: datetime,
    rules: Rules,
    s: ReminderSettings,
) -> Post | None:
    """One message for a case's steps that fall due together; snoozing it snoozes them."""
    with immediate(db):
        case = find_case(db, rs[0].case_id)
        # The case's own version: a step it does not have is never reminded (issue 12).
        checklist = rules.policy_of(case).checklist if case else ()
        steps = {step.id: step for step in checklist}  # principles: never
        done = handling.done_steps(db, case.id) if case else set()
        live = []
        for r in rs:
            closed = case is None or case.status == CaseStatus.CLOSED
            if closed or r.chain in done or r.chain not in steps:
                reminders.fire(db, r.id, now, "skipped")
            else:
                live.append(r)
        if case is None or not live or _hold(db, live, case, now, rules, s):
            return None
        live = [r for r in live if reminders.fire(db, r.id, now, "sent")]
        for r in live:
            # Reminders sent, not attempts: one skipped while the step was handled
            # (then undone) was never seen and does not use up the chain.
            if reminders.sent_count(db, case.id, "step", r.chain) < s.max_step_reminders:
                n = r.attempt + 1
                reminders.schedule(
                    db,
                    step_key(case.id, r.chain, n),
                    "step",
                    now + steps[r.chain].remind_after,
                    now,
                    case_id=case.id,
                    chain=r.chain,
                    attempt=n,
                )
        # Each step's reminder mentions whoever the step belongs to (issue 12).
        owners = [
            step_recipients(db, rules.config, case, steps[r.chain].owner, now) for r in live
        ]
        who = list(dict.fromkeys(m for o in owners for m in o))
        timeline.add(
            db,
            case.id,
            now,
            BOT_ACTOR,
            "steps_reminded",
            steps=[r.chain for r in live],
            notified=who,
        )
    if not live:
        return None
    lang = rules.config.language
    titles = [steps[r.chain].title.get(lang) for r in live]
    ids = [r.id for r in live]
    text, blocks = build_step_reminder(lang, case.case_no, titles, who, ids, owners=owners)
    args = {"channel": case.card_channel, "thread_ts": case.card_ts, "text": text, "blocks": blocks}
    return Post(tuple(ids), args, case.id)


def claim_shift_pings(db: sqlite_utils.Database, now: datetime, rules: Rules) -> list[Post]:
    """Notice rotations whose person on duty changed since the last tick (or since the
    last run), and ping the new person in every thread still waiting for an
    acknowledgement. Costs O(rotations) when nothing changed."""
    with immediate(db):
        changed = []
        for name, rotation in rules.config.rotations.items():
            member = overrides.on_duty(db, rotation, now)
            seen = overrides.seen_duty(db, name)
            if seen != member:
                overrides.record_duty(db, name, member, now)
                if seen is not None:  # the first run has nothing to compare with
                    changed.append((name, member))
        if not changed:
            return []
        posts = []
        for case_id in awaiting_ack(db):
            case = find_case(db, case_id)
            assert case is not None
            for name, member in changed:
                key = shift_key(case.id, name, member, iso(now))
                pinged = (case.legal_on_duty, case.counseling_on_duty)  # when it was filed
                if member in pinged or not reminders.schedule(
                    db, key, "shift", now, now, case_id=case.id, chain=name
                ):
                    continue
                rid = reminders.id_of(db, key)
                reminders.fire(db, rid, now, "sent")
                timeline.add(
                    db, case.id, now, BOT_ACTOR, "shift_pinged", rotation=name, notified=[member]
                )
                text, blocks = build_shift_ping(rules.config.language, case.case_no, name, member)
                args = {
                    "channel": case.card_channel,
                    "thread_ts": case.card_ts,
                    "text": text,
                    "blocks": blocks,
                }
                posts.append(Post((rid,), args, case.id))
        return posts
