"""A responder changes a case's severity with a reason; the card, the escalation and
HR's figures follow (db/severity.py)."""

from __future__ import annotations

import logging
from typing import Any

from bot.context import AppContext
from bot.domain.severity import SEVERITIES, ack_target, is_critical
from bot.flows.case.guard import case_from_value, submission_refusal
from bot.flows.done import Done
from bot.i18n import t
from bot.slack.payloads import Press
from bot.slack.privately import Refused
from bot.views.actions_modals import submitted_choice, submitted_text, text_problem
from bot.views.severity import MAX_REASON, severity_modal
from db.handling import Outcome
from db.severity import change_severity

log = logging.getLogger(__name__)


async def open_severity(ctx: AppContext, press: Press, value: Any) -> None:
    case, _ = await case_from_value(ctx, press.user_id, value)
    lang = await ctx.people.lang(press.user_id)
    await ctx.client.views_open(trigger_id=press.trigger_id, view=severity_modal(lang, case))


async def submit_severity(ctx: AppContext, user_id: str, view: dict[str, Any]) -> Done:
    try:
        case, _ = await case_from_value(ctx, user_id, view.get("private_metadata"))
    except Refused as r:
        return await submission_refusal(ctx, user_id, r, "reason")
    lang = await ctx.people.lang(user_id)
    to = submitted_choice(view, "severity")
    if to not in SEVERITIES:
        return Done(errors={"severity": t(lang, "error.required")})
    reason = submitted_text(view, "reason")
    if problem := text_problem(reason, MAX_REASON):
        return Done(errors={"reason": t(lang, problem)})
    s = ctx.config.reminders
    critical = is_critical(ctx.policy_of(case), case.categories)

    def ack_for(severity: str) -> Any:
        if s.max_escalations == 0:
            return None
        return ack_target(severity, critical, s.ack_after, s.critical_ack_after)

    outcome = await ctx.store.run(
        change_severity, case.id, to, reason, ctx.clock.now(), user_id, ack_for
    )
    if outcome is Outcome.CLOSED:
        return Done(errors={"reason": t(lang, "act.refuse.closed", case_no=case.case_no)})
    if outcome is Outcome.ALREADY:
        return Done(errors={"severity": t(lang, "urgent.sev.same")})
    log.info("severity changed: case=%s to=%s", case.case_no, to)
    return Done(case_id=case.id)
