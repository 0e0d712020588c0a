"""Finding a delivery Slack may have posted although we never heard so.

After a timeout, a crash mid-call, a 5xx, `internal_error` or `fatal_error`, the message
may be in Slack. Every post carries its delivery ID in message metadata; before posting
again we read the conversation (or the thread) from the first attempt on, page by page,
however many messages came since: reading only the newest page would miss a copy
buried under a busy channel and post it twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

EVENT_TYPE = "ch_delivery"
# Slack stamps ts with its own clock; ours may be off, or have been stepped back since
# the first attempt. An hour earlier than our record is safe and costs a page or two.
SKEW = timedelta(hours=1)
PAGE = 200  # Slack's recommended page size for history and replies


def metadata(delivery_id: int) -> dict[str, Any]:
    return {"event_type": EVENT_TYPE, "event_payload": {"delivery": delivery_id}}


def _is_ours(message: dict[str, Any], delivery_id: int) -> bool:
    meta = message.get("metadata") or {}
    payload = meta.get("event_payload") or {}
    return bool(meta.get("event_type") == EVENT_TYPE and payload.get("delivery") == delivery_id)


async def find_posted(
    client: AsyncWebClient,
    delivery_id: int,
    channel: str,
    thread_ts: str | None,
    since: datetime,
) -> tuple[str, str] | None:
    """(channel, ts) of the delivery's message if Slack has it, else None."""
    if channel.startswith(("U", "W")):  # a DM addressed to a person
        opened = await client.conversations_open(users=channel)
        channel = opened["channel"]["id"]
    oldest = f"{(since - SKEW).timestamp():.6f}"
    cursor: str | None = None
    while True:
        if thread_ts:
            resp = await client.conversations_replies(
                channel=channel,
                ts=thread_ts,
                oldest=oldest,
                include_all_metadata=True,
                limit=PAGE,
                cursor=cursor,
            )
        else:
            resp = await client.conversations_history(
                channel=channel, oldest=oldest, include_all_metadata=True, limit=PAGE, cursor=cursor
            )
        for m in resp.get("messages") or []:
            if _is_ours(m, delivery_id):
                return channel, str(m["ts"])
        cursor = (resp.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return None
