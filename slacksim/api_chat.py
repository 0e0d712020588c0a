"""Messages: ``chat.*``, ``reactions.add`` and POSTs to a ``response_url``."""

from __future__ import annotations

import time

from aiohttp import web

from slacksim.model import (
    BOT_USER_ID,
    RESPONSE_URL_CALL,
    WORKSPACE_URL,
    Args,
    Body,
    Call,
    Ephemeral,
    Message,
    ResponsePost,
)
from slacksim.state import SimState
from slacksim.wire import Bucket, RateLimited, SlackError, read_args, take, truthy


class ChatApi(SimState):
    def _chat_post_message(self, args: Args) -> Body:
        if not any(args.get(k) for k in ("text", "blocks", "attachments")):
            raise SlackError("no_text")
        cid = self.resolve_channel(str(args["channel"]))
        if not self._may_post_to(str(args["channel"]), cid):
            raise SlackError("channel_not_found")  # as Slack: a made-up ID, a user group
        if cid in self.channels and self.channels[cid].is_archived:
            raise SlackError("is_archived")
        if self._rate is not None:
            bucket = self._buckets.setdefault(cid, Bucket(*self._rate))
            wait = bucket.take()
            if wait:
                raise RateLimited(wait)
        thread_ts = args.get("thread_ts") or None
        msg = Message(
            cid,
            self._next_ts(),
            args.get("text"),
            args.get("blocks"),
            str(thread_ts) if thread_ts else None,
            args.get("metadata"),
            attachments=args.get("attachments"),
            reply_broadcast=truthy(args.get("reply_broadcast")),
        )
        self.all_messages.append(msg)
        return {"ok": True, "channel": cid, "ts": msg.ts, "message": msg.to_api()}

    def _may_post_to(self, given: str, cid: str) -> bool:
        """A registered channel, a known person (their DM), or a DM already opened."""
        if cid in self.channels:
            return True
        if given in self.users:
            return True
        return cid in self._dm_by_user.values() and cid[1:] in self.users

    def _chat_update(self, args: Args) -> Body:
        msg = self.find_message(str(args["channel"]), str(args["ts"]))
        if msg is None:
            raise SlackError("message_not_found")
        if msg.user != BOT_USER_ID:
            raise SlackError("cant_update_message")
        if len(str(args.get("text") or "")) > 4000:
            raise SlackError("msg_too_long")
        # Slack keeps fields the update omits (an empty list clears blocks).
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in args:
                setattr(msg, key, args[key])
        msg.update_count += 1
        return {
            "ok": True,
            "channel": msg.channel,
            "ts": msg.ts,
            "text": msg.text or "",
            "message": msg.to_api(),
        }

    def _chat_post_ephemeral(self, args: Args) -> Body:
        if not any(args.get(k) for k in ("text", "blocks", "attachments")):
            raise SlackError("no_text")
        eph = Ephemeral(
            self.resolve_channel(str(args["channel"])),
            str(args["user"]),
            self._next_ts(),
            args.get("text"),
            args.get("blocks"),
            args.get("thread_ts") or None,
        )
        self.all_ephemerals.append(eph)
        return {"ok": True, "message_ts": eph.ts}

    def _chat_get_permalink(self, args: Args) -> Body:
        cid = self.resolve_channel(str(args["channel"]))
        ch = self.channels.get(cid)
        if ch is not None and ch.is_private and BOT_USER_ID not in ch.members:
            raise SlackError("channel_not_found")  # a private channel the bot is not in
        msg = self.find_message(cid, str(args["message_ts"]))
        if msg is None:
            known = ch is not None or any(m.channel == cid for m in self.all_messages)
            raise SlackError("message_not_found" if known else "channel_not_found")
        link = f"{WORKSPACE_URL}archives/{msg.channel}/p{msg.ts.replace('.', '')}"
        if msg.is_reply:
            link += f"?thread_ts={msg.thread_ts}&cid={msg.channel}"
        return {"ok": True, "channel": msg.channel, "permalink": link}

    def _reactions_add(self, args: Args) -> Body:
        msg = self.find_message(str(args["channel"]), str(args["timestamp"]))
        if msg is None:
            raise SlackError("message_not_found")
        name = str(args["name"]).strip(":")
        if name in msg.reactions:
            raise SlackError("already_reacted")
        msg.reactions.append(name)
        self.reactions.append((msg.channel, msg.ts, name))
        return {"ok": True}

    async def _handle_response_url(self, request: web.Request) -> web.StreamResponse:
        """``respond()`` posts JSON here. Ephemeral (the default) lands in
        :meth:`ephemerals`; ``in_channel`` becomes a message when the channel is known."""
        user_id, channel = request.match_info["user_id"], request.query.get("channel")
        arrived = time.monotonic()
        try:
            args = await read_args(request)
        except ValueError:
            args = {}
        fault = None if self._down else take(self._failures, RESPONSE_URL_CALL)
        if self._down or fault is not None:
            status = 503 if fault is None else fault.status
            self.calls.append(Call(RESPONSE_URL_CALL, args, arrived, status, {"ok": False}))
            return web.Response(status=status, text=f"simulated HTTP {status}")
        self.responses.append(ResponsePost(user_id, channel, args))
        text, blocks = args.get("text"), args.get("blocks")
        thread_ts = args.get("thread_ts") or None
        if args.get("response_type") == "in_channel" and channel:
            self.all_messages.append(
                Message(channel, self._next_ts(), text, blocks, thread_ts, args.get("metadata"))
            )
        elif not truthy(args.get("delete_original")):
            eph = Ephemeral(channel or "", user_id, self._next_ts(), text, blocks, thread_ts)
            self.all_ephemerals.append(eph)
        self.calls.append(Call(RESPONSE_URL_CALL, args, arrived, 200, {"ok": True}))
        return web.json_response({"ok": True})
