""""I'm going": the person who goes to an employee in danger says so (issue 11).

The first one is recorded in the timeline and on the card, the case counts as
acknowledged, the summons stops widening, and the employee hears that someone is on
the way (without a name)."""

from __future__ import annotations

import logging
from typing import Any

from bot.context import AppContext
from bot.flows.case.guard import case_from_value, refresh_case
from bot.slack.payloads import Press
from bot.slack.privately import Refused
from bot.views.mrkdwn import user
from db.urgent import helper_going, helper_of

log = logging.getLogger(__name__)


async def going(ctx: AppContext, press: Press, value: Any) -> None:
    case, _ = await case_from_value(ctx, press.user_id, value)
    if not await ctx.store.run(helper_going, case.id, ctx.clock.now(), press.user_id):
        who = await ctx.store.run(helper_of, case.id)
        await refresh_case(ctx, case.id)
        raise Refused("urgent.already_going", user=user(who) if who else "—")
    log.info("helper going: case=%s", case.case_no)
    ctx.kick_deliveries()
    await refresh_case(ctx, case.id)
