"""The summons DM to a person asked to go to a case happening now (issue 11), and
its redraw when the case changes (someone goes, she says where she is, it closes)."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.context import AppContext
from bot.domain.case import Case
from bot.domain.stored import parse_outbox_key
from bot.slack.errors import error_name
from bot.views.outgoing import Gone, Outgoing
from bot.views.summons_dm import helper_dm
from db import outbox, summons
from db.cases import get_case

log = logging.getLogger(__name__)


async def render_summons(ctx: AppContext, d: outbox.Delivery) -> Outgoing:
    person = parse_outbox_key(d.kind).ref or ""
    assert d.case_id is not None
    case = await ctx.store.run(get_case, d.case_id)
    if case.call_over or (case.helper and case.helper != person):
        raise Gone(d.kind)  # over, or someone else is on the way: nothing to ask
    update = await ctx.store.run(summons.earlier_sent, case.id, person, d.id)
    text, blocks = helper_dm(await ctx.people.lang(person), case, person, update)
    return Outgoing(person, text, blocks)


async def redraw_summons(ctx: AppContext, case: Case) -> None:
    """Every summons DM already in Slack, as the case is now (at close: without where
    she was or who she is; Slack keeps messages)."""
    for person, channel, ts in await ctx.store.run(summons.delivered, case.id):
        text, blocks = helper_dm(await ctx.people.lang(person), case, person)
        try:
            await ctx.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
        except SlackApiError as e:
            log.warning("summons DM not updated: case=%s error=%s", case.case_no, error_name(e))
