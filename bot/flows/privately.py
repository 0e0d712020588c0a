"""Saying no, or that something failed, to one person only.

Every flow raises `Refused(i18n_key)` when the person may not do a thing; handlers
turn it into a private message in that person's language with `tell_privately`.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.context import AppContext
from bot.flows.slack_errors import error_name
from bot.i18n import t

log = logging.getLogger(__name__)


class Refused(Exception):
    """The person may not do this; the message (an i18n key) is shown to them privately."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


async def tell_privately(ctx: AppContext, user_id: str, channel_id: str | None, key: str) -> None:
    """A refusal or error, seen only by the person (DM when there is no channel context)."""
    lang = await ctx.people.lang(user_id)
    try:
        if channel_id:
            await ctx.client.chat_postEphemeral(channel=channel_id, user=user_id, text=t(lang, key))
        else:
            await ctx.client.chat_postMessage(channel=user_id, text=t(lang, key))
    except SlackApiError as e:
        log.warning("could not tell user: %s", error_name(e))
