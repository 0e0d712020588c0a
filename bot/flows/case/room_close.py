"""When a case with a private channel closes: the room is told, then archived unless
`[case_room] archive_at_close = false`. Called with every card refresh (which follows
every change, the close included); the database claim makes it happen once."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.context import AppContext
from bot.domain.case import Case
from bot.slack.errors import error_name
from bot.views.common import section
from bot.views.room import room_closing
from db import rooms

log = logging.getLogger(__name__)


async def close_room_if_due(ctx: AppContext, case: Case) -> None:
    if case.status != "closed" or case.room is None or case.room_closed:
        return  # the usual case: nothing to read or to do
    now = ctx.clock.now()
    channel = await ctx.store.run(rooms.claim_closing, case.id, now)
    if channel is None:
        return
    archive = ctx.config.case_room.archive_at_close
    text = room_closing(ctx.config.language, case.case_no, archive)
    try:
        await ctx.client.chat_postMessage(channel=channel, text=text, blocks=[section(text)])
        if archive:
            await ctx.client.conversations_archive(channel=channel)
            await ctx.store.run(rooms.archived, case.id, now, channel)
    except SlackApiError as e:
        # Told or archived by hand meanwhile, or the bot was removed: the case is closed
        # either way; the room stays as Slack has it.
        log.warning("case room close: case=%s error=%s", case.case_no, error_name(e))
