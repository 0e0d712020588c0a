"""The bot's HTTP endpoint for Slack: check the signature first, parse the body right,
then hand Bolt a request it cannot misread.

Two defects of slack-bolt's own aiohttp route (1.30) make this module necessary:

- `parse_body` treats any form body that merely *contains* the word "payload" as an
  interaction payload, so `/report-ch the customer sent a payload of insults` (or any
  command typed in `#payload-team`) reaches Bolt as an empty body and gets 404.
  tests/test_http_endpoint.py feeds Bolt's parse_body those bodies: when a Bolt upgrade
  fixes it, that test says so and this module can shrink.
- Bolt parses the body before its signature middleware runs, so an unsigned request
  with a malformed body raised inside Bolt (500 and a traceback) — anyone could fill
  the logs. Here nothing is parsed until the signature is good.

Bolt's own signature middleware still runs afterwards; checking twice costs a hash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest

log = logging.getLogger(__name__)
# Slack's own rule: a request older (or newer) than five minutes may be a replay.
MAX_AGE_SECONDS = 60 * 5
# Slack's requests are small (a view state with 3,000-character inputs is ~60 KB).
MAX_BODY = 1024 * 1024
_TIMESTAMP = re.compile(r"^\d{1,12}$")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class BadBody(ValueError):
    """A signed body that is not a form or a JSON object Slack would send."""


def signature_ok(secret: str, body: bytes, timestamp: str, signature: str, now: float) -> bool:
    """Slack's v0 signature over the raw bytes (not a decoded string: a body that is not
    UTF-8 must be refused as unsigned or malformed, never raise)."""
    if not _TIMESTAMP.match(timestamp) or abs(now - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def _clean(value: Any) -> Any:
    """Replace lone surrogates (JSON allows "\\ud800"; UTF-8 does not) so nothing
    downstream fails to encode the text; everything else is kept as sent."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _json_object(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise BadBody("not JSON") from None
    if not isinstance(data, dict):
        raise BadBody("not a JSON object")
    return data


_OBJECTS = ("team", "channel", "container", "message", "enterprise")


def _check_interaction(body: dict[str, Any]) -> None:
    """The envelope of an interaction as Slack shapes it, which Bolt's matchers and our
    handlers rely on (`body["user"]["id"]`, `actions[0]["action_id"]`, `view["type"]`):
    a signed body of another shape is malformed, not a crash. A state that is not an
    object is malformed too; wrongly typed values *inside* the state
    are left to the form parsers, which answer them with form errors."""
    kind, user = body.get("type"), body.get("user")
    if not isinstance(kind, str) or not kind:
        raise BadBody("interaction without a type")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        raise BadBody("interaction without a user id")
    if any(not isinstance(body.get(k), dict | None) for k in _OBJECTS):
        raise BadBody("interaction field of the wrong type")
    actions = body.get("actions", [])
    if not isinstance(actions, list) or (kind == "block_actions" and not actions):
        raise BadBody("actions of the wrong shape")  # Bolt reads actions[0]
    if not all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions):
        raise BadBody("actions of the wrong shape")
    view = body.get("view")
    if view is None and not kind.startswith("view_"):
        return
    if (
        not isinstance(view, dict)
        or not isinstance(view.get("type"), str)
        # Slack always sends the state as an object (its values may still be mistyped:
        # those the form parsers answer with form errors).
        or not isinstance(view.get("state"), dict | None)
        or not all(
            isinstance(view.get(k), str | None) for k in ("id", "callback_id", "private_metadata")
        )
    ):
        raise BadBody("view of the wrong shape")


def parse_slack_body(text: str, content_type: str | None) -> dict[str, Any]:
    """The body as Slack meant it: JSON (events), a form with a `payload` field
    (interactions), or a plain form (slash commands)."""
    if not text:
        return {}
    if content_type == "application/json" or text.startswith("{"):
        body = _json_object(text)
    else:
        form: dict[str, Any] = dict(parse_qsl(text, keep_blank_values=True))
        # A `payload` key, not the word anywhere in the text (Bolt's mistake).
        if "payload" in form:
            body = _json_object(form["payload"])
            _check_interaction(body)
        else:
            body = form
    cleaned: dict[str, Any] = _clean(body)
    return cleaned


class _ParsedRequest(AsyncBoltRequest):
    """An HTTP-mode request whose body we parsed; a copy (for lazy listeners) keeps it
    instead of re-parsing the raw text with Bolt's parse_body."""

    @classmethod
    def of(
        cls, raw: str, body: dict[str, Any], query: str, headers: dict[str, str]
    ) -> _ParsedRequest:
        # Bolt parses `body` in __init__; give it nothing to misread, then set ours.
        req = cls(body="", query=query, headers=headers)  # type: ignore[arg-type]
        req.raw_body = raw  # Bolt's signature middleware checks this text
        req.body = body
        req.context = build_async_context(AsyncBoltContext(), body)
        return req

    def to_copyable(self) -> AsyncBoltRequest:
        copy = _ParsedRequest.of(self.raw_body, self.body, "", {})
        copy.query, copy.headers, copy.content_type = self.query, self.headers, self.content_type
        copy.context = self.context.to_copyable()
        copy.mode = self.mode
        return copy


def slack_route(
    app: AsyncApp, signing_secret: str, now: Callable[[], float] = time.time
) -> Callable[[web.Request], Any]:
    """The aiohttp handler for POST /slack/events."""

    async def handle(request: web.Request) -> web.StreamResponse:
        raw = await request.content.read(MAX_BODY + 1)
        if len(raw) > MAX_BODY:
            return web.Response(status=413, text="request too large")
        ts = request.headers.get("X-Slack-Request-Timestamp", "")
        sig = request.headers.get("X-Slack-Signature", "")
        if not signature_ok(signing_secret, raw, ts, sig, now()):
            return web.Response(status=401, text="invalid request signature")
        try:
            text = raw.decode("utf-8")
            body = parse_slack_body(text, request.content_type)
        except (UnicodeDecodeError, BadBody) as e:
            # Signed but not something Slack sends: say so; the body is not logged.
            log.warning("signed request with a malformed body refused (%s)", e)
            return web.Response(status=400, text="malformed request body")
        headers = {k: v for k, v in request.headers.items()}
        try:
            bolt_req = _ParsedRequest.of(text, body, request.query_string, headers)
        except (TypeError, AttributeError, KeyError, ValueError) as e:
            # Bolt reads team/user/channel by shape ("id" in team): a signed body whose
            # fields have the wrong types (team: 5) is malformed, not a server error.
            log.warning("signed request with a malformed body refused (%s)", type(e).__name__)
            return web.Response(status=400, text="malformed request body")
        return await to_aiohttp_response(await app.async_dispatch(bolt_req))

    return handle
