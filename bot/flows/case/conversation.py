"""Reading the conversation with the employee: a modal, for responders and HR only.

The thread carries only a notice that a message was exchanged (bot/views/conversation.py);
its button, and one in View details, open the words here. The same people as View
details may open it (members of the private responders channel of our own
organisation, and HR; never the reporter herself), and each opening is recorded in
the case timeline before anything is shown.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.context import AppContext
from bot.flows.case.guard import case_to_act_on
from bot.slack.payloads import Press
from bot.views.case_card import parse_action_value
from bot.views.conversation_modal import conversation_modal
from db import conversation

log = logging.getLogger(__name__)


async def open_conversation(ctx: AppContext, press: Press, value: Any) -> None:
    case_no, _ = parse_action_value(value)
    case = await case_to_act_on(ctx, press.user_id, case_no, closed_ok=True)
    exchanged = await ctx.store.run(
        conversation.open_conversation, case.id, ctx.clock.now(), press.user_id
    )
    lang = await ctx.people.lang(press.user_id)
    view = conversation_modal(lang, case, ctx.config.timezone, exchanged)
    if press.channel:  # the notice in the thread
        await ctx.client.views_open(trigger_id=press.trigger_id, view=view)
    else:  # the button in View details: on top of it, so closing goes back to it
        await ctx.client.views_push(trigger_id=press.trigger_id, view=view)
    log.info("conversation viewed: case=%s messages=%s", case.case_no, len(exchanged))
