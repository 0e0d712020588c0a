"""What every HR request shares: the permission check, and private delivery.

Only configured HR users and members of the configured HR user groups pass; the
check runs on every request (never cached in a button or a modal), before any query.
Results go to the person's DM with the app: a message there stays private, survives
the slash command's 30-minute response_url, and is where files can be shared.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.context import AppContext
from bot.slack.privately import Refused

log = logging.getLogger(__name__)
# Says something short to the person right away (the slash command's response_url, or
# a DM for Home buttons, which have none): "working on it", a refusal, a usage hint.
Tell = Callable[[str], Awaitable[None]]


async def require_hr(ctx: AppContext, user_id: str) -> None:
    if not await ctx.people.is_hr(user_id):
        log.info("hr request refused: not HR")
        raise Refused("hr.refuse")


async def dm_channel(ctx: AppContext, user_id: str) -> str:
    """The app's DM channel with the person (files need a channel ID, not a user ID)."""
    resp = await ctx.client.conversations_open(users=user_id)
    return str(resp["channel"]["id"])


async def post_dm(ctx: AppContext, user_id: str, text: str, blocks: list[dict[str, Any]]) -> str:
    channel = await dm_channel(ctx, user_id)
    await ctx.client.chat_postMessage(
        channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False
    )
    return channel


def dm_teller(ctx: AppContext, user_id: str) -> Tell:
    async def tell(text: str) -> None:
        await ctx.client.chat_postMessage(channel=user_id, text=text)

    return tell
