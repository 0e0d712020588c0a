"""`/ch-cases announce #channel`: HR posts the policy announcement (both languages) to a
channel, and the bot records when and where it was made known (db/announcements.py).

The bot posts only where it is a member: it asks conversations.info first and, if it
is not in the channel, says so politely instead of failing or joining by itself.
"""

from __future__ import annotations

import logging
import re

from slack_sdk.errors import SlackApiError

from bot.context import AppContext
from bot.flows.hr.access import Tell, require_hr
from bot.i18n import t
from bot.slack.errors import error_name
from bot.views.announce import announcement
from db import announcements, audit

log = logging.getLogger(__name__)
# With should_escape, Slack sends a channel as <#C0123|name> (or <#C0123|> / <#C0123>).
_CHANNEL = re.compile(r"^<#([CG][A-Z0-9]{2,})(?:\|([^>]*))?>$")


async def announce(ctx: AppContext, user_id: str, text: str, tell: Tell) -> None:
    await require_hr(ctx, user_id)
    lang = await ctx.people.lang(user_id)
    m = _CHANNEL.match(text.strip())
    if m is None:
        await tell(t(lang, "hr.announce.usage"))
        return
    channel = m.group(1)
    try:
        info = (await ctx.client.conversations_info(channel=channel))["channel"]
    except SlackApiError as e:
        log.info("announce: channel not usable: %s", error_name(e))
        await tell(t(lang, "hr.announce.failed"))
        return
    if not info.get("is_member"):
        await tell(t(lang, "hr.announce.not_member", channel=channel))
        return
    name = str(info.get("name") or m.group(2) or "")
    fallback, blocks = announcement(ctx.policy)
    try:
        resp = await ctx.client.chat_postMessage(
            channel=channel, text=fallback, blocks=blocks, unfurl_links=False
        )
    except SlackApiError as e:
        log.info("announce: post refused: %s", error_name(e))
        key = (
            "hr.announce.not_member" if error_name(e) == "not_in_channel" else "hr.announce.failed"
        )
        await tell(t(lang, key, channel=channel))
        return
    now = ctx.clock.now()
    await ctx.store.run(
        announcements.record, now, channel, name, user_id, str(resp["ts"]), ctx.policy.version
    )
    await ctx.store.run(audit.record, now, user_id, "announce", name or channel)
    await tell(t(lang, "hr.announce.done", channel=channel))
    log.info("policy announced: channel=%s", channel)
