""""I'm going": the person who goes to an employee in danger says so (issue 11).

The first one is recorded in the timeline and on the card, the summons stops
widening, and the employee hears that someone is on the way (without a name). The
case counts as acknowledged only if that person is of the team. A person summoned
for the case by DM (db/summons.py) may press it there even if they are not in the
responders channel: that one thing, on that case; it opens nothing of the report."""

from __future__ import annotations

import logging
from typing import Any

from bot.context import AppContext
from bot.domain.case import Case
from bot.domain.stored import CaseStatus
from bot.flows.case.guard import may_see_cases, refresh_case, refuse_own_report
from bot.slack.payloads import Press
from bot.slack.privately import Refused
from bot.views.case_card import parse_action_value
from bot.views.mrkdwn import user
from db import summons
from db.cases import find_case_no
from db.urgent import helper_going, helper_of

log = logging.getLogger(__name__)


async def _case_to_go_to(ctx: AppContext, user_id: str, value: Any) -> tuple[Case, bool]:
    """The case, and whether this person is of the team (responders, HR)."""
    case_no, _ = parse_action_value(value)
    case = await ctx.store.run(find_case_no, case_no) if case_no else None
    if case is None:
        raise Refused("refuse.unknown_case")
    refuse_own_report(ctx, user_id, case)  # never asked to go to herself
    responder = await may_see_cases(ctx, user_id)
    if not responder and not await ctx.store.run(summons.was_summoned, case.id, user_id):
        raise Refused("act.refuse.not_allowed")
    if case.call_over and case.status != CaseStatus.CLOSED:  # an old button, reopened since
        raise Refused("urgent_after_close.going_over", case_no=case.case_no)
    if case.status == CaseStatus.CLOSED:
        raise Refused("act.refuse.closed", case_no=case.case_no)
    return case, responder


async def going(ctx: AppContext, press: Press, value: Any) -> None:
    case, responder = await _case_to_go_to(ctx, press.user_id, value)
    # Only the team's "I'm going" acknowledges the case for the team (db/urgent.py).
    if not await ctx.store.run(
        helper_going, case.id, ctx.clock.now(), press.user_id, responder
    ):
        who = await ctx.store.run(helper_of, case.id)
        await refresh_case(ctx, case.id)
        raise Refused("urgent.already_going", user=user(who) if who else "—")
    log.info("helper going: case=%s", case.case_no)
    ctx.kick_deliveries()
    await refresh_case(ctx, case.id)
