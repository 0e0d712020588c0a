"""Requests as Slack sends them to the bot: signed slash commands and interaction payloads.

Used by the tests, the demo and the benchmarks to drive the bot's real HTTP endpoint.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from slacksim.server import SlackSimulator

TEAM = "T0SIM"
APP = "A0SIM"


@dataclass(frozen=True)
class Reply:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class SlackRequests:
    def __init__(
        self,
        events_url: str,
        signing_secret: str,
        sim: SlackSimulator,
        session: aiohttp.ClientSession,
    ) -> None:
        self.url = events_url
        self.secret = signing_secret
        self.sim = sim
        self.session = session

    def sign(self, body: str, timestamp: int | None = None) -> dict[str, str]:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        sig = SignatureVerifier(self.secret).generate_signature(timestamp=ts, body=body)
        assert sig is not None  # generate_signature only returns None for a None secret
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}

    async def post(
        self,
        body: str,
        content_type: str,
        headers: dict[str, str] | None = None,
        *,
        timestamp: int | None = None,
    ) -> Reply:
        h = {"Content-Type": content_type, **self.sign(body, timestamp), **(headers or {})}
        async with self.session.post(self.url, data=body.encode(), headers=h) as resp:
            return Reply(resp.status, await resp.text())

    async def slash(
        self, command: str, user_id: str, text: str = "", channel_id: str = "C0GENERAL1",
        trigger_id: str | None = None,
    ) -> Reply:
        body = urlencode(
            {
                "token": "legacy",
                "team_id": TEAM,
                "team_domain": "sim",
                "channel_id": channel_id,
                "channel_name": "general",
                "user_id": user_id,
                "user_name": user_id.lower(),
                "command": command,
                "text": text,
                "api_app_id": APP,
                "response_url": f"{self.sim.base_url}response/{user_id}",
                "trigger_id": trigger_id or self.sim.new_trigger(user_id),
            }
        )
        return await self.post(body, "application/x-www-form-urlencoded")

    async def interact(
        self, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> Reply:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded", headers)

    def _user(self, user_id: str) -> dict[str, str]:
        return {"id": user_id, "username": user_id.lower(), "team_id": TEAM}

    async def submit_view(
        self, user_id: str, view: dict[str, Any], values: dict[str, Any]
    ) -> Reply:
        """Submit a modal the bot opened, with `values` as Slack puts them in view.state."""
        submitted = {**view, "state": {"values": values}, "team_id": TEAM, "app_id": APP}
        submitted.setdefault("id", "V" + str(abs(hash(json.dumps(view, sort_keys=True))))[:10])
        return await self.interact(
            {
                "type": "view_submission",
                "team": {"id": TEAM},
                "user": self._user(user_id),
                "api_app_id": APP,
                "token": "legacy",
                "trigger_id": self.sim.new_trigger(user_id),
                "view": submitted,
            }
        )

    async def click(
        self,
        user_id: str,
        action_id: str,
        value: str = "",
        *,
        channel: str | None = None,
        message_ts: str | None = None,
        thread_ts: str | None = None,
        block_id: str = "b",
        view: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": self._user(user_id),
            "api_app_id": APP,
            "token": "legacy",
            "trigger_id": self.sim.new_trigger(user_id),
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": block_id,
                    "value": value,
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        if channel:
            payload["channel"] = {"id": channel}
            payload["container"] = {
                "type": "message",
                "channel_id": channel,
                "message_ts": message_ts,
                "is_ephemeral": False,
            }
            payload["message"] = {"ts": message_ts, "thread_ts": thread_ts or message_ts}
        if view is not None:
            payload["view"] = view
            payload["container"] = {"type": "view", "view_id": view.get("id")}
        return await self.interact(payload, headers)

    async def global_shortcut(self, user_id: str, callback_id: str, trigger_id: str) -> Reply:
        """A shortcut from the shortcut menu, shaped like Bolt's own test fixture."""
        return await self.interact(
            {
                "type": "shortcut",
                "token": "legacy",
                "action_ts": f"{time.time():.6f}",
                "team": {"id": TEAM, "domain": "sim"},
                "user": self._user(user_id),
                "is_enterprise_install": False,
                "callback_id": callback_id,
                "trigger_id": trigger_id,
            }
        )

    async def message_shortcut(
        self,
        user_id: str,
        callback_id: str,
        trigger_id: str,
        *,
        channel: str,
        message: dict[str, Any],
        channel_name: str = "general",
    ) -> Reply:
        """A message shortcut (`message_action`), shaped like Bolt's own test fixture:
        the whole message travels in the payload, so the bot need not be in the
        channel. `message` is Slack's message object (text, user, ts, team/user_team)."""
        return await self.interact(
            {
                "type": "message_action",
                "token": "legacy",
                "action_ts": f"{time.time():.6f}",
                "team": {"id": TEAM, "domain": "sim"},
                "user": {"id": user_id, "name": user_id.lower(), "team_id": TEAM},
                "channel": {"id": channel, "name": channel_name},
                "is_enterprise_install": False,
                "callback_id": callback_id,
                "trigger_id": trigger_id,
                "message_ts": message["ts"],
                "message": {"type": "message", **message},
                "response_url": f"{self.sim.base_url}response/{user_id}?channel={channel}",
            }
        )

    async def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
    ) -> Reply:
        """An Events API delivery (`event_callback` envelope), as Slack POSTs it as JSON.
        A retry carries the same event_id and the x-slack-retry-num header."""
        envelope = {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": APP,
            "type": "event_callback",
            "event_id": event_id or "Ev" + secrets.token_hex(6).upper(),
            "event_time": int(time.time()),
            "event": event,
        }
        headers = {} if retry_num is None else {
            "X-Slack-Retry-Num": str(retry_num),
            "X-Slack-Retry-Reason": "http_timeout",
        }
        return await self.post(json.dumps(envelope), "application/json", headers)
