"""Recording the assessment and measures, and the second responder's confirmation."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.context import AppContext
from bot.domain import identifiers
from bot.domain.handling import (
    LAWYER_KINDS,
    MAX_DETAIL,
    MAX_REASON,
    MEASURE_ENDINGS,
    MEASURE_KINDS,
    Measure,
)
from bot.domain.identifiers import Customer
from bot.flows.case.guard import case_from_value, refresh_case
from bot.flows.case.guard import submission_refusal as refusal
from bot.flows.done import Done
from bot.i18n import t
from bot.slack.payloads import Press, view_id_of
from bot.slack.privately import Refused
from bot.views import customer_ids as customer_ids_view
from bot.views.actions_decisions import assessment_modal, measure_modal
from bot.views.actions_modals import (
    submitted_choice,
    submitted_choices,
    submitted_text,
    text_problem,
)
from bot.views.mrkdwn import user
from db import customer_ids, decisions, handling, timeline
from db.handling import Outcome

log = logging.getLogger(__name__)


async def open_assessment(ctx: AppContext, press: Press, value: Any) -> None:
    case, _ = await case_from_value(ctx, press.user_id, value)
    current = (await ctx.store.run(handling.load_handling, case.id)).assessment
    lang = await ctx.people.lang(press.user_id)
    view = assessment_modal(lang, case, ctx.policy_of(case), current)
    await ctx.client.views_open(trigger_id=press.trigger_id, view=view)


async def submit_assessment(ctx: AppContext, user_id: str, view: dict[str, Any]) -> Done:
    try:
        case, _ = await case_from_value(ctx, user_id, view.get("private_metadata"))
    except Refused as r:
        return await refusal(ctx, user_id, r, "reason")
    lang = await ctx.people.lang(user_id)
    p = ctx.policy_of(case)
    choices = {
        "demand_valid": (submitted_choice(view, "demand_valid"), p.demand_valid),
        "means_appropriate": (submitted_choice(view, "means_appropriate"), p.means_appropriate),
        "conclusion": (submitted_choice(view, "conclusion"), p.conclusions),
    }
    errors = {
        block: t(lang, "error.unknown_option")
        for block, (chosen, options) in choices.items()
        if chosen not in {o.id for o in options}
    }
    types = submitted_choices(view, "mhlw_types")
    if not set(types) <= {o.id for o in p.mhlw_types}:
        errors["mhlw_types"] = t(lang, "error.unknown_option")
    reason = submitted_text(view, "reason")
    if problem := text_problem(reason, MAX_REASON):
        errors["reason"] = t(lang, problem)
    if errors:
        return Done(errors=errors)
    outcome, version = await ctx.store.run(
        lambda db: decisions.record_assessment(
            db,
            case.id,
            ctx.clock.now(),
            user_id,
            demand_valid=choices["demand_valid"][0],
            means_appropriate=choices["means_appropriate"][0],
            conclusion=choices["conclusion"][0],
            mhlw_types=types,
            reason=reason,
            view_id=view_id_of(view),
        )
    )
    if outcome is Outcome.CLOSED:
        return Done(errors={"reason": t(lang, "act.refuse.closed", case_no=case.case_no)})
    log.info("assessment recorded: case=%s version=%s", case.case_no, version)
    return Done(case_id=case.id)


def _customer_for_measure(
    db: sqlite_utils.Database, case_id: int, user_id: str, at: datetime
) -> Customer:
    """The identifiers the modal shows; showing them is recorded like View details."""
    customer = customer_ids.of_case(db, case_id)
    if customer.values:
        timeline.add(db, case_id, at, user_id, "customer_ids_viewed")
    return customer


async def open_measure(ctx: AppContext, press: Press, value: Any) -> None:
    case, _ = await case_from_value(ctx, press.user_id, value)
    lang = await ctx.people.lang(press.user_id)
    customer = await ctx.store.run(
        _customer_for_measure, case.id, press.user_id, ctx.clock.now()
    )
    view = measure_modal(lang, case, customer)
    await ctx.client.views_open(trigger_id=press.trigger_id, view=view)


async def _applies_to(
    ctx: AppContext, case_id: int, kind: str, view: dict[str, Any]
) -> tuple[str, ...] | None:
    """The identifier kinds a customer measure applies to (only those the case holds);
    None when something else was chosen (a forged or stale modal)."""
    if kind not in identifiers.ON_CUSTOMER:
        return ()
    chosen = submitted_choices(view, customer_ids_view.APPLIES_TO)
    held = (await ctx.store.run(customer_ids.of_case, case_id)).values
    if not set(chosen) <= set(held):
        return None
    return tuple(k for k in held if k in chosen)


def _measure_detail(
    view: dict[str, Any], kind: str, lang: str
) -> tuple[dict[str, str], dict[str, str]]:
    """(detail, errors): the police need a report number, the lawyer a kind, "other" a note."""
    police_no, lawyer = submitted_text(view, "police_no"), submitted_choice(view, "lawyer")
    note = submitted_text(view, "detail")
    errors: dict[str, str] = {}
    if kind == "police_report" and not police_no:
        errors["police_no"] = t(lang, "act.measure.police_no_required")
    if kind == "lawyer" and lawyer not in LAWYER_KINDS:
        errors["lawyer"] = t(lang, "act.measure.lawyer_required")
    if kind == "other" and not note:
        errors["detail"] = t(lang, "error.required")
    for block, text in (("police_no", police_no), ("detail", note)):
        if len(text) > MAX_DETAIL:
            errors[block] = t(lang, "error.too_long")
    detail = {"note": note} if note else {}
    if kind == "police_report":
        detail["police_no"] = police_no
    if kind == "lawyer" and lawyer in LAWYER_KINDS:
        detail["lawyer"] = lawyer
    return detail, errors


async def submit_measure(ctx: AppContext, user_id: str, view: dict[str, Any]) -> Done:
    try:
        case, _ = await case_from_value(ctx, user_id, view.get("private_metadata"))
    except Refused as r:
        return await refusal(ctx, user_id, r, "kind")
    lang = await ctx.people.lang(user_id)
    kind = submitted_choice(view, "kind")
    if kind not in MEASURE_KINDS:
        return Done(errors={"kind": t(lang, "error.unknown_option")})
    detail, errors = _measure_detail(view, kind, lang)
    applies_to = await _applies_to(ctx, case.id, kind, view)
    if applies_to is None:
        errors[customer_ids_view.APPLIES_TO] = t(lang, "customer_ids.applies_unknown")
    if errors:
        return Done(errors=errors)
    outcome, _ = await ctx.store.run(
        lambda db: decisions.record_measure(
            db,
            case.id,
            ctx.clock.now(),
            user_id,
            kind,
            detail,
            view_id_of(view),
            completes=ctx.policy_of(case).steps_completed_by(),
            applies_to=applies_to or (),
        )
    )
    if outcome is Outcome.CLOSED:
        return Done(errors={"kind": t(lang, "act.refuse.closed", case_no=case.case_no)})
    log.info("measure recorded: case=%s kind=%s", case.case_no, kind)
    return Done(case_id=case.id)


async def confirm_measure(ctx: AppContext, press: Press, value: Any) -> None:
    # closed_ok: a Confirm left on a closed card (closed before close waited for pending
    # measures) is refused below, after the card is redrawn without it.
    case, extra = await case_from_value(ctx, press.user_id, value, closed_ok=True)
    measure_id = extra.get("measure")
    if not isinstance(measure_id, int):
        raise Refused("act.refuse.unknown_measure")
    outcome = await ctx.store.run(
        lambda db: decisions.confirm_measure(
            db,
            case.id,
            measure_id,
            ctx.clock.now(),
            press.user_id,
            completes=ctx.policy_of(case).steps_completed_by(),
        )
    )
    await refresh_case(ctx, case.id)
    if outcome is Outcome.CLOSED:
        raise Refused("act.refuse.closed", case_no=case.case_no)
    if outcome is not Outcome.APPLIED:
        current = await ctx.store.run(handling.load_handling, case.id)
        raise _not_confirmed(current.measure(measure_id), outcome)
    log.info("measure confirmed: case=%s", case.case_no)


def _not_confirmed(measure: Measure | None, outcome: Outcome) -> Refused:
    """Why a Confirm changed nothing, as the measure stands now: a stale card's button
    on a measure withdrawn or rejected meanwhile says so (and by whom); an id that is
    not this case's measure is unknown."""
    if measure is None:
        return Refused("act.refuse.unknown_measure")
    if measure.ended in MEASURE_ENDINGS:
        who = user(measure.ended_by or "")
        if measure.ended == "withdrawn":
            return Refused("measure_confirm.withdrawn", user=who)
        return Refused("measure_confirm.rejected", user=who)
    if outcome is Outcome.SAME_PERSON:
        return Refused("act.measure.same_person")
    if not measure.needs_confirmation:
        return Refused("measure_confirm.not_needed")
    return Refused("act.measure.already_confirmed")
