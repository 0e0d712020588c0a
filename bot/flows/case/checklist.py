"""A checklist that fits the case: a conditional step marked not applicable, a pending
severe measure withdrawn or rejected, and what the close modal says about both.

Who may act is checked on the press and again on the submission (the modal may have
been open for a while); each change is one conditional transaction (db/steps.py,
db/decisions.py) and the card and checklist are redrawn after it.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.context import AppContext
from bot.domain.case import Case
from bot.domain.handling import MAX_SHORT_REASON, MEASURE_ENDINGS, Handling, Measure
from bot.domain.policy import Policy, Step
from bot.flows.case.guard import case_from_value, refresh_case, submission_refusal
from bot.flows.done import Done
from bot.i18n import t
from bot.slack.payloads import Press
from bot.slack.privately import Refused
from bot.views.actions_modals import submitted_text, text_problem
from bot.views.checklist_modals import checklist_line, measure_end_modal, not_applicable_modal
from bot.views.common import Block
from bot.views.mrkdwn import user
from db import decisions, handling, steps
from db.handling import Outcome

log = logging.getLogger(__name__)


def conditional_step(ctx: AppContext, case: Case, extra: dict[str, Any]) -> Step:
    try:
        step = ctx.policy_of(case).step(str(extra.get("step")))
    except KeyError:
        raise Refused("act.refuse.unknown_step") from None
    if not step.conditional:
        raise Refused("checklist.not_conditional")
    return step


async def step_not_applicable(ctx: AppContext, press: Press, value: Any) -> None:
    case, extra = await case_from_value(ctx, press.user_id, value)
    step = conditional_step(ctx, case, extra)
    if step.id in (await ctx.store.run(handling.load_handling, case.id)).steps:
        await refresh_case(ctx, case.id)
        raise Refused("act.step.already_done")
    lang = await ctx.people.lang(press.user_id)
    view = not_applicable_modal(lang, case, step)
    await ctx.client.views_open(trigger_id=press.trigger_id, view=view)


async def submit_not_applicable(ctx: AppContext, user_id: str, view: dict[str, Any]) -> Done:
    try:
        case, extra = await case_from_value(ctx, user_id, view.get("private_metadata"))
        step = conditional_step(ctx, case, extra)
    except Refused as r:
        return await submission_refusal(ctx, user_id, r, "reason")
    lang = await ctx.people.lang(user_id)
    reason = submitted_text(view, "reason")
    if problem := text_problem(reason, MAX_SHORT_REASON):
        return Done(errors={"reason": t(lang, problem)})
    outcome = await ctx.store.run(
        steps.mark_not_applicable, case.id, step.id, ctx.clock.now(), user_id, reason
    )
    if outcome is Outcome.CLOSED:
        return Done(errors={"reason": t(lang, "act.refuse.closed", case_no=case.case_no)})
    if outcome is Outcome.ALREADY:
        return Done(errors={"reason": t(lang, "act.step.already_done")})
    log.info("step not applicable: case=%s step=%s", case.case_no, step.id)
    return Done(case_id=case.id)


def _pending(current: Handling, extra: dict[str, Any]) -> Measure:
    measure_id = extra.get("measure")
    found = current.measure(measure_id) if isinstance(measure_id, int) else None
    if found is None:
        raise Refused("act.refuse.unknown_measure")
    if not found.pending:
        raise Refused("measure_end.not_pending")
    return found


def _may_end(measure: Measure, ending: str, actor: str) -> None:
    """The recorder withdraws; only someone else may reject (the two-person rule)."""
    if ending == "withdrawn" and measure.recorded_by != actor:
        raise Refused("measure_end.not_recorder", user=user(measure.recorded_by))
    if ending == "rejected" and measure.recorded_by == actor:
        raise Refused("measure_end.own_measure")


async def _open_end(ctx: AppContext, press: Press, value: Any, ending: str) -> None:
    case, extra = await case_from_value(ctx, press.user_id, value, closed_ok=True)
    if case.status == "closed":  # a button left on a closed card: redraw it without
        await refresh_case(ctx, case.id)
        raise Refused("act.refuse.closed", case_no=case.case_no)
    current = await ctx.store.run(handling.load_handling, case.id)
    try:
        measure = _pending(current, extra)
    except Refused:
        await refresh_case(ctx, case.id)  # the card was out of date: redraw it
        raise
    _may_end(measure, ending, press.user_id)
    lang = await ctx.people.lang(press.user_id)
    view = measure_end_modal(lang, case, measure, ending)
    await ctx.client.views_open(trigger_id=press.trigger_id, view=view)


async def open_withdraw(ctx: AppContext, press: Press, value: Any) -> None:
    await _open_end(ctx, press, value, "withdrawn")


async def open_reject(ctx: AppContext, press: Press, value: Any) -> None:
    await _open_end(ctx, press, value, "rejected")


async def submit_measure_end(ctx: AppContext, user_id: str, view: dict[str, Any]) -> Done:
    try:
        case, extra = await case_from_value(ctx, user_id, view.get("private_metadata"))
        ending = str(extra.get("ending"))
        if ending not in MEASURE_ENDINGS:
            raise Refused("act.refuse.unknown_measure")
        _may_end(
            _pending(await ctx.store.run(handling.load_handling, case.id), extra), ending, user_id
        )
    except Refused as r:
        return await submission_refusal(ctx, user_id, r, "reason")
    lang = await ctx.people.lang(user_id)
    reason = submitted_text(view, "reason")
    if problem := text_problem(reason, MAX_SHORT_REASON):
        return Done(errors={"reason": t(lang, problem)})
    outcome = await ctx.store.run(
        decisions.end_measure,
        case.id,
        int(extra["measure"]),
        ctx.clock.now(),
        user_id,
        ending,
        reason,
    )
    if outcome is not Outcome.APPLIED:
        # Someone confirmed, rejected or withdrew it meanwhile, or the case was closed.
        key = "act.refuse.closed" if outcome is Outcome.CLOSED else "measure_end.not_pending"
        return Done(errors={"reason": t(lang, key, case_no=case.case_no)})
    log.info("measure %s: case=%s", ending, case.case_no)
    return Done(case_id=case.id)


def pending_text(lang: str, current: Handling) -> str:
    """Which severe measures still wait for a second responder, for the close refusal."""
    return "\n".join(
        "  - "
        + t(
            lang,
            "checklist.pending_measure",
            measure=t(lang, f"act.measure.{m.kind}"),
            user=user(m.recorded_by),
        )
        for m in current.awaiting_confirmation
    )


def close_checklist(lang: str, policy: Policy, current: Handling) -> Block:
    """The close modal's line: "10/10 handled", or which steps are still open."""
    checklist = policy.checklist
    open_titles = [s.title.get(lang) for s in checklist if s.id not in current.steps]
    return checklist_line(
        lang, current.handled(tuple(s.id for s in checklist)), len(checklist), open_titles
    )
