"""A private channel for a severe case: from the card's "Open a private case channel",
or by itself for an urgent case when `[case_room] auto_for_urgent` says so.

The channel is private (conversations.create is_private=true) and named from the case
number only (`ch-2026-0042`; a taken name gets `-2`, `-3`, ...). Invited: whoever asked,
the lead, the on-duty legal and counseling people and the HR contacts of the
configuration; never the reporter (the room is where the team talks about the case).
The bot posts the case summary there (never the narrative) with a link to the card, and
the card links the room; each step is in the case timeline. At close the room is told
and, by default, archived (bot/flows/case/room_close.py).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.context import AppContext
from bot.domain.case import Case
from bot.flows.case.guard import case_from_value, refresh_case
from bot.flows.oncall import on_duty
from bot.slack.errors import error_name
from bot.slack.payloads import Press
from bot.slack.privately import Refused, answer_privately
from bot.views.case_card import permalink
from bot.views.room import room_intro, room_name
from db import rooms
from db.cases import get_case

log = logging.getLogger(__name__)
BOT_ACTOR = "ch-responder"
NAME_TRIES = 5
_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")
_pending: set[asyncio.Task[None]] = set()  # auto-opened rooms under way (kept referenced)
CARD_WAIT = 60.0  # seconds an auto-opened room waits for its card to be posted


class RoomFailed(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


async def open_room(ctx: AppContext, press: Press, value: Any) -> None:
    """The card's button (responders only, like every case button)."""
    case, _ = await case_from_value(ctx, press.user_id, value)
    if case.room_channel is not None:
        raise Refused("room.exists", case_no=case.case_no, channel=_mention(case.room))
    try:
        channel = await make_room(ctx, case, press.user_id)
    except RoomFailed as e:
        raise Refused("room.failed", case_no=case.case_no, error=e.error) from None
    if channel is None:
        raise Refused("room.exists", case_no=case.case_no, channel="—")
    await answer_privately(ctx, press, "room.opened", case_no=case.case_no, channel=f"<#{channel}>")


def _mention(channel: str | None) -> str:
    return f"<#{channel}>" if channel else "—"


async def _create(ctx: AppContext, case: Case) -> tuple[str, str]:
    base = room_name(case.case_no)
    for n in range(1, NAME_TRIES + 1):
        name = base if n == 1 else f"{base}-{n}"
        try:
            resp = await ctx.client.conversations_create(name=name, is_private=True)
        except SlackApiError as e:
            if error_name(e) == "name_taken":  # e.g. an archived room of a reopened case
                continue
            raise RoomFailed(error_name(e)) from None
        channel = resp.get("channel") or {}
        if isinstance(channel.get("id"), str):
            return str(channel["id"]), name
        raise RoomFailed("no_channel")
    raise RoomFailed("name_taken")


async def _people(ctx: AppContext, case: Case, asked_by: str) -> list[str]:
    now = ctx.clock.now()
    wanted = [
        asked_by,
        case.lead or "",
        await on_duty(ctx, "legal", now),
        await on_duty(ctx, "counseling", now),
        *ctx.config.case_room.hr,
    ]
    # Never the reporter: not even when they are a responder or on duty themselves.
    return [
        u for u in dict.fromkeys(wanted)
        if _USER.match(u) and u != case.reporter_id and u != BOT_ACTOR
    ]  # fmt: skip


async def _invite(ctx: AppContext, channel: str, users: list[str]) -> list[str]:
    """Invite everyone at once; if Slack refuses the batch (one deactivated account, one
    already there), one by one, so the others still get in."""
    if not users:
        return []
    try:
        await ctx.client.conversations_invite(channel=channel, users=",".join(users))
        return users
    except SlackApiError as e:
        log.info("batch invite refused: error=%s; inviting one by one", error_name(e))
    done = []
    for u in users:
        try:
            await ctx.client.conversations_invite(channel=channel, users=u)
            done.append(u)
        except SlackApiError as e:
            if error_name(e) == "already_in_channel":
                done.append(u)
            else:
                log.warning("invite failed: error=%s", error_name(e))
    return done


async def make_room(ctx: AppContext, case: Case, actor: str) -> str | None:
    """Create, invite, post the summary, link the card; the channel, or None if the case
    already has one. Raises RoomFailed if Slack would not create it."""
    if not await ctx.store.run(rooms.claim, case.id):
        return None
    try:
        channel, name = await _create(ctx, case)
    except BaseException:
        await ctx.store.run(rooms.release, case.id)
        raise
    now = ctx.clock.now()
    await ctx.store.run(rooms.opened, case.id, channel, name, now, actor)
    log.info("case room opened: case=%s", case.case_no)
    invited = await _invite(ctx, channel, await _people(ctx, case, actor))
    await ctx.store.run(rooms.invited, case.id, ctx.clock.now(), actor, invited)
    case = await ctx.store.run(get_case, case.id)
    card = (
        permalink(ctx.workspace_url, case.card_channel, case.card_ts)
        if case.card_channel and case.card_ts
        else None
    )
    text, blocks = room_intro(ctx.config.language, case, ctx.config.timezone, card, invited)
    try:
        await ctx.client.chat_postMessage(channel=channel, text=text, blocks=blocks)
    except SlackApiError as e:
        log.warning("case room summary not posted: error=%s", error_name(e))
    await refresh_case(ctx, case.id)  # the card now links the room
    return channel


def auto_open(ctx: AppContext, case: Case) -> None:
    """An urgent case, when the configuration asks for it: the room opens once the card
    is in the channel (so each can link the other), in the background."""
    if not (ctx.config.case_room.auto_for_urgent and case.severity == "urgent"):
        return
    task = asyncio.create_task(_auto(ctx, case.id))
    _pending.add(task)
    task.add_done_callback(_pending.discard)


async def _auto(ctx: AppContext, case_id: int) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + CARD_WAIT
    case = await ctx.store.run(get_case, case_id)
    while not case.card_ts and loop.time() < deadline:
        await asyncio.sleep(0.2)
        case = await ctx.store.run(get_case, case_id)
    try:
        await make_room(ctx, case, BOT_ACTOR)
    except RoomFailed as e:
        log.warning("automatic case room not created: case=%s error=%s", case.case_no, e.error)
    except Exception as e:  # a background task: nobody else would see it
        log.error("automatic case room failed: case=%s error=%s", case.case_no, type(e).__name__)
