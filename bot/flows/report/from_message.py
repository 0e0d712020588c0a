"""The report shortcuts: "Report as harassment" on a message, and "Report harassment"
from the shortcut menu (the same form as /report-ch).

Slack's trigger expires 3 s after it sent the shortcut, so the form opens first, from
the payload alone (the message travels in it: the bot need not be in the channel, and
often is not: a Slack Connect channel with a customer, a DM). Only then is the message
kept, sealed (db/reported_messages.py), and Slack asked for its permalink, which it
gives only where the bot can see the channel; elsewhere the link built from the
channel and ts in Slack's documented format stands.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.context import AppContext
from bot.domain.reported_message import ReportedMessage, from_payload
from bot.flows.report.filing import open_report_form
from bot.slack.errors import error_name
from bot.views.report_extras import FromMessage
from bot.views.report_form import as_typed, build_report_form
from db import reported_messages

log = logging.getLogger(__name__)
LANG_BUDGET = 1.0  # seconds of the 3 s trigger the language look-up may take


async def open_from_shortcut(ctx: AppContext, body: dict[str, Any]) -> None:
    await open_report_form(ctx, body["user"]["id"], body["trigger_id"], prefill="")


async def _lang(ctx: AppContext, user_id: str) -> str:
    try:
        return await asyncio.wait_for(ctx.people.lang(user_id), LANG_BUDGET)
    except TimeoutError:
        return ctx.config.language


async def open_from_message(ctx: AppContext, body: dict[str, Any]) -> None:
    user_id, trigger_id = body["user"]["id"], body["trigger_id"]
    msg = from_payload(body)
    if msg is None:
        log.warning("message shortcut without a message; opening the plain form")
        await open_report_form(ctx, user_id, trigger_id, prefill="")
        return
    lang = await _lang(ctx, user_id)
    tz = ctx.config.timezone
    src = FromMessage(
        token=secrets.token_urlsafe(18),
        link=msg.permalink(ctx.workspace_url),
        at=msg.at,
        when=msg.at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        sender_external=msg.sender_external,
        text=as_typed(msg.text),
    )
    view = build_report_form(lang, ctx.policy, ctx.clock.now(), source=src)
    await ctx.client.views_open(trigger_id=trigger_id, view=view)
    log.info("report form opened from a message: external=%s", msg.sender_external)
    try:
        await ctx.store.run(reported_messages.keep, src.token, msg, src.link, ctx.clock.now())
    except Exception as e:  # the form is open: the report still goes in, with the link
        log.warning("reported message not kept: %s", type(e).__name__)
        return
    await _slacks_link(ctx, msg, src.token)


async def _slacks_link(ctx: AppContext, msg: ReportedMessage, token: str) -> None:
    """Slack's own permalink, where the bot may ask for it (a channel it is in)."""
    try:
        resp = await ctx.client.chat_getPermalink(channel=msg.channel, message_ts=msg.ts)
    except SlackApiError as e:
        # Expected where the bot is not in the conversation: the built link stands.
        log.info("permalink not available: error=%s", error_name(e))
        return
    except (aiohttp.ClientError, TimeoutError) as e:
        log.info("permalink not available: %s", type(e).__name__)
        return
    link = resp.get("permalink")
    if isinstance(link, str) and link.startswith("https://"):
        await ctx.store.run(reported_messages.set_permalink, token, link)
