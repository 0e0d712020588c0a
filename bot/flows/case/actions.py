"""Acknowledge, lead, policy steps, close, reopen, timeline: the responders' buttons.

Each flow checks who may act, makes its change in one conditional transaction
(db/handling.py), then updates the card in place. "Nothing to do" (already done by
someone) and refusals are answered privately to the person who pressed.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlite_utils

from bot.context import AppContext
from bot.domain.case import Case
from bot.domain.case_record import TimelineEntry
from bot.domain.conversation import EVENTS as CONVERSATION_EVENTS
from bot.domain.handling import MAX_NOTE, MAX_SUMMARY, Handling, missing_for_close
from bot.flows.case.checklist import close_checklist, pending_text
from bot.flows.case.guard import (
    case_from_value,
    case_to_act_on,
    is_own_report,
    may_see_cases,
    refresh_case,
    submission_refusal,
)
from bot.flows.done import Done
from bot.i18n import t
from bot.slack.payloads import Press, view_id_of
from bot.slack.privately import Refused
from bot.views.actions_modals import (
    close_modal,
    lead_modal,
    step_note_modal,
    submitted_text,
    submitted_user,
    text_problem,
)
from bot.views.actions_timeline import timeline_modal
from bot.views.case_card import parse_action_value
from bot.views.mrkdwn import user
from db import conversation, handling, retention, timeline
from db.handling import Outcome
from db.sealed import PREFIX, unseal

log = logging.getLogger(__name__)


def _check(outcome: Outcome, already_key: str, **params: Any) -> None:
    if outcome is Outcome.CLOSED:
        raise Refused("act.refuse.closed", **params)
    if outcome is Outcome.ALREADY:
        raise Refused(already_key, **params)


async def acknowledge(ctx: AppContext, press: Press, value: Any) -> None:
    case, _ = await case_from_value(ctx, press.user_id, value)
    outcome = await ctx.store.run(
        handling.acknowledge, case.id, ctx.clock.now(), press.user_id, "button"
    )
    if outcome is Outcome.ALREADY:
        current = await ctx.store.run(handling.load_handling, case.id)
        who = user(current.acknowledged_by) if current.acknowledged_by else "—"
        await refresh_case(ctx, case.id)
        raise Refused("act.ack.already", user=who, case_no=case.case_no)
    _check(outcome, "act.ack.already", case_no=case.case_no, user="—")
    log.info("case acknowledged: case=%s", case.case_no)
    await refresh_case(ctx, case.id)


async def take_lead(ctx: AppContext, press: Press, value: Any) -> None:
    case, _ = await case_from_value(ctx, press.user_id, value)
    outcome = await ctx.store.run(handling.take_lead, case.id, ctx.clock.now(), press.user_id)
    if outcome is Outcome.ALREADY:
        current = await ctx.store.run(handling.load_handling, case.id)
        await refresh_case(ctx, case.id)
        raise Refused("act.lead.already", user=user(current.lead or press.user_id))
    _check(outcome, "act.lead.already", case_no=case.case_no, user="—")
    await refresh_case(ctx, case.id)


async def open_hand_lead(ctx: AppContext, press: Press, value: Any) -> None:
    case, _ = await case_from_value(ctx, press.user_id, value)
    current = await ctx.store.run(handling.load_handling, case.id)
    lang = await ctx.people.lang(press.user_id)
    view = lead_modal(lang, case, current.lead, press.user_id)
    await ctx.client.views_open(trigger_id=press.trigger_id, view=view)


async def submit_hand_lead(ctx: AppContext, user_id: str, view: dict[str, Any]) -> Done:
    try:
        case, _ = await case_from_value(ctx, user_id, view.get("private_metadata"))
    except Refused as r:
        return await submission_refusal(ctx, user_id, r, "lead")
    to = submitted_user(view, "lead")
    lang = await ctx.people.lang(user_id)
    # The lead must be someone who may act on the case, and never the reporter.
    try:
        eligible = bool(to) and not is_own_report(ctx, to, case) and await may_see_cases(ctx, to)
    except Refused as r:
        return await submission_refusal(ctx, user_id, r, "lead")
    if not eligible:
        return Done(errors={"lead": t(lang, "act.lead.not_responder")})
    outcome = await ctx.store.run(handling.hand_lead, case.id, ctx.clock.now(), user_id, to)
    if outcome is Outcome.CLOSED:
        return Done(errors={"lead": t(lang, "act.refuse.closed", case_no=case.case_no)})
    return Done(case_id=case.id)


async def step_done(ctx: AppContext, press: Press, value: Any) -> None:
    case, extra = await case_from_value(ctx, press.user_id, value)
    step = _step(ctx, case, extra)
    if step.needs_note:
        # The note says where the record is (policy step 3): ask for it in a modal.
        lang = await ctx.people.lang(press.user_id)
        await ctx.client.views_open(
            trigger_id=press.trigger_id, view=step_note_modal(lang, case, step)
        )
        return
    outcome = await ctx.store.run(
        handling.complete_step, case.id, step.id, ctx.clock.now(), press.user_id, None
    )
    await refresh_case(ctx, case.id)
    _check(outcome, "act.step.already_done", case_no=case.case_no)


def _step(ctx: AppContext, case: Case, extra: dict[str, Any]) -> Any:
    try:
        step = ctx.policy_of(case).step(str(extra.get("step")))
    except KeyError:
        raise Refused("act.refuse.unknown_step") from None
    if step.is_principle:  # a Done button on a checklist drawn before principles were lines
        raise Refused("checklist.principle")
    return step


async def submit_step_note(ctx: AppContext, user_id: str, view: dict[str, Any]) -> Done:
    meta = view.get("private_metadata")
    try:
        case, extra = await case_from_value(ctx, user_id, meta)
        step = _step(ctx, case, extra)
    except Refused as r:
        return await submission_refusal(ctx, user_id, r, "note")
    lang = await ctx.people.lang(user_id)
    note = submitted_text(view, "note")
    if problem := text_problem(note, MAX_NOTE):
        return Done(errors={"note": t(lang, problem)})
    outcome = await ctx.store.run(
        handling.complete_step, case.id, step.id, ctx.clock.now(), user_id, note
    )
    if outcome is Outcome.CLOSED:
        return Done(errors={"note": t(lang, "act.refuse.closed", case_no=case.case_no)})
    return Done(case_id=case.id)


async def step_undo(ctx: AppContext, press: Press, value: Any) -> None:
    case, extra = await case_from_value(ctx, press.user_id, value)
    step = _step(ctx, case, extra)
    # Its reminders resume (issue 12): the loop stopped them while it was handled.
    limit = ctx.config.reminders.max_step_reminders
    at, by = ctx.clock.now(), press.user_id
    outcome = await ctx.store.run(
        lambda db: handling.undo_step(
            db, case.id, step.id, at, by, remind_after=step.remind_after, max_reminders=limit
        )
    )
    await refresh_case(ctx, case.id)
    _check(outcome, "act.step.already_open", case_no=case.case_no)


async def open_close(ctx: AppContext, press: Press, value: Any) -> None:
    case, _ = await case_from_value(ctx, press.user_id, value)
    current = await ctx.store.run(handling.load_handling, case.id)
    missing = missing_for_close(current)
    lang = await ctx.people.lang(press.user_id)
    if missing:
        raise Refused("act.close.missing", missing=_missing_text(lang, missing, current))
    view = close_modal(lang, case, close_checklist(lang, ctx.policy_of(case), current))
    await ctx.client.views_open(trigger_id=press.trigger_id, view=view)


def _missing_text(lang: str, missing: list[str], current: Handling) -> str:
    def line(m: str) -> str:
        if m == "measure":  # names the measures still waiting (issue 12)
            return t(lang, "checklist.missing_measure", measures=pending_text(lang, current))
        return t(lang, f"act.close.missing_{m}")

    return "\n".join(f"• {line(m)}" for m in missing)


def _close(
    db: sqlite_utils.Database, case_id: int, at: Any, actor: str, summary: str, view_id: Any
) -> tuple[Outcome, list[str]]:
    outcome, missing = handling.close(db, case_id, at, actor, summary, view_id)
    if outcome is Outcome.APPLIED and not retention.identity_purged(db, case_id):
        # Queued after the commit of the close: the employee hears it privately (unless
        # retention deleted who they are: there is nobody left to tell).
        conversation.enqueue_closed_notice(db, case_id, at)
    return outcome, missing


async def submit_close(ctx: AppContext, user_id: str, view: dict[str, Any]) -> Done:
    try:
        case, _ = await case_from_value(ctx, user_id, view.get("private_metadata"))
    except Refused as r:
        return await submission_refusal(ctx, user_id, r, "summary")
    lang = await ctx.people.lang(user_id)
    summary = submitted_text(view, "summary")
    if problem := text_problem(summary, MAX_SUMMARY):
        return Done(errors={"summary": t(lang, problem)})
    view_id = view_id_of(view)
    outcome, missing = await ctx.store.run(
        _close, case.id, ctx.clock.now(), user_id, summary, view_id
    )
    if outcome is Outcome.INCOMPLETE:
        current = await ctx.store.run(handling.load_handling, case.id)
        text = t(lang, "act.close.missing", missing=_missing_text(lang, missing, current))
        return Done(errors={"summary": text})
    if outcome is Outcome.CLOSED:
        return Done(errors={"summary": t(lang, "act.refuse.closed", case_no=case.case_no)})
    log.info("case closed: case=%s", case.case_no)
    return Done(case_id=case.id, deliveries=outcome is Outcome.APPLIED)


async def reopen(ctx: AppContext, press: Press, value: Any) -> None:
    case, _ = await case_from_value(ctx, press.user_id, value, closed_ok=True)
    outcome = await ctx.store.run(handling.reopen, case.id, ctx.clock.now(), press.user_id)
    await refresh_case(ctx, case.id)
    if outcome is Outcome.ALREADY:
        raise Refused("act.reopen.already", case_no=case.case_no)
    log.info("case reopened: case=%s", case.case_no)


def _timeline(db: sqlite_utils.Database, case_id: int, actor: str, at: Any) -> list[Any]:
    # Recorded before it is shown, like View details: the timeline holds reasons and messages.
    timeline.add(db, case_id, at, actor, "timeline_viewed")
    return [
        TimelineEntry(e.at, e.actor, e.event, {k: _open(db, v) for k, v in _shown(e).items()})
        for e in timeline.entries(db, case_id)
    ]


def _shown(e: TimelineEntry) -> dict[str, Any]:
    """The timeline says that a message was exchanged, not its words: those are read
    in the conversation modal (bot/flows/case/conversation.py), recorded as such."""
    if e.event in CONVERSATION_EVENTS:
        return {k: v for k, v in e.detail.items() if k != "text"}
    return dict(e.detail)


def _open(db: sqlite_utils.Database, value: Any) -> Any:
    if not (isinstance(value, str) and value.startswith(PREFIX + ":")):
        return value
    try:
        return unseal(db, timeline.TEXT, value)
    except Exception:  # sealed by another part of the bot under another column name
        return "🔒"


async def show_timeline(ctx: AppContext, press: Press, value: Any) -> None:
    case_no, _ = parse_action_value(value)
    case = await case_to_act_on(ctx, press.user_id, case_no, closed_ok=True)
    entries = await ctx.store.run(_timeline, case.id, press.user_id, ctx.clock.now())
    lang = await ctx.people.lang(press.user_id)
    view = timeline_modal(lang, case, ctx.policy_of(case), ctx.config.timezone, entries)
    await ctx.client.views_open(trigger_id=press.trigger_id, view=view)
